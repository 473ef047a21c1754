"""The command line as outside checks use it (CONTRACT.md)."""

import json
import subprocess
import sys

import pytest

from dotterel.ontology import PLOVER_TYPES

from .conftest import DATA, ROOT

REQUIRED = {
    "id",
    "article_id",
    "date",
    "date_precision",
    "event",
    "mode",
    "context",
    "cameo",
    "quad_code",
    "actor",
    "recipient",
    "event_loc",
    "event_text",
    "text_info",
    "confidence",
}
PLOVER = set(PLOVER_TYPES)


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "dotterel.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def seed_run():
    return run("code", str(DATA / "seed_article.txt"), "--published", "2025-01-10", "--format", "plover")


def test_code_writes_one_contract_record_per_line(seed_run):
    assert seed_run.returncode == 0, seed_run.stderr
    text = (DATA / "seed_article.txt").read_text()
    records = [json.loads(line) for line in seed_run.stdout.splitlines()]
    assert len(records) >= 10
    for r in records:
        assert REQUIRED <= set(r)
        assert len(r["event"]) == 1 and r["event"][0] in PLOVER
        assert r["article_id"] == "seed_article"
        assert r["quad_code"] in (1, 2, 3, 4)
        assert r["actor"] and all(
            {"entity_text", "code", "sector", "identifier_text"} <= set(a) for a in r["actor"]
        )
        assert r["cameo"] is None or (isinstance(r["cameo"], str) and r["cameo"].isdigit())
        info = r["text_info"]
        assert text[info["start"] : info["end"]].strip() == r["event_text"]
        assert 0.0 <= r["confidence"] <= 1.0
        if r["date"] is not None:
            assert r["date_precision"] in ("day", "month", "year")
            assert len(r["date"]) == {"day": 10, "month": 7, "year": 4}[r["date_precision"]]


def test_bad_jsonl_lines_are_reported_and_the_rest_coded(tmp_path):
    batch = tmp_path / "mixed.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok1", "text": "Iran criticized Iraq on Monday.", "published": "2025-01-10"}),
                "{broken",
                json.dumps({"id": "nodate", "text": "Iran criticized Iraq.", "published": "10 Jan"}),
                json.dumps(
                    {"id": "ok2", "text": "Israel accused Iran of supplying weapons.", "published": "2025-01-10"}
                ),
            ]
        )
        + "\n"
    )
    res = run("code", str(batch), "--format", "plover")
    assert res.returncode != 0
    assert f"{batch}:2" in res.stderr and "invalid JSON" in res.stderr
    assert f"{batch}:3" in res.stderr and "YYYY-MM-DD" in res.stderr
    ids = {json.loads(line)["article_id"] for line in res.stdout.splitlines()}
    assert ids == {"ok1", "ok2"}


def test_stdin_with_published_date():
    res = run("code", "-", "--published", "2025-01-10", stdin="Iran has criticized Iraq over border security.")
    assert res.returncode == 0, res.stderr
    [rec] = [json.loads(line) for line in res.stdout.splitlines()]
    assert rec["event"] == ["ACCUSE"] and rec["article_id"] == "stdin"


def test_unknown_date_format_is_an_error_naming_the_option():
    res = run("code", "-", "--published", "10/01/2025", stdin="Iran criticized Iraq.")
    assert res.returncode == 2 and "--published" in res.stderr


def test_empty_stdin_is_rejected():
    res = run("code", "-", stdin="   ")
    assert res.returncode == 1 and "<stdin>" in res.stderr and "empty" in res.stderr


def test_table_and_csv_formats(tmp_path):
    out = tmp_path / "events.csv"
    res = run(
        "code",
        str(DATA / "seed_article.txt"),
        "--published",
        "2025-01-10",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    header = out.read_text().splitlines()[0].split(",")
    assert header[:3] == ["id", "article_id", "date"]
    res = run("code", str(DATA / "seed_article.txt"), "--published", "2025-01-10", "--format", "table")
    assert res.returncode == 0 and "CONSULT" in res.stdout and "IRN/GOV" in res.stdout


def test_classify_answers_every_line_and_reports_bad_ones(tmp_path):
    inp = tmp_path / "sents.jsonl"
    inp.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "1",
                        "text": "Russia condemned the NATO summit.",
                        "actor": "Russia",
                        "recipient": "NATO",
                    }
                ),
                json.dumps({"id": "2", "text": "The weather was mild in Paris on Sunday."}),
                "not json",
                json.dumps({"id": "3", "text": "Troops shelled the village of Kafr Nabl overnight."}),
            ]
        )
        + "\n"
    )
    res = run("classify", str(inp))
    answers = {a["id"]: a for a in map(json.loads, res.stdout.splitlines())}
    assert res.returncode == 1 and f"{inp}:3" in res.stderr
    assert answers["1"]["event"] == ["ACCUSE"]
    assert answers["2"]["event"] == []
    assert answers["3"]["event"] == ["ASSAULT"]


def test_every_command_is_documented():
    import argparse

    from dotterel.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert {"code", "classify", "evaluate", "train", "ingest", "events", "stats", "export"} <= set(sub.choices)
    for name, parser in sub.choices.items():
        assert helps.get(name), f"{name} has no help line"
        assert parser.format_help().count("\n") > 3


def test_evaluate_articles_scores_a_folder_of_annotated_articles_together(tmp_path):
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "seed.txt").write_text((DATA / "seed_article.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "seed.json").write_text(json.dumps({"id": "seed", "published": "2025-01-10"}), encoding="utf-8")
    (folder / "seed.gold.jsonl").write_text(
        (DATA / "seed.gold.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    done = run("evaluate", "articles", str(folder))
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split()[1:])
    assert figures["n"] == "1" and figures["required"] == "16"
    assert float(figures["recall"]) >= 0.85 and float(figures["precision"]) >= 0.8


def test_evaluate_articles_without_a_folder_is_a_clear_error():
    done = run("evaluate", "articles")
    assert done.returncode == 2 and "at least one folder" in done.stderr


def test_min_confidence_keeps_only_events_at_least_that_sure(seed_run):
    everything = [json.loads(line) for line in seed_run.stdout.splitlines() if line.strip()]
    middle = sorted(e["confidence"] for e in everything)[len(everything) // 2]
    done = run(
        "code", str(DATA / "seed_article.txt"), "--published", "2025-01-10", "--min-confidence", str(middle)
    )
    assert done.returncode == 0, done.stderr
    kept = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert kept and len(kept) < len(everything)
    assert all(e["confidence"] >= middle for e in kept)
    assert len(kept) == sum(e["confidence"] >= middle for e in everything)


def test_min_confidence_out_of_range_is_refused():
    done = run("code", str(DATA / "seed_article.txt"), "--min-confidence", "1.5")
    assert done.returncode == 2 and "not between 0 and 1" in done.stderr
