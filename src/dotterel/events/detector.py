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
from dataclasses import dataclass, field, replace

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
        self._conjoined = Conjoined()  # `sentence_types`' memory of hashed features

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
        return sentence_types(self.detector, views, self.types, self._conjoined)

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


@dataclass(slots=True)
class Conjoined:
    """What `sentence_types` keeps from one article to the next: each sentence feature's hashed
    index conjoined with every type, and each real-valued feature's weight for every type. Cleared
    when it holds `limit` features, so a long run does not grow it without bound."""

    indices: dict[str, np.ndarray] = field(default_factory=dict)
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    limit: int = 1 << 17

    def index(self, detector: LinearModel, feature: str, types: Sequence[str]) -> np.ndarray:
        found = self.indices.get(feature)
        if found is None:
            self._room()
            found = self.indices[feature] = detector.indices_of([typed(t, feature) for t in types])
        return found

    def weight(self, detector: LinearModel, name: str, types: Sequence[str]) -> np.ndarray:
        found = self.weights.get(name)
        if found is None:
            self._room()
            found = self.weights[name] = detector.weights_of([typed(t, "~" + name) for t in types])
        return found

    def _room(self) -> None:
        if len(self.indices) + len(self.weights) >= self.limit:
            self.indices.clear()
            self.weights.clear()


def sentence_types(
    detector: LinearModel,
    views: Sequence[SentenceView],
    types: Sequence[str],
    conjoined: Conjoined | None = None,
) -> list[dict[str, float]]:
    """Probability of each type in each sentence. Real-valued features ("~vec3=0.12", the sentence
    vector) are added as weight times value per type rather than hashed once per type as strings,
    which gives the same margins as `LinearModel.predict` over `typed` rows at a fraction of the cost.
    The sparse rows are built from each feature's indices for all types (`Conjoined`), in the order
    `typed` rows have them, so the sums are the same."""
    if not views:
        return []
    if conjoined is None:
        conjoined = Conjoined()
    n = len(types)
    blocks: list[np.ndarray] = []
    lengths: list[int] = []
    dense: list[list[tuple[str, float]]] = []
    for v in views:
        sparse: list[np.ndarray] = []
        values: list[tuple[str, float]] = []
        for f in v.detector_features():
            if f.startswith("~"):
                name, _, written = f[1:].rpartition("=")
                values.append((name, float(written)))
            else:
                sparse.append(conjoined.index(detector, f, types))
        # one row per type, each with the sentence's features in order
        if sparse:
            blocks.append(np.stack(sparse).T.ravel())
        lengths.extend([len(sparse)] * n)
        dense.append(values)
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    idx = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
    margins = detector.sparse_margins(indptr, idx, np.ones(len(idx), dtype=np.float32))
    margins = margins.astype(np.float64).reshape(len(views), n)
    for i, values in enumerate(dense):
        for name, value in values:
            margins[i] += np.float32(value) * conjoined.weight(detector, name, types)
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
