"""The store's commands at the edges: collisions, filter values, pipes, files, dates at their precision."""

import csv
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from dotterel.export.gdelt import GDELT_COLUMNS
from dotterel.records import Article, DateRef, Entity, Event, TextInfo
from dotterel.store.db import Store
from dotterel.store.exporting import export
from dotterel.store.query import stats

from .conftest import ROOT, SECOND, run_cli

GDELT_NAMES = [name for name, _ in GDELT_COLUMNS]


def _event(article: Article, n: int, sentence: str, date: DateRef | None, event: str = "ACCUSE") -> Event:
    start = article.text.index(sentence)
    return Event(
        id=f"{article.id}-{n}",
        article_id=article.id,
        event=event,
        mode=(),
        context=(),
        cameo="112" if event == "ACCUSE" else "042",
        quad_code=3 if event == "ACCUSE" else 1,
        goldstein=-2.0,
        actor=((None, Entity(code="IRN", sector="GOV")),),
        recipient=((None, Entity(code="IRQ", sector="GOV")),),
        date=date,
        location=None,
        event_text=sentence,
        text_info=TextInfo(sentence=n, start=start, end=start + len(sentence)),
        trigger="accused",
        rule="test",
        confidence=0.8,
    )


@pytest.fixture()
def dated_store(tmp_path):
    """One article with events dated to the day, the month and the year (one each, three years apart)."""
    sentences = [
        "Iran accused Iraq on 8 January 2015.",
        "Iran accused Iraq in March 2012.",
        "Iran accused Iraq in 2009.",
    ]
    art = Article(id="a", text=" ".join(sentences), published=dt.date(2015, 1, 10))
    dates = [
        DateRef(date=dt.date(2015, 1, 8), precision="day", text="8 January 2015"),
        DateRef(date=dt.date(2012, 3, 1), precision="month", text="March 2012"),
        DateRef(date=dt.date(2009, 1, 1), precision="year", text="2009"),
    ]
    path = tmp_path / "dated.db"
    with Store.open(path) as store:
        store.save_coded(
            art, [_event(art, i, s, d) for i, (s, d) in enumerate(zip(sentences, dates, strict=True))]
        )
    return path


# ---- case 1: the same file name in two subfolders ---------------------------------------------


def test_ingesting_a_folder_with_one_file_name_in_two_subfolders_stores_both(tmp_path):
    coll = tmp_path / "coll"
    for outlet, text in (
        ("bbc", "Iran accused Iraq of shelling its border posts."),
        ("reuters", "Turkey criticized Greece over the island dispute."),
    ):
        (coll / outlet).mkdir(parents=True)
        (coll / outlet / "2018-04-14.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "coll.db"
    done = run_cli("ingest", coll, "--db", db, "--published", "2018-04-14", "--no-progress")
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    ids = sorted(r[0] for r in conn.execute("SELECT id FROM articles WHERE status = 'coded'"))
    conn.close()
    assert ids == ["bbc/2018-04-14", "reuters/2018-04-14"]


def test_a_stored_id_given_again_with_another_text_is_rejected_and_the_stored_article_kept(tmp_path, coder):
    from dotterel.store.ingest import ingest

    db = tmp_path / "s.db"
    first = Article(id="x", text="Iran accused Iraq of shelling its border posts.", published=dt.date(2025, 1, 10))
    other = Article(
        id="x", text="Turkey criticized Greece over the island dispute.", published=dt.date(2025, 1, 10)
    )
    with Store.open(db) as store:
        ingest(store, coder, [first])
        summary = ingest(store, coder, [other])
        assert summary.coded == 0
        [rejection] = summary.rejected
        assert "different text" in rejection.reason and "--recode" in rejection.reason
        text = store.connection.execute("SELECT text FROM articles WHERE id = 'x'").fetchone()[0]
        assert text == first.text
        again = ingest(store, coder, [other], recode=True)
        assert again.recoded == 1


# ---- case 4: filter values are checked --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--event", "ASSUALT"), "ASSAULT"),
        (("--event", "consult,PROTST"), "PROTEST"),
        (("--actor", "/GOX"), "GOV"),
        (("--recipient", "IRQ/MIX"), "MIL"),
        (("--actor", "IRX"), "IRN"),
        (("--cameo", "04x"), "digits"),
        (("--cameo", "99"), "CAMEO"),
        (("--since", "2025-13-01"), "YYYY-MM-DD"),
        (("--since", "2025-02-01", "--until", "2025-01-01"), "after"),
    ],
)
def test_an_unknown_filter_value_is_an_error_that_suggests_valid_values(tehran_db, args, expected):
    for command in (("events",), ("stats",), ("export", "--format", "csv", "--output", "-")):
        done = run_cli(*command, "--db", tehran_db, *args)
        assert done.returncode == 2, (command, args, done.stdout[:300])
        assert expected in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_valid_filter_values_still_select_events(tehran_db):
    done = run_cli("events", "--db", tehran_db, "--event", "consult", "--actor", "irn/gov", "--format", "plover")
    assert done.returncode == 0, done.stderr
    recs = [json.loads(line) for line in done.stdout.splitlines()]
    assert recs and {r["event"][0] for r in recs} == {"CONSULT"}


def test_the_filter_library_names_the_field_and_the_suggestions():
    from dotterel.store.filters import FilterError, Vocabulary, parse_filter

    vocab = Vocabulary.load()
    with pytest.raises(FilterError) as caught:
        parse_filter({"event": ["ASSUALT"]}, vocab)
    assert caught.value.field == "event" and caught.value.value == "ASSUALT"
    assert caught.value.suggestions[0] == "ASSAULT"
    flt = parse_filter({"event": ["assault"], "quad": "4", "since": "2015", "until": "2015-06"}, vocab)
    assert flt.events == ("ASSAULT",) and flt.quad == 4
    assert flt.since == dt.date(2015, 1, 1) and flt.until == dt.date(2015, 6, 30)
    with pytest.raises(FilterError) as caught:
        parse_filter({"quad": "5"}, vocab)
    assert caught.value.field == "quad"


def test_an_event_filter_that_is_neither_text_nor_a_list_is_a_filter_error():
    from dotterel.store.filters import FilterError, Vocabulary, parse_filter

    with pytest.raises(FilterError) as caught:
        parse_filter({"event": 7}, Vocabulary.load())
    assert caught.value.field == "event" and caught.value.value == "7"


# ---- case 5: a closed pipe ends the command quietly --------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("events", "--format", "csv"),
        ("events",),
        ("events", "--format", "plover"),
        ("export", "--format", "plover", "--output", "-"),
        ("stats",),
    ],
)
def test_output_into_a_closed_pipe_exits_quietly(tehran_db, command):
    read, write = os.pipe()
    os.close(read)  # like `| head -1` that has already exited
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dotterel.cli", command[0], "--db", str(tehran_db), *command[1:]],
            cwd=ROOT,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write)
    assert proc.stderr == "" and proc.returncode == 141


def test_code_into_a_closed_pipe_exits_quietly(tmp_path):
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dotterel.cli", "code", str(SECOND), "--published", "2025-01-09"],
            cwd=ROOT,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write)
    assert proc.stderr == "" and proc.returncode == 141


# ---- case 6: full text when the output is not a terminal ---------------------------------------


def test_the_events_table_written_to_a_file_keeps_every_evidence_sentence_whole(tehran_db, tmp_path):
    out = tmp_path / "table.txt"
    with out.open("w") as f:
        done = subprocess.run(
            [sys.executable, "-m", "dotterel.cli", "events", "--db", str(tehran_db)],
            cwd=ROOT,
            stdout=f,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    table = out.read_text(encoding="utf-8")
    csv_out = run_cli("events", "--db", tehran_db, "--format", "csv").stdout
    evidence = {" ".join(r["event_text"].split()) for r in csv.DictReader(csv_out.splitlines())}
    assert any(len(e) > 160 for e in evidence)
    lines = table.splitlines()
    for sentence in evidence:
        assert any(sentence in line for line in lines), sentence


# ---- case 7: export files honour the umask -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["plover", "csv", "gdelt", "parquet"])
def test_export_files_are_created_with_the_umask_mode(tehran_db, tmp_path, fmt):
    out = tmp_path / f"events.{fmt}"
    old = os.umask(0o022)
    try:
        with Store.open(tehran_db, readonly=True) as store:
            export(store, fmt, str(out))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_export_over_an_existing_file_keeps_its_mode(tehran_db, tmp_path):
    out = tmp_path / "private.csv"
    out.write_text("old")
    out.chmod(0o600)
    with Store.open(tehran_db, readonly=True) as store:
        export(store, "csv", str(out))
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text() != "old"


# ---- case 8: dates at their precision ------------------------------------------------------------


def test_stats_count_year_only_and_month_only_dates_apart_from_january(dated_store):
    with Store.open(dated_store, readonly=True) as store:
        by_month = {c.label: c.n for c in stats(store).by_month}
    assert by_month == {"2009": 1, "2012-03": 1, "2015-01": 1}


def test_date_filters_count_a_year_only_date_only_when_the_whole_year_is_inside(dated_store):
    from dotterel.store.query import EventFilter

    with Store.open(dated_store, readonly=True) as store:

        def n(since, until):
            return stats(store, EventFilter(since=since, until=until)).events

        assert n(dt.date(2009, 1, 1), dt.date(2009, 1, 31)) == 0  # not in January
        assert n(dt.date(2009, 1, 1), dt.date(2009, 12, 31)) == 1
        assert n(dt.date(2012, 3, 1), dt.date(2012, 3, 15)) == 0
        assert n(dt.date(2012, 3, 1), dt.date(2012, 3, 31)) == 1
        assert n(dt.date(2015, 1, 8), dt.date(2015, 1, 8)) == 1


def test_gdelt_day_fields_mark_an_unknown_day_and_month_with_zeros(dated_store, tmp_path):
    out = tmp_path / "g.tsv"
    with Store.open(dated_store, readonly=True) as store:
        export(store, "gdelt", str(out))
    rows = [dict(zip(GDELT_NAMES, r, strict=True)) for r in csv.reader(out.open(), delimiter="\t")]
    got = {(r["SQLDATE"], r["MonthYear"], r["Year"]) for r in rows}
    assert got == {("20150108", "201501", "2015"), ("20120300", "201203", "2012"), ("20090000", "200900", "2009")}


# ---- case 9: code --format gdelt ----------------------------------------------------------------


def test_code_writes_gdelt_rows(tmp_path):
    done = run_cli("code", SECOND, "--published", "2025-01-09", "--format", "gdelt")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert rows and {len(r) for r in rows} == {61}
    recs = [dict(zip(GDELT_NAMES, r, strict=True)) for r in rows]
    assert any(r["SQLDATE"] == "20250108" and r["EventRootCode"] == "04" for r in recs)
    assert {r["NumMentions"] for r in recs} == {"1"} and len({r["GLOBALEVENTID"] for r in recs}) == len(recs)
    assert all(r["SOURCEURL"] == "tehran-meeting" for r in recs)


# ---- case 10: IsRootEvent when the text has no paragraphs ---------------------------------------


def test_only_events_of_the_first_sentence_are_root_when_the_text_has_no_paragraphs(tmp_path, coder):
    from dotterel.store.ingest import ingest

    text = (
        "Iran accused Iraq of shelling its border posts on Monday. "
        "Turkey criticized Greece over the island dispute on Tuesday. "
        "Israel accused Iran of supplying weapons to Hezbollah."
    )
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        ingest(store, coder, [Article(id="block", text=text, published=dt.date(2025, 1, 10))])
        rows = store.connection.execute("SELECT sentence, is_root FROM events").fetchall()
    assert {s for s, _ in rows} >= {0, 1, 2}
    assert all(bool(root) == (s == 0) for s, root in rows)


def test_events_of_the_first_paragraph_are_root_when_the_text_has_paragraphs(tmp_path, coder):
    from dotterel.store.ingest import ingest

    text = (
        "Iran accused Iraq of shelling its border posts on Monday. Turkey criticized Greece over the "
        "island dispute on Tuesday.\n\nIsrael accused Iran of supplying weapons to Hezbollah."
    )
    db = tmp_path / "p.db"
    with Store.open(db) as store:
        ingest(store, coder, [Article(id="paras", text=text, published=dt.date(2025, 1, 10))])
        rows = store.connection.execute("SELECT sentence, is_root FROM events").fetchall()
    assert {s for s, _ in rows} >= {0, 1, 2}
    assert all(bool(root) == (s < 2) for s, root in rows)


# ---- case 10: warnings on the command line ----------------------------------------------------


def test_ingest_warns_about_an_undated_txt_and_the_files_it_skips(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Iran accused Iraq of shelling its border posts on Monday.", encoding="utf-8")
    (folder / "notes.md").write_text("not an article")
    done = run_cli("ingest", folder, "--db", tmp_path / "w.db", "--no-progress")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 2
    assert any("--published" in w for w in warnings) and any("notes.md" in w for w in warnings)


def test_code_given_the_same_file_twice_codes_it_once_and_says_so(tmp_path):
    done = run_cli("code", SECOND, SECOND, "--published", "2025-01-09")
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["id"] for line in done.stdout.splitlines()]
    assert ids and len(ids) == len(set(ids)) and "given twice" in done.stderr
