"""Opening a new store from many processes at once: migrations run once, every process succeeds."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

from dotterel.store.db import Store
from dotterel.store.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
DOTTEREL = Path(sys.executable).with_name("dotterel")


def _open_after(barrier, path: str, results) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()
    try:
        with Store.open(path) as store:
            results.put(("ok", store.migrations()))
    except Exception as exc:  # reported to the test, which names it
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def test_ten_processes_opening_one_new_store_at_once_all_succeed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for round_ in range(5):
        path = str(tmp_path / f"new-{round_}.db")
        barrier = ctx.Barrier(10)
        results = ctx.Queue()
        procs = [ctx.Process(target=_open_after, args=(barrier, path, results)) for _ in range(10)]
        for p in procs:
            p.start()
        got = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        errors = [msg for kind, msg in got if kind == "error"]
        assert not errors, errors
        assert all(msg == [m.name for m in MIGRATIONS] for _, msg in got)
        with Store.open(path) as store:
            rows = store.connection.execute("SELECT name FROM schema_migrations").fetchall()
        assert [r[0] for r in rows] == [m.name for m in MIGRATIONS]  # each applied once


def test_ten_ingests_started_at_once_on_a_new_store_all_succeed(tmp_path):
    db = tmp_path / "events.db"
    procs = []
    for n in range(10):
        article = tmp_path / f"a{n}.jsonl"
        text = f"Iranian President Masoud Pezeshkian met Iraqi Prime Minister Mohammed Shia al-Sudani in Tehran on January {n + 1}."
        article.write_text(json.dumps({"id": f"a{n}", "text": text, "published": "2025-01-20"}) + "\n")
        procs.append(
            subprocess.Popen(
                [str(DOTTEREL), "ingest", str(article), "--db", str(db), "--no-progress", "--workers", "1"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        )
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    failed = [err for code, err in outcomes if code != 0]
    assert not failed, failed
    with Store.open(db, readonly=True) as store:
        stored = store.connection.execute("SELECT id FROM articles WHERE status = 'coded' ORDER BY id").fetchall()
    assert [r[0] for r in stored] == [f"a{n}" for n in range(10)]
