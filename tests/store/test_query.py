"""Querying the store: filters, merged listing, counts."""

import datetime as dt

import pytest

from dotterel.errors import DotterelError
from dotterel.store.db import Store
from dotterel.store.query import EventFilter, count_events, iter_events, parse_actor, stats


@pytest.fixture()
def store(tehran_db):
    with Store.open(tehran_db, readonly=True) as s:
        yield s


def events(store, **kw):
    return [s.event for s in iter_events(store, EventFilter(**kw))]


def test_actor_filter_takes_a_country_a_sector_or_both(store):
    irn = events(store, actor=parse_actor("IRN"))
    assert irn and all(any(e.code == "IRN" for _, e in ev.actor) for ev in irn)
    mil = events(store, actor=parse_actor("/MIL"))
    assert mil and all(any(e.sector == "MIL" for _, e in ev.actor) for ev in mil)
    both = events(store, actor=parse_actor("IRN/GOV"))
    assert both and all(any(e.code == "IRN" and e.sector == "GOV" for _, e in ev.actor) for ev in both)


def test_a_malformed_actor_filter_is_a_clear_error():
    with pytest.raises(DotterelError, match="IRN/GOV"):
        parse_actor("Iran")


def test_recipient_filter(store):
    got = events(store, recipient=parse_actor("USA"))
    assert got and all(any(e.code == "USA" for _, e in ev.recipient) for ev in got)


def test_date_range_compares_the_first_day_of_each_date(store):
    got = events(store, since=dt.date(2025, 1, 8), until=dt.date(2025, 1, 8))
    assert got and all(e.date and e.date.iso() == "2025-01-08" for e in got)
    nov = events(store, since=dt.date(2024, 11, 1), until=dt.date(2024, 11, 30))
    assert nov and all(e.date.iso() == "2024-11" for e in nov)


def test_event_type_quad_and_cameo_filters(store):
    assert {e.event for e in events(store, events=("CONSULT", "AGREE"))} == {"CONSULT", "AGREE"}
    assert {e.quad_code for e in events(store, quad=3)} == {3}
    assert all(e.cameo.startswith("04") for e in events(store, cameo="04"))


def test_text_search_finds_words_in_the_evidence_sentence(store):
    got = events(store, text="joint conference")
    assert got and all("joint press conference" in e.event_text for e in got)
    assert events(store, text="al-Sudani") != []
    assert events(store, text="nonexistentword") == []


def test_text_search_with_quotes_and_operators_is_not_an_error(store):
    assert isinstance(events(store, text='"AND OR NOT ( *'), list)


def test_source_filter_matches_the_articles_source(tmp_path, coder, corpus_run):
    path, _, _ = corpus_run
    with Store.open(path, readonly=True) as s:
        got = list(iter_events(s, EventFilter(source="reuters")))
    assert got and {x.article.source for x in got} == {"Reuters"}


def test_limit_and_order_by_date_with_undated_last(store):
    dated = [e.date for e in events(store)]
    firsts = [d for d in dated if d is not None]
    assert [d.date for d in firsts] == sorted(d.date for d in firsts)
    assert dated.index(None) > len(firsts) - 1 if None in dated else True
    assert len(events(store, limit=3)) == 3


def test_stats_count_by_type_dyad_and_month(store):
    st = stats(store)
    assert st.articles_coded == 2 and st.events == count_events(store)
    assert sum(c.n for c in st.by_type) == st.events
    assert sum(c.n for c in st.by_month) == st.events
    assert any(c.label == "2025-01" for c in st.by_month)
    assert any(c.label == "IRN -> IRQ" for c in st.by_dyad)
    assert st.merged_events < st.events
