"""Exports from the store: PLOVER JSON Lines, CSV, Parquet (raw or merged events) and GDELT 2.0 (merged).

Rows stream from the database to a temporary file next to the output, renamed into place when
complete: a failed export leaves no half-written file behind.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from dotterel.errors import DotterelError
from dotterel.export.plover import CSV_COLUMNS, to_plover, to_row
from dotterel.store.db import Store
from dotterel.store.merge import first_day
from dotterel.store.query import EventFilter, MergedEvent, StoredEvent, iter_events, iter_merged

FORMATS = ("plover", "csv", "gdelt", "parquet")
EXTRA_COLUMNS = (
    "date_start",
    "merged_id",
    "num_mentions",
    "num_sources",
    "num_articles",
    "source",
    "url",
    "published",
    "title",
)
FLAT_COLUMNS = (*CSV_COLUMNS, *EXTRA_COLUMNS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportResult:
    rows: int
    left_out: int = 0  # merged events without a date (GDELT rows need one)


def plover_record(stored: StoredEvent) -> dict[str, Any]:
    """The PLOVER record of a stored event, with its article and merged event."""
    record = to_plover(stored.event)
    art = stored.article
    record["article"] = {
        "title": art.title,
        "url": art.url,
        "source": art.source,
        "published": art.published.isoformat() if art.published else None,
    }
    if stored.merge is not None:
        record["merged"] = {
            "id": stored.merge.merged_id,
            "num_mentions": stored.merge.num_mentions,
            "num_sources": stored.merge.num_sources,
            "num_articles": stored.merge.num_articles,
        }
    return record


def merged_plover_record(merged: MergedEvent) -> dict[str, Any]:
    """A merged event as one PLOVER record: the representative report, with every source listed."""
    record = plover_record(merged.representative)
    record["id"] = f"merged-{merged.id}"
    record["merged"] = {
        "id": merged.id,
        "num_mentions": merged.num_mentions,
        "num_sources": merged.num_sources,
        "num_articles": merged.num_articles,
        "representative": merged.representative.event.id,
        "sources": [
            {
                "event_id": s.event_id,
                "article_id": s.article_id,
                "sentence": s.sentence,
                "event_text": s.event_text,
                "url": s.url,
                "source": s.source,
                "published": s.published.isoformat() if s.published else None,
            }
            for s in merged.sources
        ],
    }
    return record


def flat_row(stored: StoredEvent, merged: MergedEvent | None = None) -> dict[str, Any]:
    """A flat row (CSV/Parquet): the `code --format csv` columns, then article and merge columns."""
    event = stored.event
    row = to_row(event)
    art = stored.article
    m = stored.merge
    row.update(
        date_start=first_day(event.date.date, event.date.precision).isoformat() if event.date else "",
        merged_id=merged.id if merged else (m.merged_id if m else ""),
        num_mentions=merged.num_mentions if merged else (m.num_mentions if m else ""),
        num_sources=merged.num_sources if merged else (m.num_sources if m else ""),
        num_articles=merged.num_articles if merged else (m.num_articles if m else ""),
        source=art.source or "",
        url=art.url or "",
        published=art.published.isoformat() if art.published else "",
        title=art.title or "",
    )
    return row


def export(
    store: Store,
    fmt: str,
    output: str,
    f: EventFilter | None = None,
    *,
    merged: bool = False,
    stream: TextIO | None = None,
) -> ExportResult:
    """Write the store's events (matching `f`) to the file `output` in `fmt`, or to `stream` when output is '-'.

    plover, csv and parquet write raw events (one per report), or merged events with merged=True;
    gdelt always writes merged events (its rows carry NumMentions/NumSources/NumArticles).
    """
    if fmt not in FORMATS:
        raise DotterelError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "parquet":
        if output == "-":
            raise DotterelError("Parquet is a binary format: give --output FILE")
        from dotterel.export.parquet import write_parquet

        with _atomic(output) as path:
            rows = _rows(store, f, merged)
            return ExportResult(rows=write_parquet(rows, FLAT_COLUMNS, path))
    with _text_output(output, stream) as out:
        if fmt == "gdelt":
            from dotterel.export.gdelt import Countries, write_gdelt

            result = write_gdelt(iter_merged(store, f), out, Countries.load())
            return ExportResult(rows=result.rows, left_out=result.undated)
        count = 0
        if fmt == "plover":
            records = (
                (merged_plover_record(m) for m in iter_merged(store, f))
                if merged
                else (plover_record(s) for s in iter_events(store, f, order="stored"))
            )
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        else:
            writer = csv.DictWriter(out, fieldnames=FLAT_COLUMNS)
            writer.writeheader()
            for row in _rows(store, f, merged):
                writer.writerow(row)
                count += 1
        return ExportResult(rows=count)


def _rows(store: Store, f: EventFilter | None, merged: bool) -> Iterator[dict[str, Any]]:
    if merged:
        return (flat_row(m.representative, m) for m in iter_merged(store, f))
    return (flat_row(s) for s in iter_events(store, f, order="stored"))


@contextmanager
def _atomic(output: str) -> Iterator[Path]:
    """A temporary path next to `output`, renamed to it when the block succeeds, removed otherwise.

    The file gets the mode any new file gets (0666 less the umask, like `> file` in a shell), or,
    replacing a file, that file's mode: an export made private stays private.
    """
    target = Path(output)
    if target.is_dir():
        raise DotterelError(f"{target}: is a directory; give a file name for the export")
    if not target.parent.is_dir():
        raise DotterelError(f"{target}: the folder {target.parent} does not exist")
    try:
        path = _new_file(target)
        if target.exists():
            os.chmod(path, stat.S_IMODE(target.stat().st_mode))
    except OSError as exc:
        raise DotterelError(f"{target}: cannot write the export ({exc.strerror or exc})") from exc
    try:
        yield path
        os.replace(path, target)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise DotterelError(
            f"{target}: writing the export failed ({exc.strerror or exc}); no file left behind"
        ) from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _new_file(target: Path) -> Path:
    """Create an empty, uniquely named file next to target, with the umask's mode (mkstemp would give 0600)."""
    for _ in range(100):
        path = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free temporary name next to {target}")


@contextmanager
def _text_output(output: str, stream: TextIO | None) -> Iterator[TextIO]:
    if output == "-":
        if stream is None:
            raise DotterelError("output '-' needs a stream to write to")
        yield stream
        return
    with _atomic(output) as path, path.open("w", encoding="utf-8", newline="") as handle:
        yield handle
