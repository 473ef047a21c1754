"""Merging duplicates: the same event reported by several articles (or twice in one) becomes one
merged event that keeps every raw event, its article and its evidence sentence.

The rule. Two raw events are the same event when all of these hold:

1. Same merge key: PLOVER event type, CAMEO root code (first two digits), negation, and the set
   of actor country codes and the set of recipient country codes. For the symmetric types
   (ontology/plover.json: CONSULT, AGREE, COOPERATE) the two sides are unordered ("Iraq's PM
   met Khamenei" and "Khamenei met Iraq's PM" are one meeting); for all other types direction
   matters.
2. Dates close enough, at the same precision: both day-precise and at most one day apart
   (reports disagree by a day across time zones and "late on Wednesday"); month-precise
   only with the same month; year-precise only with the same year. Events without a date, or
   whose actors are all unknown, are never merged.
3. Compatible actors on each side: where both events give sectors (GOV, MIL, ...), the sets
   share one; where both name persons or groups (Ali Khamenei, Kataib Hezbollah), the names
   share one. Khamenei meeting al-Sudani and Pezeshkian meeting al-Sudani on the same day stay
   two events.

A raw event joins a merged event only if it agrees with every member already in it (complete
linkage, so no chains that drift day by day). If several merged events qualify, the closest in
date wins, then the most similar evidence (token Jaccard), then the oldest. Counts follow GDELT:
num_mentions = raw events, num_articles = distinct articles, num_sources = distinct sources
(the article's `source`; an article without one counts as its own source).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dotterel.ontology import EventTraits
from dotterel.records import Event

DAY_WINDOW = 1
NAMED_KINDS = frozenset({"person", "group", "org"})
UNKNOWN = "?"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """One side (actors or recipients) of an event, as the merge rule sees it."""

    codes: frozenset[str]
    sectors: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """What the merge rule needs to know about one raw event."""

    event: str
    cameo_root: str
    negated: bool
    date: dt.date | None  # first day of the date
    precision: str | None
    actor: Side
    recipient: Side
    tokens: frozenset[str]
    symmetric: bool  # the type's sides are unordered (ontology traits)

    @property
    def key(self) -> str | None:
        """The merge key, or None for an event that is never merged."""
        if self.date is None or self.precision is None or self.actor.codes <= {UNKNOWN}:
            return None
        a, r = _codes_text(self.actor.codes), _codes_text(self.recipient.codes)
        if self.symmetric:
            a, r = sorted((a, r))
            dyad = f"{a}~{r}"
        else:
            dyad = f"{a}>{r}"
        return f"{self.event}|{self.cameo_root}|{'neg' if self.negated else 'pos'}|{dyad}"


def _codes_text(codes: frozenset[str]) -> str:
    return ",".join(sorted(codes))


def side_of(entities: Iterable[tuple[str | None, str | None, str | None, str]]) -> Side:
    """A Side from (code, sector, name, kind) tuples."""
    codes, sectors, names = set(), set(), set()
    for code, sector, name, kind in entities:
        codes.add(code or UNKNOWN)
        if sector:
            sectors.add(sector)
        if name and kind in NAMED_KINDS:
            names.add(name.casefold())
    return Side(codes=frozenset(codes), sectors=frozenset(sectors), names=frozenset(names))


def facts_of(event: Event, traits: EventTraits | None = None) -> Facts:
    traits = traits if traits is not None else EventTraits.load()
    date = event.date
    return Facts(
        event=event.event,
        cameo_root=(event.cameo or "")[:2],
        negated=event.modality.negated,
        date=first_day(date.date, date.precision) if date else None,
        precision=date.precision if date else None,
        actor=side_of((e.code, e.sector, e.name, e.kind) for _, e in event.actor),
        recipient=side_of((e.code, e.sector, e.name, e.kind) for _, e in event.recipient),
        tokens=tokens(event.event_text),
        symmetric=event.event in traits.symmetric,
    )


def first_day(date: dt.date, precision: str) -> dt.date:
    if precision == "month":
        return date.replace(day=1)
    if precision == "year":
        return date.replace(month=1, day=1)
    return date


def tokens(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text) if len(w) > 2)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def dates_match(a: Facts, b: Facts) -> bool:
    if a.date is None or b.date is None or a.precision != b.precision:
        return False
    if a.precision == "day":
        return abs((a.date - b.date).days) <= DAY_WINDOW
    return a.date == b.date


def _overlap_or_unknown(x: frozenset[str], y: frozenset[str]) -> bool:
    return not x or not y or bool(x & y)


def _sides_agree(x: Side, y: Side) -> bool:
    return (
        x.codes == y.codes and _overlap_or_unknown(x.sectors, y.sectors) and _overlap_or_unknown(x.names, y.names)
    )


def same_event(a: Facts, b: Facts) -> bool:
    """The merge rule for two raw events (see the module docstring)."""
    if a.key is None or a.key != b.key or not dates_match(a, b):
        return False
    if _sides_agree(a.actor, b.actor) and _sides_agree(a.recipient, b.recipient):
        return True
    return a.symmetric and _sides_agree(a.actor, b.recipient) and _sides_agree(a.recipient, b.actor)


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    merged_id: int
    members: tuple[Facts, ...]


def choose(new: Facts, candidates: Iterable[Candidate]) -> int | None:
    """The merged event a new raw event joins, or None for a new merged event."""
    best: tuple[int, float, int] | None = None
    for cand in candidates:
        if not cand.members or not all(same_event(new, m) for m in cand.members):
            continue
        gap = min(abs((new.date - m.date).days) for m in cand.members if new.date and m.date)
        sim = max(jaccard(new.tokens, m.tokens) for m in cand.members)
        rank = (gap, -sim, cand.merged_id)
        if best is None or rank < best:
            best = rank
    return None if best is None else best[2]


# ---- database side: called inside the store's write transaction ---------------------------


def assign(
    conn: sqlite3.Connection,
    *,
    rowid: int,
    facts: Facts,
    article_id: str,
    sentence_id: int,
    now: str,
    traits: EventTraits,
    search: bool = True,
) -> int:
    """Link raw event `rowid` to the merged event it belongs to (created if none); its id.

    With search=False every event gets a merged event of its own (ingest without merging).
    """
    key = facts.key
    merged_id = None
    if key is not None and search and facts.date is not None:
        if facts.precision == "day":
            low = (facts.date - dt.timedelta(days=DAY_WINDOW)).isoformat()
            high = (facts.date + dt.timedelta(days=DAY_WINDOW)).isoformat()
        else:
            low = high = facts.date.isoformat()
        rows = conn.execute(
            "SELECT id FROM merged_events WHERE merge_key = ? AND date_precision = ? AND date_start BETWEEN ? AND ?",
            (key, facts.precision, low, high),
        ).fetchall()
        merged_id = choose(
            facts, (Candidate(merged_id=r[0], members=member_facts(conn, r[0], traits)) for r in rows)
        )
    if merged_id is None:
        merged_id = conn.execute(
            "INSERT INTO merged_events (merge_key, date_start, date_precision, first_added) VALUES (?, ?, ?, ?)",
            (key, facts.date.isoformat() if facts.date else None, facts.precision, now),
        ).lastrowid
    assert merged_id is not None
    conn.execute(
        "INSERT INTO event_sources (event_rowid, merged_id, article_id, sentence_id) VALUES (?, ?, ?, ?)",
        (rowid, merged_id, article_id, sentence_id),
    )
    return merged_id


def member_facts(conn: sqlite3.Connection, merged_id: int, traits: EventTraits) -> tuple[Facts, ...]:
    rows = conn.execute(
        "SELECT e.id, e.event, e.cameo, e.negated, e.date_start, e.date_precision, e.event_text "
        "FROM event_sources s JOIN events e ON e.id = s.event_rowid WHERE s.merged_id = ? ORDER BY e.id",
        (merged_id,),
    ).fetchall()
    return tuple(stored_facts(conn, row, traits) for row in rows)


def stored_facts(conn: sqlite3.Connection, row: tuple[Any, ...], traits: EventTraits) -> Facts:
    rowid, event, cameo, negated, date_start, precision, text = row
    ents = conn.execute(
        "SELECT role, code, sector, name, kind FROM entities WHERE event_rowid = ? ORDER BY role, position",
        (rowid,),
    ).fetchall()
    return Facts(
        event=event,
        cameo_root=(cameo or "")[:2],
        negated=bool(negated),
        date=dt.date.fromisoformat(date_start) if date_start else None,
        precision=precision,
        actor=side_of((c, s, n, k) for role, c, s, n, k in ents if role == "actor"),
        recipient=side_of((c, s, n, k) for role, c, s, n, k in ents if role == "recipient"),
        tokens=tokens(text),
        symmetric=event in traits.symmetric,
    )


def refresh(conn: sqlite3.Connection, merged_ids: Iterable[int]) -> None:
    """Recount mentions, articles and sources and pick the representative; drop empty merged events."""
    for merged_id in set(merged_ids):
        row = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT s.article_id), COUNT(DISTINCT COALESCE(a.source, 'article:' || a.id)) "
            "FROM event_sources s JOIN articles a ON a.id = s.article_id WHERE s.merged_id = ?",
            (merged_id,),
        ).fetchone()
        if not row[0]:
            conn.execute("DELETE FROM merged_events WHERE id = ?", (merged_id,))
            continue
        rep = conn.execute(
            "SELECT e.id FROM event_sources s JOIN events e ON e.id = s.event_rowid WHERE s.merged_id = ? "
            "ORDER BY e.confidence DESC, e.id LIMIT 1",
            (merged_id,),
        ).fetchone()[0]
        # the earliest member anchors the date window (every member is within it)
        start = conn.execute(
            "SELECT MIN(e.date_start) FROM event_sources s JOIN events e ON e.id = s.event_rowid WHERE s.merged_id = ?",
            (merged_id,),
        ).fetchone()[0]
        conn.execute(
            "UPDATE merged_events SET num_mentions = ?, num_articles = ?, num_sources = ?, representative = ?, "
            "date_start = ? WHERE id = ?",
            (row[0], row[1], row[2], rep, start, merged_id),
        )
