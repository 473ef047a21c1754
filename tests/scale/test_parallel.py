"""Coding with worker processes (dotterel.parallel): the same output as one process, nothing lost."""

from __future__ import annotations

import functools
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dotterel.bounded import BoundedCoder, Limits
from dotterel.inputs import read_articles
from dotterel.parallel import ParallelCoder, WorkerError
from dotterel.pipeline import Coder

ROOT = Path(__file__).resolve().parents[2]
DOTTEREL = Path(sys.executable).with_name("dotterel")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DOTTEREL), *args], capture_output=True, text=True, cwd=ROOT, timeout=900)


def test_two_workers_write_exactly_what_one_writes(news_file):
    one = _run("code", str(news_file), "--workers", "1", "--no-progress", "--article-timeout", "0")
    two = _run("code", str(news_file), "--workers", "2", "--no-progress", "--article-timeout", "0")
    assert one.returncode == two.returncode == 1  # the bad line is rejected in both
    assert "news.jsonl:12: invalid JSON" in one.stderr and "news.jsonl:12: invalid JSON" in two.stderr
    assert one.stdout.count("\n") > 50
    assert '"article_id": "long-blog"' in one.stdout
    assert two.stdout == one.stdout


def test_ingest_with_two_workers_stores_what_one_worker_stores(news_file, tmp_path):
    stored = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.db"
        done = _run("ingest", str(news_file), "--db", str(db), "--workers", workers, "--no-progress")
        assert done.returncode == 1, done.stderr  # the bad line
        with sqlite3.connect(db) as conn:
            stored.append(
                conn.execute(
                    "SELECT event_id, article_id, event, cameo, actor_codes, recipient_codes, date, text_start, "
                    "text_end, confidence FROM events ORDER BY id"
                ).fetchall()
                + conn.execute("SELECT id, status FROM articles ORDER BY rowid").fetchall()
            )
    assert len(stored[0]) > 50
    assert stored[1] == stored[0]


def test_a_worker_killed_mid_run_loses_no_article_and_doubles_none(news_file):
    articles = [a for a in read_articles([str(news_file)]) if not hasattr(a, "problem")]
    expected = [(o.article.id, o.events) for o in BoundedCoder(Coder.load()).code_many(articles)]
    got = []
    with ParallelCoder(Coder.load, workers=2, limits=Limits(timeout=None)) as coder:
        stream = coder.code_many(articles)
        got.append(next(stream))
        victim = coder.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        got.extend(stream)
        assert coder.restarts == 1 and victim not in coder.worker_pids()
    assert [(o.article.id, o.events) for o in got] == expected


def test_a_worker_that_cannot_load_the_models_is_a_clear_error(news_file):
    articles = list(read_articles([str(news_file)]))[:10]
    load = functools.partial(Coder.load, "no_such_spacy_model")
    with ParallelCoder(load, workers=2) as coder, pytest.raises(WorkerError, match="no_such_spacy_model"):
        list(coder.code_many(a for a in articles if not hasattr(a, "problem")))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


IDLE_PARENT = """
import sys, time
from dotterel.parallel import ParallelCoder
from dotterel.pipeline import Coder
with ParallelCoder(Coder.load, workers=2) as coder:
    coder.versions  # starts a worker and waits until it has loaded the models
    print(*coder.worker_pids(), flush=True)
    time.sleep(600)
"""


def test_idle_workers_end_when_their_parent_is_killed():
    import time

    proc = subprocess.Popen(
        [sys.executable, "-c", IDLE_PARENT], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    workers = [int(p) for p in proc.stdout.readline().split()]  # type: ignore[union-attr]
    assert workers and all(_alive(w) for w in workers)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers)
