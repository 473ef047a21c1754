"""Aggregates for the analyst's view: timelines, the actor network, places, actors, articles.

Every function takes the same EventFilter as `dotterel events` (so the CLI, the API and the pages
agree on what a filter means), runs one or two grouped SQL queries with bound parameters, and
returns frozen records. Actors without a code (the coder keeps their text) are grouped by the
text as written, so an unknown name is still a node, a row, a point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from dotterel.errors import DotterelError
from dotterel.store.db import Store
from dotterel.store.merge import UNKNOWN
from dotterel.store.query import EventFilter, FilterFields, _run, from_clause, where_clause

INTERVALS = ("day", "week", "month", "year")
GROUPINGS = ("quad", "event")
LEVELS = ("country", "sector")
_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
_PRECISION_RANK = {"day": 0, "month": 2, "year": 3}
TEXT_KEY = "text:"
"""Prefix of the key of an actor without a code: `text:` and the text as written (lower case)."""


# ---- timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Bin:
    """Events counted in one period, by group (quad code or event type)."""

    start: dt.date
    end: dt.date  # first day after the period
    counts: tuple[tuple[str, int], ...]
    articles: int  # articles published in the period (the volume to normalise by)


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """Events per period. Events dated more coarsely than the interval are not put in a bin (a year-only
    date is not drawn in January): they are listed as spans covering their whole month or year."""

    interval: str
    by: str
    groups: tuple[str, ...]
    bins: tuple[Bin, ...]
    spans: tuple[Bin, ...]  # coarser-dated events: one entry per month or year, with precision-wide extent
    span_precision: tuple[str, ...]  # parallel to spans: "month" or "year"
    undated: int


def _bin_sql(interval: str, column: str) -> str:
    if interval == "day":
        return column
    if interval == "week":  # the Monday on or before the day
        return f"date({column}, '-6 days', 'weekday 1')"
    if interval == "month":
        return f"substr({column}, 1, 7) || '-01'"
    return f"substr({column}, 1, 4) || '-01-01'"


def _next(start: dt.date, interval: str) -> dt.date:
    if interval == "day":
        return start + dt.timedelta(days=1)
    if interval == "week":
        return start + dt.timedelta(days=7)
    if interval == "month":
        return dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return dt.date(start.year + 1, 1, 1)


def timeline(store: Store, f: EventFilter | None = None, *, interval: str = "month", by: str = "quad") -> Timeline:
    """Events per day, week, month or year, by quad code or PLOVER type, with the article volume."""
    if interval not in INTERVALS:
        raise DotterelError(f"interval {interval!r}: use one of {', '.join(INTERVALS)}")
    if by not in GROUPINGS:
        raise DotterelError(f"by {by!r}: use one of {', '.join(GROUPINGS)}")
    where, params = where_clause(f)
    group = "CAST(e.quad_code AS TEXT)" if by == "quad" else "e.event"
    sql = (
        f"SELECT e.date_start AS d, e.date_precision AS p, {group} AS g, COUNT(*) AS n{from_clause(f)}{where} "
        "GROUP BY d, p, g"
    )
    fine: dict[str, dict[str, int]] = {}
    coarse: dict[tuple[str, str], dict[str, int]] = {}
    groups: dict[str, int] = {}
    undated = 0
    for d, p, g, n in _run(store, sql, params):
        if d is None:
            undated += n
            continue
        groups[g] = groups.get(g, 0) + n
        if _PRECISION_RANK.get(p, 0) <= _RANK[interval]:
            key = _bin_start(dt.date.fromisoformat(d), interval).isoformat()
            cell = fine.setdefault(key, {})
        else:
            cell = coarse.setdefault((p, d), {})
        cell[g] = cell.get(g, 0) + n
    volume = _article_volume(store, interval, f)
    bins = []
    for key in sorted(fine):
        start = dt.date.fromisoformat(key)
        bins.append(
            Bin(
                start=start,
                end=_next(start, interval),
                counts=tuple(sorted(fine[key].items())),
                articles=volume.get(key, 0),
            )
        )
    spans = []
    span_precision = []
    for (p, d), cell in sorted(coarse.items(), key=lambda x: (x[0][1], x[0][0])):
        start = dt.date.fromisoformat(d)
        spans.append(Bin(start=start, end=_next(start, p), counts=tuple(sorted(cell.items())), articles=0))
        span_precision.append(p)
    order = sorted(groups, key=lambda g: (int(g) if by == "quad" else -groups[g], g))
    return Timeline(
        interval=interval,
        by=by,
        groups=tuple(order),
        bins=tuple(bins),
        spans=tuple(spans),
        span_precision=tuple(span_precision),
        undated=undated,
    )


def _bin_start(day: dt.date, interval: str) -> dt.date:
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return dt.date(day.year, 1, 1)


def _article_volume(store: Store, interval: str, f: EventFilter | None) -> dict[str, int]:
    """Coded articles published per period (of the filter's source, when it names one)."""
    sql = f"SELECT {_bin_sql(interval, 'published')} AS b, COUNT(*) FROM articles WHERE status = 'coded' AND published IS NOT NULL"
    params: list[object] = []
    if f is not None and f.source:
        sql += " AND source = ? COLLATE NOCASE"
        params.append(f.source)
    sql += " GROUP BY b"
    return {str(b): int(n) for b, n in _run(store, sql, params)}


# ---- actors and the network ---------------------------------------------------------------------


def _key_sql(level: str, n: str = "n") -> str:
    """The node key of entity alias `n`: its code (and sector), or `text:` + its text when uncoded."""
    text = f"'{TEXT_KEY}' || lower(COALESCE({n}.mention_text, {n}.name, '?'))"
    if level == "sector":
        return f"CASE WHEN {n}.code IS NULL THEN {text} ELSE {n}.code || COALESCE('/' || {n}.sector, '') END"
    return f"COALESCE({n}.code, {text})"


def _text_labels(store: Store, keys: set[str]) -> dict[str, str]:
    """Uncoded actors' keys → the text as written (first spelling in sort order)."""
    wanted = {k[len(TEXT_KEY) :] for k in keys if k.startswith(TEXT_KEY)}
    if not wanted:
        return {}
    rows = _run(
        store,
        "SELECT lower(COALESCE(mention_text, name, '?')) AS t, MIN(COALESCE(mention_text, name, '?')) "
        "FROM entities WHERE code IS NULL GROUP BY t",
        [],
    )
    return {TEXT_KEY + t: label for t, label in rows if t in wanted}


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """Events that `source` directs at `target`, by quad code; coop_conflict runs from -1 (all
    material conflict) to +1 (all material cooperation)."""

    source: str
    target: str
    n: int
    quads: tuple[int, int, int, int]
    goldstein: float | None  # mean over events that have one
    coop_conflict: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    key: str  # a code (IRN), code/sector (IRN/GOV) or `text:` + an uncoded actor's text
    label: str  # the key, or the text as first written for an uncoded actor
    coded: bool
    as_actor: int
    as_recipient: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    level: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    total_edges: int  # before the `top` cut


_QUAD_WEIGHT = {1: 0.5, 2: 1.0, 3: -0.5, 4: -1.0}


@dataclass(slots=True)
class _Dyads:
    """Running counts: per (actor node, recipient node) [n, q1, q2, q3, q4, goldstein sum, goldstein n],
    and per node the events it acts in and receives."""

    edges: dict[tuple[str, str], list[float]]
    roles: dict[str, list[int]]  # key -> [as actor, as recipient]

    def add_pair(self, a: str, r: str, quad: int, n: int, gsum: float, gcount: int) -> None:
        cell = self.edges.setdefault((a, r), [0, 0, 0, 0, 0, 0.0, 0])
        cell[0] += n
        cell[quad] += n
        cell[5] += gsum
        cell[6] += gcount

    def add(self, actors: list[str], recipients: list[str], quad: int, n: int, gsum: float, gcount: int) -> None:
        for a in actors:
            self.roles.setdefault(a, [0, 0])[0] += n
        for r in recipients:
            self.roles.setdefault(r, [0, 0])[1] += n
        for a in actors:
            for r in recipients:
                self.add_pair(a, r, quad, n, gsum, gcount)


def _dyads(store: Store, f: EventFilter | None, level: str, *, with_roles: bool = False) -> _Dyads:
    """Every actor → recipient pair of the filtered events, each event counted once per distinct pair.

    At country level, events whose sides are all coded are counted from the events' own code lists
    (one grouped pass over a covering index); only events with an uncoded side read their entities.
    At sector level every event reads its entities."""
    if level not in LEVELS:
        raise DotterelError(f"level {level!r}: use one of {', '.join(LEVELS)}")
    where, params = where_clause(f)
    out = _Dyads(edges={}, roles={})
    and_ = " AND " if where else " WHERE "
    entity_where = where
    if level == "country":
        unknown = f"'%{UNKNOWN}%'"
        coded = f"e.actor_codes NOT LIKE {unknown} AND e.recipient_codes NOT LIKE {unknown}"
        sql = (
            "SELECT e.actor_codes, e.recipient_codes, e.quad_code, COUNT(*), SUM(e.goldstein), COUNT(e.goldstein)"
            + from_clause(f)
            + where
            + and_
            + coded
            + " GROUP BY 1, 2, 3"
        )
        for a, r, q, n, gsum, gcount in _run(store, sql, list(params)):
            out.add(
                a.split("|") if a else [],
                r.split("|") if r else [],
                int(q),
                int(n),
                float(gsum or 0.0),
                int(gcount),
            )
        entity_where = where + and_ + f"NOT ({coded})"
    # the other events: distinct (actor node, recipient node) pairs per event, through the entities index
    # (CROSS JOIN keeps events as the outer loop, so each event's entities are two index searches)
    join = (
        from_clause(f) + " CROSS JOIN entities na ON na.event_rowid = e.id AND na.role = 'actor' "
        "CROSS JOIN entities nr ON nr.event_rowid = e.id AND nr.role = 'recipient'"
    )
    sql = (
        "SELECT ka, kr, q, COUNT(*), SUM(g), COUNT(g) FROM (SELECT DISTINCT e.id, e.quad_code AS q, "
        f"e.goldstein AS g, {_key_sql(level, 'na')} AS ka, {_key_sql(level, 'nr')} AS kr"
        + join
        + entity_where
        + ") GROUP BY ka, kr, q"
    )
    for a, r, q, n, gsum, gcount in _run(store, sql, list(params)):
        out.add_pair(a, r, int(q), int(n), float(gsum or 0.0), int(gcount))
    if with_roles:
        # from the entities alone (a covering index), restricted to the filtered events when there is a filter
        sql = f"SELECT {_key_sql(level)} AS k, n.role, COUNT(DISTINCT n.event_rowid) FROM entities n"
        if entity_where:
            sql += " WHERE n.event_rowid IN (SELECT e.id" + from_clause(f) + entity_where + ")"
        sql += " GROUP BY k, n.role"
        for key, role, n in _run(store, sql, list(params) if entity_where else []):
            out.roles.setdefault(key, [0, 0])[0 if role == "actor" else 1] += int(n)
    return out


def network(store: Store, f: EventFilter | None = None, *, level: str = "country", top: int = 150) -> Network:
    """Directed, weighted actor → recipient edges (the `top` heaviest) and the nodes they join."""
    dyads = _dyads(store, f, level)
    ranked = sorted(dyads.edges.items(), key=lambda kv: (-kv[1][0], kv[0]))
    kept = ranked[: max(1, top)]
    labels = _text_labels(store, {k for (a, r), _ in kept for k in (a, r)})
    edges: list[Edge] = []
    nodes: dict[str, list[int]] = {}
    for (src, dst), cell in kept:
        n = int(cell[0])
        quads = (int(cell[1]), int(cell[2]), int(cell[3]), int(cell[4]))
        score = sum(_QUAD_WEIGHT[i + 1] * q for i, q in enumerate(quads)) / n if n else 0.0
        edges.append(
            Edge(
                source=src,
                target=dst,
                n=n,
                quads=quads,
                goldstein=round(cell[5] / cell[6], 2) if cell[6] else None,
                coop_conflict=round(score, 3),
            )
        )
        nodes.setdefault(src, [0, 0])[0] += n
        nodes.setdefault(dst, [0, 0])[1] += n
    return Network(
        level=level,
        nodes=tuple(
            Node(
                key=k, label=_label(k, labels), coded=not k.startswith(TEXT_KEY), as_actor=v[0], as_recipient=v[1]
            )
            for k, v in sorted(nodes.items())
        ),
        edges=tuple(edges),
        total_edges=len(ranked),
    )


def _label(key: str, texts: dict[str, str]) -> str:
    return texts.get(key, key[len(TEXT_KEY) :]) if key.startswith(TEXT_KEY) else key


@dataclass(frozen=True, slots=True, kw_only=True)
class Counterpart:
    key: str
    label: str
    n: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorSummary:
    key: str
    label: str
    coded: bool
    as_actor: int  # events in which it acts
    as_recipient: int  # events directed at it
    targets: tuple[Counterpart, ...]  # whom it acts on, most events first
    sources: tuple[Counterpart, ...]  # who acts on it


def actors(
    store: Store, f: EventFilter | None = None, *, level: str = "country", top: int = 50, counterparts: int = 5
) -> tuple[ActorSummary, ...]:
    """The `top` actors by events (either role), each with its counterparts and counts."""
    dyads = _dyads(store, f, level, with_roles=True)
    ranked = sorted(dyads.roles.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))[: max(1, top)]
    outgoing: dict[str, list[tuple[int, str]]] = {}
    incoming: dict[str, list[tuple[int, str]]] = {}
    for (a, r), cell in dyads.edges.items():
        outgoing.setdefault(a, []).append((int(cell[0]), r))
        incoming.setdefault(r, []).append((int(cell[0]), a))
    keys = {k for k, _ in ranked}
    for k, _ in ranked:
        keys |= {x for _, x in outgoing.get(k, [])} | {x for _, x in incoming.get(k, [])}
    labels = _text_labels(store, keys)

    def best(pairs: list[tuple[int, str]]) -> tuple[Counterpart, ...]:
        top_pairs = sorted(pairs, key=lambda p: (-p[0], p[1]))[:counterparts]
        return tuple(Counterpart(key=k, label=_label(k, labels), n=n) for n, k in top_pairs)

    return tuple(
        ActorSummary(
            key=k,
            label=_label(k, labels),
            coded=not k.startswith(TEXT_KEY),
            as_actor=v[0],
            as_recipient=v[1],
            targets=best(outgoing.get(k, [])),
            sources=best(incoming.get(k, [])),
        )
        for k, v in ranked
    )


def actor_filter_fields(key: str, role: Literal["actor", "recipient"]) -> FilterFields:
    """EventFilter fields that select one node of the network in one role (actor or recipient)."""
    from dotterel.store.query import parse_actor

    if key.startswith(TEXT_KEY):
        text = key[len(TEXT_KEY) :]
        return {"actor_text": text} if role == "actor" else {"recipient_text": text}
    spec = parse_actor(key)
    return {"actor": spec} if role == "actor" else {"recipient": spec}


# ---- places ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceCount:
    place: str
    country_code: str
    lat: float
    lon: float
    resolution: int
    n: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Places:
    places: tuple[PlaceCount, ...]  # the `top` places by events
    countries: tuple[tuple[str, int], ...]  # events by the place's country
    unplaced: int  # events without a place
    total_places: int


def places(store: Store, f: EventFilter | None = None, *, top: int = 500) -> Places:
    """Event places with counts and resolution; counts by the place's country; events with no place."""
    where, params = where_clause(f)
    rows = list(
        _run(
            store,
            "SELECT e.loc_resolved, e.loc_country, e.loc_lat, e.loc_lon, e.loc_resolution, COUNT(*) AS n"
            + from_clause(f)
            + where
            + (" AND " if where else " WHERE ")
            + "e.loc_resolved IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY n DESC, 1",
            list(params),
        )
    )
    countries = [
        (str(c), int(n))
        for c, n in _run(
            store,
            "SELECT e.loc_country, COUNT(*) AS n"
            + from_clause(f)
            + where
            + (" AND " if where else " WHERE ")
            + "e.loc_country IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1",
            list(params),
        )
    ]
    unplaced = int(
        _run(
            store,
            "SELECT COUNT(*)"
            + from_clause(f)
            + where
            + (" AND " if where else " WHERE ")
            + "e.loc_resolved IS NULL",
            list(params),
        ).fetchone()[0]
    )
    return Places(
        places=tuple(
            PlaceCount(
                place=r[0],
                country_code=r[1],
                lat=float(r[2]),
                lon=float(r[3]),
                resolution=int(r[4] or 0),
                n=int(r[5]),
            )
            for r in rows[: max(1, top)]
        ),
        countries=tuple(countries),
        unplaced=unplaced,
        total_places=len(rows),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Reporting:
    """How the filtered events are reported: modality, date origin, precision (one pass over them)."""

    hedged: int
    negated: int
    future: int
    hypothetical: int
    asserted: int
    inherited: int  # dated from the story's context
    undated: int
    by_precision: tuple[tuple[str, int], ...]
    total: int
    by_type: tuple[tuple[str, int], ...]  # most events first
    by_quad: tuple[tuple[int, int], ...]


def reporting(store: Store, f: EventFilter | None = None) -> Reporting:
    where, params = where_clause(f)
    # one pass; `+` keeps SQLite from walking the (event, cameo) index and reading every row for the flags
    rows = _run(
        store,
        "SELECT e.event, e.quad_code, COUNT(*), SUM(e.hedged), SUM(e.negated), SUM(e.future), SUM(e.hypothetical), "
        "SUM(e.hedged = 0 AND e.negated = 0 AND e.future = 0 AND e.hypothetical = 0), "
        "SUM(e.date_start IS NOT NULL AND e.date_inherited = 1), SUM(e.date_start IS NULL), "
        "SUM(e.date_precision = 'day'), SUM(e.date_precision = 'month'), SUM(e.date_precision = 'year')"
        + from_clause(f)
        + where
        + " GROUP BY +e.event, +e.quad_code",
        list(params),
    )
    v = [0] * 11
    by_type: dict[str, int] = {}
    by_quad: dict[int, int] = {}
    for event, quad, *counts in rows:
        v = [a + int(b or 0) for a, b in zip(v, counts, strict=True)]
        by_type[event] = by_type.get(event, 0) + int(counts[0])
        by_quad[int(quad)] = by_quad.get(int(quad), 0) + int(counts[0])
    return Reporting(
        total=v[0],
        hedged=v[1],
        negated=v[2],
        future=v[3],
        hypothetical=v[4],
        asserted=v[5],
        inherited=v[6],
        undated=v[7],
        by_precision=(("day", v[8]), ("month", v[9]), ("year", v[10])),
        by_type=tuple(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_quad=tuple(sorted(by_quad.items())),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreCounts:
    articles: dict[str, int]  # by status
    inputs_rejected: int
    merged_events: int


def store_counts(store: Store) -> StoreCounts:
    conn = store.connection
    return StoreCounts(
        articles=dict(conn.execute("SELECT status, COUNT(*) FROM articles GROUP BY status").fetchall()),
        inputs_rejected=int(conn.execute("SELECT COUNT(*) FROM rejected_inputs").fetchone()[0]),
        merged_events=int(conn.execute("SELECT COUNT(*) FROM merged_events").fetchone()[0]),
    )


# ---- articles and the overview -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRow:
    id: str
    title: str | None
    source: str | None
    published: dt.date | None
    status: str
    n_events: int


def articles(
    store: Store, *, source: str | None = None, status: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[tuple[ArticleRow, ...], int]:
    """Stored articles, newest first, and how many there are in all."""
    clauses: list[str] = []
    params: list[object] = []
    if source:
        clauses.append("source = ? COLLATE NOCASE")
        params.append(source)
    if status:
        clauses.append("status = ?")
        params.append(status)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = int(_run(store, "SELECT COUNT(*) FROM articles" + where, list(params)).fetchone()[0])
    rows = _run(
        store,
        "SELECT id, title, source, published, status, n_events FROM articles"
        + where
        + " ORDER BY published IS NULL, published DESC, rowid DESC LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    )
    return (
        tuple(
            ArticleRow(
                id=r[0],
                title=r[1],
                source=r[2],
                published=dt.date.fromisoformat(r[3]) if r[3] else None,
                status=r[4],
                n_events=int(r[5]),
            )
            for r in rows
        ),
        total,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Values present in the store, for filter forms."""

    event_types: tuple[str, ...]
    countries: tuple[str, ...]  # codes on either side or of places
    sources: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None


def options(store: Store) -> Options:
    conn = store.connection
    types = tuple(r[0] for r in conn.execute("SELECT DISTINCT event FROM events ORDER BY 1"))
    codes = {r[0] for r in conn.execute("SELECT DISTINCT code FROM entities WHERE code IS NOT NULL")}
    codes |= {r[0] for r in conn.execute("SELECT DISTINCT loc_country FROM events WHERE loc_country IS NOT NULL")}
    sources = tuple(
        r[0] for r in conn.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY 1")
    )
    first, last = conn.execute("SELECT MIN(date_start), MAX(date_start) FROM events").fetchone()
    return Options(
        event_types=types,
        countries=tuple(sorted(codes)),
        sources=sources,
        first_date=dt.date.fromisoformat(first) if first else None,
        last_date=dt.date.fromisoformat(last) if last else None,
    )
