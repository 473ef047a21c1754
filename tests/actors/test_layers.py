"""Knowledge-base layers: import, write, read back, and the errors a bad layer gets (no model)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dotterel.actors.kb import KnowledgeBase, read_table_map
from dotterel.actors.layers import add_actor, import_petrarch, read_layer, split_code, write_layer
from dotterel.errors import DataFileError

SECTORS = read_table_map("kb/cameo_sectors.tsv", "cameo", "sector")
COUNTRIES = read_table_map("kb/cameo_countries.tsv", "cameo", "iso3")


@pytest.mark.parametrize(
    ("cameo", "expected"),
    [
        ("USAGOV", ("USA", "GOV")),
        ("IGOUNOJUD", ("UNO", "JUD")),
        ("IGOEUREEC", ("EUR", None)),
        ("IGOAFR", ("IGO", None)),
        ("PSEREBHMS", ("PSE", "REB")),
        ("NGOARNGOV", ("NGO", "GOV")),
        ("USAMED", ("USA", "JRN")),
        ("---GOV", (None, "GOV")),
        (None, (None, None)),
    ],
)
def test_cameo_codes_split_into_plover_code_and_sector(cameo, expected) -> None:  # type: ignore[no-untyped-def]
    assert split_code(cameo, SECTORS) == expected


def test_iso3_mapping_renames_cameo_country_codes_and_drops_regions() -> None:
    assert split_code("USRGOV", SECTORS, COUNTRIES) == ("SUN", "GOV")
    assert split_code("MEA", SECTORS, COUNTRIES) == (None, None)
    assert split_code("IGOEUR", SECTORS, COUNTRIES) == ("EUR", None)  # the EU is not the region


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def layer_dir(tmp_path: Path) -> Path:
    actors = _write(
        tmp_path,
        "a.actors.txt",
        "QUORIA_ [QUO]\n+QUORIAN\nTESS_VARGA_\n\t[QUOGOV 20100101-20151231]\n\t[QUOELI]\nBAD [QUO 99]\n",
    )
    agents = _write(tmp_path, "a.agents.txt", "HARBOUR_MASTER [~GOV]\nRELIEF_BODY [NGO~]\n")
    result = import_petrarch([actors], [agents], sectors=SECTORS, name="test")
    assert [p.where for p in result.problems] == ["a.actors.txt:6", "a.actors.txt:6"]
    out = tmp_path / "layer"
    write_layer(result.layer, out, compress=True, extra={"licence": "MIT"})
    return out


def test_imported_layer_reads_back_with_its_manifest(layer_dir: Path) -> None:
    layer = read_layer(layer_dir)
    manifest = json.loads((layer_dir / "manifest.json").read_text())
    assert manifest["format"] == "dotterel-kb-layer" and manifest["licence"] == "MIT"
    assert manifest["sources"][0]["sha256"] and manifest["counts"]["actors"] == 2
    varga = next(a for a in layer.actors if a.name == "Tess Varga")
    assert varga.kind == "person"
    assert [(r.code, r.sector, r.start) for r in varga.roles] == [
        ("QUO", "GOV", dt.date(2010, 1, 1)),
        ("QUO", "ELI", None),
    ]
    assert {(g.term, g.sector, g.code) for g in layer.agents} >= {
        ("harbour master", "GOV", None),
        ("relief body", None, "NGO"),
    }


def test_layer_entries_outrank_the_built_in_knowledge_base(layer_dir: Path) -> None:
    kb = KnowledgeBase.load([layer_dir], shipped=False)
    (form,) = [f for f in kb.entries("Tess Varga")]
    assert kb.describe(form, dt.date(2012, 5, 1))[:2] == ("QUO", "GOV")
    assert kb.describe(form, dt.date(2020, 5, 1))[:2] == ("QUO", "ELI")
    assert kb.sector_of("harbour masters") == ("GOV", "noun")
    assert kb.agent_code("relief body") == "NGO"


def test_a_directory_that_is_not_a_layer_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no manifest.json"):
        read_layer(tmp_path)
    with pytest.raises(DataFileError, match="not found"):
        read_layer(tmp_path / "missing")


def test_a_bad_line_in_a_layer_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": "dotterel-kb-layer", "format_version": 1, "files": {"actors": "actors.jsonl"}})
    )
    (tmp_path / "actors.jsonl").write_text(
        '{"name": "A", "roles": []}\n{"name": "B", "roles": [{"start": "soon"}]}\n'
    )
    with pytest.raises(DataFileError, match=r"actors.jsonl:2: bad date"):
        read_layer(tmp_path)


def test_kb_add_creates_a_layer_of_ones_own(tmp_path: Path) -> None:
    layer = tmp_path / "mine"
    add_actor(layer, name="Ilse Brandt", aliases=["Brandt"], code="DEU", sector="GOV", start=dt.date(2024, 1, 1))
    add_actor(layer, name="Ruta Vale", code=None, sector="REB", kind="group")
    got = read_layer(layer)
    assert [a.name for a in got.actors] == ["Ilse Brandt", "Ruta Vale"]
    assert got.actors[0].roles[0].start == dt.date(2024, 1, 1)
    assert got.actors[1].roles[0].code is None


def test_a_corrupt_compressed_layer_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": "dotterel-kb-layer", "format_version": 1, "files": {"actors": "actors.jsonl.gz"}})
    )
    (tmp_path / "actors.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    with pytest.raises(DataFileError, match="actors.jsonl.gz: cannot be read"):
        read_layer(tmp_path)
