"""An event's evidence as an analyst checks it: where in the text each part of the event was found.

The store keeps character offsets of the evidence sentence and of the date and place phrases (in
the article text), and the text of every actor mention. This module turns them into spans of the
article text (trigger, actor, recipient, date, place) and says where the date and place came from:
the event's own phrase, its sentence, or the story's context (which sentence). `dotterel show` and
the web view both render what it returns; neither looks at offsets itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dotterel.records import Entity, Mention
from dotterel.store.db import Store, StoreError
from dotterel.store.query import (
    EventFilter,
    SourceRef,
    StoredEvent,
    event_by_rowid,
    iter_events,
    merged_sources,
)

SpanKind = Literal["trigger", "actor", "recipient", "date", "place", "evidence"]
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


class NotFoundError(StoreError):
    """The store has no event or article with the id asked for."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A marked part of the article text: [start, end) in the article, what it is, and a label."""

    kind: SpanKind
    start: int
    end: int
    text: str
    label: str  # e.g. "IRN/GOV" for an actor, "day" for a date, the resolved name for a place


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where an event's date or place came from.

    how: "phrase" (the event's own phrase), "sentence" (elsewhere in its sentence), "context" (another
    sentence of the story: the date or place was inherited), "none" (the event has none).
    """

    how: Literal["phrase", "sentence", "context", "none"]
    text: str | None = None  # the phrase as written
    char_start: int | None = None  # in the article text
    sentence: int | None = None  # index of the sentence it is in, when the store knows it
    sentence_text: str | None = None  # that sentence (or the stretch of text around the phrase)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventEvidence:
    """One event with everything needed to check it against its text."""

    stored: StoredEvent
    text: str  # the article text (the evidence sentence alone when the article text is not stored)
    whole: bool  # True when `text` is the whole article
    sentence_start: int  # the evidence sentence in `text`
    sentence_end: int
    spans: tuple[Span, ...]  # sorted by start, in `text` coordinates
    date_origin: Origin
    place_origin: Origin
    sources: tuple[SourceRef, ...]  # every report of the merged event (this one included)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRecord:
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: dt.date | None
    status: str
    text: str | None
    n_events: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleEvidence:
    """A whole article with all its events and their spans (article coordinates)."""

    article: ArticleRecord
    events: tuple[EventEvidence, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A run of text with the set of span kinds covering it (for rendering)."""

    text: str
    start: int
    kinds: frozenset[str]
    labels: tuple[str, ...] = ()


# ---- finding -------------------------------------------------------------------------------------


def stored_event(store: Store, event_id: str) -> StoredEvent:
    """The stored event with this PLOVER id; NotFoundError when there is none."""
    row = store.connection.execute("SELECT id FROM events WHERE event_id = ?", (event_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"{store.path}: no event with id {event_id!r}")
    return event_by_rowid(store, row[0])


def article_record(store: Store, article_id: str) -> ArticleRecord:
    row = store.connection.execute(
        "SELECT id, title, url, source, published, status, text, n_events FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"{store.path}: no article with id {article_id!r}")
    return ArticleRecord(
        id=row[0],
        title=row[1],
        url=row[2],
        source=row[3],
        published=dt.date.fromisoformat(row[4]) if row[4] else None,
        status=row[5],
        text=row[6],
        n_events=row[7],
    )


def event_evidence(store: Store, event_id: str) -> EventEvidence:
    """The event with this id, its spans in the article text, date and place origins, merged sources."""
    stored = stored_event(store, event_id)
    text = article_record(store, stored.event.article_id).text
    return _evidence(store, stored, text)


def article_evidence(store: Store, article_id: str) -> ArticleEvidence:
    """An article with every one of its events (in text order) and their spans."""
    article = article_record(store, article_id)
    events = sorted(iter_events(store, EventFilter(article=article_id), order="stored"), key=_text_order)
    return ArticleEvidence(article=article, events=tuple(_evidence(store, s, article.text) for s in events))


def _text_order(s: StoredEvent) -> tuple[int, int]:
    return (s.event.text_info.start, s.rowid)


# ---- locating ------------------------------------------------------------------------------------


def _evidence(store: Store, stored: StoredEvent, article_text: str | None) -> EventEvidence:
    event = stored.event
    info = event.text_info
    if article_text is not None and article_text[info.start : info.end] == event.event_text:
        text, s0, s1, whole = article_text, info.start, info.end, True
    else:  # no article text (or it changed): the evidence sentence alone
        text, s0, s1, whole = event.event_text, 0, len(event.event_text), False
    spans: list[Span] = []
    trigger = _find(text, event.trigger, s0, s1)
    if trigger is not None:
        spans.append(
            Span(
                kind="trigger",
                start=trigger,
                end=trigger + len(event.trigger),
                text=event.trigger,
                label=event.rule,
            )
        )
    sides: tuple[tuple[SpanKind, tuple[tuple[Mention | None, Entity], ...]], ...] = (
        ("actor", event.actor),
        ("recipient", event.recipient),
    )
    for kind, side in sides:
        for mention, entity in side:
            written = mention.text if mention is not None else None
            if not written:
                continue
            at = _find(text, written, s0, s1)
            if at is not None:
                label = f"{entity.code or '?'}/{entity.sector or '-'}" + (f" {entity.name}" if entity.name else "")
                spans.append(Span(kind=kind, start=at, end=at + len(written), text=written, label=label))
    date_origin = Origin(how="none")
    if event.date is not None:
        date_origin, span = _origin(
            store,
            stored,
            text,
            s0,
            s1,
            whole,
            phrase=event.date.text,
            char_start=event.date.char_start,
            inherited=event.date.inherited,
        )
        if span is not None:
            spans.append(
                Span(kind="date", start=span[0], end=span[1], text=event.date.text, label=event.date.iso())
            )
    place_origin = Origin(how="none")
    if event.location is not None:
        loc = event.location
        place_origin, span = _origin(
            store,
            stored,
            text,
            s0,
            s1,
            whole,
            phrase=loc.extracted_place,
            char_start=loc.char_start,
            inherited=None,
        )
        if span is not None:
            spans.append(
                Span(kind="place", start=span[0], end=span[1], text=loc.extracted_place, label=loc.resolved_place)
            )
    sources: tuple[SourceRef, ...] = ()
    if stored.merge is not None:
        sources = merged_sources(store, stored.merge.merged_id)
    return EventEvidence(
        stored=stored,
        text=text,
        whole=whole,
        sentence_start=s0,
        sentence_end=s1,
        spans=tuple(sorted(spans, key=lambda s: (s.start, -s.end))),
        date_origin=date_origin,
        place_origin=place_origin,
        sources=sources,
    )


def _find(text: str, needle: str, start: int, end: int) -> int | None:
    """Where `needle` occurs as whole words in text[start:end] (case-sensitive first); None if nowhere."""
    needle = needle.strip()
    if not needle:
        return None
    window = text[start:end]
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
    for flags in (0, re.IGNORECASE):
        m = re.search(pattern, window, flags)
        if m is not None:
            return start + m.start()
    at = window.find(needle)
    return start + at if at >= 0 else None


def _origin(
    store: Store,
    stored: StoredEvent,
    text: str,
    s0: int,
    s1: int,
    whole: bool,
    *,
    phrase: str,
    char_start: int,
    inherited: bool | None,
) -> tuple[Origin, tuple[int, int] | None]:
    """Where a date or place phrase is, and the span to mark when it is in the evidence sentence."""
    in_text = whole and 0 <= char_start and text[char_start : char_start + len(phrase)] == phrase
    if in_text and s0 <= char_start < s1:
        how: Literal["context", "phrase"] = "context" if inherited else "phrase"
        return Origin(
            how=how,
            text=phrase,
            char_start=char_start,
            sentence=stored.event.text_info.sentence,
            sentence_text=text[s0:s1],
        ), (
            char_start,
            char_start + len(phrase),
        )
    if in_text:
        idx, sentence = _sentence_at(store, stored.event.article_id, text, char_start)
        return Origin(
            how="context", text=phrase, char_start=char_start, sentence=idx, sentence_text=sentence
        ), None
    at = _find(text, phrase, s0, s1) if phrase else None
    if at is not None:  # offsets unknown, but the phrase is in the evidence sentence
        return Origin(
            how="context" if inherited else "sentence",
            text=phrase,
            char_start=at,
            sentence=stored.event.text_info.sentence,
            sentence_text=text[s0:s1],
        ), (
            at,
            at + len(phrase),
        )
    return Origin(how="context", text=phrase or None), None


def _sentence_at(store: Store, article_id: str, text: str, offset: int) -> tuple[int | None, str]:
    """The stored sentence holding `offset`, or the stretch of text between sentence breaks around it."""
    row = store.connection.execute(
        "SELECT idx, text FROM sentences WHERE article_id = ? AND start <= ? AND end > ?",
        (article_id, offset, offset),
    ).fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, offset):
        start = m.end()
    after = _SENTENCE_END.search(text, offset)
    end = after.start() if after else len(text)
    return None, text[start:end].strip()


# ---- rendering helper ------------------------------------------------------------------------------


def segments(
    text: str, spans: tuple[Span, ...] | list[Span], start: int = 0, end: int | None = None
) -> list[Segment]:
    """text[start:end] cut into runs that share the same set of covering spans (spans may overlap)."""
    end = len(text) if end is None else end
    cuts = {start, end}
    for s in spans:
        for x in (s.start, s.end):
            if start < x < end:
                cuts.add(x)
    points = sorted(cuts)
    out: list[Segment] = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        out.append(
            Segment(
                text=text[a:b],
                start=a,
                kinds=frozenset(s.kind for s in covering),
                labels=tuple(f"{s.kind}: {s.label}" for s in covering),
            )
        )
    return out


RESOLUTIONS = {1: "country", 2: "region", 3: "district", 4: "city", 5: "site"}
"""Place resolution codes (the gazetteer's) in words."""
QUADS = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
"""PLOVER quad codes in words."""


def origin_phrase(origin: Origin, what: str) -> str:
    """Where a date or place came from, in words ("its own phrase", "inherited from sentence 3", ...)."""
    if origin.how == "none":
        return f"no {what}"
    if origin.how == "phrase":
        return "its own phrase in the evidence sentence"
    if origin.how == "sentence":
        return "a phrase of the evidence sentence"
    where = f"sentence {origin.sentence}" if origin.sentence is not None else "another part of the article"
    return f"inherited from the story's context ({where})"
