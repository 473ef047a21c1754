"""From frames to dyads: one event per actor-recipient pair of a sentence.

A frame can name several recipients, the same actor on both sides, or the same dyad as another
frame of its sentence; the events are the distinct dyads. Detector events come as frames too,
with one party a side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dotterel.events.candidates import Party
from dotterel.events.detector import Found
from dotterel.events.frames import Frame
from dotterel.ontology import EventTraits
from dotterel.records import Mention

Codes = frozenset[tuple[str | None, str | None]]


def dyads(frames: Sequence[Frame], traits: EventTraits) -> list[Frame]:
    """The sentence's events: split per recipient country, without self-directed ones, one per dyad."""
    return one_per_dyad(split(frames), traits)


def split(frames: Sequence[Frame]) -> list[Frame]:
    """One event per recipient country: "support for the people of Gaza and Lebanon" is two.

    Events of an actor on itself (the same entities on both sides) are dropped.
    """
    out: list[Frame] = []
    for f in frames:
        codes: dict[str | None, list[Mention]] = {}
        for m in f.recipients:
            for e in m.entities:
                single = replace(m, entities=(e,))
                codes.setdefault(e.code, []).append(single)
        if len(codes) <= 1:
            out.append(f)
            continue
        for group in codes.values():
            out.append(replace(f, recipients=tuple(group)))
    return [f for f in out if not self_directed(f)]


def self_directed(f: Frame) -> bool:
    """The same actor on both sides: a named entity, or one mention and a reference back to it."""
    a_names = {(e.code, e.name) for m in f.actors for e in m.entities if e.name}
    r_names = {(e.code, e.name) for m in f.recipients for e in m.entities if e.name}
    if r_names and r_names <= a_names and all(e.name for m in f.recipients for e in m.entities):
        return True
    a_ids = {m.index for m in f.actors} | {m.antecedent for m in f.actors}
    a_ents = {e for m in f.actors for e in m.entities}
    return bool(f.recipients) and all(
        (m.index in a_ids or (m.antecedent is not None and m.antecedent in a_ids)) and set(m.entities) <= a_ents
        for m in f.recipients
    )


def one_per_dyad(frames: Sequence[Frame], traits: EventTraits) -> list[Frame]:
    """One event per dyad per sentence, either way round for symmetric types; the lexicon beats
    reported-speech evaluation (the higher priority wins)."""
    best: dict[tuple[Codes, Codes], Frame] = {}
    order: list[tuple[Codes, Codes]] = []
    for f in frames:
        a, r = _codes(f.actors), _codes(f.recipients)
        key = (a, r)
        sym = (r, a)
        if sym in best and f.event in traits.symmetric and not f.rule.endswith(":paired"):
            key = sym  # (an analyst's dictionary that codes both directions keeps both: ":paired")
        if key not in best:
            best[key] = f
            order.append(key)
        elif f.priority > best[key].priority:
            best[key] = f
    return sorted((best[k] for k in order), key=lambda f: f.trigger)


def _codes(mentions: tuple[Mention, ...]) -> Codes:
    return frozenset((e.code, e.sector) for m in mentions for e in m.entities)


def detected_frame(found: Found) -> Frame:
    """A detector event in the shape of a frame: only the chosen entities on each side."""
    c = found.candidate

    def side(party: Party | None) -> tuple[Mention, ...]:
        return () if party is None else (replace(party.mention, entities=(party.entity,)),)

    return Frame(
        trigger=c.trigger,
        event=c.event,
        mode=None,
        cameo=found.cameo,
        actors=side(c.actor),
        recipients=side(c.recipient),
        sentence=c.sentence,
        rule=f"detector(p={found.probability:.2f})+pairs(margin={found.margin:.2f})",
        priority=0,
        lexicon_key="",
    )
