"""Checks on the given-names knowledge-base file used for pronoun resolution (standard library only)."""

from __future__ import annotations

from pathlib import Path

import pytest

GIVEN_NAMES = Path(__file__).resolve().parents[2] / "src/dotterel/data/kb/given_names.tsv"


def read_given_names() -> tuple[list[str], list[str], list[list[str]]]:
    """Return (comment lines, header fields, data rows) of the given-names file."""
    comments: list[str] = []
    header: list[str] = []
    rows: list[list[str]] = []
    with GIVEN_NAMES.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not header and line.startswith("#"):
                comments.append(line)
            elif not header:
                header = line.split("\t")
            elif line.strip():
                rows.append(line.split("\t"))
    return comments, header, rows


@pytest.fixture(scope="module")
def given_names() -> tuple[list[str], list[str], list[list[str]]]:
    assert GIVEN_NAMES.is_file(), f"missing {GIVEN_NAMES}"
    return read_given_names()


def test_has_version_comment(given_names):
    comments, _, _ = given_names
    assert any(line.startswith("# version:") for line in comments)


def test_header(given_names):
    _, header, _ = given_names
    assert header == ["name", "gender"]


def test_rows_well_formed(given_names):
    _, _, rows = given_names
    for row in rows:
        assert len(row) == 2, row
        name, gender = row
        assert name and name == name.strip(), row
        assert gender in {"m", "f"}, row


def test_at_least_1500_unique_names(given_names):
    _, _, rows = given_names
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)), "duplicate names"
    assert len(set(names)) >= 1500


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Sajid", "m"),
        ("Shamima", "f"),
        ("Gideon", "m"),
        ("Masoud", "m"),
        ("Sally", "f"),
        ("John", "m"),
    ],
)
def test_known_names(given_names, name, gender):
    _, _, rows = given_names
    genders = {row[0]: row[1] for row in rows}
    assert genders.get(name) == gender
