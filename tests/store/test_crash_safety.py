"""Crash safety: `ingest` and `ingest --recode` killed with SIGKILL at several points, one after the other,
then run again, leave exactly the store of a clean run. After every kill the store holds whole articles only.

The kills come from tests/store/killpoint.py, which runs the real CLI and SIGKILLs it at a chosen moment.
"""

import json
import signal
import sqlite3
import subprocess
import sys

import pytest

from dotterel.inputs import read_articles
from dotterel.store.db import Store
from dotterel.store.ingest import ingest

from .conftest import ROOT, run_cli
from .corpus import make_articles

INGEST_KILLS = (
    "rejected-input:1",
    "coding:2",
    "event-insert:3",
    "before-commit:2",
    "after-commit:2",
    "duplicate:1",
)
RECODE_KILLS = ("cleared:2", "event-insert:4", "before-commit:3", "after-commit:3")


def snapshot(path, *, merges: bool = True) -> dict:
    """Everything a user can read from a store, without row ids and times."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        q = conn.execute
        state = {
            "articles": q(
                "SELECT id, status, content_hash, duplicate_of, n_events, rejection_reason, published, text "
                "FROM articles ORDER BY id"
            ).fetchall(),
            "events": q(
                "SELECT event_id, article_id, event, cameo, quad_code, date, date_precision, actor_codes, "
                "recipient_codes, loc_resolved, event_text, sentence, text_start, text_end, is_root, rule, "
                "confidence, hedged FROM events ORDER BY event_id"
            ).fetchall(),
            "entities": q(
                "SELECT e.event_id, n.role, n.position, n.mention_text, n.code, n.sector, n.name "
                "FROM entities n JOIN events e ON e.id = n.event_rowid ORDER BY e.event_id, n.role, n.position"
            ).fetchall(),
            "sentences": q(
                "SELECT article_id, idx, start, end, text FROM sentences ORDER BY article_id, idx"
            ).fetchall(),
            "rejected_inputs": q("SELECT source, reason FROM rejected_inputs ORDER BY source").fetchall(),
            "fts": q("SELECT COUNT(*) FROM sentences_fts WHERE sentences_fts MATCH 'Iran'").fetchone(),
        }
        if merges:
            groups = q(
                "SELECT group_concat(e.event_id, ' ') FROM event_sources s JOIN events e ON e.id = s.event_rowid "
                "GROUP BY s.merged_id"
            ).fetchall()
            state["merged"] = sorted(" ".join(sorted(g[0].split())) for g in groups)
            state["merged_counts"] = sorted(
                q("SELECT num_mentions, num_sources, num_articles FROM merged_events").fetchall()
            )
        return state
    finally:
        conn.close()


def whole_articles_only(path) -> list:
    """Articles whose stored events are not exactly those written with them (must be none)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id FROM articles WHERE n_events != (SELECT COUNT(*) FROM events WHERE article_id = articles.id) "
            "OR (status != 'coded' AND EXISTS (SELECT 1 FROM events WHERE article_id = articles.id)) "
            "OR EXISTS (SELECT 1 FROM merged_events m WHERE m.num_mentions != "
            "(SELECT COUNT(*) FROM event_sources s WHERE s.merged_id = m.id))"
        ).fetchall()
    finally:
        conn.close()


def killed_run(point: str, *args) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.store.killpoint", point, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == -signal.SIGKILL, f"{point}: the run ended without reaching it\n{proc.stderr[-2000:]}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """14 articles, a line that is not JSON, and 2 articles repeating earlier texts, in one .jsonl file."""
    folder = tmp_path_factory.mktemp("crash")
    articles = make_articles(16, seed=5, duplicates=2)
    lines = [json.dumps(a, ensure_ascii=False) for a in articles]
    lines.insert(4, '{"id": "broken", "text": "unterminated')
    path = folder / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory, coder):
    path = tmp_path_factory.mktemp("clean") / "clean.db"
    with Store.open(path) as store:
        ingest(store, coder, read_articles([str(corpus)]))
    return path


def test_ingest_killed_at_each_point_in_turn_then_rerun_equals_a_clean_run(corpus, clean, tmp_path):
    db = tmp_path / "store.db"
    stored = []
    for point in INGEST_KILLS:
        # one worker: the "coding" point is armed in this process (with workers, coding is theirs)
        killed_run(point, "ingest", corpus, "--db", db, "--no-progress", "--workers", "1")
        assert whole_articles_only(db) == [], point
        stored.append(len(snapshot(db)["articles"]))
    assert stored == sorted(stored) and stored[-1] < 16  # each run got further; none finished
    done = run_cli("ingest", corpus, "--db", db, "--no-progress")
    assert done.returncode == 1 and ":5: invalid JSON" in done.stderr  # the bad line is still reported
    assert snapshot(db) == snapshot(clean)


def test_recode_killed_at_each_point_in_turn_then_rerun_equals_a_clean_recode(corpus, clean, tmp_path):
    import shutil

    reference = tmp_path / "reference.db"
    db = tmp_path / "store.db"
    shutil.copy(clean, reference)
    shutil.copy(clean, db)
    done = run_cli("ingest", corpus, "--db", reference, "--recode", "--no-progress")
    assert "recoded" in done.stderr, done.stderr
    for point in RECODE_KILLS:
        killed_run(point, "ingest", corpus, "--db", db, "--recode", "--no-progress", "--workers", "1")
        assert whole_articles_only(db) == [], point
        assert snapshot(db, merges=False)["events"] == snapshot(clean, merges=False)["events"], point
    done = run_cli("ingest", corpus, "--db", db, "--recode", "--no-progress")
    assert "recoded" in done.stderr, done.stderr
    assert snapshot(db, merges=False) == snapshot(reference, merges=False) == snapshot(clean, merges=False)
    for path in (db, reference):
        with Store.open(path) as store:
            store.rebuild_merges()
    assert snapshot(db) == snapshot(reference)
