"""Frozen records passed between pipeline stages.

Every stage takes and returns these; no dicts or positional tuples cross module borders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Precision = Literal["day", "month", "year"]
EntityKind = Literal["person", "group", "country", "org", "generic"]
MentionKind = Literal["name", "description", "pronoun", "country", "group"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One news article as given by the user."""

    id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """A resolved actor: country (or IGO/NGO/...) code, PLOVER sector, canonical name."""

    code: str | None
    sector: str | None = None
    name: str | None = None
    kind: EntityKind = "generic"
    inferred: bool = False  # code taken from the article's focus country, not from the text


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """A span of the article that names or refers to an actor.

    `start`/`end` are token indices into the article's Doc, `char_start`/`char_end`
    character offsets into the article text. `antecedent` is the index of the mention this
    one refers back to (coreference), if any.
    """

    index: int
    text: str
    start: int
    end: int
    char_start: int
    char_end: int
    head: int
    sentence: int
    entities: tuple[Entity, ...]
    kind: MentionKind = "name"
    antecedent: int | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DateRef:
    """A resolved date with the precision the text supports."""

    date: dt.date
    precision: Precision
    text: str
    char_start: int = -1
    inherited: bool = False

    def iso(self) -> str:
        if self.precision == "day":
            return self.date.isoformat()
        if self.precision == "month":
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return f"{self.date.year:04d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """A place resolved against the offline gazetteer."""

    extracted_place: str
    resolved_place: str
    country_code: str
    lat: float
    lon: float
    geonameid: int | None = None
    resolution: int = 4
    char_start: int = -1


@dataclass(frozen=True, slots=True, kw_only=True)
class Modality:
    """How the text presents an event: attribution, hedging, negation, future/hypothetical."""

    attributed_to: str | None = None
    hedged: bool = False
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    question: bool = False
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TextInfo:
    sentence: int
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One coded event with its evidence."""

    id: str
    article_id: str
    event: str
    mode: tuple[str, ...]
    context: tuple[str, ...]
    cameo: str | None
    quad_code: int
    goldstein: float | None
    actor: tuple[tuple[Mention | None, Entity], ...]
    recipient: tuple[tuple[Mention | None, Entity], ...]
    date: DateRef | None
    location: Location | None
    event_text: str
    text_info: TextInfo
    trigger: str
    rule: str
    confidence: float
    modality: Modality = field(default_factory=Modality)
    versions: tuple[tuple[str, str], ...] = ()
