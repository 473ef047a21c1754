"""The store's commands end to end, in subprocesses: kill -9 and resume, disk full, read-only, bad files."""

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from dotterel.store.db import Store

from .conftest import ROOT, SECOND, SEED, run_cli
from .corpus import make_articles, write_corpus


def db_state(path):
    """(coded or duplicate article ids, {article id: event count}, merged event count) of a store."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = sorted(r[0] for r in conn.execute("SELECT id FROM articles WHERE status IN ('coded', 'duplicate')"))
        per_article = dict(conn.execute("SELECT article_id, COUNT(*) FROM events GROUP BY article_id"))
        merged = conn.execute("SELECT COUNT(*) FROM merged_events").fetchone()[0]
        return ids, per_article, merged
    finally:
        conn.close()


def partial_articles(path):
    """Articles whose stored events differ from what was written with them (must always be none)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id FROM articles WHERE n_events != (SELECT COUNT(*) FROM events WHERE article_id = articles.id) "
            "OR (status != 'coded' AND EXISTS (SELECT 1 FROM events WHERE article_id = articles.id))"
        ).fetchall()
    finally:
        conn.close()


def coded_count(path):
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles WHERE status = 'coded'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_ingest_killed_with_sigkill_and_rerun_loses_nothing_and_repeats_nothing(tmp_path, corpus_dir, corpus_run):
    reference, _, _ = corpus_run
    db = tmp_path / "store.db"
    cmd = [sys.executable, "-m", "dotterel.cli", "ingest", str(corpus_dir), "--db", str(db), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while coded_count(db) < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "ingest finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    killed_ids, _, _ = db_state(db)
    assert 4 <= len(killed_ids) < 40
    assert partial_articles(db) == []

    done = run_cli("ingest", corpus_dir, "--db", db, "--no-progress")
    assert done.returncode == 0, done.stderr
    ids, per_article, merged = db_state(db)
    ref_ids, ref_per_article, ref_merged = db_state(reference)
    assert ids == ref_ids and len(ids) == 40  # none lost
    assert per_article == ref_per_article  # none twice
    assert merged == ref_merged
    assert partial_articles(db) == []


def _limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_during_ingest_is_a_clear_error_with_no_partial_article(tmp_path, corpus_dir):
    db = tmp_path / "store.db"
    Store.open(db).close()
    limit = db.stat().st_size + 200_000
    done = subprocess.run(
        [sys.executable, "-m", "dotterel.cli", "ingest", str(corpus_dir), "--db", str(db), "--no-progress"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_file_size(limit),
    )
    assert done.returncode == 2
    assert "disk is full or a file-size limit was reached" in done.stderr and "Traceback" not in done.stderr
    assert "run the same command again" in done.stderr
    stored, _, _ = db_state(db)
    assert len(stored) < 40
    assert partial_articles(db) == []
    again = run_cli("ingest", corpus_dir, "--db", db, "--no-progress")
    assert again.returncode == 0, again.stderr
    ids, _, _ = db_state(db)
    assert len(ids) == 40 and partial_articles(db) == []


def _without_root_privileges(cmd):
    """Root ignores file permissions; drop the capabilities that let it (setpriv), else run as is."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only for this process")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *cmd]


def test_a_read_only_database_is_a_clear_error_and_stays_readable(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "store.db"
    Store.open(db).close()
    before = db.read_bytes()
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        base = [sys.executable, "-m", "dotterel.cli"]
        ingest = _without_root_privileges(
            [*base, "ingest", str(SEED), "--db", str(db), "--published", "2025-01-10"]
        )
        done = subprocess.run(ingest, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 2 and "read-only" in done.stderr and "Traceback" not in done.stderr
        new = _without_root_privileges([*base, "ingest", str(SEED), "--db", str(folder / "new.db")])
        done = subprocess.run(new, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 2 and "cannot open or create" in done.stderr
        query = _without_root_privileges([*base, "events", "--db", str(db), "--format", "csv"])
        done = subprocess.run(query, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert db.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused_before_coding(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("not a database\n" * 100)
    done = run_cli("ingest", SEED, "--db", db, "--published", "2025-01-10")
    assert done.returncode == 2 and "not an SQLite database" in done.stderr and "Traceback" not in done.stderr
    assert db.read_text() == "not a database\n" * 100


def test_corrupt_gzip_input_is_rejected_with_its_name_and_the_rest_is_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SECOND, folder / "tehran-meeting.txt")
    (folder / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage that is not deflate data")
    db = tmp_path / "store.db"
    done = run_cli("ingest", folder, "--db", db, "--published", "2025-01-09", "--no-progress")
    assert done.returncode == 1
    assert "broken.jsonl.gz" in done.stderr and "gzip" in done.stderr
    assert "coded 1 articles" in done.stderr
    ids, _, _ = db_state(db)
    assert ids == ["tehran-meeting"]


def test_stdin_ingest_then_events_and_stats_commands(tmp_path):
    db = tmp_path / "store.db"
    text = SECOND.read_text(encoding="utf-8")
    done = run_cli("ingest", "-", "--db", db, "--published", "2025-01-09", input=text)
    assert done.returncode == 0, done.stderr
    assert "articles/s" in done.stderr and "events/s" in done.stderr
    again = run_cli("ingest", "-", "--db", db, "--published", "2025-01-09", input=text)
    assert "skipped 1 (1 already in the store)" in again.stderr
    listed = run_cli("events", "--db", db, "--format", "plover", "--event", "CONSULT")
    recs = [json.loads(line) for line in listed.stdout.splitlines()]
    assert recs and all(r["event"] == ["CONSULT"] for r in recs)
    table = run_cli("events", "--db", db, "--merged")
    assert table.returncode == 0 and "merged events" in table.stdout
    stats = run_cli("stats", "--db", db, "--json")
    counts = json.loads(stats.stdout)
    assert counts["articles_coded"] == 1 and counts["events"] == len(
        run_cli("events", "--db", db, "--format", "plover").stdout.splitlines()
    )


def test_a_bad_filter_is_a_clear_error(tmp_path, tehran_db):
    done = run_cli("events", "--db", tehran_db, "--actor", "Iran")
    assert done.returncode == 2 and "IRN/GOV" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("events", "--db", tehran_db, "--since", "yesterday")
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr


@pytest.mark.slow
def test_a_folder_of_1000_articles_is_ingested_with_a_progress_bar(tmp_path):
    folder = write_corpus(tmp_path / "in", make_articles(1000, seed=11, duplicates=10), per_file=100)
    db = tmp_path / "store.db"
    done = run_cli("ingest", folder, "--db", db, timeout=3600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1000/1000" in done.stderr and "articles/s" in done.stderr and "events/s" in done.stderr
    assert "coded 990 articles" in done.stderr
    ids, per_article, _ = db_state(db)
    assert len(ids) == 1000 and partial_articles(db) == []
    again = run_cli("ingest", folder, "--db", db, "--no-progress", timeout=3600)
    assert again.returncode == 0 and "coded 0 articles" in again.stderr
    assert db_state(db)[1] == per_article
