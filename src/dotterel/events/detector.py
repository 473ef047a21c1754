"""The learned event detector: the sentence types, the pairs of parties, and the choice of events.

Three logistic models over hashed features (`events/linear.py`), trained on whole annotated
articles by `dotterel train-events`:
- the sentence detector gives, for each sentence and PLOVER type, the probability that the
  sentence reports an event of that type;
- the pair model ranks the sentence's ordered (actor, recipient) pairs for a type, from the
  syntax (subject, object, `by`-agent, speaker, the frame's own reading) and the parties' kinds;
- the choice model (`events/choice.py`) scores every option of a sentence, lexicon events and
  the detector's types with their likeliest pairs alike, and the options it rates at or above
  its threshold are the sentence's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from dotterel.errors import ModelError
from dotterel.events.candidates import Candidate, SentenceView
from dotterel.events.choice import (
    CHOICE_FILE,
    ChoicePoint,
    Option,
    Reading,
    choose,
    probabilities,
    sentence_options,
)
from dotterel.events.linear import LinearModel
from dotterel.events.scorer import OptionScorer

DETECTOR_FILE = "detector.npz"
PAIRS_FILE = "pairs.npz"


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """One event only the detector found: the pair model's candidate and the choice's confidence."""

    candidate: Candidate
    probability: float  # detector's probability of the type in the sentence
    margin: float  # pair model's margin for the chosen pair
    confidence: float
    cameo: str | None  # from the verb dictionary, when one of its verbs of this type is in the sentence


class EventDetector:
    """Sentence detector, pair model and choice model with the choice's operating point."""

    def __init__(
        self,
        *,
        detector: LinearModel,
        pairs: LinearModel,
        choice: LinearModel,
        types: Sequence[str],
        point: ChoicePoint,
        encoder: bool = False,
        scorer: OptionScorer | None = None,
    ):
        self.detector = detector
        self.pairs = pairs
        self.choice = choice
        self.types = tuple(types)
        self.point = point
        self.encoder = encoder  # the detector reads the sentence encoder's features (`encoder_features`)
        self.scorer = scorer  # the choice model reads the option scorer's logit

    @classmethod
    def load(cls, types: Sequence[str]) -> EventDetector:
        detector = LinearModel.load(DETECTOR_FILE)
        pairs = LinearModel.load(PAIRS_FILE)
        choice = LinearModel.load(CHOICE_FILE)
        meta = choice.meta or {}
        try:
            point = ChoicePoint(
                threshold=float(meta["threshold"]), floor=float(meta["floor"]), top=int(meta["top"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"data/model/{CHOICE_FILE} has no operating point: {exc}") from exc
        encoder = bool(meta.get("encoder", False))
        scorer = OptionScorer.load(types) if meta.get("scorer") else None
        return cls(
            detector=detector, pairs=pairs, choice=choice, types=types, point=point, encoder=encoder, scorer=scorer
        )

    @property
    def needs_encoder(self) -> bool:
        """Whether the sentence views must carry the sentence encoder's features."""
        return self.encoder

    def sentence_types(self, views: Sequence[SentenceView]) -> list[dict[str, float]]:
        """Probability of each type in each sentence, all sentences in one batch."""
        return sentence_types(self.detector, views, self.types)

    def best_pair(self, view: SentenceView, event: str) -> tuple[Candidate, float] | None:
        return best_pair(self.pairs, view, event)

    def options(self, view: SentenceView, probs: dict[str, float], readings: Sequence[Reading]) -> list[Option]:
        """The sentence's options: its lexicon events and the detector's types with their likeliest
        pairs, each with the option scorer's logit where the choice model reads it."""
        options = sentence_options(view, probs, self.pairs, readings, self.point)
        if self.scorer is None or not options:
            return options
        logits = self.scorer.logits(view, options)
        return [replace(o, scored=x) for o, x in zip(options, logits, strict=True)]

    def choose(self, options: Sequence[Option]) -> list[tuple[Option, float]]:
        """The options that are events, each with its probability of being an analyst's event."""
        scores = probabilities(self.choice, options)
        return [(options[i], float(scores[i])) for i in choose(options, scores.tolist(), self.point.threshold)]


def sentence_types(
    detector: LinearModel, views: Sequence[SentenceView], types: Sequence[str]
) -> list[dict[str, float]]:
    """Probability of each type in each sentence. Real-valued features ("~vec3=0.12", the sentence
    vector) are added as weight times value per type rather than hashed once per type as strings,
    which gives the same margins as `LinearModel.predict` over `typed` rows at a fraction of the cost."""
    if not views:
        return []
    rows: list[list[str]] = []
    dense: list[list[tuple[str, float]]] = []
    for v in views:
        sparse: list[str] = []
        values: list[tuple[str, float]] = []
        for f in v.detector_features():
            if f.startswith("~"):
                name, _, written = f[1:].rpartition("=")
                values.append((name, float(written)))
            else:
                sparse.append(f)
        rows.extend([typed(t, f) for f in sparse] for t in types)
        dense.append(values)
    n = len(types)
    margins = detector.margins(rows).astype(np.float64).reshape(len(views), n)
    weights: dict[str, np.ndarray] = {}
    for i, values in enumerate(dense):
        for name, value in values:
            if name not in weights:
                weights[name] = detector.weights_of([typed(t, "~" + name) for t in types])
            margins[i] += np.float32(value) * weights[name]
    probs = detector.probability(margins)
    return [{t: float(probs[i, k]) for k, t in enumerate(types)} for i in range(len(views))]


def typed(event: str, feature: str) -> str:
    """A sentence feature conjoined with a type; a real-valued one ("~name=value") stays real-valued."""
    return f"~T={event}|{feature[1:]}" if feature.startswith("~") else f"T={event}|{feature}"


def best_pair(pairs: LinearModel, view: SentenceView, event: str) -> tuple[Candidate, float] | None:
    """The sentence's most likely (actor, recipient) for an event of this type, with its margin."""
    cands = view.candidates([event])
    if not cands:
        return None
    margins = pairs.margins([c.features for c in cands])
    j = int(np.argmax(margins))
    return cands[j], float(margins[j])
