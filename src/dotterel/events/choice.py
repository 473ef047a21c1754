"""The joint choice of events: one model decides which (type, actor, recipient) a sentence reports.

Every option of a sentence is scored by one logistic model (`choice.npz`), trained by
`dotterel train-events` on out-of-fold options of whole annotated articles, with the label "this
option matches an analyst's event". The options are
- every lexicon event of the sentence (a frame's reading with its codes), and
- for each type the sentence detector rates at or above the floor, the pair model's best few
  dyads (ordered pairs of coded participants; a recipient may be missing only where the
  ontology lets the type be one-sided).

Nothing is vetoed before this choice: a lexicon event with no coded recipient, a type the detector
doubts, a dyad the pair model ranks low are features, and the model weighs them together. The
chosen options are those whose probability clears the threshold; the detector adds at most one
dyad of a type to a sentence, and no second type to a dyad the sentence already has. That
probability is the event's confidence. Threshold, floor and number of dyads are the operating
point chosen on out-of-fold training articles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dotterel.events.candidates import Candidate, SentenceView
from dotterel.events.linear import LinearModel
from dotterel.records import Event

CHOICE_FILE = "choice.npz"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """A lexicon event as the choice model sees it: its type, codes and evidence."""

    event: str
    actor: str | None
    recipient: str | None
    rule: str
    evidence: float  # the frame's own confidence (verb priority, hedges, inherited date)
    modality: tuple[str, ...] = ()  # the modality flags set on it ("negated", "future", ...)


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One event a sentence may report: a type and a dyad, from the lexicon, the detector or both."""

    sentence: int
    event: str
    actor: str | None
    recipient: str | None
    probability: float  # the detector's probability of the type in the sentence
    top_probability: float  # of the sentence's likeliest type
    top_type: bool  # whether this is that type
    margin: float | None  # the pair model's margin of this dyad for the type (None: not a pair of parties)
    rank: int | None  # this dyad's place in the pair model's order for the type
    best_margin: float | None  # the margin of the pair model's first dyad for the type
    detected: bool  # among the pair model's first dyads of a type the detector rates at the floor or above
    parties: int  # distinct coded participants of the sentence
    reading: int | None = None  # index of the lexicon event it is, in the caller's list
    rule: str = ""
    evidence: float = 0.5
    modality: tuple[str, ...] = ()
    candidate: Candidate | None = None  # the pair model's candidate for this dyad
    # how the text presents the type's trigger ("negated", "irrealis": wanted, planned,
    # conditional); a lexicon event carries its own modality in `modality`
    trigger_modality: tuple[str, ...] = ()
    scored: float | None = None  # the option scorer's logit (`events/scorer.py`), where it is used

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.event, self.actor, self.recipient)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoicePoint:
    """Operating point of the choice, chosen out of fold by `train-events`."""

    threshold: float  # options at or above this probability are events
    floor: float = 0.2  # types the detector rates below this get no detector options
    top: int = 3  # detector options per type: the pair model's first dyads


MODALITY_FLAGS = ("hedged", "negated", "future", "hypothetical", "question")


def reading_of(e: Event) -> Reading:
    """A lexicon event's reading: its first actor's and first recipient's codes, as it is scored."""
    return Reading(
        event=e.event,
        actor=e.actor[0][1].code if e.actor else None,
        recipient=e.recipient[0][1].code if e.recipient else None,
        rule=e.rule,
        evidence=e.confidence,
        modality=tuple(k for k in MODALITY_FLAGS if getattr(e.modality, k)),
    )


def _code(party: object) -> str | None:
    entity = getattr(party, "entity", None)
    return entity.code if entity is not None else None


def _pairs_tables(
    view: SentenceView, pairs: LinearModel, events: set[str]
) -> dict[str, list[tuple[float, Candidate]]]:
    """The sentence's candidates for each of these types, the pair model's likeliest first. One
    call of the pair model scores the candidates of every type (each row's margin is its own sum)."""
    cands = view.candidates(events)
    tables: dict[str, list[tuple[float, Candidate]]] = {event: [] for event in events}
    if not cands:
        return tables
    for m, c in zip(pairs.margins([c.features for c in cands]).tolist(), cands, strict=True):
        tables[c.event].append((m, c))
    for table in tables.values():
        table.sort(key=lambda mc: -mc[0])
    return tables


def sentence_options(
    view: SentenceView,
    probs: dict[str, float],
    pairs: LinearModel,
    readings: Sequence[Reading],
    point: ChoicePoint,
) -> list[Option]:
    """The options of one sentence. A lexicon event and a detector option of the same type and dyad
    are one option; a second lexicon event of a type and dyad already offered is a duplicate and
    gets none."""
    wanted = {event for event, p in probs.items() if p >= point.floor} | {r.event for r in readings}
    table = _pairs_tables(view, pairs, wanted).__getitem__

    found: dict[tuple[str, str | None, str | None], tuple[bool, int | None]] = {}
    one_sided = view.extractor.traits.one_sided
    for event in sorted(probs):
        if probs[event] < point.floor:
            continue
        seen: set[tuple[str | None, str | None]] = set()
        for _, c in table(event):
            dyad = (_code(c.actor), _code(c.recipient))
            # the detector's dyads have a coded actor, and a coded recipient unless the type may be
            # one-sided (a protest, a retreat): "he would go back" is nobody's agreement
            if dyad[0] is None or dyad in seen or (dyad[1] is None and event not in one_sided):
                continue
            seen.add(dyad)
            if len(seen) > point.top:
                break
            found[(event, *dyad)] = (True, None)
    for i, r in enumerate(readings):
        key = (r.event, r.actor, r.recipient)
        if key not in found:
            found[key] = (False, i)
        elif found[key][1] is None:
            found[key] = (found[key][0], i)
    top_type = max(probs, key=lambda t: probs[t]) if probs else None
    top_probability = max(probs.values()) if probs else 0.0
    parties = len({p.key for p in view.parties if p.entity.code})
    out = []
    modality: dict[int, tuple[str, ...]] = {}  # of each trigger, read once
    for (event, actor, recipient), (detected, reading) in found.items():
        margin = rank = best = None
        candidate = None
        order: list[tuple[str | None, str | None]] = []
        tab = table(event)
        for m, c in tab:
            dyad = (_code(c.actor), _code(c.recipient))
            if dyad not in order:
                order.append(dyad)
            if dyad == (actor, recipient):
                margin, rank, candidate = m, order.index(dyad), c
                break
        if tab:
            best = tab[0][0]
        rd = readings[reading] if reading is not None else None
        trigger = tab[0][1].trigger if tab else view.root.i
        if trigger not in modality:
            tok = view.sent.doc[trigger]
            negated, irrealis = view.extractor.is_negated(tok), view.extractor.is_irrealis(tok)
            modality[trigger] = ("negated",) * negated + ("irrealis",) * irrealis
        out.append(
            Option(
                sentence=view.index,
                event=event,
                actor=actor,
                recipient=recipient,
                probability=probs.get(event, 0.0),
                top_probability=top_probability,
                top_type=event == top_type,
                margin=margin,
                rank=rank,
                best_margin=best,
                detected=detected,
                parties=parties,
                reading=reading,
                rule=rd.rule if rd else "",
                evidence=rd.evidence if rd else 0.5,
                modality=rd.modality if rd else (),
                candidate=candidate,
                trigger_modality=modality[trigger],
            )
        )
    return out


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def option_features(o: Option, sentence: Sequence[Option]) -> list[str]:
    """What the choice model reads of an option: where it came from, the detector's and the pair
    model's scores, the lexicon frame's rule and evidence, the pair model's own features, and what
    else the sentence offers."""
    t = o.event
    src = "both" if o.detected and o.reading is not None else ("det" if o.detected else "lex")
    lp = _logit(o.probability)
    f = [
        "bias",
        f"t={t}",
        f"src={src}",
        f"src={src}|t={t}",
        f"~lp={lp:.4f}",
        f"~lp|{src}={lp:.4f}",
        f"pb={int(o.probability * 10)}|{src}",
        f"ptop={o.top_type}|{src}",
        f"~lpmax={_logit(o.top_probability):.4f}",
    ]
    if o.margin is None or o.rank is None or o.best_margin is None:
        f.append(f"nomargin|{src}")
    else:
        m = max(min(o.margin, 8.0), -8.0)
        f += [f"~m={m:.4f}", f"~m|{src}={m:.4f}", f"rank={min(o.rank, 3)}|{src}"]
        f.append(f"~gap={min(o.best_margin - o.margin, 8.0):.4f}")
    has_r = o.recipient is not None
    f += [f"acode={o.actor is not None}|{src}", f"rcode={has_r}|{src}", f"rcode={has_r}|t={t}"]
    inferred = _inferred(o)
    if inferred:
        f += [f"inf={inferred}|{src}", f"inf={inferred}|t={t}"]
    if o.actor is not None and o.actor == o.recipient:
        # one country on both sides is often a side's country guessed from the place or the focus
        f += ["samecode", f"samecode|inf={inferred}|{src}"]
    if o.reading is not None:
        rule = o.rule.split(":")[0]
        f += [f"rule={rule}", f"rule={rule}|rcode={has_r}", f"~conf={_logit(o.evidence):.4f}"]
        f += [f"mod={k}" for k in o.modality]
    f += [f"tmod={k}|{src}" for k in o.trigger_modality]
    f.append(f"np={min(o.parties, 4)}")
    others = [x for x in sentence if x is not o]
    same_type = any(x.reading is not None and x.event == t for x in others)
    same_dyad = any(x.reading is not None and (x.actor, x.recipient) == (o.actor, o.recipient) for x in others)
    lexicon = sum(1 for x in sentence if x.reading is not None)
    f += [f"lst={same_type}|{src}", f"lsd={same_dyad}|{src}", f"nlex={min(lexicon, 3)}|{src}"]
    if o.scored is not None:
        c = max(min(o.scored, 8.0), -8.0)
        band = int(np.clip((c + 4.0) // 1.0, 0, 8))
        f += [f"~ce={c:.4f}", f"~ce|{src}={c:.4f}", f"ceb={band}|{src}", f"~ce|t={t}={c:.4f}"]
    if o.candidate is not None:
        f += [("~P|" + x[1:]) if x.startswith("~") else "P|" + x for x in o.candidate.features]
    else:
        f.append("P|none")
    return f


def _inferred(o: Option) -> str:
    """Which sides of the option's dyad carry a country inferred rather than read ("", "A", "R", "AR")."""
    c = o.candidate
    if c is None:
        return ""
    return "A" * bool(c.actor is not None and c.actor.entity.inferred) + "R" * bool(
        c.recipient is not None and c.recipient.entity.inferred
    )


def feature_rows(options: Sequence[Option]) -> list[list[str]]:
    """Features of each option, read against the other options of its sentence."""
    by_sentence: dict[int, list[Option]] = {}
    for o in options:
        by_sentence.setdefault(o.sentence, []).append(o)
    return [option_features(o, by_sentence[o.sentence]) for o in options]


def probabilities(model: LinearModel, options: Sequence[Option]) -> np.ndarray:
    """The probability that each option is an analyst's event."""
    if not options:
        return np.zeros(0)
    margins = model.margins(feature_rows(options)).astype(np.float64)
    return 1.0 / (1.0 + np.exp(-margins))


def choose(options: Sequence[Option], scores: Sequence[float], threshold: float) -> list[int]:
    """Indices of the chosen options, likeliest first, at or above the threshold. Each lexicon
    event stands on its own score (a sentence may report one act towards two parties). The
    detector adds an event only for a type and a dyad (either way round) that no likelier chosen
    option of the sentence has: its other readings of them are mostly the same act read again."""
    types: set[tuple[int, str]] = set()
    dyads: set[tuple[int, str | None, str | None]] = set()
    out = []
    for i in sorted(range(len(options)), key=lambda j: -scores[j]):
        o = options[i]
        if scores[i] < threshold:
            break
        if o.reading is None and (
            (o.sentence, o.event) in types
            or (o.sentence, o.actor, o.recipient) in dyads
            or (o.sentence, o.recipient, o.actor) in dyads
        ):
            continue
        types.add((o.sentence, o.event))
        dyads.add((o.sentence, o.actor, o.recipient))
        out.append(i)
    return out
