"""Bad input through the library: a clear error naming the article, nothing else lost."""

import datetime as dt

from dotterel.records import Article


def test_bad_articles_are_rejected_and_the_rest_coded(coder):
    arts = [
        Article(id="good", text="Iran has criticized Iraq over border security.", published=dt.date(2025, 1, 10)),
        Article(id="empty", text="   "),
        Article(id="binary", text="\x00\x01\x02 junk \x03" * 50),
        Article(id="huge", text="Iran criticized Iraq. " * 240_000),
        Article(id="arabic", text="انتقدت إيران العراق بسبب أمن الحدود" * 3),
        Article(id="good2", text="Israel accused Iran of supplying weapons.", published=dt.date(2025, 1, 10)),
    ]
    outcomes = {o.article.id: o for o in coder.code_many(arts)}
    assert outcomes["good"].events and outcomes["good2"].events
    assert "empty" in outcomes["empty"].error.problem
    assert "binary" in outcomes["binary"].error.problem
    assert "limit" in outcomes["huge"].error.problem
    assert "English" in outcomes["arabic"].error.problem
    assert all("article" in str(outcomes[k].error) for k in ("empty", "binary", "huge", "arabic"))


def test_every_event_records_evidence_trace_and_versions(seed_events, seed_text):
    for e in seed_events:
        assert seed_text[e.text_info.start : e.text_info.end].strip() == e.event_text
        assert e.rule and e.trigger and 0 < e.confidence <= 1
        versions = dict(e.versions)
        assert {"lexicon", "kb.actors", "ontology.cameo", "spacy_model"} <= set(versions)
