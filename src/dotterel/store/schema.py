"""The store's schema as named, ordered migrations; each one applied is recorded in the database.

A migration is never edited once released: a schema change is a new migration at the end of
MIGRATIONS. `schema_migrations` lists the names applied, in order, with the time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Migration:
    name: str
    sql: str
    # False for a migration that only speeds reading up (indexes): a store without it still opens read-only
    needed_for_reading: bool = True


_INITIAL = """
CREATE TABLE coder_versions (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,      -- the versions JSON itself, sorted keys
    versions TEXT NOT NULL                 -- JSON object: lexicon, kb.*, ontology.*, spacy_model, ...
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,            -- sha256 of the text, NFC, whitespace runs collapsed
    title TEXT,
    url TEXT,
    source TEXT,
    published TEXT,                        -- YYYY-MM-DD or NULL
    text TEXT,                             -- NULL for rejected and duplicate articles
    ingested_at TEXT NOT NULL,             -- UTC, ISO 8601
    status TEXT NOT NULL CHECK (status IN ('coded', 'rejected', 'duplicate')),
    rejection_reason TEXT,
    duplicate_of TEXT,                     -- for status 'duplicate': the coded article with the same text
    n_events INTEGER NOT NULL DEFAULT 0,   -- events written with the article (consistency check)
    versions_id INTEGER REFERENCES coder_versions(id)
);
CREATE INDEX articles_by_hash ON articles(content_hash, status);
CREATE INDEX articles_by_source ON articles(source);

-- inputs that never became an article (unreadable file, invalid JSON line, corrupt gzip)
CREATE TABLE rejected_inputs (
    source TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    seen_at TEXT NOT NULL
);

-- evidence sentences (those that carry at least one event)
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (article_id, idx)
);
CREATE VIRTUAL TABLE sentences_fts USING fts5(text, content='sentences', content_rowid='id');
CREATE TRIGGER sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER sentences_ad AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,         -- PLOVER `id`
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    event TEXT NOT NULL,                   -- PLOVER event type
    mode TEXT NOT NULL,                    -- JSON list
    context TEXT NOT NULL,                 -- JSON list
    cameo TEXT,                            -- string, leading zeros kept
    quad_code INTEGER NOT NULL,
    goldstein REAL,
    actor_codes TEXT NOT NULL,             -- '|'-joined actor codes ('?' when unknown)
    recipient_codes TEXT NOT NULL,
    date TEXT,                             -- YYYY-MM-DD, YYYY-MM or YYYY
    date_start TEXT,                       -- first day of `date`, YYYY-MM-DD
    date_precision TEXT,
    date_text TEXT,
    date_char_start INTEGER,
    date_inherited INTEGER NOT NULL DEFAULT 0,
    loc_extracted TEXT,
    loc_resolved TEXT,
    loc_country TEXT,
    loc_lat REAL,
    loc_lon REAL,
    loc_geonameid INTEGER,
    loc_resolution INTEGER,
    loc_char_start INTEGER,
    event_text TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    text_start INTEGER NOT NULL,
    text_end INTEGER NOT NULL,
    is_root INTEGER NOT NULL DEFAULT 0,    -- evidence in the article's first paragraph
    trigger TEXT NOT NULL,
    rule TEXT NOT NULL,
    confidence REAL NOT NULL,
    attributed_to TEXT,
    hedged INTEGER NOT NULL DEFAULT 0,
    negated INTEGER NOT NULL DEFAULT 0,
    future INTEGER NOT NULL DEFAULT 0,
    hypothetical INTEGER NOT NULL DEFAULT 0,
    cues TEXT NOT NULL DEFAULT '[]',       -- JSON list
    versions_id INTEGER REFERENCES coder_versions(id)
);
CREATE INDEX events_by_article ON events(article_id);
CREATE INDEX events_by_date ON events(date_start);
CREATE INDEX events_by_type ON events(event, cameo);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    event_rowid INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('actor', 'recipient')),
    position INTEGER NOT NULL,
    mention_text TEXT,                     -- as written; NULL when the entity has no mention
    code TEXT,
    sector TEXT,
    name TEXT,
    kind TEXT NOT NULL,
    inferred INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entities_by_event ON entities(event_rowid);
CREATE INDEX entities_by_code ON entities(code, sector, role);

-- the same event reported by one or more articles (rule: dotterel.store.merge)
CREATE TABLE merged_events (
    id INTEGER PRIMARY KEY,
    merge_key TEXT,                        -- NULL: an event that is never merged (no date, unknown actors)
    date_start TEXT,                       -- the first member's date: the anchor of the date window
    date_precision TEXT,
    representative INTEGER REFERENCES events(id) ON DELETE SET NULL,
    num_mentions INTEGER NOT NULL DEFAULT 0,
    num_sources INTEGER NOT NULL DEFAULT 0,
    num_articles INTEGER NOT NULL DEFAULT 0,
    first_added TEXT NOT NULL
);
CREATE INDEX merged_by_key ON merged_events(merge_key, date_precision, date_start);

-- event-source links: every raw event, the merged event it belongs to, its article and evidence sentence
CREATE TABLE event_sources (
    event_rowid INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    merged_id INTEGER NOT NULL REFERENCES merged_events(id),
    article_id TEXT NOT NULL,
    sentence_id INTEGER NOT NULL
);
CREATE INDEX event_sources_by_merged ON event_sources(merged_id);
"""

# covering indexes for the analyst's view (timeline, counts, places, network) over large stores
_VIEW_INDEXES = """
CREATE INDEX events_view_time ON events(date_start, date_precision, quad_code, event, hedged, negated, future,
    hypothetical, date_inherited, confidence, loc_country, actor_codes, recipient_codes, goldstein);
CREATE INDEX events_view_place ON events(loc_resolved, loc_country, loc_lat, loc_lon, loc_resolution);
CREATE INDEX entities_view ON entities(event_rowid, role, code, sector, mention_text, name);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(name="0001_initial", sql=_INITIAL),
    Migration(name="0002_view_indexes", sql=_VIEW_INDEXES, needed_for_reading=False),
)
