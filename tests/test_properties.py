"""Property-based tests: hostile input never crashes or hangs the readers or the coder, and every
event's offsets point into the text. Few, short examples here (fast); bench/fuzz.py runs many more."""

import datetime as dt
import gzip
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dotterel.errors import InputError
from dotterel.export.plover import to_plover
from dotterel.inputs import read_articles
from dotterel.ontology import PLOVER_TYPES
from dotterel.records import Article, Event

from .strategies import jsonl_lines, many_entities, texts

FAST = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples every run: CI failures reproduce
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


def event_problems(event: Event, text: str) -> list[str]:
    """What is wrong with an event coded from `text` (nothing, for a valid one)."""
    info = event.text_info
    problems = []
    if not (0 <= info.start <= info.end <= len(text)):
        problems.append(f"offsets {info.start}..{info.end} outside a text of {len(text)}")
    elif text[info.start : info.end] != event.event_text:
        problems.append("event_text is not the text at its offsets")
    if info.sentence < 0:
        problems.append("negative sentence index")
    if event.event not in PLOVER_TYPES or event.quad_code not in (1, 2, 3, 4):
        problems.append(f"type {event.event} quad {event.quad_code}")
    if not 0 <= event.confidence <= 1:
        problems.append(f"confidence {event.confidence}")
    if event.date is not None and event.date.precision not in ("day", "month", "year"):
        problems.append(f"date precision {event.date.precision}")
    json.dumps(to_plover(event), ensure_ascii=False).encode("utf-8")  # writable as UTF-8 JSON
    return problems


def check_coded(coder, text_list):
    articles = [Article(id=f"f{i}", text=t, published=dt.date(2025, 1, 10)) for i, t in enumerate(text_list)]
    outcomes = list(coder.code_many(articles))
    assert [o.article.id for o in outcomes] == [a.id for a in articles]
    for outcome in outcomes:
        if outcome.error is not None:
            assert isinstance(outcome.error, InputError) and outcome.article.id in outcome.error.source
            assert not outcome.events
        for event in outcome.events:
            assert event_problems(event, outcome.article.text) == [], event


@FAST
@given(st.lists(texts(), min_size=1, max_size=3))
def test_the_coder_codes_or_rejects_any_text_with_offsets_inside_it(coder, text_list):
    check_coded(coder, text_list)


@settings(FAST, max_examples=3)
@given(many_entities())
def test_hundreds_of_actor_mentions_are_coded_with_offsets_inside_the_text(coder, text):
    check_coded(coder, [text])


@FAST
@given(st.binary(max_size=400), st.sampled_from([".txt", ".jsonl", ".jsonl.gz"]), st.booleans())
def test_any_bytes_in_any_input_file_give_articles_or_errors_naming_the_file(raw, suffix, compress):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(gzip.compress(raw) if compress and suffix == ".jsonl.gz" else raw)
        check_read([str(path)], str(path))


@FAST
@given(jsonl_lines())
def test_any_jsonl_lines_give_articles_or_errors_naming_file_and_line(raw):
    with tempfile.TemporaryDirectory() as folder:
        for name, data in (("in.jsonl", raw), ("in.jsonl.gz", gzip.compress(raw))):
            path = Path(folder) / name
            path.write_bytes(data)
            items = check_read([str(path)], str(path))
            good_lines = sum(1 for line in raw.split(b"\n") if line.strip())
            assert len(items) <= max(1, good_lines)


def check_read(paths, where):
    items = list(read_articles(paths, dt.date(2025, 1, 10)))
    texts_by_id = {}
    for item in items:
        if isinstance(item, InputError):
            assert item.source.startswith(where) and item.problem
            continue
        assert isinstance(item, Article) and item.text.strip()
        item.text.encode("utf-8")  # no unpaired surrogates reach the coder or the store
        item.id.encode("utf-8")
        assert texts_by_id.setdefault(item.id, item.text) == item.text  # an id stands for one text
    return items


@settings(FAST, max_examples=10)
@given(jsonl_lines())
def test_any_jsonl_ingested_into_a_store_leaves_whole_articles_only(coder, raw):
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(raw)
        with Store.open(Path(folder) / "s.db") as store:
            summary = ingest(store, coder, read_articles([str(path)]))
            conn = store.connection
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            partial = conn.execute(
                "SELECT id FROM articles WHERE n_events != (SELECT COUNT(*) FROM events e WHERE e.article_id = articles.id)"
            ).fetchall()
            assert partial == []
            stored = conn.execute("SELECT COUNT(*) FROM articles WHERE status = 'coded'").fetchone()[0]
            assert stored == summary.coded


def test_articles_with_unpaired_surrogates_are_rejected_and_the_others_stored(coder):
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest

    day = dt.date(2025, 1, 10)
    articles = [
        Article(id="text", text="Iran \ud800 accused Iraq of spying.", published=day),
        Article(id="title", text="Iran accused Iraq of spying.", title="\udfff", published=day),
        Article(id="id-\udc80", text="Israel accused Iran of spying.", published=day),
        Article(id="good", text="Turkey criticized Greece over the island dispute.", published=day),
    ]
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "s.db") as store:
        summary = ingest(store, coder, articles)
        assert summary.coded == 1 and len(summary.rejected) == 3
        assert all("surrogate" in r.reason for r in summary.rejected)
