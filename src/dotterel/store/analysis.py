"""Aggregates for the analyst's view: timelines, the actor network, places, actors, articles.

Every function takes the same EventFilter as `dotterel events` (so the CLI, the API and the pages
agree on what a filter means), runs one or two grouped SQL queries with bound parameters, and
returns frozen records. Actors without a code (the coder keeps their text) are grouped by the
text as written, so an unknown name is still a node, a row, a point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dotterel.errors import DotterelError
from dotterel.store.db import Store
from dotterel.store.query import EventFilter, _run, where_clause

INTERVALS = ("day", "week", "month", "year")
GROUPINGS = ("quad", "event")
LEVELS = ("country", "sector")
_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
_PRECISION_RANK = {"day": 0, "month": 2, "year": 3}
_FROM = " FROM events e JOIN articles a ON a.id = e.article_id"
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
        f"SELECT e.date_start AS d, e.date_precision AS p, {group} AS g, COUNT(*) AS n{_FROM}{where} "
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


def _key_sql(level: str) -> str:
    text = f"'{TEXT_KEY}' || lower(COALESCE(n.mention_text, n.name, '?'))"
    if level == "sector":
        return f"CASE WHEN n.code IS NULL THEN {text} ELSE n.code || COALESCE('/' || n.sector, '') END"
    return f"COALESCE(n.code, {text})"


def _label_sql() -> str:
    return "COALESCE(n.mention_text, n.name)"


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


def network(store: Store, f: EventFilter | None = None, *, level: str = "country", top: int = 150) -> Network:
    """Directed, weighted actor → recipient edges (the `top` heaviest) and the nodes they join."""
    if level not in LEVELS:
        raise DotterelError(f"level {level!r}: use one of {', '.join(LEVELS)}")
    where, params = where_clause(f)
    key = _key_sql(level)
    sql = (
        "WITH ev AS (SELECT e.id, e.quad_code, e.goldstein" + _FROM + where + "), "
        f"sides AS (SELECT DISTINCT n.event_rowid AS id, n.role AS role, {key} AS k, {_label_sql()} AS label, "
        "n.code IS NOT NULL AS coded FROM entities n JOIN ev ON ev.id = n.event_rowid) "
        "SELECT s.k, r.k, COUNT(*), SUM(ev.quad_code = 1), SUM(ev.quad_code = 2), SUM(ev.quad_code = 3), "
        "SUM(ev.quad_code = 4), AVG(ev.goldstein), MIN(s.label), MIN(r.label), MIN(s.coded), MIN(r.coded) "
        "FROM ev JOIN sides s ON s.id = ev.id AND s.role = 'actor' "
        "JOIN sides r ON r.id = ev.id AND r.role = 'recipient' "
        "GROUP BY s.k, r.k ORDER BY COUNT(*) DESC, s.k, r.k"
    )
    rows = list(_run(store, sql, params))
    kept = rows[: max(1, top)]
    edges: list[Edge] = []
    nodes: dict[str, dict[str, object]] = {}
    for src, dst, n, q1, q2, q3, q4, gold, slabel, rlabel, scoded, rcoded in kept:
        quads = (int(q1 or 0), int(q2 or 0), int(q3 or 0), int(q4 or 0))
        score = sum(_QUAD_WEIGHT[i + 1] * q for i, q in enumerate(quads)) / n if n else 0.0
        edges.append(
            Edge(
                source=src,
                target=dst,
                n=int(n),
                quads=quads,
                goldstein=None if gold is None else round(float(gold), 2),
                coop_conflict=round(score, 3),
            )
        )
        for k, label, coded, role in ((src, slabel, scoded, "as_actor"), (dst, rlabel, rcoded, "as_recipient")):
            node = nodes.setdefault(
                k, {"label": k if coded else (label or k), "coded": bool(coded), "as_actor": 0, "as_recipient": 0}
            )
            node[role] = int(node[role]) + int(n)  # type: ignore[call-overload]
    return Network(
        level=level,
        nodes=tuple(
            Node(
                key=k,
                label=str(v["label"]),
                coded=bool(v["coded"]),
                as_actor=int(v["as_actor"]),
                as_recipient=int(v["as_recipient"]),
            )  # type: ignore[call-overload]
            for k, v in sorted(nodes.items())
        ),
        edges=tuple(edges),
        total_edges=len(rows),
    )


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
    if level not in LEVELS:
        raise DotterelError(f"level {level!r}: use one of {', '.join(LEVELS)}")
    where, params = where_clause(f)
    key = _key_sql(level)
    sql = (
        "WITH ev AS (SELECT e.id" + _FROM + where + ") "
        f"SELECT {key} AS k, MIN({_label_sql()}), MIN(n.code IS NOT NULL), "
        "COUNT(DISTINCT CASE WHEN n.role = 'actor' THEN n.event_rowid END), "
        "COUNT(DISTINCT CASE WHEN n.role = 'recipient' THEN n.event_rowid END) "
        "FROM entities n JOIN ev ON ev.id = n.event_rowid GROUP BY k "
        "ORDER BY COUNT(DISTINCT n.event_rowid) DESC, k LIMIT ?"
    )
    found = list(_run(store, sql, [*params, int(top)]))
    if not found:
        return ()
    net = network(store, f, level=level, top=100000)
    labels = {node.key: node.label for node in net.nodes}
    out = []
    for k, label, coded, n_actor, n_recipient in found:
        targets = sorted((e for e in net.edges if e.source == k), key=lambda e: (-e.n, e.target))[:counterparts]
        sources = sorted((e for e in net.edges if e.target == k), key=lambda e: (-e.n, e.source))[:counterparts]
        out.append(
            ActorSummary(
                key=k,
                label=k if coded else (label or k),
                coded=bool(coded),
                as_actor=int(n_actor),
                as_recipient=int(n_recipient),
                targets=tuple(
                    Counterpart(key=e.target, label=labels.get(e.target, e.target), n=e.n) for e in targets
                ),
                sources=tuple(
                    Counterpart(key=e.source, label=labels.get(e.source, e.source), n=e.n) for e in sources
                ),
            )
        )
    return tuple(out)


def actor_filter_fields(key: str, role: str) -> dict[str, object]:
    """EventFilter fields that select one node of the network in one role (actor or recipient)."""
    from dotterel.store.query import parse_actor

    if key.startswith(TEXT_KEY):
        return {f"{role}_text": key[len(TEXT_KEY) :]}
    return {role: parse_actor(key)}


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
            + _FROM
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
            + _FROM
            + where
            + (" AND " if where else " WHERE ")
            + "e.loc_country IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1",
            list(params),
        )
    ]
    unplaced = int(
        _run(
            store,
            "SELECT COUNT(*)" + _FROM + where + (" AND " if where else " WHERE ") + "e.loc_resolved IS NULL",
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
