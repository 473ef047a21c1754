"""Filling in the country of actors the text gives none, from the event they take part in.

"Police detained dozens of demonstrators" in Tbilisi are Georgian; "Kenyan police arrested three
men" arrested Kenyans; "his parents" in a story about Britain are British.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from dotterel.events.frames import Frame
from dotterel.records import Location, Mention

STATE_SECTORS = {"GOV", "COP", "JUD", "MIL", "LEG", "SPY"}
# Events whose uncoded side takes the country of the state acting on it (or acted on by it).
STATE_PARTNER_EVENTS = ("COERCE", "PROTEST")


def fill_sentence(
    frames: Sequence[Frame],
    places: Mapping[int, tuple[Location | None, Location | None]],
    focus: str | None,
) -> list[Frame]:
    """A sentence's frames with their uncoded actors filled in.

    `places` gives, for each frame's trigger, the event's own place and the place it happens in
    (its own, else the scene's); `focus` is the article's focus country. A frame whose target has
    neither a name nor a place to take a country from is no dyad and is dropped.
    """
    out: list[Frame] = []
    for frame in frames:
        own_place, place = places[frame.trigger]
        frame = fill_unknown(
            frame,
            own_place.country_code if own_place else None,
            focus,
            scene=place.country_code if place else None,
        )
        if not any(m.rule == "implicit-target" and m.entities[0].code is None for m in frame.recipients):
            out.append(frame)
    return out


def fill_unknown(f: Frame, place_code: str | None, focus: str | None, scene: str | None = None) -> Frame:
    """Actors the text gives no country take one from the event: its own place, the state that acts
    on them, else the article's focus country.

    A person without a stated nationality takes the focus country, not the place they happen to be
    in. An unnamed agent ("is being held in a Kurdish prison") takes only the place's country, its
    own or the scene's ("The reporter was arrested", in a story set in Moscow); an unnamed accuser
    none.
    """

    def state_side(mentions: tuple[Mention, ...]) -> str | None:
        codes = {e.code for m in mentions for e in m.entities if e.code and e.sector in STATE_SECTORS}
        return next(iter(codes)) if len(codes) == 1 else None

    def fill(mentions: tuple[Mention, ...], other: tuple[Mention, ...]) -> tuple[Mention, ...]:
        out = []
        for m in mentions:
            if m.rule == "ambiguous-name":  # several known people of that name, the text does not say: no guess
                out.append(m)
                continue
            person = any(e.kind == "person" for e in m.entities) or m.kind in ("pronoun", "name")
            partner = state_side(other) if f.event in STATE_PARTNER_EVENTS else None
            if m.rule == "implicit-agent":
                code = place_code or scene
            elif m.rule == "implicit-target":
                code = place_code
            elif m.rule.startswith("implicit"):
                code = None
            elif person:
                code = focus  # where someone is says little about whose national they are
            else:
                code = place_code or partner or focus
            if code and any(e.code is None for e in m.entities):
                ents = tuple(replace(e, code=code, inferred=True) if e.code is None else e for e in m.entities)
                m = replace(m, entities=ents)
            out.append(m)
        return tuple(out)

    return replace(f, actors=fill(f.actors, f.recipients), recipients=fill(f.recipients, f.actors))
