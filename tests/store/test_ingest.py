"""Ingest: idempotent, merging duplicates, recording rejections (library level, the session's Coder)."""

import gzip
import json
import sqlite3
from dataclasses import replace

from dotterel.errors import InputError
from dotterel.inputs import read_articles
from dotterel.store.db import Store
from dotterel.store.ingest import ingest
from dotterel.store.query import EventFilter, count_events, iter_merged, parse_actor, rejections

from .conftest import tehran_articles


def counts(path):
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("articles", "events", "entities", "sentences", "merged_events", "event_sources")
        }
    finally:
        conn.close()


def test_two_reports_of_the_tehran_meeting_become_one_merged_event_with_two_sources(tehran_db):
    with Store.open(tehran_db, readonly=True) as store:
        flt = EventFilter(events=("CONSULT",), actor=parse_actor("IRQ"), recipient=parse_actor("IRN"))
        flt_rev = EventFilter(events=("CONSULT",), actor=parse_actor("IRN"), recipient=parse_actor("IRQ"))
        found = {m.id: m for m in [*iter_merged(store, flt), *iter_merged(store, flt_rev)]}
    meetings = [
        m
        for m in found.values()
        if m.representative.event.date
        and m.representative.event.date.iso() == "2025-01-08"
        and {s.article_id for s in m.sources} == {"iran-iraq-2025-01-10", "tehran-meeting"}
    ]
    assert len(meetings) >= 1
    khamenei = [
        m
        for m in meetings
        if any("Khamenei" in s.event_text for s in m.sources if s.article_id == "tehran-meeting")
    ]
    [meeting] = khamenei
    assert meeting.num_sources == 2 and meeting.num_articles == 2 and meeting.num_mentions == len(meeting.sources)
    assert all(s.event_text for s in meeting.sources)


def test_the_raw_per_article_events_are_kept_beside_the_merged_ones(tehran_db):
    with Store.open(tehran_db, readonly=True) as store:
        raw = count_events(store)
        mentions = sum(m.num_mentions for m in iter_merged(store))
    assert raw == mentions and raw > 0


def test_ingesting_the_same_folder_twice_gives_identical_counts(tmp_path, coder, corpus_dir, corpus_run):
    path, first, _ = corpus_run
    before = counts(path)
    with Store.open(path) as store:
        again = ingest(store, coder, read_articles([str(corpus_dir)]))
    assert counts(path) == before
    assert again.coded == 0 and again.events == 0
    assert again.skipped == first.coded + first.skipped_duplicate


def test_a_folder_of_jsonl_and_gzip_files_is_coded_with_progress_reports(corpus_run):
    path, summary, reports = corpus_run
    assert summary.coded == 38 and summary.skipped_duplicate == 2 and not summary.rejected
    assert summary.events > 0 and summary.articles_per_s > 0 and summary.events_per_s > 0
    assert len(reports) == 40 and reports[-1].seen == 40 and reports[-1].events == summary.events
    conn = sqlite3.connect(path)
    # every coded article holds exactly the events it was written with
    bad = conn.execute(
        "SELECT a.id FROM articles a WHERE a.n_events != (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id)"
    ).fetchall()
    assert bad == []


def test_the_same_text_under_another_id_is_recorded_as_a_duplicate_without_events(corpus_run):
    path, _, _ = corpus_run
    conn = sqlite3.connect(path)
    dups = conn.execute("SELECT id, duplicate_of FROM articles WHERE status = 'duplicate'").fetchall()
    assert len(dups) == 2
    for dup_id, original in dups:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE article_id = ?", (dup_id,)).fetchone()[0] == 0
        assert conn.execute("SELECT status FROM articles WHERE id = ?", (original,)).fetchone()[0] == "coded"


def test_recode_replaces_an_articles_events_instead_of_adding_to_them(tmp_path, coder):
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        ingest(store, coder, tehran_articles())
        before = counts(path)
        summary = ingest(store, coder, tehran_articles(), recode=True)
    assert summary.coded == 2 and summary.recoded == 2
    assert counts(path) == before


def test_recode_picks_up_a_changed_text_under_the_same_id(tmp_path, coder):
    path = tmp_path / "s.db"
    first, second = tehran_articles()
    with Store.open(path) as store:
        ingest(store, coder, [second])
        shorter = replace(second, text=second.text.split("\n")[0])
        refused = ingest(store, coder, [shorter])  # an id never silently stands for two texts
        assert len(refused.rejected) == 1 and refused.coded == 0
        ingest(store, coder, [shorter], recode=True)
        texts = [r[0] for r in store.connection.execute("SELECT event_text FROM events")]
    assert texts and all(t in shorter.text for t in texts)


def test_rejected_inputs_are_recorded_with_their_reason(tmp_path, coder):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        json.dumps({"id": "ok", "text": "Iraq's prime minister met Iran's president in Tehran on Monday."})
        + "\n{broken\n"
        + json.dumps({"id": "blank", "text": "   "})
        + "\n",
        encoding="utf-8",
    )
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(b'{"id": "x", "text": "fine"}\n')[:20])
    (folder / "c.jsonl").write_text(
        json.dumps({"id": "greek", "text": "Ο πρωθυπουργός συναντήθηκε σήμερα."}) + "\n"
    )
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        summary = ingest(store, coder, read_articles([str(folder)]))
        recorded = {r.source: r.reason for r in rejections(store)}
    assert summary.coded == 1
    assert {r.source for r in summary.rejected} == set(recorded)
    assert any("invalid JSON" in reason for reason in recorded.values())
    assert any("gzip" in reason for reason in recorded.values())
    assert any("English" in reason for src, reason in recorded.items() if "greek" in src)
    assert len(recorded) == 4


def test_an_input_error_item_is_recorded_not_raised(tmp_path, coder):
    with Store.open(tmp_path / "s.db") as store:
        summary = ingest(store, coder, [InputError("feed.jsonl:3", "invalid JSON")])
        assert [(r.source, r.reason) for r in rejections(store)] == [("feed.jsonl:3", "invalid JSON")]
    assert summary.coded == 0 and len(summary.rejected) == 1


def test_the_same_id_twice_in_one_run_is_coded_once(tmp_path, coder):
    first, _ = tehran_articles()
    with Store.open(tmp_path / "s.db") as store:
        summary = ingest(store, coder, [first, first])
    assert summary.coded == 1 and summary.skipped_repeated == 1
