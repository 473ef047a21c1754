"""A capitalised one-word name the parser tags a common noun is a name when listed with names."""

from spacy.tokens import Doc

from dotterel.actors.kb import KnowledgeBase
from dotterel.actors.layers import add_actor
from dotterel.actors.matcher import build_name_matcher


def _matched(coder, tmp_path, words, pos, heads, deps):  # type: ignore[no-untyped-def]
    for name, code in (("Harnost", "CHL"), ("Mirelia", "PER")):
        add_actor(tmp_path / "L", name=name, code=code, sector=None, kind="country")
    matcher = build_name_matcher(coder.nlp, KnowledgeBase.load([str(tmp_path / "L")]))
    doc = Doc(coder.nlp.vocab, words=words, pos=pos, heads=heads, deps=deps)
    return {doc[h.start : h.end].text for h in matcher(doc)}


def test_a_common_noun_tagged_name_listed_with_a_proper_name_is_a_name(coder, tmp_path):  # type: ignore[no-untyped-def]
    words = ["Harnost", "and", "Mirelia", "welcomed", "it"]
    found = _matched(
        coder,
        tmp_path,
        words,
        ["NOUN", "CCONJ", "PROPN", "VERB", "PRON"],
        [3, 0, 0, 3, 3],
        ["nsubj", "cc", "conj", "ROOT", "dobj"],
    )
    assert found == {"Harnost", "Mirelia"}


def test_a_common_noun_tagged_name_alone_is_not_a_name(coder, tmp_path):  # type: ignore[no-untyped-def]
    words = ["Harnost", "welcomed", "Mirelia"]
    found = _matched(coder, tmp_path, words, ["NOUN", "VERB", "PROPN"], [1, 1, 1], ["nsubj", "ROOT", "dobj"])
    assert found == {"Mirelia"}
