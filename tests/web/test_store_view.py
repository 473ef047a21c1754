"""The analyst's filters and aggregates in the store layer, `dotterel show`, and the CLI options."""

from __future__ import annotations

import sqlite3

import pytest

from dotterel.errors import DotterelError
from dotterel.store import analysis
from dotterel.store.db import Store
from dotterel.store.evidence import event_evidence
from dotterel.store.query import EventFilter, iter_events

from ..store.conftest import run_cli
from .conftest import UNCODED


@pytest.fixture(scope="module")
def store(view_db):
    with Store.open(view_db, readonly=True) as s:
        yield s


def events(store, **kw):
    return [s.event for s in iter_events(store, EventFilter(**kw))]


def test_country_means_either_side_or_the_place(store):
    got = events(store, country="LBN")
    assert got
    for e in got:
        codes = {x.code for _, x in e.actor + e.recipient}
        assert "LBN" in codes or (e.location and e.location.country_code == "LBN")
    placed_only = [
        e for e in events(store, country="IRN") if "IRN" not in {x.code for _, x in e.actor + e.recipient}
    ]
    assert placed_only and all(e.location.country_code == "IRN" for e in placed_only)


def test_place_matches_the_resolved_or_written_name_in_any_case(store):
    got = events(store, place="baghdad")
    assert got and all(e.location.resolved_place == "Baghdad" for e in got)


def test_minimum_confidence(store):
    got = events(store, min_confidence=0.75)
    assert got and all(e.confidence >= 0.75 for e in got)
    assert len(got) < len(events(store))


def test_modality_hedged_and_asserted_split_the_events(store):
    hedged = events(store, modality=("hedged",))
    asserted = events(store, modality=("asserted",))
    assert hedged and all(e.modality.hedged for e in hedged)
    assert all(not (e.modality.hedged or e.modality.negated or e.modality.future) for e in asserted)
    assert len(hedged) + len(asserted) <= len(events(store))
    with pytest.raises(DotterelError, match="modality"):
        events(store, modality=("perhaps",))


def test_precision_and_date_origin(store):
    months = events(store, precision=("month",))
    assert months and all(e.date.precision == "month" for e in months)
    undated = events(store, precision=("none",))
    assert undated and all(e.date is None for e in undated)
    inherited = events(store, inherited=True)
    own = events(store, inherited=False)
    assert inherited and all(e.date.inherited for e in inherited)
    assert own and all(e.date and not e.date.inherited for e in own)
    assert len(inherited) + len(own) + len(undated) == len(events(store))


def test_an_uncoded_actor_is_found_by_its_text_and_drawn_under_it(store):
    got = events(store, actor_text=UNCODED.upper())
    assert len(got) == 1 and got[0].actor[0][1].code is None
    net = analysis.network(store)
    node = next(n for n in net.nodes if not n.coded)
    assert node.label == UNCODED and node.as_actor == 1
    summary = {a.key: a for a in analysis.actors(store, top=100)}
    assert summary[node.key].targets[0].key == "ISR"
    assert events(store, country="ISR")  # an uncoded side does not break the country filter


def test_network_counts_each_event_once_per_pair(store):
    net = analysis.network(store, top=1000)
    for edge in net.edges:
        pair = events(
            store,
            **analysis.actor_filter_fields(edge.source, "actor"),
            **analysis.actor_filter_fields(edge.target, "recipient"),
        )
        assert edge.n <= len(pair)  # a node key selects at least the edge's events
    sector = analysis.network(store, level="sector", top=1000)
    assert any(e.source == "IRQ/GOV" and e.target == "IRN/GOV" for e in sector.edges)


def test_timeline_never_draws_a_coarse_date_in_a_finer_bin(store):
    t = analysis.timeline(store, interval="day")
    assert t.spans and {"month"} == set(t.span_precision)
    drawn = sum(n for b in t.bins for _, n in b.counts) + sum(n for b in t.spans for _, n in b.counts) + t.undated
    assert drawn == len(events(store))
    yearly = analysis.timeline(store, interval="year")
    assert not yearly.spans and {b.start.month for b in yearly.bins} == {1}


def test_evidence_spans_cover_their_text_and_say_where_the_date_came_from(store, baghdad_event_id):
    ev = event_evidence(store, baghdad_event_id)  # Baghdad, 6 January, its own phrases
    for span in ev.spans:
        assert ev.text[span.start : span.end] == span.text
    assert {s.kind for s in ev.spans} >= {"trigger", "actor", "recipient", "date", "place"}
    assert ev.date_origin.how == "phrase" and ev.place_origin.how == "phrase"
    inherited = event_evidence(store, "iran-iraq-2025-01-10-000-000")
    assert inherited.date_origin.how == "context" and "January 8" in inherited.date_origin.sentence_text


def test_the_store_without_the_view_indexes_still_opens_read_only(tmp_path, view_db):
    copy = tmp_path / "old.db"
    copy.write_bytes(view_db.read_bytes())
    with sqlite3.connect(copy) as conn:
        for index in ("events_view_time", "events_view_place", "entities_view"):
            conn.execute(f"DROP INDEX {index}")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0002_view_indexes'")
    with Store.open(copy, readonly=True) as s:
        assert analysis.network(s).edges
    with Store.open(copy) as s:  # opening for writing adds them
        assert "0002_view_indexes" in s.migrations()


def test_show_prints_the_highlighted_evidence_provenance_and_sources(view_db, hedged_event_id):
    result = run_cli("show", hedged_event_id, "--db", view_db, "--width", "140")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Some Iranian sources suggested" in out
    assert "inherited from the story's context (sentence 1)" in out
    assert "hedged (cues: might, suggest)" in out and "lexicon:noun:pressure" in out
    assert "merged event" in out


def test_show_highlights_each_part_in_colour(store, baghdad_event_id):
    from rich.console import Console

    from dotterel.show import STYLES, highlighted

    ev = event_evidence(store, baghdad_event_id)
    text = highlighted(ev, ev.sentence_start, ev.sentence_end)
    styled = {str(span.style) for span in text.spans}
    for kind in ("trigger", "actor", "recipient", "date", "place"):
        assert any(STYLES[kind] in style for style in styled), kind
    console = Console(force_terminal=True, color_system="truecolor", width=200)
    with console.capture() as cap:
        console.print(text)
    assert "\x1b[" in cap.get()


def test_show_of_an_unknown_event_is_a_clear_error(view_db):
    result = run_cli("show", "no-such-event", "--db", view_db)
    assert result.returncode == 2 and "no event with id 'no-such-event'" in result.stderr


def _csv_rows(result):
    import csv
    import io

    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_events_command_takes_the_new_filters(view_db):
    hedged = _csv_rows(
        run_cli("events", "--db", view_db, "--country", "irq", "--modality", "hedged", "--format", "csv")
    )
    # either side or the place, as the filter is documented
    assert hedged and all("IRQ" in r["actor_code"] + r["recipient_code"] + r["country_code"] for r in hedged)
    assert any("IRQ" not in r["country_code"] for r in hedged)  # not only a place filter
    top = max(float(r["confidence"]) for r in hedged)
    sure = _csv_rows(
        run_cli(
            "events",
            "--db",
            view_db,
            "--country",
            "irq",
            "--modality",
            "hedged",
            "--min-confidence",
            str(top),
            "--format",
            "csv",
        )  # fmt: skip
    )
    assert sure and all(float(r["confidence"]) >= top for r in sure)
    assert len(sure) == sum(float(r["confidence"]) >= top for r in hedged)
    text = run_cli("events", "--db", view_db, "--actor-text", UNCODED, "--format", "plover")
    assert text.returncode == 0 and '"code": null' in text.stdout
    for bad, message in (
        (("--country", "Iraq"), "ISO 3166"),
        (("--modality", "maybe"), "unknown value 'maybe'"),
        (("--precision", "week"), "unknown value 'week'"),
        (("--min-confidence", "2"), "between 0 and 1"),
    ):
        result = run_cli("events", "--db", view_db, *bad)
        assert result.returncode == 2 and message in result.stderr, bad


def test_serve_binds_to_loopback_by_default():
    from dotterel.cli import build_parser

    args = build_parser().parse_args(["serve", "--db", "x.db"])
    assert args.host == "127.0.0.1" and args.port == 8000


def test_serve_refuses_a_missing_store_before_listening(tmp_path):
    result = run_cli("serve", "--db", tmp_path / "none.db", "--port", "8999", timeout=60)
    assert result.returncode == 2 and "no such store" in result.stderr


def test_serve_answers_over_http_on_loopback(view_db):
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from ..store.conftest import ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "dotterel.cli", "serve", "--db", str(view_db), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events?per_page=1", timeout=5) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (
                    proc.stderr.read() if proc.stderr else ""
                )
                time.sleep(0.2)
        assert body["total"] > 0 and len(body["events"]) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
