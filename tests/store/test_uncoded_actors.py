"""Actors the coder names but cannot code (code null) are stored with their text and can be filtered."""

import datetime as dt

from dotterel.records import Article, Entity, Event, Mention, TextInfo
from dotterel.store.db import Store
from dotterel.store.query import EventFilter, iter_events, parse_actor


def _mention(text: str) -> Mention:
    return Mention(
        index=0, text=text, start=0, end=1, char_start=0, char_end=len(text), head=0, sentence=0, entities=()
    )


def _event(n: int, actor: Entity, actor_text: str) -> Event:
    return Event(
        id=f"a-{n}",
        article_id="a",
        event="ACCUSE",
        mode=(),
        context=(),
        cameo="111",
        quad_code=3,
        goldstein=-2.0,
        actor=((_mention(actor_text), actor),),
        recipient=((_mention("Iran"), Entity(code="IRN", name="Iran", kind="country")),),
        date=None,
        location=None,
        event_text="x",
        text_info=TextInfo(sentence=0, start=0, end=1),
        trigger="criticised",
        rule="test",
        confidence=0.8,
    )


def test_an_uncoded_actor_is_stored_with_its_text_and_found_by_the_question_mark_filter(tmp_path):
    article = Article(id="a", text="Quill criticised Iran. Iraq criticised Iran.", published=dt.date(2024, 1, 1))
    events = [
        _event(1, Entity(code=None, sector="OPP", name="Xander Quill", kind="person"), "Xander Quill"),
        _event(2, Entity(code="IRQ", name="Iraq", kind="country"), "Iraq"),
    ]
    with Store.open(tmp_path / "s.db") as store:
        store.save_coded(article, events)
        got = [s.event for s in iter_events(store, EventFilter(actor=parse_actor("?")))]
        assert [e.id for e in got] == ["a-1"]
        ((mention, entity),) = got[0].actor
        assert entity.code is None and mention is not None and mention.text == "Xander Quill"
        assert [s.event.id for s in iter_events(store, EventFilter(actor=parse_actor("?/OPP")))] == ["a-1"]
        assert [s.event.id for s in iter_events(store, EventFilter(actor=parse_actor("IRQ")))] == ["a-2"]
