"""Shared fixtures. The Coder (spaCy model + data) loads once per test session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def coder():
    from dotterel.pipeline import Coder

    return Coder.load()


@pytest.fixture(scope="session")
def lexicon_coder():
    """The coder without the learned detector and choice: the lexicon frames' own reading."""
    from dotterel.pipeline import Coder

    return Coder.load(use_detector=False)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (DATA / "seed_article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_events(coder, seed_text):
    from dotterel.records import Article

    return coder.code(Article(id="seed", text=seed_text, published=dt.date(2025, 1, 10)))


def code_text(coder, text: str, published: dt.date | None = dt.date(2025, 1, 10)):
    from dotterel.records import Article

    return coder.code(Article(id="t", text=text, published=published))
