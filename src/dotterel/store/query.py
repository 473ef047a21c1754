"""Reading the store: events (raw, one per article mention) and merged events, filtered; counts.

Everything is streamed from SQLite cursors; nothing builds the whole result in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypedDict

from dotterel.errors import DotterelError
from dotterel.records import DateRef, Entity, Event, Location, Mention, Modality, TextInfo
from dotterel.store.db import Store, StoreError, describe_sqlite_error

_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorSpec:
    """An actor or recipient filter: a code, a sector, or both (IRN, IRN/GOV, /GOV)."""

    code: str | None = None
    sector: str | None = None
    uncoded: bool = False  # '?': an actor the coder named but could not code (code null)


def parse_actor(spec: str) -> ActorSpec:
    """Parse 'IRN', 'IRN/GOV', '/GOV' (also '*/GOV') or '?' / '?/GOV' (uncoded actors);
    raises DotterelError on anything else."""
    text = spec.strip().upper()
    code, _, sector = text.partition("/")
    code = "" if code == "*" else code
    if code == "?":
        if sector and not _CODE.match(sector):
            raise DotterelError(f"actor filter {spec!r}: use ?/SECTOR for uncoded actors of a sector")
        return ActorSpec(sector=sector or None, uncoded=True)
    if (code and not _CODE.match(code)) or (sector and not _CODE.match(sector)) or not (code or sector):
        raise DotterelError(
            f"actor filter {spec!r}: use a code (IRN), code/sector (IRN/GOV), /sector (/GOV) or ? (uncoded)"
        )
    return ActorSpec(code=code or None, sector=sector or None)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """Which events to read.

    since/until take an event when its whole date lies in the range, at the date's precision: "2024-11"
    is 1 to 30 November, so `until` 2024-11-15 leaves it out and `until` 2024-11-30 takes it; "2015"
    counts in no range shorter than the year. Undated events match no date range.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    actor: ActorSpec | None = None
    recipient: ActorSpec | None = None
    events: tuple[str, ...] = ()  # PLOVER types
    cameo: str | None = None  # CAMEO code prefix: "04" matches 040, 042, ...
    quad: int | None = None
    source: str | None = None  # the article's source name, case-insensitive
    article: str | None = None
    text: str | None = None  # words that must all occur in the evidence sentence (FTS5)
    limit: int | None = None
    # the analyst's filters (see _view_clauses)
    country: str | None = None  # ISO3 code of either side or of the place
    place: str | None = None  # the place as resolved or as written, case-insensitive
    min_confidence: float | None = None
    modality: tuple[str, ...] = ()  # any of MODALITIES
    precision: tuple[str, ...] = ()  # any of PRECISIONS
    inherited: bool | None = None  # True: dates taken from the story's context; False: the event's own
    actor_text: str | None = None  # an actor as written or by its canonical name (coded or not)
    recipient_text: str | None = None


class FilterFields(TypedDict, total=False):
    """EventFilter fields by name, typed, for `dataclasses.replace`: the analyst's filters, a network node's side."""

    actor: ActorSpec | None
    recipient: ActorSpec | None
    actor_text: str | None
    recipient_text: str | None
    country: str | None
    place: str | None
    min_confidence: float | None
    modality: tuple[str, ...]
    precision: tuple[str, ...]
    inherited: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleInfo:
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: dt.date | None
    ingested_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeInfo:
    merged_id: int
    num_mentions: int
    num_sources: int
    num_articles: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredEvent:
    """A raw event as stored, with its article and the merged event it belongs to."""

    rowid: int
    event: Event
    article: ArticleInfo
    merge: MergeInfo | None
    is_root: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """One report of a merged event: the raw event, its article and evidence sentence."""

    event_id: str
    article_id: str
    sentence: int
    event_text: str
    url: str | None
    source: str | None
    published: dt.date | None
    is_root: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MergedEvent:
    """The same event reported by one or more articles."""

    id: int
    representative: StoredEvent  # the member coded with the highest confidence
    num_mentions: int
    num_sources: int
    num_articles: int
    first_added: str  # UTC ISO time the first report was stored
    sources: tuple[SourceRef, ...]  # in the order they were stored


@dataclass(frozen=True, slots=True, kw_only=True)
class Count:
    label: str
    n: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreStats:
    articles_coded: int
    articles_rejected: int
    articles_duplicate: int
    inputs_rejected: int
    events: int
    merged_events: int
    by_type: tuple[Count, ...]
    by_quad: tuple[Count, ...]
    by_dyad: tuple[Count, ...]
    by_month: tuple[Count, ...]


# ---- filters ------------------------------------------------------------------------------

# the last day of an event's date at its precision (date_start is the first)
DATE_END = (
    "CASE e.date_precision WHEN 'year' THEN date(e.date_start, 'start of year', '+1 year', '-1 day') "
    "WHEN 'month' THEN date(e.date_start, 'start of month', '+1 month', '-1 day') ELSE e.date_start END"
)
# the month of an event for counts: YYYY-MM, or YYYY when the text gives only the year (never January)
MONTH_LABEL = (
    "COALESCE(CASE e.date_precision WHEN 'year' THEN substr(e.date_start, 1, 4) "
    "ELSE substr(e.date_start, 1, 7) END, 'undated')"
)


def _where(f: EventFilter | None) -> tuple[str, list[object]]:
    if f is None:
        return "", []
    clauses: list[str] = []
    params: list[object] = []
    if f.since is not None:
        clauses.append("e.date_start >= ?")
        params.append(f.since.isoformat())
    if f.until is not None:
        clauses.append(f"{DATE_END} <= ?")
        params.append(f.until.isoformat())
    for role, spec in (("actor", f.actor), ("recipient", f.recipient)):
        if spec is None:
            continue
        cond = ["n.role = ?"]
        params.append(role)
        if spec.uncoded:
            cond.append("n.code IS NULL")
        elif spec.code:
            cond.append("n.code = ?")
            params.append(spec.code)
        if spec.sector:
            cond.append("n.sector = ?")
            params.append(spec.sector)
        clauses.append(f"e.id IN (SELECT n.event_rowid FROM entities n WHERE {' AND '.join(cond)})")
    if f.events:
        clauses.append(f"e.event IN ({', '.join('?' * len(f.events))})")
        params.extend(t.upper() for t in f.events)
    if f.cameo:
        clauses.append("e.cameo LIKE ?")
        params.append(f.cameo.replace("%", "").replace("_", "") + "%")
    if f.quad is not None:
        clauses.append("e.quad_code = ?")
        params.append(f.quad)
    if f.source:
        clauses.append("a.source = ? COLLATE NOCASE")
        params.append(f.source)
    if f.article:
        clauses.append("e.article_id = ?")
        params.append(f.article)
    if f.text:
        clauses.append("e.sentence_id IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?)")
        params.append(fts_query(f.text))
    _view_clauses(f, clauses, params)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def from_clause(f: EventFilter | None) -> str:
    """`FROM events e`, joined to its articles only when the filter reads them (the source): every
    event has exactly one article, so the join changes no count, but it costs a lookup per event."""
    if f is not None and f.source:
        return " FROM events e JOIN articles a ON a.id = e.article_id"
    return " FROM events e"


def where_clause(f: EventFilter | None) -> tuple[str, list[object]]:
    """The SQL WHERE clause (over `events e JOIN articles a`) and its parameters, for other readers."""
    return _where(f)


MODALITIES = ("hedged", "negated", "future", "hypothetical", "asserted")
"""Modality filter values; `asserted` is an event that is none of the others."""
PRECISIONS = ("day", "month", "year", "none")
"""Date precision filter values; `none` is an undated event."""


def _view_clauses(f: EventFilter, clauses: list[str], params: list[object]) -> None:
    """The analyst's filters: country (either side or the place), place, confidence, modality, dates."""
    if f.country:
        clauses.append("(e.loc_country = ? OR e.id IN (SELECT n.event_rowid FROM entities n WHERE n.code = ?))")
        params += [f.country.upper(), f.country.upper()]
    if f.place:
        clauses.append("(e.loc_resolved = ? COLLATE NOCASE OR e.loc_extracted = ? COLLATE NOCASE)")
        params += [f.place, f.place]
    if f.min_confidence is not None:
        clauses.append("e.confidence >= ?")
        params.append(float(f.min_confidence))
    if f.modality:
        unknown = set(f.modality) - set(MODALITIES)
        if unknown:
            raise DotterelError(
                f"modality filter: unknown value(s) {sorted(unknown)}; use {', '.join(MODALITIES)}"
            )
        flags = [f"e.{m} = 1" for m in MODALITIES[:-1] if m in f.modality]
        if "asserted" in f.modality:
            flags.append("(" + " AND ".join(f"e.{m} = 0" for m in MODALITIES[:-1]) + ")")
        clauses.append("(" + " OR ".join(flags) + ")")
    if f.precision:
        unknown = set(f.precision) - set(PRECISIONS)
        if unknown:
            raise DotterelError(
                f"precision filter: unknown value(s) {sorted(unknown)}; use {', '.join(PRECISIONS)}"
            )
        known = [p for p in PRECISIONS[:-1] if p in f.precision]
        parts = [f"e.date_precision IN ({', '.join('?' * len(known))})"] if known else []
        params.extend(known)
        if "none" in f.precision:
            parts.append("e.date_precision IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    if f.inherited is not None:
        clauses.append("e.date_start IS NOT NULL AND e.date_inherited = ?")
        params.append(int(f.inherited))
    for role, text in (("actor", f.actor_text), ("recipient", f.recipient_text)):
        if text:
            clauses.append(
                "e.id IN (SELECT n.event_rowid FROM entities n WHERE n.role = ? "
                "AND (n.mention_text = ? COLLATE NOCASE OR n.name = ? COLLATE NOCASE))"
            )
            params += [role, text.strip(), text.strip()]


def fts_query(text: str) -> str:
    """User words as an FTS5 query: every word must occur (each quoted, so punctuation is safe)."""
    words = [w for w in text.split() if w.strip()]
    if not words:
        raise DotterelError("text filter: give at least one word")
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _run(store: Store, sql: str, params: list[object]) -> sqlite3.Cursor:
    cur = store.connection.cursor()
    cur.row_factory = sqlite3.Row
    try:
        return cur.execute(sql, params)
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(store.path, "reading events", exc)) from exc


# ---- raw events -------------------------------------------------------------------------------

_EVENT_SQL = (
    "SELECT e.*, a.title AS a_title, a.url AS a_url, a.source AS a_source, a.published AS a_published, "
    "a.ingested_at AS a_ingested_at, s.merged_id AS m_id, m.num_mentions AS m_mentions, "
    "m.num_sources AS m_sources, m.num_articles AS m_articles "
    "FROM events e JOIN articles a ON a.id = e.article_id "
    "LEFT JOIN event_sources s ON s.event_rowid = e.id LEFT JOIN merged_events m ON m.id = s.merged_id"
)

_ORDER = {
    "date": " ORDER BY e.date_start IS NULL, e.date_start, e.id",
    "stored": " ORDER BY e.id",
    # newest first, undated last; confidence either way (the analyst's view)
    "-date": " ORDER BY e.date_start DESC, e.id DESC",  # NULL sorts lowest: undated come last
    "confidence": " ORDER BY e.confidence, e.id",
    "-confidence": " ORDER BY e.confidence DESC, e.id",
}


def iter_events(
    store: Store, f: EventFilter | None = None, *, order: str = "date", offset: int = 0
) -> Iterator[StoredEvent]:
    """Raw events matching the filter, by date (undated last) or in the order stored; `offset` skips (pages)."""
    if order not in _ORDER:
        raise DotterelError(f"order {order!r}: use one of {', '.join(_ORDER)}")
    where, params = _where(f)
    sql = _EVENT_SQL + where + _ORDER[order]
    if f is not None and f.limit is not None:
        sql += " LIMIT ?"
        params.append(f.limit)
    if offset:
        sql += (" " if f is not None and f.limit is not None else " LIMIT -1 ") + "OFFSET ?"
        params.append(int(offset))
    for row in _run(store, sql, params):
        yield _stored_event(store, row)


def page_events(store: Store, f: EventFilter | None, *, order: str, offset: int, limit: int) -> list[StoredEvent]:
    """One page of events: the page's ids are found first (a light query), then only they are read
    in full, so a deep page does not read every row before it."""
    if order not in _ORDER:
        raise DotterelError(f"order {order!r}: use one of {', '.join(_ORDER)}")
    where, params = _where(f)
    sql = "SELECT e.id" + from_clause(f) + where + _ORDER[order] + " LIMIT ? OFFSET ?"
    ids = [r[0] for r in _run(store, sql, [*params, int(limit), int(offset)])]
    return [event_by_rowid(store, i) for i in ids]


def count_events(store: Store, f: EventFilter | None = None) -> int:
    where, params = _where(f)
    sql = "SELECT COUNT(*)" + from_clause(f) + where
    return int(_run(store, sql, params).fetchone()[0])


def event_by_rowid(store: Store, rowid: int) -> StoredEvent:
    row = _run(store, _EVENT_SQL + " WHERE e.id = ?", [rowid]).fetchone()
    if row is None:
        raise StoreError(f"{store.path}: event {rowid} is missing")
    return _stored_event(store, row)


def _stored_event(store: Store, row: sqlite3.Row) -> StoredEvent:
    ents = store.connection.execute(
        "SELECT role, mention_text, code, sector, name, kind, inferred FROM entities "
        "WHERE event_rowid = ? ORDER BY role, position",
        (row["id"],),
    ).fetchall()
    sentence = row["sentence"]

    def side(role: str) -> tuple[tuple[Mention | None, Entity], ...]:
        out: list[tuple[Mention | None, Entity]] = []
        for n, (_, text, code, sector, name, kind, inferred) in enumerate(x for x in ents if x[0] == role):
            entity = Entity(code=code, sector=sector, name=name, kind=kind, inferred=bool(inferred))
            mention = None
            if text is not None:  # the stored mention keeps its text; token offsets are not stored
                mention = Mention(
                    index=n,
                    text=text,
                    start=-1,
                    end=-1,
                    char_start=-1,
                    char_end=-1,
                    head=-1,
                    sentence=sentence,
                    entities=(entity,),
                )
            out.append((mention, entity))
        return tuple(out)

    date = None
    if row["date_start"]:
        date = DateRef(
            date=dt.date.fromisoformat(row["date_start"]),
            precision=row["date_precision"],
            text=row["date_text"] or "",
            char_start=row["date_char_start"] if row["date_char_start"] is not None else -1,
            inherited=bool(row["date_inherited"]),
        )
    location = None
    if row["loc_resolved"] is not None:
        location = Location(
            extracted_place=row["loc_extracted"],
            resolved_place=row["loc_resolved"],
            country_code=row["loc_country"],
            lat=row["loc_lat"],
            lon=row["loc_lon"],
            geonameid=row["loc_geonameid"],
            resolution=row["loc_resolution"],
            char_start=row["loc_char_start"] if row["loc_char_start"] is not None else -1,
        )
    versions: tuple[tuple[str, str], ...] = ()
    if row["versions_id"] is not None:
        found = store.connection.execute(
            "SELECT versions FROM coder_versions WHERE id = ?", (row["versions_id"],)
        ).fetchone()
        if found:
            versions = tuple(sorted(json.loads(found[0]).items()))
    event = Event(
        id=row["event_id"],
        article_id=row["article_id"],
        event=row["event"],
        mode=tuple(json.loads(row["mode"])),
        context=tuple(json.loads(row["context"])),
        cameo=row["cameo"],
        quad_code=row["quad_code"],
        goldstein=row["goldstein"],
        actor=side("actor"),
        recipient=side("recipient"),
        date=date,
        location=location,
        event_text=row["event_text"],
        text_info=TextInfo(sentence=sentence, start=row["text_start"], end=row["text_end"]),
        trigger=row["trigger"],
        rule=row["rule"],
        confidence=row["confidence"],
        modality=Modality(
            attributed_to=row["attributed_to"],
            hedged=bool(row["hedged"]),
            negated=bool(row["negated"]),
            future=bool(row["future"]),
            hypothetical=bool(row["hypothetical"]),
            cues=tuple(json.loads(row["cues"])),
        ),
        versions=versions,
    )
    article = ArticleInfo(
        id=row["article_id"],
        title=row["a_title"],
        url=row["a_url"],
        source=row["a_source"],
        published=dt.date.fromisoformat(row["a_published"]) if row["a_published"] else None,
        ingested_at=row["a_ingested_at"],
    )
    merge = None
    if row["m_id"] is not None:
        merge = MergeInfo(
            merged_id=row["m_id"],
            num_mentions=row["m_mentions"],
            num_sources=row["m_sources"],
            num_articles=row["m_articles"],
        )
    return StoredEvent(rowid=row["id"], event=event, article=article, merge=merge, is_root=bool(row["is_root"]))


# ---- merged events ---------------------------------------------------------------------------


def iter_merged(store: Store, f: EventFilter | None = None) -> Iterator[MergedEvent]:
    """Merged events with at least one member matching the filter, by date (undated last)."""
    where, params = _where(f)
    sql = "SELECT m.id, m.representative, m.num_mentions, m.num_sources, m.num_articles, m.first_added FROM merged_events m"
    if where:
        sql += (
            " WHERE m.id IN (SELECT s.merged_id FROM event_sources s JOIN events e ON e.id = s.event_rowid "
            "JOIN articles a ON a.id = e.article_id" + where + ")"
        )
    sql += " ORDER BY m.date_start IS NULL, m.date_start, m.id"
    if f is not None and f.limit is not None:
        sql += " LIMIT ?"
        params.append(f.limit)
    for row in _run(store, sql, params):
        if row["representative"] is None:
            continue
        yield MergedEvent(
            id=row["id"],
            representative=event_by_rowid(store, row["representative"]),
            num_mentions=row["num_mentions"],
            num_sources=row["num_sources"],
            num_articles=row["num_articles"],
            first_added=row["first_added"],
            sources=_sources(store, row["id"]),
        )


def count_merged(store: Store) -> int:
    return int(store.connection.execute("SELECT COUNT(*) FROM merged_events").fetchone()[0])


def merged_sources(store: Store, merged_id: int) -> tuple[SourceRef, ...]:
    """Every report of a merged event, in the order stored."""
    return _sources(store, merged_id)


def _sources(store: Store, merged_id: int) -> tuple[SourceRef, ...]:
    rows = store.connection.execute(
        "SELECT e.event_id, e.article_id, e.sentence, e.event_text, a.url, a.source, a.published, e.is_root "
        "FROM event_sources s JOIN events e ON e.id = s.event_rowid JOIN articles a ON a.id = e.article_id "
        "WHERE s.merged_id = ? ORDER BY a.rowid, e.id",
        (merged_id,),
    ).fetchall()
    return tuple(
        SourceRef(
            event_id=r[0],
            article_id=r[1],
            sentence=r[2],
            event_text=r[3],
            url=r[4],
            source=r[5],
            published=dt.date.fromisoformat(r[6]) if r[6] else None,
            is_root=bool(r[7]),
        )
        for r in rows
    )


# ---- counts ------------------------------------------------------------------------------------


def stats(store: Store, f: EventFilter | None = None, *, top: int = 20) -> StoreStats:
    """Counts of articles by status, and of events by type, quad class, dyad and month."""
    conn = store.connection
    status = dict(conn.execute("SELECT status, COUNT(*) FROM articles GROUP BY status").fetchall())
    where, params = _where(f)
    base = from_clause(f) + where

    def counts(expr: str, order: str, limit: int | None = None) -> tuple[Count, ...]:
        sql = f"SELECT {expr} AS label, COUNT(*) AS n{base} GROUP BY label ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return tuple(Count(label=str(r[0]), n=r[1]) for r in _run(store, sql, list(params)))

    return StoreStats(
        articles_coded=status.get("coded", 0),
        articles_rejected=status.get("rejected", 0),
        articles_duplicate=status.get("duplicate", 0),
        inputs_rejected=conn.execute("SELECT COUNT(*) FROM rejected_inputs").fetchone()[0],
        events=int(_run(store, "SELECT COUNT(*)" + base, list(params)).fetchone()[0]),
        merged_events=count_merged(store),
        by_type=counts("e.event", "n DESC, label"),
        by_quad=counts("e.quad_code", "label"),
        by_dyad=counts(
            "e.actor_codes || ' -> ' || COALESCE(NULLIF(e.recipient_codes, ''), '-')", "n DESC, label", top
        ),
        by_month=counts(MONTH_LABEL, "label"),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    source: str  # the input (file, file:line) or "article ID"
    reason: str


def rejections(store: Store) -> Iterator[Rejection]:
    """Every rejected input and article recorded in the store, with its reason."""
    conn = store.connection
    for source, reason in conn.execute("SELECT source, reason FROM rejected_inputs ORDER BY source"):
        yield Rejection(source=source, reason=reason)
    for source, reason in conn.execute(
        "SELECT 'article ' || id, rejection_reason FROM articles WHERE status = 'rejected' ORDER BY id"
    ):
        yield Rejection(source=source, reason=reason or "")
