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


def test_wire_dateline_is_not_read_as_a_subject_and_offsets_stay_exact(coder):
    from dotterel.pipeline import mask_dateline

    text = "KHARTOUM (AP) — Sudan's paramilitary Rapid Support Forces shelled a camp, killing 12 civilians."
    assert len(mask_dateline(text)) == len(text) and mask_dateline(text).lstrip().startswith("Sudan")
    [e] = [
        e for e in coder.code(Article(id="d", text=text, published=dt.date(2024, 6, 15))) if e.event == "ASSAULT"
    ]
    assert (e.actor[0][1].code, e.actor[0][1].sector) == ("SDN", "PRM")
    assert text[e.text_info.start : e.text_info.end].strip() == e.event_text


def test_unnamed_groups_take_the_country_of_the_place_or_of_the_state_acting_on_them(lexicon_coder):
    text = (
        "Thousands of protesters rallied in Tbilisi against the government, and police detained dozens of "
        "demonstrators. Meanwhile, Kenyan police arrested three men suspected of smuggling weapons."
    )
    events = lexicon_coder.code(Article(id="p", text=text, published=dt.date(2024, 6, 15)))
    coerce = {(e.actor[0][1].code, e.recipient[0][1].code) for e in events if e.event == "COERCE"}
    assert coerce == {("GEO", "GEO"), ("KEN", "KEN")}
    assert all(x.inferred for e in events if e.event == "COERCE" for _, x in e.recipient)
