"""How the text presents an event: attribution, hedging, negation, future, hypothetical, question.

These are attributes for users to filter on (`--min-confidence`, the store's modality filters),
never reasons to drop an event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dotterel.events.frames import FrameExtractor
from dotterel.records import Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

FUTURE_AUX = {"will", "shall", "'ll", "wo"}  # "wo" is spaCy's token for "won't"
HYPOTHETICAL_AUX = {"could", "would", "might", "may", "should", "must"}
CONDITIONAL_MARKS = {"if", "unless", "whether"}


def modality_of(extractor: FrameExtractor, tok: Token) -> Modality:
    """The modality of the event whose trigger is `tok`."""
    hedges = extractor.hedges(tok)
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
    going_to = tok.head.lemma_ == "go" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    return Modality(
        attributed_to=extractor.attribution(tok),
        hedged=bool(hedges),
        negated=extractor.is_negated(tok),
        future=bool(aux & FUTURE_AUX) or going_to,
        hypothetical=bool(aux & HYPOTHETICAL_AUX or marks & CONDITIONAL_MARKS),
        question=tok.sent.text.rstrip().endswith("?"),
        cues=hedges,
    )
