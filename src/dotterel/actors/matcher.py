"""Finding knowledge-base names in a parsed article.

Every name form is indexed by its first lower-case token; matching walks the Doc once and
checks the candidates that start at each token. Forms whose token key was not computed when
their layer was written (the built-in data, hand-written layers) are tokenized here once, with
the pipeline's own tokenizer, so they split the way article text does ("al-Qaeda" -> al - Qaeda).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from dotterel.actors.kb import NAME_PARTICLES, KnowledgeBase, NameForm

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Hit:
    """A span of the Doc (token indices, end exclusive) and the name forms written there."""

    start: int
    end: int
    forms: tuple[NameForm, ...]


def norm(text: str) -> str:
    return text.lower().replace("’", "'")


Entry = tuple[tuple[str, ...], tuple[str, ...] | None, NameForm]  # lower-case key, exact spelling, form


class NameMatcher:
    """Callable on a Doc: every span that spells a KB name, with the forms it matches."""

    def __init__(self, index: dict[str, list[Entry]]) -> None:
        self.index = index

    def __call__(self, doc: Doc) -> list[Hit]:
        words = [norm(t.text) for t in doc]
        found: dict[tuple[int, int], list[NameForm]] = {}
        index = self.index
        n_words = len(words)
        for i, w in enumerate(words):
            cands = index.get(w)
            if not cands:
                continue
            for key, exact, form in cands:
                n = len(key)
                if i + n > n_words or (n > 1 and tuple(words[i : i + n]) != key):
                    continue
                if _spelt_right(doc, i, n, exact, form):
                    found.setdefault((i, i + n), []).append(form)
        return [Hit(s, e, tuple(forms)) for (s, e), forms in found.items()]


def _spelt_right(doc: Doc, i: int, n: int, exact: tuple[str, ...] | None, form: NameForm) -> bool:
    toks = doc[i : i + n]
    if exact is not None:
        return tuple(t.text.replace("’", "'") for t in toks) == exact
    if form.case == "upper" or (n == 1 and sum(c.isalpha() for c in toks[0].text) <= 3):
        return any(t.is_alpha for t in toks) and all(not t.is_alpha or t.text.isupper() for t in toks)
    content = [t for t in toks if t.is_alpha and t.lower_ not in NAME_PARTICLES]
    if not content or not all(t.text[:1].isupper() for t in content):
        return False
    if n == 1 and toks[0].pos_ not in ("PROPN", "ADJ") and not toks[0].ent_type_:
        # a capitalised common word ("Youth" opening a sentence) is not a name, unless it is listed
        # with names ("Fornost and Gondor", the first tagged a common noun)
        return any(c.pos_ == "PROPN" for c in toks[0].conjuncts)
    return True


def build_name_matcher(nlp: Language, kb: KnowledgeBase) -> NameMatcher:
    """Index every KB name form; forms without a token key are tokenized with `nlp`'s tokenizer."""
    texts = sorted({f.text for f in kb.forms if not f.key and f.text.strip()})
    tokenizer = cast("Tokenizer", nlp.tokenizer)  # spaCy types it as any str -> Doc callable
    tokens = {text: tuple(t.text for t in doc) for text, doc in zip(texts, tokenizer.pipe(texts), strict=True)}
    index: dict[str, list[Entry]] = {}
    for form in kb.forms:
        exact = None
        if form.key:
            key = tuple(form.key.split(" "))
        elif form.text.strip():
            words = tokens[form.text]
            key = tuple(norm(w) for w in words)
            if form.case == "exact":
                exact = tuple(w.replace("’", "'") for w in words)
        else:
            continue
        if len(key) > 1 and key[0] == "the":  # "the European Union": the article is not part of the name
            key = key[1:]
            exact = exact[1:] if exact is not None else None
        index.setdefault(key[0], []).append((key, exact, form))
    return NameMatcher(index)
