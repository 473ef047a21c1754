"""The web view with 100,000 events: time to answer pages and API calls over HTTP, same run.

    .venv/bin/python bench/web.py [--events 100000] [--repeat 5] [--keep FILE]

Builds a store the honest way first (the two example articles coded by the Coder into a fresh
store), then grows it by copying those coded events with varied dates (shifted by up to five
years, at each event's own precision), actors (country codes rotated; one copy in ten with an
uncoded actor, text kept), places, sources and confidence, until it holds --events events. Every
copy is a new article with its sentences (full-text index included), events, entities and merged
event. Then the view is served by uvicorn on a loopback port and each URL is fetched --repeat
times; the median and the slowest answer are shown, with the same URL against the small store
(the baseline: what the view costs without data) in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODES = ["IRN", "IRQ", "USA", "ISR", "SYR", "LBN", "TUR", "SAU", "RUS", "UKR", "CHN", "EGY", "JOR", "QAT", "ARE"]
PLACES = [
    ("Tehran", "IRN", 35.69, 51.42, 4), ("Baghdad", "IRQ", 33.34, 44.40, 4), ("Damascus", "SYR", 33.51, 36.29, 4),
    ("Beirut", "LBN", 33.89, 35.50, 4), ("Ankara", "TUR", 39.92, 32.85, 4), ("Riyadh", "SAU", 24.69, 46.72, 4),
    ("Moscow", "RUS", 55.75, 37.62, 4), ("Kyiv", "UKR", 50.45, 30.52, 4), ("Cairo", "EGY", 30.06, 31.25, 4),
    ("Gaza", "PSE", 31.50, 34.47, 2), ("Erbil", "IRQ", 36.19, 44.01, 4), ("Basra", "IRQ", 30.51, 47.78, 4),
    ("Iraq", "IRQ", 33.34, 44.40, 1), ("Syria", "SYR", 33.51, 36.29, 1), ("Washington", "USA", 38.90, -77.04, 4),
]  # fmt: skip
SOURCES = ["Reuters", "AP", "AFP", "Al Jazeera", "BBC", "Amwaj", "Shafaq News", "Rudaw", "IRNA", "Al-Monitor"]


def build(path: Path, target: int) -> tuple[int, float]:
    """The store at `path`: the example articles coded, then copied until `target` events."""
    from dotterel.pipeline import Coder
    from dotterel.records import Article
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest

    base = [
        Article(
            id="iran-iraq-2025-01-10",
            text=(ROOT / "examples/iran-iraq-2025-01-10.txt").read_text(encoding="utf-8"),
            published=dt.date(2025, 1, 10),
            source="Amwaj",
        ),
        Article(
            id="tehran-meeting",
            text=(ROOT / "examples/second-article/tehran-meeting.txt").read_text(encoding="utf-8"),
            published=dt.date(2025, 1, 9),
            source="Reuters",
        ),
    ]
    with Store.open(path) as store:
        ingest(store, Coder.load(), base)
        start = time.perf_counter()
        conn = store.connection
        n = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        copies = max(0, -(-(target - n) // n))
        _copy(conn, copies, target - n)
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0], time.perf_counter() - start


def _shift(date_start: str | None, precision: str | None, k: int) -> tuple[str | None, str | None]:
    if date_start is None:
        return None, None
    d = dt.date.fromisoformat(date_start)
    months = k % 60
    if precision == "year":
        d = dt.date(d.year - months // 12, 1, 1)
        return d.isoformat(), f"{d.year:04d}"
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    if precision == "month":
        d = dt.date(y, m + 1, 1)
        return d.isoformat(), d.isoformat()[:7]
    d = dt.date(y, m + 1, min(d.day, 28)) + dt.timedelta(days=k % 7)
    return d.isoformat(), d.isoformat()


def _copy(conn, copies: int, wanted: int) -> None:  # type: ignore[no-untyped-def]
    articles = conn.execute("SELECT * FROM articles").fetchall()
    a_cols = [d[0] for d in conn.execute("SELECT * FROM articles LIMIT 0").description]
    sentences = conn.execute("SELECT id, article_id, idx, start, end, text FROM sentences").fetchall()
    e_cols = [d[0] for d in conn.execute("SELECT * FROM events LIMIT 0").description]
    events = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    ents = conn.execute(
        "SELECT event_rowid, role, position, mention_text, code, sector, name, kind, inferred FROM entities"
    ).fetchall()
    sentence_key = {sid: (article_id, idx) for sid, article_id, idx, *_ in sentences}
    by_event: dict[int, list[tuple]] = {}
    for row in ents:
        by_event.setdefault(row[0], []).append(row)
    col = {c: i for i, c in enumerate(e_cols)}
    next_event = conn.execute("SELECT MAX(id) FROM events").fetchone()[0] + 1
    next_sentence = conn.execute("SELECT MAX(id) FROM sentences").fetchone()[0] + 1
    next_merged = conn.execute("SELECT MAX(id) FROM merged_events").fetchone()[0] + 1
    made = 0
    conn.execute("BEGIN")
    for k in range(1, copies + 1):
        a_rows, s_rows, e_rows, n_rows, m_rows, l_rows = [], [], [], [], [], []
        sentence_ids: dict[tuple[str, int], int] = {}
        for art in articles:
            row = list(art)
            new_id = f"{row[a_cols.index('id')]}-c{k}"
            row[a_cols.index("id")] = new_id
            row[a_cols.index("content_hash")] = f"{row[a_cols.index('content_hash')]}-{k}"
            published = dt.date.fromisoformat(row[a_cols.index("published")])
            row[a_cols.index("published")] = _shift(published.isoformat(), "day", k)[0]
            row[a_cols.index("source")] = SOURCES[k % len(SOURCES)]
            a_rows.append(row)
        for _sid, article_id, idx, start, end, text in sentences:
            sentence_ids[(article_id, idx)] = next_sentence
            s_rows.append((next_sentence, f"{article_id}-c{k}", idx, start, end, text))
            next_sentence += 1
        for ev in events:
            if made >= wanted:
                break
            row = list(ev)
            old_rowid = row[col["id"]]
            row[col["id"]] = next_event
            row[col["event_id"]] = f"{row[col['event_id']]}-c{k}"
            old_article = row[col["article_id"]]
            row[col["article_id"]] = f"{old_article}-c{k}"
            row[col["sentence_id"]] = sentence_ids[sentence_key[ev[col["sentence_id"]]]]
            row[col["date_start"]], row[col["date"]] = _shift(
                row[col["date_start"]], row[col["date_precision"]], k
            )
            place = PLACES[(k + old_rowid) % len(PLACES)]
            if row[col["loc_resolved"]] is not None or k % 3 == 0:
                row[col["loc_resolved"]], row[col["loc_country"]], row[col["loc_lat"]], row[col["loc_lon"]] = (
                    place[:4]
                )
                row[col["loc_resolution"]] = place[4]
                row[col["loc_extracted"]] = row[col["loc_extracted"]] or place[0]
            row[col["confidence"]] = round(0.3 + ((k * 7 + old_rowid) % 70) / 100, 2)
            row[col["hedged"]] = int(row[col["hedged"]] or (k + old_rowid) % 9 == 0)
            row[col["negated"]] = int((k + old_rowid) % 23 == 0)
            row[col["date_inherited"]] = int(
                row[col["date_inherited"]] or (k % 4 == 0 and row[col["date_start"]] is not None)
            )
            e_rows.append(row)
            for _, role, position, mention, code, sector, name, kind, inferred in by_event.get(old_rowid, []):
                if code in CODES:
                    code = CODES[(CODES.index(code) + k // 3) % len(CODES)]
                if role == "actor" and k % 10 == 0:
                    code, sector, name = None, None, None  # an actor the coder could not code; its text is kept
                n_rows.append((next_event, role, position, mention, code, sector, name, kind, inferred))
            m_rows.append(
                (
                    next_merged,
                    None,
                    row[col["date_start"]],
                    row[col["date_precision"]],
                    next_event,
                    1,
                    1,
                    1,
                    "2026-01-01T00:00:00+00:00",
                )
            )
            l_rows.append((next_event, next_merged, row[col["article_id"]], row[col["sentence_id"]]))
            next_event += 1
            next_merged += 1
            made += 1
        conn.executemany(
            f"INSERT INTO articles ({', '.join(a_cols)}) VALUES ({', '.join('?' * len(a_cols))})", a_rows
        )
        conn.executemany(
            "INSERT INTO sentences (id, article_id, idx, start, end, text) VALUES (?, ?, ?, ?, ?, ?)", s_rows
        )
        conn.executemany(
            f"INSERT INTO events ({', '.join(e_cols)}) VALUES ({', '.join('?' * len(e_cols))})", e_rows
        )
        conn.executemany(
            "INSERT INTO entities (event_rowid, role, position, mention_text, code, sector, name, kind, inferred) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            n_rows,
        )
        conn.executemany(
            "INSERT INTO merged_events (id, merge_key, date_start, date_precision, representative, num_mentions, "
            "num_sources, num_articles, first_added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            m_rows,
        )
        conn.executemany(
            "INSERT INTO event_sources (event_rowid, merged_id, article_id, sentence_id) VALUES (?, ?, ?, ?)",
            l_rows,
        )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def serve(path: Path):  # type: ignore[no-untyped-def]
    import uvicorn

    from dotterel.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, url
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", help="also keep the big store at this path")
    ap.add_argument("--store", help="time this existing big store (made with --keep) instead of building one")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.db"
        big = Path(args.keep) if args.keep else Path(tmp) / "big.db"
        if not args.store:
            for p in (big, Path(f"{big}-wal"), Path(f"{big}-shm")):
                p.unlink(missing_ok=True)
        build(small, 0)
        if args.store:
            big = Path(args.store)
            from dotterel.store.db import Store

            with Store.open(big, readonly=True) as store:
                total = store.connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            print(f"store: {total:,} events, {big.stat().st_size / 1e6:.0f} MB ({big})")
        else:
            total, seconds = build(big, args.events)
            print(f"store: {total:,} events, {big.stat().st_size / 1e6:.0f} MB, synthesised in {seconds:.1f} s")
        with __import__("dotterel.store.db", fromlist=["Store"]).Store.open(big, readonly=True) as store:
            late_event = store.connection.execute(
                "SELECT event_id FROM events ORDER BY id DESC LIMIT 1"
            ).fetchone()[0]
        urls = [
            "/",
            "/events",
            "/events?country=IRQ&modality=hedged",
            "/events?page=1000",
            "/events/iran-iraq-2025-01-10-009-010",
            "/articles/iran-iraq-2025-01-10",
            "/timeline",
            "/network",
            "/map",
            "/api/events",
            "/api/events?country=IRQ",
            "/api/events?place=Baghdad&min_confidence=0.8",
            "/api/events?precision=month&date_origin=inherited",
            "/api/events?actor_text=Khamenei",
            "/api/events?text=militias",
            "/api/events?sort=-confidence&page=400",
            "/api/events/iran-iraq-2025-01-10-009-010",
            "/api/timeline?interval=day",
            "/api/timeline?interval=week&by=event",
            "/api/timeline?interval=month",
            "/api/network",
            "/api/network?level=sector&top=500",
            "/api/actors",
            "/api/actors?level=sector",
            "/api/dyads/series?actor_node=IRN&recipient_node=IRQ",
            "/api/places",
            "/api/stats",
            "/api/articles",
            "/api/articles/tehran-meeting",
        ]
        servers = {}
        for name, path in (("small", small), ("big", big)):
            servers[name] = serve(path)
        print(f"{'request':58} {'100k median':>12} {'100k max':>9} {'baseline':>9}")
        worst = 0.0
        for url in urls:
            times = [fetch(servers["big"][1] + url) for _ in range(args.repeat)]
            base = [fetch(servers["small"][1] + url) for _ in range(args.repeat)]
            worst = max(worst, max(times))
            print(
                f"{url:58} {statistics.median(times) * 1000:9.0f} ms {max(times) * 1000:6.0f} ms "
                f"{statistics.median(base) * 1000:6.0f} ms"
            )
        fetch(servers["big"][1] + f"/events/{late_event}")
        for server, _ in servers.values():
            server.should_exit = True
        print(f"slowest answer with {total:,} events: {worst * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
