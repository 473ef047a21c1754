"""A small news corpus for the scale tests, built from ../shared/data/news/ (skipped when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NEWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "news" / "guardian_sample.jsonl"


def news_articles() -> list[dict]:
    if not NEWS.is_file():
        pytest.skip(f"{NEWS} is absent (shared development data)")
    return [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def news_file(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """Twenty short Guardian articles, a bad line, one 25,000-character article (coded in windows)."""
    rows = sorted(news_articles(), key=lambda a: len(a["text"]))
    short = rows[:20]
    long_text = "\n\n".join(a["text"] for a in rows[100:110])[:25_000]
    long_text = long_text[: long_text.rfind(". ") + 1]
    lines = [json.dumps(a) for a in short[:11]]
    lines.append("{not json")
    lines.append(json.dumps({"id": "long-blog", "text": long_text, "published": "2019-04-10"}))
    lines += [json.dumps(a) for a in short[11:]]
    path = tmp_path_factory.mktemp("news") / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
