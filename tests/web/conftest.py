"""Fixtures for the web view: a store with the demo articles, an article carrying script and HTML
injection attempts, and an actor the coder could not code (code null, text kept)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
XSS_TEXT = (
    "Iraqi Prime Minister Mohammed Shia al-Sudani met Iranian President Masoud Pezeshkian in Tehran on "
    f"Wednesday, officials said {SCRIPT} {IMG}.\n\n"
    "Iraq's foreign ministry condemned Israel on Thursday."
)
UNCODED = "the Saraya Awliya al-Dam"


def demo_articles():
    from dotterel.records import Article

    return [
        Article(
            id="iran-iraq-2025-01-10",
            text=(EXAMPLES / "iran-iraq-2025-01-10.txt").read_text(encoding="utf-8"),
            published=dt.date(2025, 1, 10),
            source="Amwaj",
        ),
        Article(
            id="tehran-meeting",
            text=(EXAMPLES / "second-article" / "tehran-meeting.txt").read_text(encoding="utf-8"),
            published=dt.date(2025, 1, 9),
            source="Reuters",
        ),
    ]


def xss_article():
    from dotterel.records import Article

    return Article(
        id="xss-article",
        text=XSS_TEXT,
        published=dt.date(2025, 1, 10),
        title=SCRIPT + IMG,
        url="javascript:alert(1)",
        source=IMG,
    )


@pytest.fixture(scope="session")
def view_db(tmp_path_factory, lexicon_coder) -> Path:
    """The demo store, plus the injection article whose second event has an uncoded actor. Coded with
    the lexicon frames' reading: these tests are about storing and showing events, and a retrained
    choice model must not change which events they find."""
    coder = lexicon_coder
    from dotterel.records import Entity
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest

    path = tmp_path_factory.mktemp("view") / "view.db"
    with Store.open(path) as store:
        ingest(store, coder, demo_articles())
        article = xss_article()
        events = list(coder.code(article))
        assert any(SCRIPT in e.event_text for e in events), "the injection must reach an evidence sentence"
        changed = []
        for event in events:
            if event.event == "ACCUSE":  # the foreign ministry: make it an actor the coder cannot code
                mention = dataclasses.replace(event.actor[0][0], text=UNCODED) if event.actor[0][0] else None
                event = dataclasses.replace(event, actor=((mention, Entity(code=None, sector=None, name=None)),))
            changed.append(event)
        store.save_coded(article, changed, versions=coder.versions)
    return path


def event_ids(path: Path, **where: object) -> list[str]:
    from dotterel.store.db import Store
    from dotterel.store.query import EventFilter, iter_events

    with Store.open(path, readonly=True) as store:
        return [s.event.id for s in iter_events(store, EventFilter(**where))]


@pytest.fixture(scope="session")
def xss_event_id(view_db) -> str:
    from dotterel.store.db import Store

    with Store.open(view_db, readonly=True) as store:
        row = store.connection.execute(
            "SELECT event_id FROM events WHERE article_id = 'xss-article' AND event_text LIKE '%<script>%'"
        ).fetchone()
    return row[0]


@pytest.fixture(scope="session")
def uncoded_event_id(view_db) -> str:
    from dotterel.store.db import Store

    with Store.open(view_db, readonly=True) as store:
        row = store.connection.execute(
            "SELECT e.event_id FROM events e JOIN entities n ON n.event_rowid = e.id "
            "WHERE n.code IS NULL AND n.role = 'actor'"
        ).fetchone()
    return row[0]


def event_id_where(path: Path, *, text: str, trigger: str) -> str:
    """The id of the stored event whose evidence sentence holds `text` and whose trigger is `trigger`
    (ids depend on how many events come before, so tests find events by what they say)."""
    from dotterel.store.db import Store

    with Store.open(path, readonly=True) as store:
        row = store.connection.execute(
            "SELECT event_id FROM events WHERE event_text LIKE ? AND trigger = ? ORDER BY id",
            (f"%{text}%", trigger),
        ).fetchone()
    assert row is not None, f"no stored event with {text!r} and trigger {trigger!r}"
    return row[0]


@pytest.fixture(scope="session")
def baghdad_event_id(view_db) -> str:
    """The Baghdad meeting of 6 January: its own date and place phrases."""
    return event_id_where(view_db, text="Earlier, on January 6, the Iraqi prime minister met", trigger="met")


@pytest.fixture(scope="session")
def hedged_event_id(view_db) -> str:
    """The hedged claim about U.S. pressure, dated from the story's context."""
    return event_id_where(view_db, text="Some Iranian sources suggested", trigger="pressure")
