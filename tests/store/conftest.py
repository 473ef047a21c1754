"""Fixtures for the store tests: stores filled once per session with the session's Coder."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from .corpus import SECOND, SEED, make_articles, write_corpus

ROOT = SEED.parents[1]


def run_cli(*args, timeout=600, **kw):
    """`python -m dotterel.cli ARGS` in a subprocess, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "dotterel.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        **kw,
    )


def tehran_articles():
    from dotterel.records import Article

    return [
        Article(id="iran-iraq-2025-01-10", text=SEED.read_text(encoding="utf-8"), published=dt.date(2025, 1, 10)),
        Article(id="tehran-meeting", text=SECOND.read_text(encoding="utf-8"), published=dt.date(2025, 1, 9)),
    ]


@pytest.fixture(scope="session")
def tehran_db(tmp_path_factory, coder):
    """A store with the example article and the second report of the 8 January Tehran meeting."""
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest

    path = tmp_path_factory.mktemp("tehran") / "store.db"
    with Store.open(path) as store:
        ingest(store, coder, tehran_articles())
    return path


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    """40 synthetic articles (two of them the same text under new ids) as .jsonl and .jsonl.gz files."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "in", make_articles(40, duplicates=2), per_file=8)


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory, coder, corpus_dir):
    """The corpus ingested once; (store path, summary, progress reports)."""
    from dotterel.inputs import read_articles
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest

    path = tmp_path_factory.mktemp("corpus-db") / "store.db"
    reports = []
    with Store.open(path) as store:
        summary = ingest(store, coder, read_articles([str(corpus_dir)]), on_progress=reports.append)
    return path, summary, reports
