"""The event store: SQLite schema and migrations, ingest, duplicate merging, queries, exports.

- db.Store            one SQLite file in WAL mode; every article written in one transaction
- schema.MIGRATIONS   named, ordered migrations, recorded in `schema_migrations`
- ingest.ingest       code articles into a store: idempotent, resumable, rejections recorded
- merge               the rule that makes reports of the same event one merged event
- query               filtered raw and merged events, counts
- exporting.export    PLOVER JSON Lines, CSV, Parquet and GDELT 2.0, streamed
- commands            the command-line side (ingest, events, stats, export, merge)
"""
