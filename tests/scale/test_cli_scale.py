"""The command line's speed-and-scale options: the time budget, bad engine options."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOTTEREL = Path(sys.executable).with_name("dotterel")
SEED = ROOT / "tests" / "data" / "seed_article.txt"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DOTTEREL), *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def _slow_and_quick(tmp_path: Path) -> Path:
    long_text = "\n\n".join([SEED.read_text(encoding="utf-8")] * 60)  # about 300,000 characters
    path = tmp_path / "mixed.jsonl"
    rows = [
        {"id": "quick", "text": "Iran and Iraq signed a security agreement on Monday.", "published": "2025-01-10"},
        {"id": "blog", "text": long_text, "published": "2025-01-10"},
        {
            "id": "quick2",
            "text": "Iranian President Masoud Pezeshkian met Iraqi Prime Minister Mohammed Shia al-Sudani on Monday.",
            "published": "2025-01-10",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_code_rejects_an_article_past_its_time_budget_and_codes_the_rest(tmp_path):
    done = _run("code", str(_slow_and_quick(tmp_path)), "--article-timeout", "3", "--no-progress")
    assert done.returncode == 1
    assert "article blog: coding took longer than the time budget of 3 s" in done.stderr
    ids = {json.loads(line)["article_id"] for line in done.stdout.splitlines()}
    assert ids == {"quick", "quick2"}


def test_ingest_stores_an_article_past_its_time_budget_as_rejected_with_the_reason(tmp_path):
    db = tmp_path / "events.db"
    done = _run(
        "ingest", str(_slow_and_quick(tmp_path)), "--db", str(db), "--article-timeout", "3", "--no-progress"
    )
    assert done.returncode == 1
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT id, status || ': ' || COALESCE(rejection_reason, '') FROM articles"))
    assert rows["quick"].startswith("coded") and rows["quick2"].startswith("coded")
    assert rows["blog"].startswith("rejected") and "time budget" in rows["blog"]


def test_the_ray_engine_needs_an_output_folder(tmp_path):
    done = _run("code", "--engine", "ray", str(SEED))
    assert done.returncode == 2 and "--engine ray needs --output DIR" in done.stderr


def test_workers_and_timeout_must_be_sensible_numbers():
    assert "must be at least 1" in _run("code", str(SEED), "--workers", "0").stderr
    assert "not a number of seconds" in _run("code", str(SEED), "--article-timeout", "soon").stderr
