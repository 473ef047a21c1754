"""Parquet output (pyarrow): flat event rows with typed columns, written in row groups as they stream in.

pyarrow is optional: without it, writing Parquet raises a DotterelError saying how to install it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from dotterel.errors import DotterelError

if TYPE_CHECKING:
    import pyarrow as pa  # ships no types: its names are Any to mypy

BATCH_ROWS = 2000

# column types of the flat event row; any column not listed is a string
COLUMN_TYPES: dict[str, str] = {
    "quad_code": "int8",
    "goldstein": "float64",
    "lat": "float64",
    "lon": "float64",
    "confidence": "float64",
    "hedged": "bool",
    "start": "int32",
    "end": "int32",
    "merged_id": "int64",
    "num_mentions": "int32",
    "num_sources": "int32",
    "num_articles": "int32",
    "date_start": "date32",
    "published": "date32",
}


def _pyarrow() -> tuple[ModuleType, ModuleType]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise DotterelError(
            "Parquet export needs pyarrow, which is not installed: pip install pyarrow (or use --format csv)"
        ) from exc
    return pa, pq


def schema(columns: Sequence[str]) -> pa.Schema:
    pa, _ = _pyarrow()
    types = {
        "int8": pa.int8(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date32": pa.date32(),
        "string": pa.string(),
    }
    return pa.schema([(name, types[COLUMN_TYPES.get(name, "string")]) for name in columns])


def write_parquet(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], path: Path, *, batch_rows: int = BATCH_ROWS
) -> int:
    """Write rows (dicts keyed by `columns`) to a Parquet file, BATCH_ROWS at a time; returns the row count."""
    pa, pq = _pyarrow()
    sch = schema(columns)
    count = 0
    with pq.ParquetWriter(str(path), sch, compression="zstd") as writer:
        batch: dict[str, list[Any]] = {c: [] for c in columns}
        filled = 0
        for row in rows:
            for c in columns:
                batch[c].append(_value(row.get(c), COLUMN_TYPES.get(c, "string")))
            filled += 1
            if filled >= batch_rows:
                writer.write_table(pa.Table.from_pydict(batch, schema=sch))
                count += filled
                batch = {c: [] for c in columns}
                filled = 0
        if filled or count == 0:
            writer.write_table(pa.Table.from_pydict(batch, schema=sch))
            count += filled
    return count


def _value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "date32":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    if kind.startswith("int"):
        return int(value)
    if kind == "float64":
        return float(value)
    return str(value)
