"""The shipped Phoenix layer and names that several entries share (sentences written for these tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dotterel.actors.resolve import ArticleActors
from dotterel.nlp import parse


def _actors(coder, text: str, when: dt.date = dt.date(2019, 5, 1)):  # type: ignore[no-untyped-def]
    doc = next(iter(parse(coder.nlp, [text])))
    return doc, ArticleActors(doc, coder.kb, coder.matcher, when)


def _codes(doc, actors, word: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    tok = next(t for t in doc if t.text == word)
    return [(e.code, e.sector) for m in actors.resolve(tok) for e in m.entities]


def test_events_record_the_shipped_layer_version(coder) -> None:  # type: ignore[no-untyped-def]
    assert dict(coder.versions).get("kb.layer.phoenix")


def test_a_person_only_the_phoenix_dictionaries_know_is_coded(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Keizo Obuchi met the delegation in Tokyo.", dt.date(1999, 3, 1))
    assert [c for c, _ in _codes(doc, actors, "Obuchi")] == ["JPN"]


def test_a_town_gives_its_country_to_what_it_modifies_but_does_not_act(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Idlib residents protested. Aleppo was recaptured by the army.")
    assert _codes(doc, actors, "residents") == [("SYR", "CVL")]
    assert _codes(doc, actors, "Aleppo") == []


def test_a_capitalised_common_word_opening_a_sentence_is_not_a_name(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Youth groups marched. The youth wing of the party objected.")
    assert not any(doc[i].text.lower() == "youth" for i in actors.names)


@pytest.fixture(scope="module")
def shared_name(tmp_path_factory):  # type: ignore[no-untyped-def]
    from dotterel.actors.layers import import_petrarch_to
    from dotterel.pipeline import Coder

    tmp: Path = tmp_path_factory.mktemp("shared")
    (tmp / "s.actors.txt").write_text(
        "QUORIA [QUO]\nVALDORIA [VAL]\nQUORIA_STATE_BOARD\n+STATE_BOARD\n\t[QUOGOV]\n"
        "VALDORIA_STATE_BOARD\n+STATE_BOARD\n\t[VALGOV]\n",
        encoding="utf-8",
    )
    import_petrarch_to(tmp / "layer", [tmp / "s.actors.txt"])
    # the lexicon frames' reading: these tests are about who a name is, not which events the choice keeps
    return Coder.load(use_classifier=False, use_detector=False, kb_layers=[str(tmp / "layer")])


def test_a_name_two_countries_share_stays_uncoded_without_context(shared_name) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(shared_name, "The State Board rejected the plan.")
    tok = next(t for t in doc if t.text == "Board")
    (m,) = actors.resolve(tok)
    assert m.entities[0].code is None and "State Board" in m.text


def test_a_name_two_countries_share_takes_the_country_the_article_names(shared_name) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(shared_name, "In Valdoria, the State Board rejected the plan.")
    assert [c for c, _ in _codes(doc, actors, "Board")] == ["VAL"]


def test_an_undecided_shared_name_is_not_given_the_articles_country(shared_name) -> None:  # type: ignore[no-untyped-def]
    from dotterel.records import Article

    text = "Iran closed its border. Iranian officials met. The State Board criticised Iran."
    events = shared_name.code(Article(id="s", text=text, published=dt.date(2019, 5, 1)))
    sides = [x for e in events for _, x in (*e.actor, *e.recipient) if x.name and "State Board" in x.name]
    assert sides and all(x.code is None for x in sides)
