"""Query parameters shared by the API and the pages, turned into the store's EventFilter.

Every value is bounded here (lengths, ranges, list sizes) and checked again by the store layer;
nothing from a request reaches SQL except as a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Query

from dotterel.errors import DotterelError
from dotterel.store.query import MODALITIES, PRECISIONS, EventFilter, parse_actor

MAX_TEXT = 200
MAX_LIST = 20
MAX_PER_PAGE = 200

Text = Annotated[str | None, Query(max_length=MAX_TEXT)]


@dataclass(frozen=True, slots=True, kw_only=True)
class FilterParams:
    """The filters of `dotterel events`, as given in a request (for forms and links)."""

    since: dt.date | None = None
    until: dt.date | None = None
    actor: str | None = None
    recipient: str | None = None
    actor_text: str | None = None
    recipient_text: str | None = None
    event: tuple[str, ...] = ()
    cameo: str | None = None
    quad: int | None = None
    source: str | None = None
    article: str | None = None
    text: str | None = None
    country: str | None = None
    place: str | None = None
    min_confidence: float | None = None
    modality: tuple[str, ...] = ()
    precision: tuple[str, ...] = ()
    date_origin: str | None = None

    def to_filter(self, *, limit: int | None = None) -> EventFilter:
        """The store filter; a DotterelError names a bad value."""
        if self.country and not (len(self.country) == 3 and self.country.isalpha()):
            raise DotterelError(f"country: {self.country!r} is not an ISO 3166 alpha-3 code (e.g. IRQ)")
        if self.cameo and not self.cameo.isdigit():
            raise DotterelError(f"cameo: {self.cameo!r} is not a CAMEO code or prefix (digits, e.g. 04)")
        types = tuple(t.strip().upper() for value in self.event for t in value.split(",") if t.strip())
        bad = [t for t in types if not t.replace("_", "").isalpha()]
        if bad:
            raise DotterelError(f"event: {bad[0]!r} is not a PLOVER event type")
        return EventFilter(
            since=self.since,
            until=self.until,
            actor=parse_actor(self.actor) if self.actor else None,
            recipient=parse_actor(self.recipient) if self.recipient else None,
            actor_text=self.actor_text or None,
            recipient_text=self.recipient_text or None,
            events=types,
            cameo=self.cameo or None,
            quad=self.quad,
            source=self.source or None,
            article=self.article or None,
            text=self.text or None,
            country=self.country.upper() if self.country else None,
            place=self.place or None,
            min_confidence=self.min_confidence,
            modality=_listed(self.modality, "modality", MODALITIES),
            precision=_listed(self.precision, "precision", PRECISIONS),
            inherited=None if not self.date_origin else self.date_origin == "inherited",
            limit=limit,
        )

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (for links that keep them)."""
        out: list[tuple[str, str]] = []
        for name in self.__slots__:
            value = getattr(self, name)
            if value is None or value == () or value == "":
                continue
            for v in value if isinstance(value, tuple) else (value,):
                out.append((name, v.isoformat() if isinstance(v, dt.date) else str(v)))
        return out


def _listed(values: tuple[str, ...], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(v.strip().lower() for value in values for v in value.split(",") if v.strip())
    bad = [v for v in out if v not in allowed]
    if bad:
        raise DotterelError(f"{name}: unknown value {bad[0]!r}; use {', '.join(allowed)}")
    return out


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def filter_params(
    since: Annotated[str | None, Query(max_length=10, description="events dated on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(max_length=10, description="events dated on or before YYYY-MM-DD")] = None,
    actor: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="actor code: IRN, IRN/GOV or /GOV")
    ] = None,
    recipient: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="recipient code: IRQ, IRQ/PRM or /MIL")
    ] = None,
    actor_text: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="an actor as written or by name (also uncoded actors)")
    ] = None,
    recipient_text: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="a recipient as written or by name")
    ] = None,
    event: Annotated[
        list[str] | None, Query(description="PLOVER event type(s), e.g. CONSULT (repeatable)")
    ] = None,
    cameo: Annotated[str | None, Query(max_length=4, description="CAMEO code or prefix, e.g. 04")] = None,
    quad: Annotated[str | None, Query(max_length=1, description="quad code 1..4")] = None,
    source: Annotated[str | None, Query(max_length=MAX_TEXT, description="the articles' source name")] = None,
    article: Annotated[str | None, Query(max_length=MAX_TEXT, description="one article's events")] = None,
    text: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="words that must all occur in the evidence")
    ] = None,
    country: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="ISO3 code of either side or of the event's place")
    ] = None,
    place: Annotated[
        str | None, Query(max_length=MAX_TEXT, description="the event's place, resolved or as written")
    ] = None,
    min_confidence: Annotated[
        str | None, Query(max_length=10, description="confidence at least this (0..1)")
    ] = None,
    modality: Annotated[
        list[str] | None, Query(description="hedged, negated, future, hypothetical or asserted (repeatable)")
    ] = None,
    precision: Annotated[
        list[str] | None, Query(description="day, month, year or none (undated) (repeatable)")
    ] = None,
    date_origin: Annotated[
        Literal["own", "inherited", ""] | None,
        Query(description="own: the event's own date; inherited: from context"),
    ] = None,
) -> FilterParams:
    """The event filters of a request (empty form fields count as absent)."""
    for name, values in (("event", event), ("modality", modality), ("precision", precision)):
        if values is not None:
            if len(values) > MAX_LIST:
                raise BadParameter(f"{name}: at most {MAX_LIST} values")
            if any(len(v) > MAX_TEXT for v in values):
                raise BadParameter(f"{name}: a value longer than {MAX_TEXT} characters")
    return FilterParams(
        since=_date(since, "since"),
        until=_date(until, "until"),
        actor=_blank_to_none(actor),
        recipient=_blank_to_none(recipient),
        actor_text=_blank_to_none(actor_text),
        recipient_text=_blank_to_none(recipient_text),
        event=tuple(v for v in (event or ()) if v.strip()),
        cameo=_blank_to_none(cameo),
        quad=_int(quad, "quad", 1, 4),
        source=_blank_to_none(source),
        article=_blank_to_none(article),
        text=_blank_to_none(text),
        country=_blank_to_none(country),
        place=_blank_to_none(place),
        min_confidence=_float(min_confidence, "min_confidence", 0.0, 1.0),
        modality=tuple(v for v in (modality or ()) if v.strip()),
        precision=tuple(v for v in (precision or ()) if v.strip()),
        date_origin=date_origin or None,
    )


class BadParameter(DotterelError):
    """A request parameter that cannot be used (answered with 400 and the reason)."""


def _date(value: str | None, name: str) -> dt.date | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"{name}: {value!r} is not a date YYYY-MM-DD") from None


def _int(value: str | None, name: str, low: int, high: int) -> int | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadParameter(f"{name}: {value!r} is not a whole number from {low} to {high}")
    return int(value)


def _float(value: str | None, name: str, low: float, high: float) -> float | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadParameter(f"{name}: {value!r} is not a number") from None
    if not low <= number <= high:
        raise BadParameter(f"{name}: {value} is not between {low} and {high}")
    return number
