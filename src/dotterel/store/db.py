"""The embedded store: one SQLite file in WAL mode.

    with Store.open("events.db") as store:
        store.save_coded(article, events, versions=coder.versions)

Every write (one article with all its sentences, events, entities and merge links) is one
transaction: a process killed at any moment leaves each article either fully stored or absent.
Errors come out as StoreError naming the file and the likely cause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dotterel.errors import DotterelError
from dotterel.lead import in_lead
from dotterel.ontology import EventTraits
from dotterel.records import Article, Entity, Event, Mention
from dotterel.store import merge
from dotterel.store.schema import MIGRATIONS

_SPACE = re.compile(r"\s+")


class StoreError(DotterelError):
    """The store cannot be opened, read or written. Names the file and the likely cause."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleState:
    """What the store already holds under an article id."""

    id: str
    status: str
    content_hash: str
    duplicate_of: str | None


def content_hash(text: str) -> str:
    """Hash of an article's text that ignores Unicode normalization and whitespace differences."""
    norm = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def describe_sqlite_error(path: Path, doing: str, exc: sqlite3.Error) -> str:
    """A message for a failed SQLite call: what failed and the likely cause."""
    text = str(exc)
    low = text.lower()
    if "not a database" in low or "file is encrypted" in low:
        return f"{path}: not a dotterel store: the file is not an SQLite database"
    if "readonly" in low or "read-only" in low:
        return f"{path}: the database is read-only (file or folder permissions, or a read-only file system)"
    if "disk is full" in low or "disk i/o error" in low:
        return (
            f"{path}: {doing} failed: the disk is full or a file-size limit was reached ({text}); "
            "that write was rolled back, nothing of it is stored"
        )
    if _is_lock_error(exc):
        return f"{path}: {doing} failed: another process is writing to the store ({text})"
    if "unable to open" in low:
        return f"{path}: cannot open or create the database (does the folder exist and is it writable?)"
    if "malformed" in low or "corrupt" in low:
        return f"{path}: the database file is damaged ({text}); restore it from a copy or start a new store"
    return f"{path}: {doing} failed ({text})"


OPEN_WAIT_SECONDS = 30.0  # how long opening waits out other processes' locks, as the busy timeout does


def _is_lock_error(exc: sqlite3.Error) -> bool:
    low = str(exc).lower()
    return "locked" in low or "busy" in low


class Store:
    """An open store. Create with Store.open(path); close with close() or a with block."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly
        self._traits = EventTraits.load()  # the merge rule orders the sides of all but symmetric types

    # ---- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        """Open (or, unless readonly, create) the store at `path`, applying pending migrations."""
        path = Path(path)
        if path.is_dir():
            raise StoreError(f"{path}: is a directory; give the path of a database file")
        if not path.parent.is_dir():
            raise StoreError(f"{path}: the folder {path.parent} does not exist")
        if readonly and not path.exists():
            raise StoreError(f"{path}: no such store (create one with `dotterel ingest ... --db {path}`)")
        if path.exists() and path.stat().st_size > 0 and not _looks_like_sqlite(path):
            raise StoreError(f"{path}: not a dotterel store: the file is not an SQLite database")
        if not readonly:
            return cls._connect(path, str(path), readonly=False)
        uri = path.resolve().as_uri()
        try:
            return cls._connect(path, f"{uri}?mode=ro", readonly=True)
        except StoreError as exc:
            if not isinstance(exc.__cause__, sqlite3.Error):
                raise
        # a WAL store in a folder we cannot write: readable only as an immutable file (no writer can exist)
        return cls._connect(path, f"{uri}?immutable=1", readonly=True)

    @classmethod
    def _connect(cls, path: Path, target: str, *, readonly: bool) -> Store:
        """Connect and set up, trying again while another process holds a lock SQLite will not
        wait for: two new connections that both read before switching a fresh file to WAL would
        deadlock, so SQLite fails one at once rather than calling its busy handler."""
        deadline = time.monotonic() + OPEN_WAIT_SECONDS
        pause = 0.01
        while True:
            try:
                return cls._connect_once(path, target, readonly=readonly)
            except StoreError as exc:
                cause = exc.__cause__
                locked = isinstance(cause, sqlite3.OperationalError) and _is_lock_error(cause)
                if not locked or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause * (1.0 + random.random()))  # jittered, so waiting processes spread out
            pause = min(pause * 2, 0.5)

    @classmethod
    def _connect_once(cls, path: Path, target: str, *, readonly: bool) -> Store:
        try:
            conn = sqlite3.connect(target, uri=readonly, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(path, "opening", exc)) from exc
        store = cls(conn, path, readonly=readonly)
        try:
            store._setup()
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(describe_sqlite_error(path, "opening", exc)) from exc
        except StoreError:
            conn.close()
            raise
        return store

    def _setup(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "schema_migrations" not in tables:
            raise StoreError(
                f"{self.path}: an SQLite database, but not a dotterel store (no schema_migrations table)"
            )
        if self.readonly:
            if not tables:
                raise StoreError(f"{self.path}: an empty database, not a dotterel store yet")
            applied = self.migrations()
            known = [m.name for m in MIGRATIONS]
            if applied != known[: len(applied)]:
                raise StoreError(f"{self.path}: made by another dotterel version (migrations {applied})")
            if any(m.needed_for_reading for m in MIGRATIONS[len(applied) :]):
                raise StoreError(
                    f"{self.path}: the store needs an upgrade; run `dotterel ingest` (or `dotterel merge`) on it once"
                )
            return
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: cannot switch the database to WAL mode (journal mode is {mode})")
        # WAL with synchronous=NORMAL: a killed process never loses a committed article
        conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()
        with self._write("checking write access"):
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    def _migrate(self) -> None:
        """Apply pending migrations in one exclusive transaction.

        Any number of processes may open a new store at once: the first to take the lock creates the
        schema, the others wait for it and then find every migration applied (the list is read again
        inside the transaction, never before it).
        """
        conn = self._conn
        known = [m.name for m in MIGRATIONS]
        if self._applied_outside() == known:
            return  # the usual case: nothing to do, no lock taken
        with self._write("applying migrations", exclusive=True):
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            applied = self.migrations()
            if applied != known[: len(applied)]:
                raise StoreError(
                    f"{self.path}: made by another dotterel version: migrations {applied} do not match {known}"
                )
            for migration in MIGRATIONS[len(applied) :]:
                try:
                    for statement in _statements(migration.sql):
                        conn.execute(statement)
                except sqlite3.Error as exc:
                    raise StoreError(
                        describe_sqlite_error(self.path, f"applying migration {migration.name}", exc)
                    ) from exc
                conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (migration.name, utc_now())
                )

    def _applied_outside(self) -> list[str] | None:
        """The migrations applied, read without a transaction (None when there is no table yet)."""
        try:
            return self.migrations()
        except sqlite3.OperationalError:
            return None

    def migrations(self) -> list[str]:
        """Names of the migrations applied to this database, in order."""
        return [r[0] for r in self._conn.execute("SELECT name FROM schema_migrations ORDER BY rowid")]

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for the store's query and export modules."""
        return self._conn

    # ---- transactions ---------------------------------------------------------------------

    @contextmanager
    def _write(self, doing: str, *, exclusive: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back whole on any error."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; cannot {doing}")
        conn = self._conn
        try:
            conn.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(self.path, doing, exc)) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the transaction may already be gone (I/O error); SQLite rolls it back itself
            if isinstance(exc, sqlite3.Error):
                raise StoreError(describe_sqlite_error(self.path, doing, exc)) from exc
            raise

    # ---- what is there --------------------------------------------------------------------

    def article_state(self, article_id: str) -> ArticleState | None:
        row = self._conn.execute(
            "SELECT id, status, content_hash, duplicate_of FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        return ArticleState(id=row[0], status=row[1], content_hash=row[2], duplicate_of=row[3])

    def coded_with_hash(self, digest: str, *, other_than: str) -> str | None:
        """The id of a coded article with this text hash under another id, if any."""
        row = self._conn.execute(
            "SELECT id FROM articles WHERE content_hash = ? AND status = 'coded' AND id != ? ORDER BY rowid LIMIT 1",
            (digest, other_than),
        ).fetchone()
        return row[0] if row else None

    # ---- writing --------------------------------------------------------------------------

    def save_coded(
        self,
        article: Article,
        events: Sequence[Event],
        *,
        versions: Sequence[tuple[str, str]] = (),
        merge_events: bool = True,
        digest: str | None = None,
    ) -> None:
        """Store a coded article and its events (replacing what the store had under its id), in one transaction.

        With merge_events=False each event gets a merged event of its own (merge later with rebuild_merges).
        """
        digest = digest or content_hash(article.text)
        now = utc_now()
        with self._write(f"writing article {article.id!r}") as conn:
            touched = self._clear_article(article.id)
            versions_id = self._versions_id(versions)
            self._upsert_article(
                article,
                digest=digest,
                status="coded",
                text=article.text,
                now=now,
                n_events=len(events),
                versions_id=versions_id,
            )
            sentence_ids: dict[int, int] = {}
            for event in events:
                info = event.text_info
                if info.sentence not in sentence_ids:
                    new_id = conn.execute(
                        "INSERT INTO sentences (article_id, idx, start, end, text) VALUES (?, ?, ?, ?, ?)",
                        (article.id, info.sentence, info.start, info.end, event.event_text),
                    ).lastrowid
                    assert new_id is not None
                    sentence_ids[info.sentence] = new_id
                sentence_id = sentence_ids[info.sentence]
                rowid = self._insert_event(
                    article.id, event, sentence_id, versions_id, is_root=in_lead(article.text, info)
                )
                touched.add(
                    merge.assign(
                        conn,
                        rowid=rowid,
                        facts=merge.facts_of(event, self._traits),
                        article_id=article.id,
                        sentence_id=sentence_id,
                        now=now,
                        traits=self._traits,
                        search=merge_events,
                    )
                )
            merge.refresh(conn, touched)

    def save_rejected(self, article: Article, reason: str, *, digest: str | None = None) -> None:
        """Record an article the coder rejected, with the reason (its old events, if any, are removed)."""
        digest = digest or content_hash(article.text if isinstance(article.text, str) else "")
        with self._write(f"recording rejected article {article.id!r}") as conn:
            merge.refresh(conn, self._clear_article(article.id))
            self._upsert_article(
                article, digest=digest, status="rejected", text=None, now=utc_now(), reason=reason
            )

    def save_duplicate(self, article: Article, duplicate_of: str, *, digest: str | None = None) -> None:
        """Record an article whose text the store already has under another id (no events of its own)."""
        digest = digest or content_hash(article.text)
        with self._write(f"recording duplicate article {article.id!r}") as conn:
            merge.refresh(conn, self._clear_article(article.id))
            self._upsert_article(
                article,
                digest=digest,
                status="duplicate",
                text=None,
                now=utc_now(),
                duplicate_of=duplicate_of,
                reason=f"same text as article {duplicate_of!r}",
            )

    def save_rejected_input(self, source: str, reason: str) -> None:
        """Record an input that never became an article (unreadable file, invalid JSON line, corrupt gzip)."""
        with self._write(f"recording rejected input {source!r}") as conn:
            conn.execute(
                "INSERT INTO rejected_inputs (source, reason, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT(source) DO UPDATE SET reason = excluded.reason, seen_at = excluded.seen_at",
                (source, reason, utc_now()),
            )

    def rebuild_merges(self, *, merge_events: bool = True) -> int:
        """Recompute every merged event from the raw events (after a rule change, or an ingest without
        merging). Returns the number of merged events."""
        with self._write("rebuilding merged events") as conn:
            conn.execute("DELETE FROM event_sources")
            conn.execute("DELETE FROM merged_events")
            now = utc_now()
            rows = conn.execute(
                "SELECT e.id, e.event, e.cameo, e.negated, e.date_start, e.date_precision, e.event_text, "
                "e.article_id, e.sentence_id FROM events e JOIN articles a ON a.id = e.article_id "
                "ORDER BY a.rowid, e.id"
            ).fetchall()
            touched: set[int] = set()
            for row in rows:
                facts = merge.stored_facts(conn, row[:7], self._traits)
                touched.add(
                    merge.assign(
                        conn,
                        rowid=row[0],
                        facts=facts,
                        article_id=row[7],
                        sentence_id=row[8],
                        now=now,
                        traits=self._traits,
                        search=merge_events,
                    )
                )
            merge.refresh(conn, touched)
            return conn.execute("SELECT COUNT(*) FROM merged_events").fetchone()[0]

    # ---- helpers (inside a transaction) -----------------------------------------------------

    def _clear_article(self, article_id: str) -> set[int]:
        """Delete an article's events and sentences; the merged events they were in (to refresh)."""
        conn = self._conn
        touched = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT merged_id FROM event_sources WHERE article_id = ?", (article_id,)
            )
        }
        conn.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))
        return touched

    def _versions_id(self, versions: Sequence[tuple[str, str]]) -> int | None:
        if not versions:
            return None
        text = json.dumps(dict(versions), sort_keys=True)
        conn = self._conn
        conn.execute(
            "INSERT INTO coder_versions (fingerprint, versions) VALUES (?, ?) ON CONFLICT(fingerprint) DO NOTHING",
            (text, text),
        )
        return conn.execute("SELECT id FROM coder_versions WHERE fingerprint = ?", (text,)).fetchone()[0]

    def _upsert_article(
        self,
        article: Article,
        *,
        digest: str,
        status: str,
        text: str | None,
        now: str,
        n_events: int = 0,
        versions_id: int | None = None,
        reason: str | None = None,
        duplicate_of: str | None = None,
    ) -> None:
        self._conn.execute(
            "INSERT INTO articles (id, content_hash, title, url, source, published, text, ingested_at, status, "
            "rejection_reason, duplicate_of, n_events, versions_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET content_hash = excluded.content_hash, title = excluded.title, "
            "url = excluded.url, source = excluded.source, published = excluded.published, text = excluded.text, "
            "ingested_at = excluded.ingested_at, status = excluded.status, "
            "rejection_reason = excluded.rejection_reason, duplicate_of = excluded.duplicate_of, "
            "n_events = excluded.n_events, versions_id = excluded.versions_id",
            (
                article.id,
                digest,
                article.title,
                article.url,
                article.source,
                article.published.isoformat() if article.published else None,
                text,
                now,
                status,
                reason,
                duplicate_of,
                n_events,
                versions_id,
            ),
        )

    def _insert_event(
        self, article_id: str, event: Event, sentence_id: int, versions_id: int | None, *, is_root: bool
    ) -> int:
        conn = self._conn
        date, loc, mod = event.date, event.location, event.modality
        rowid = conn.execute(
            "INSERT INTO events (event_id, article_id, sentence_id, event, mode, context, cameo, quad_code, "
            "goldstein, actor_codes, recipient_codes, date, date_start, date_precision, date_text, "
            "date_char_start, date_inherited, loc_extracted, loc_resolved, loc_country, loc_lat, loc_lon, "
            "loc_geonameid, loc_resolution, loc_char_start, event_text, sentence, text_start, text_end, is_root, "
            "trigger, rule, confidence, attributed_to, hedged, negated, future, hypothetical, cues, versions_id) "
            "VALUES (" + ", ".join("?" * 40) + ")",
            (
                event.id,
                article_id,
                sentence_id,
                event.event,
                json.dumps(list(event.mode)),
                json.dumps(list(event.context)),
                event.cameo,
                event.quad_code,
                event.goldstein,
                _codes(event.actor),
                _codes(event.recipient),
                date.iso() if date else None,
                merge.first_day(date.date, date.precision).isoformat() if date else None,
                date.precision if date else None,
                date.text if date else None,
                date.char_start if date else None,
                int(bool(date and date.inherited)),
                loc.extracted_place if loc else None,
                loc.resolved_place if loc else None,
                loc.country_code if loc else None,
                loc.lat if loc else None,
                loc.lon if loc else None,
                loc.geonameid if loc else None,
                loc.resolution if loc else None,
                loc.char_start if loc else None,
                event.event_text,
                event.text_info.sentence,
                event.text_info.start,
                event.text_info.end,
                int(is_root),
                event.trigger,
                event.rule,
                event.confidence,
                mod.attributed_to,
                int(mod.hedged),
                int(mod.negated),
                int(mod.future),
                int(mod.hypothetical),
                json.dumps(list(mod.cues)),
                versions_id,
            ),
        ).lastrowid
        assert rowid is not None
        for role, side in (("actor", event.actor), ("recipient", event.recipient)):
            for position, (mention, entity) in enumerate(side):
                conn.execute(
                    "INSERT INTO entities (event_rowid, role, position, mention_text, code, sector, name, kind, "
                    "inferred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        rowid,
                        role,
                        position,
                        mention.text if mention is not None else None,
                        entity.code,
                        entity.sector,
                        entity.name,
                        entity.kind,
                        int(entity.inferred),
                    ),
                )
        return rowid


def _codes(side: tuple[tuple[Mention | None, Entity], ...]) -> str:
    """The distinct codes of one side, sorted, '|'-joined ('?' for an unknown code)."""
    return "|".join(sorted({e.code or merge.UNKNOWN for _, e in side}))


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return True  # let SQLite report why it cannot be read


def _statements(sql: str) -> Iterator[str]:
    """Split a migration script into complete statements (trigger bodies stay whole)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()
