"""The learned event detector: sentence types the lexicon frames missed, with their parties.

Two logistic models over hashed features (`events/linear.py`), trained on whole annotated
articles by `dotterel train-events`:
- the sentence detector gives, for each sentence and PLOVER type, the probability that the
  sentence reports an event of that type;
- the pair model ranks the sentence's ordered (actor, recipient) pairs for a type, from the
  syntax (subject, object, `by`-agent, speaker, the frame's own reading) and the parties' kinds.

A sentence type at or above the detector floor that no lexicon frame of the sentence reported
becomes an event with the best pair, when the pair model's margin clears its floor and the actor
has a code. The floors are the operating point chosen on out-of-fold training articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dotterel.errors import ModelError
from dotterel.events.candidates import Candidate, SentenceView
from dotterel.events.linear import LinearModel

DETECTOR_FILE = "detector.npz"
PAIRS_FILE = "pairs.npz"


@dataclass(frozen=True, slots=True, kw_only=True)
class Operating:
    """When a detector-found event is reported: detector probability and pair margin floors."""

    detector: float
    margin: float
    veto: float = 0.0  # a lexicon event whose type the detector rates below this is dropped
    new_dyads: bool = False  # add only events whose dyad no lexicon event of the sentence has
    calibration: tuple[float, ...] = ()  # weights of `calibration_features`, fitted out of fold
    encoder: bool = False  # the detector reads the sentence encoder's features (`encoder_features`)
    # which lexicon events need a coded recipient to stand: "none", "two-sided" (the types that
    # cannot be one-sided) or "all"; chosen out of fold like the floors
    recipients: str = "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """One event the detector adds: the chosen candidate and its confidence."""

    candidate: Candidate
    probability: float  # detector's probability of the type in the sentence
    margin: float  # pair model's margin for the chosen pair
    confidence: float
    cameo: str | None  # from the verb dictionary, when one of its verbs of this type is in the sentence


class EventDetector:
    """Sentence detector and pair model with their operating point."""

    def __init__(self, *, detector: LinearModel, pairs: LinearModel, types: Sequence[str], operating: Operating):
        self.detector = detector
        self.pairs = pairs
        self.types = tuple(types)
        self.operating = operating

    @classmethod
    def load(cls, types: Sequence[str]) -> EventDetector:
        detector = LinearModel.load(DETECTOR_FILE)
        pairs = LinearModel.load(PAIRS_FILE)
        meta = pairs.meta or {}
        try:
            operating = Operating(
                detector=float(meta["detector"]),
                margin=float(meta["margin"]),
                veto=float(meta.get("veto", 0.0)),
                new_dyads=bool(meta.get("new_dyads", False)),
                calibration=tuple(float(w) for w in meta.get("calibration") or ()),
                encoder=bool(meta.get("encoder", False)),
                recipients=str(meta.get("recipients", "none")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"data/model/{PAIRS_FILE} has no operating point: {exc}") from exc
        return cls(detector=detector, pairs=pairs, types=types, operating=operating)

    @property
    def needs_encoder(self) -> bool:
        """Whether the sentence views must carry the sentence encoder's features."""
        return self.operating.encoder

    def sentence_types(self, views: Sequence[SentenceView]) -> list[dict[str, float]]:
        """Probability of each type in each sentence, all sentences in one batch."""
        return sentence_types(self.detector, views, self.types)

    def calibrated(self, evidence: float, type_probability: float, detected: bool) -> float:
        """The probability that an event is right (matches an analyst's event), from its evidence
        score, the detector's probability of its type in its sentence and where it came from."""
        w = self.operating.calibration
        if not w:
            return evidence
        z = float(np.dot(w, calibration_features(evidence, type_probability, detected)))
        return 1.0 / (1.0 + float(np.exp(-z)))

    def keeps(self, probs: dict[str, float], event: str) -> bool:
        """Whether a lexicon event of this type stands, given the detector's view of its sentence."""
        return probs.get(event, 1.0) >= self.operating.veto

    def needs_recipient(self, event: str, one_sided: frozenset[str]) -> bool:
        """Whether a lexicon event of this type is dropped when no recipient of it has a code."""
        return needs_recipient(self.operating.recipients, event, one_sided)

    def best_pair(self, view: SentenceView, event: str) -> tuple[Candidate, float] | None:
        return best_pair(self.pairs, view, event)

    def added(
        self,
        view: SentenceView,
        probs: dict[str, float],
        covered: set[str],
        dyads: set[tuple[str | None, str | None]] | None = None,
    ) -> list[Found]:
        """Events of the sentence that the lexicon frames (types in `covered`, actor and recipient
        codes in `dyads`) did not report. With `new_dyads`, a type the detector adds for a dyad a
        lexicon event already has is taken for the same act read differently, and left out."""
        op = self.operating
        out = []
        for event, p in sorted(probs.items()):
            if p < op.detector or event in covered:
                continue
            best = self.best_pair(view, event)
            if best is None:
                continue
            cand, margin = best
            if margin < op.margin or cand.actor is None or cand.actor.entity.code is None:
                continue
            if op.new_dyads and dyads and dyad_of(cand) in dyads:
                continue
            confidence = p / (1.0 + float(np.exp(-margin)))
            out.append(
                Found(
                    candidate=cand,
                    probability=p,
                    margin=margin,
                    confidence=confidence,
                    cameo=view.cameo_for(event),
                )
            )
        return out


RECIPIENT_RULES = ("none", "two-sided", "all")


def needs_recipient(rule: str, event: str, one_sided: frozenset[str]) -> bool:
    """Out of fold, lexicon events with no coded recipient are mostly wrong ("she was killed",
    "Mattis resigned"): under the rule "all" none stands, under "two-sided" only those of types
    that may be one-sided (a protest, a mobilization, a concession, a retreat)."""
    return rule == "all" or (rule == "two-sided" and event not in one_sided)


def calibration_features(evidence: float, type_probability: float, detected: bool) -> list[float]:
    """Inputs of the confidence calibration: bias, logits of the two scores, the source."""

    def logit(p: float) -> float:
        p = min(max(p, 1e-4), 1 - 1e-4)
        return float(np.log(p / (1 - p)))

    return [1.0, logit(evidence), logit(type_probability), 1.0 if detected else 0.0]


def dyads_of(actors: Sequence[str | None], recipients: Sequence[str | None]) -> set[tuple[str | None, str | None]]:
    """Every (actor, recipient) code pair of an event; (actor, None) when it has no recipient."""
    return {(a, r) for a in actors for r in (recipients or [None])}


def dyad_of(c: Candidate) -> tuple[str | None, str | None]:
    return (c.actor.entity.code if c.actor else None, c.recipient.entity.code if c.recipient else None)


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
