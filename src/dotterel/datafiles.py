"""Reading the versioned data files shipped in `dotterel/data` (see data/README.md)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from dotterel.errors import DataFileError


@dataclass(frozen=True, slots=True)
class Table:
    """A TSV data file: its version, column names and rows."""

    name: str
    version: str
    rows: tuple[dict[str, str], ...]


def read_text(relpath: str) -> str:
    """Text of a packaged data file, e.g. ``kb/countries.tsv``."""
    try:
        return resources.files("dotterel").joinpath("data", relpath).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise DataFileError(f"data file {relpath} cannot be read: {exc}") from exc


def _version_of(lines: list[str]) -> str:
    for line in lines:
        if line.startswith("#") and "version:" in line:
            return line.split("version:", 1)[1].strip()
    return "0"


def read_table(relpath: str) -> Table:
    """Parse a TSV data file with `#` comment lines and a header row."""
    return parse_table(read_text(relpath), relpath)


def parse_table(text: str, relpath: str) -> Table:
    """A TSV text in the data files' format (`relpath` names it in errors)."""
    lines = text.splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    body = "\n".join(ln for ln in lines if ln.strip() and not ln.startswith("#"))
    reader = csv.DictReader(io.StringIO(body), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for n, row in enumerate(reader, 2):
        if None in row:
            raise DataFileError(f"data file {relpath}: data row {n} has more cells than the header")
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return Table(name=relpath, version=_version_of(comments), rows=tuple(rows))


def read_jsonl(relpath: str) -> tuple[str, list[dict]]:
    """Parse a JSON Lines data file; returns (version, objects)."""
    text = read_text(relpath)
    version = "0"
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if "version:" in line:
                version = line.split("version:", 1)[1].strip()
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"data file {relpath}:{n}: not JSON: {exc}") from exc
    return version, out


def split_list(cell: str) -> Iterator[str]:
    """Items of a `|`-separated cell, stripped, empty ones dropped."""
    return (item.strip() for item in cell.split("|") if item.strip())
