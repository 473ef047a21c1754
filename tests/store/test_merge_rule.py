"""The merge rule on hand-built events (no model needed)."""

import datetime as dt

from dotterel.records import DateRef, Entity, Event, Mention, Modality, TextInfo
from dotterel.store.merge import Candidate, choose, facts_of, same_event


def ent(code, sector=None, name=None, kind="person"):
    return (None, Entity(code=code, sector=sector, name=name, kind=kind if name else "generic"))


SUDANI = (ent("IRQ", "GOV", "Mohammed Shia al-Sudani"),)
KHAMENEI = (ent("IRN", "GOV", "Ali Khamenei"),)


def event(
    etype="CONSULT",
    actor=SUDANI,
    recipient=KHAMENEI,
    date=dt.date(2025, 1, 8),
    precision="day",
    cameo="040",
    text="Al-Sudani met Khamenei in Tehran.",
    negated=False,
):
    return Event(
        id="e",
        article_id="a",
        event=etype,
        mode=(),
        context=(),
        cameo=cameo,
        quad_code=1,
        goldstein=1.0,
        actor=tuple(actor),
        recipient=tuple(recipient),
        date=DateRef(date=date, precision=precision, text="") if date else None,
        location=None,
        event_text=text,
        text_info=TextInfo(sentence=0, start=0, end=len(text)),
        trigger="met",
        rule="test",
        confidence=0.8,
        modality=Modality(negated=negated),
    )


def test_a_meeting_reported_from_either_side_is_one_event():
    a = facts_of(event())
    b = facts_of(
        event(
            actor=(ent("IRN", "GOV", "Ali Khamenei"),), recipient=(ent("IRQ", "GOV", "Mohammed Shia al-Sudani"),)
        )
    )
    assert same_event(a, b)


def test_the_visitor_meeting_two_different_leaders_the_same_day_is_two_events():
    khamenei = facts_of(event())
    pezeshkian = facts_of(event(recipient=(ent("IRN", "GOV", "Masoud Pezeshkian"),)))
    assert not same_event(khamenei, pezeshkian)


def test_an_unnamed_side_is_compatible_with_a_named_one():
    named = facts_of(event())
    unnamed = facts_of(event(recipient=(ent("IRN", None, "Iran", kind="country"),)))
    assert same_event(named, unnamed)


def test_directed_events_in_opposite_directions_are_not_merged():
    a = facts_of(event(etype="ACCUSE", cameo="111"))
    b = facts_of(
        event(
            etype="ACCUSE",
            cameo="111",
            actor=(ent("IRN", "GOV", "Ali Khamenei"),),
            recipient=(ent("IRQ", "GOV", "Mohammed Shia al-Sudani"),),
        )
    )
    assert not same_event(a, b)


def test_reports_one_day_apart_merge_and_two_days_apart_do_not():
    base = facts_of(event())
    assert same_event(base, facts_of(event(date=dt.date(2025, 1, 9))))
    assert not same_event(base, facts_of(event(date=dt.date(2025, 1, 10))))


def test_month_precise_dates_merge_only_within_the_same_month_and_never_with_days():
    nov = facts_of(event(date=dt.date(2024, 11, 1), precision="month"))
    assert same_event(nov, facts_of(event(date=dt.date(2024, 11, 1), precision="month")))
    assert not same_event(nov, facts_of(event(date=dt.date(2024, 12, 1), precision="month")))
    assert not same_event(nov, facts_of(event(date=dt.date(2024, 11, 1), precision="day")))


def test_undated_events_are_never_merged():
    assert facts_of(event(date=None)).key is None
    assert not same_event(facts_of(event(date=None)), facts_of(event(date=None)))


def test_a_negated_report_does_not_merge_with_an_affirmed_one():
    assert not same_event(facts_of(event()), facts_of(event(negated=True)))


def test_different_cameo_roots_or_sectors_are_different_events():
    assert not same_event(facts_of(event()), facts_of(event(cameo="050")))
    mil = facts_of(event(recipient=(ent("IRN", "MIL"),)))
    gov = facts_of(event(recipient=(ent("IRN", "GOV"),)))
    assert not same_event(mil, gov)


def test_a_new_report_joins_only_a_merged_event_it_agrees_with_entirely():
    day8, day9 = facts_of(event()), facts_of(event(date=dt.date(2025, 1, 9)))
    day10 = facts_of(event(date=dt.date(2025, 1, 10)))
    # day 10 is within a day of day 9 but two days from day 8: no chaining
    assert choose(day10, [Candidate(merged_id=1, members=(day8, day9))]) is None
    assert choose(day9, [Candidate(merged_id=1, members=(day8,))]) == 1


def test_the_closest_date_wins_then_the_most_similar_evidence():
    new = facts_of(event(date=dt.date(2025, 1, 9), text="Al-Sudani met Khamenei in Tehran on Wednesday."))
    far = Candidate(merged_id=1, members=(facts_of(event(date=dt.date(2025, 1, 8))),))
    near = Candidate(
        merged_id=2, members=(facts_of(event(date=dt.date(2025, 1, 9), text="Unrelated words here.")),)
    )
    assert choose(new, [far, near]) == 2
    similar = Candidate(merged_id=3, members=(facts_of(event(date=dt.date(2025, 1, 9))),))
    assert choose(new, [near, similar]) == 3


def test_mentions_without_entities_text_do_not_break_the_key():
    m = Mention(
        index=0,
        text="he",
        start=0,
        end=1,
        char_start=0,
        char_end=2,
        head=0,
        sentence=0,
        entities=(Entity(code=None),),
    )
    f = facts_of(event(actor=((m, Entity(code=None)),)))
    assert f.key is None  # all actors unknown: never merged
