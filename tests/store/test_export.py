"""Exports from the store: GDELT 2.0 rows, Parquet, PLOVER JSON Lines, CSV."""

import csv
import json
import re

import pytest

from dotterel.errors import DotterelError
from dotterel.export.gdelt import GDELT_COLUMNS
from dotterel.store.db import Store
from dotterel.store.exporting import FLAT_COLUMNS, export
from dotterel.store.query import count_events, count_merged

from .conftest import ROOT, run_cli

GDELT_SHARED = ROOT.parent / "shared" / "data" / "gdelt" / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv"
PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip
ENTITY_KEYS = {"entity_text", "code", "sector", "identifier_text"}
LOCATION_KEYS = {"extracted_place", "resolved_place", "country_code", "lat", "lon", "geonameid", "resolution"}


def contract_problems(rec: dict) -> list[str]:
    """Differences between a record and the event record of CONTRACT.md."""
    p = []
    for key, kind in (("id", str), ("article_id", str), ("event_text", str)):
        if not isinstance(rec.get(key), kind):
            p.append(key)
    date, precision = rec.get("date"), rec.get("date_precision")
    if date is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        p.append("date")
    if precision not in ("day", "month", "year", None) or (date is None) != (precision is None):
        p.append("date_precision")
    if not (isinstance(rec.get("event"), list) and len(rec["event"]) == 1 and rec["event"][0] in PLOVER_TYPES):
        p.append("event")
    for key in ("mode", "context"):
        if not (isinstance(rec.get(key), list) and all(isinstance(x, str) for x in rec[key])):
            p.append(key)
    if not (rec.get("cameo") is None or (isinstance(rec["cameo"], str) and rec["cameo"].isdigit())):
        p.append("cameo")
    if rec.get("quad_code") not in (1, 2, 3, 4) or isinstance(rec.get("quad_code"), bool):
        p.append("quad_code")
    if not (
        isinstance(rec.get("actor"), list) and rec["actor"] and all(ENTITY_KEYS <= set(e) for e in rec["actor"])
    ):
        p.append("actor")
    if not (isinstance(rec.get("recipient"), list) and all(ENTITY_KEYS <= set(e) for e in rec["recipient"])):
        p.append("recipient")
    loc = rec.get("event_loc", "missing")
    if not (loc is None or (isinstance(loc, dict) and LOCATION_KEYS <= set(loc))):
        p.append("event_loc")
    ti = rec.get("text_info")
    if not (isinstance(ti, dict) and all(isinstance(ti.get(k), int) for k in ("sentence", "start", "end"))):
        p.append("text_info")
    conf = rec.get("confidence")
    if not (isinstance(conf, float | int) and 0 <= conf <= 1):
        p.append("confidence")
    return p


@pytest.fixture(scope="module")
def gdelt_rows(tehran_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("gdelt") / "events.tsv"
    with Store.open(tehran_db, readonly=True) as store:
        result = export(store, "gdelt", str(out))
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return rows, result


def test_gdelt_export_parses_into_61_columns(gdelt_rows):
    rows, result = gdelt_rows
    assert rows and len(rows) == result.rows
    assert {len(r) for r in rows} == {61}


def test_gdelt_columns_are_gdelts_order_and_types():
    assert len(GDELT_COLUMNS) == 61
    if GDELT_SHARED.exists():
        with GDELT_SHARED.open(encoding="utf-8") as f:
            shared = [(r["tableId"], r["dataType"]) for r in csv.DictReader(f)]
        kinds = {"INTEGER": "int", "FLOAT": "float", "STRING": "str"}
        assert [(name, kinds[t]) for name, t in shared] == list(GDELT_COLUMNS)


def test_gdelt_values_have_the_column_types_and_codes_keep_leading_zeros(gdelt_rows):
    rows, _ = gdelt_rows
    names = [name for name, _ in GDELT_COLUMNS]
    for row in rows:
        for (_, kind), value in zip(GDELT_COLUMNS, row, strict=True):
            if kind == "int":
                int(value)
            elif kind == "float" and value != "":
                float(value)
        rec = dict(zip(names, row, strict=True))
        assert re.fullmatch(r"\d{8}", rec["SQLDATE"]) and rec["MonthYear"] == rec["SQLDATE"][:6]
        assert rec["EventRootCode"] == rec["EventCode"][:2] and rec["EventBaseCode"] == rec["EventCode"][:3]
        assert int(rec["QuadClass"]) in (1, 2, 3, 4)
        assert int(rec["NumMentions"]) >= int(rec["NumArticles"]) >= 1
    codes = {dict(zip(names, r, strict=True))["EventCode"] for r in rows}
    assert "042" in codes or "040" in codes


def test_gdelt_rows_carry_the_merged_counts_and_month_dates_with_day_00(gdelt_rows):
    rows, _ = gdelt_rows
    names = [name for name, _ in GDELT_COLUMNS]
    recs = [dict(zip(names, r, strict=True)) for r in rows]
    meeting = [
        r for r in recs if r["SQLDATE"] == "20250108" and r["EventRootCode"] == "04" and r["NumSources"] == "2"
    ]
    assert meeting and {r["ActionGeo_CountryCode"] for r in meeting} == {"IR"}  # FIPS code of Iran
    assert any(r["SQLDATE"] == "20241100" for r in recs)  # "In November" (2024): the day is not known


def test_gdelt_export_leaves_out_and_counts_undated_events(gdelt_rows, tehran_db):
    rows, result = gdelt_rows
    with Store.open(tehran_db, readonly=True) as store:
        assert result.rows + result.left_out == count_merged(store)
    assert result.left_out >= 1  # "Iran has frequently criticized Iraq" has no date


def test_parquet_export_reads_back_with_the_same_row_count(tehran_db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "events.parquet"
    with Store.open(tehran_db, readonly=True) as store:
        result = export(store, "parquet", str(out))
        n = count_events(store)
    table = pq.read_table(out)
    assert table.num_rows == result.rows == n
    assert table.column_names == list(FLAT_COLUMNS)
    assert str(table.schema.field("quad_code").type) == "int8"
    assert str(table.schema.field("published").type) == "date32[day]"
    assert "042" in table.column("cameo").to_pylist() or "040" in table.column("cameo").to_pylist()


def test_parquet_export_without_pyarrow_is_a_clear_error(tehran_db, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kw):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    out = tmp_path / "events.parquet"
    with Store.open(tehran_db, readonly=True) as store, pytest.raises(DotterelError, match="pip install pyarrow"):
        export(store, "parquet", str(out))
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_plover_export_lines_pass_the_contract_field_check(tehran_db, tmp_path):
    out = tmp_path / "events.jsonl"
    with Store.open(tehran_db, readonly=True) as store:
        result = export(store, "plover", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.rows > 0
    for line in lines:
        rec = json.loads(line)
        assert contract_problems(rec) == [], rec["id"]
        assert rec["merged"]["num_mentions"] >= 1


def test_merged_plover_export_lists_every_source(tehran_db, tmp_path):
    out = tmp_path / "merged.jsonl"
    with Store.open(tehran_db, readonly=True) as store:
        export(store, "plover", str(out), merged=True)
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(contract_problems(r) == [] for r in recs)
    two = [r for r in recs if r["merged"]["num_articles"] == 2]
    assert two and all(len({s["article_id"] for s in r["merged"]["sources"]}) == 2 for r in two)


def test_csv_export_has_the_code_columns_then_the_store_columns(tehran_db, tmp_path):
    out = tmp_path / "events.csv"
    with Store.open(tehran_db, readonly=True) as store:
        result = export(store, "csv", str(out))
    with out.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert tuple(reader.fieldnames) == FLAT_COLUMNS and len(rows) == result.rows
    assert any(r["cameo"].startswith("0") for r in rows)


def test_cli_export_writes_each_format(tehran_db, tmp_path):
    for fmt in ("plover", "gdelt", "csv", "parquet"):
        out = tmp_path / f"out.{fmt}"
        done = run_cli("export", "--db", tehran_db, "--format", fmt, "--output", out)
        assert done.returncode == 0, done.stderr
        assert out.exists() and out.stat().st_size > 0
        assert f"({fmt})" in done.stderr


def test_cli_export_to_a_missing_folder_is_a_clear_error(tehran_db, tmp_path):
    done = run_cli("export", "--db", tehran_db, "--format", "csv", "--output", tmp_path / "no" / "x.csv")
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr
