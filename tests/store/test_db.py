"""The SQLite store: schema migrations, atomic article writes, clear errors."""

import sqlite3

import pytest

from dotterel.export.plover import to_plover
from dotterel.store import merge
from dotterel.store.db import Store, StoreError
from dotterel.store.query import iter_events, iter_merged
from dotterel.store.schema import MIGRATIONS

from .conftest import tehran_articles


def seed_article():
    """The example article under the id the session's seed_events were coded with."""
    from dataclasses import replace

    return replace(tehran_articles()[0], id="seed")


def test_a_new_store_records_its_migrations_by_name_in_order(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        assert store.migrations() == [m.name for m in MIGRATIONS]
        rows = store.connection.execute("SELECT name, applied_at FROM schema_migrations").fetchall()
        assert all(applied for _, applied in rows)


def test_a_store_is_in_wal_mode(tmp_path):
    Store.open(tmp_path / "s.db").close()
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_a_store_applies_no_migration_twice(tmp_path):
    Store.open(tmp_path / "s.db").close()
    with Store.open(tmp_path / "s.db") as store:
        assert store.migrations() == [m.name for m in MIGRATIONS]


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_an_sqlite_database_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a dotterel store"):
        Store.open(path)


def test_opening_a_missing_store_read_only_says_how_to_create_one(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        Store.open(tmp_path / "missing.db", readonly=True)


def test_a_store_in_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "s.db")


def test_stored_events_read_back_as_the_same_plover_records(tmp_path, coder, seed_events):
    article = seed_article()
    with Store.open(tmp_path / "s.db") as store:
        store.save_coded(article, seed_events, versions=coder.versions)
        back = [s.event for s in iter_events(store, order="stored")]
    assert [to_plover(e) for e in back] == [to_plover(e) for e in seed_events]


def test_a_failure_while_writing_an_article_leaves_nothing_of_it(tmp_path, monkeypatch, coder, seed_events):
    article = seed_article()
    calls = {"n": 0}
    real = merge.assign

    def failing(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise sqlite3.OperationalError("database or disk is full")
        return real(*args, **kw)

    with Store.open(tmp_path / "s.db") as store:
        monkeypatch.setattr(merge, "assign", failing)
        with pytest.raises(StoreError, match="disk is full"):
            store.save_coded(article, seed_events, versions=coder.versions)
        conn = store.connection
        for table in ("articles", "sentences", "events", "entities", "merged_events", "event_sources"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


def test_a_full_database_is_a_clear_error_and_the_article_is_rolled_back(tmp_path, coder, seed_events):
    first, second = seed_article(), tehran_articles()[1]
    with Store.open(tmp_path / "s.db") as store:
        store.save_coded(second, [], versions=coder.versions)
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
        store.connection.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(StoreError, match="disk is full"):
            store.save_coded(first, seed_events, versions=coder.versions)
        conn = store.connection
        assert conn.execute("SELECT id FROM articles").fetchall() == [("tehran-meeting",)]
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_saving_an_article_again_replaces_its_events(tmp_path, coder, seed_events):
    article = seed_article()
    with Store.open(tmp_path / "s.db") as store:
        store.save_coded(article, seed_events, versions=coder.versions)
        store.save_coded(article, seed_events[:3], versions=coder.versions)
        conn = store.connection
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 3
        assert conn.execute("SELECT n_events FROM articles").fetchone()[0] == 3
        assert sum(m.num_mentions for m in iter_merged(store)) == 3


def test_events_without_merging_get_one_merged_event_each_until_merges_are_rebuilt(tmp_path, coder, seed_events):
    first = seed_article()
    with Store.open(tmp_path / "s.db") as store:
        store.save_coded(first, seed_events, versions=coder.versions, merge_events=False)
        assert len(list(iter_merged(store))) == len(seed_events)
        merged = store.rebuild_merges()
        assert merged <= len(seed_events)
        assert sum(m.num_mentions for m in iter_merged(store)) == len(seed_events)


def test_the_coder_versions_are_stored_with_every_event(tmp_path, coder, seed_events):
    with Store.open(tmp_path / "s.db") as store:
        store.save_coded(seed_article(), seed_events, versions=coder.versions)
        versions = {dict(s.event.versions).get("lexicon") for s in iter_events(store)}
    assert versions == {dict(coder.versions)["lexicon"]}
