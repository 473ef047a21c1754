"""The event store: SQLite schema and migrations, ingest, duplicate merging, queries."""
