"""`dotterel kb ...` and `--kb` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import SHARED
from ..test_cli import run

PETRARCH = SHARED / "data" / "petrarch"


@pytest.fixture(scope="module")
def layer(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "x.actors.txt").write_text(
        "QUORIA_ [QUO]\n+QUORIAN\nTESS_VARGA_\n\t[QUOGOV 20100101-20151231]\n\t[QUOELI]\nBAD_ONE [QUO 9]\n",
        encoding="utf-8",
    )
    (tmp / "x.agents.txt").write_text("HARBOUR_MASTER [~GOV]\nNO CODE\n", encoding="utf-8")
    out = tmp / "layer"
    got = run(
        "kb",
        "import-petrarch",
        "--actors",
        str(tmp / "x.actors.txt"),
        "--agents",
        str(tmp / "x.agents.txt"),
        "--output",
        str(out),
    )
    assert got.returncode == 0, got.stderr
    assert "x.actors.txt:6" in got.stderr and "x.agents.txt:2" in got.stderr  # bad lines named, skipped
    assert "2 actors" in got.stdout
    return out


def test_code_with_a_layer_uses_its_names(layer: Path) -> None:
    got = run(
        "code",
        "-",
        "--published",
        "2012-05-01",
        "--kb",
        str(layer),
        "--no-progress",
        stdin="Tess Varga accused Iran of lying about the talks.",
    )
    assert got.returncode == 0, got.stderr
    events = [json.loads(line) for line in got.stdout.splitlines()]
    assert any(a["code"] == "QUO" and a["sector"] == "GOV" for e in events for a in e["actor"])


def test_search_and_show_tell_which_layer_codes_a_name(layer: Path) -> None:
    got = run("kb", "search", "varga", "--kb", str(layer), "--date", "2012-01-01")
    assert got.returncode == 0 and "QUO" in got.stdout and "layer" in got.stdout
    got = run("kb", "show", "Tess Varga", "--kb", str(layer), "--date", "2020-01-01", "--json")
    (entry,) = json.loads(got.stdout)
    assert entry["code"] == "QUO" and entry["sector"] == "ELI" and entry["codes_it"]
    assert [r["start"] for r in entry["roles"]] == ["2010-01-01", None]


def test_show_an_unknown_name_fails_clearly() -> None:
    got = run("kb", "show", "Nobody Atall")
    assert got.returncode == 1 and "not a name" in got.stderr


def test_list_names_the_layers(layer: Path) -> None:
    got = run("kb", "list", "--kb", str(layer))
    assert got.returncode == 0
    assert "built-in" in got.stdout and "phoenix" in got.stdout and "layer" in got.stdout


def test_kb_add_overrides_the_built_in_code(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    got = run("kb", "add", "--layer", str(mine), "--name", "Emmanuel Macron", "--code", "XYZ", "--sector", "GOV")
    assert got.returncode == 0, got.stderr
    got = run("kb", "show", "Emmanuel Macron", "--kb", str(mine), "--json")
    winner = next(e for e in json.loads(got.stdout) if e["codes_it"])
    assert winner["code"] == "XYZ" and winner["layer"] == "mine"


def test_kb_option_with_a_directory_that_is_not_a_layer_is_a_clear_error(tmp_path: Path) -> None:
    got = run("code", "-", "--kb", str(tmp_path), stdin="Iran criticised Iraq.")
    assert got.returncode == 2 and "not a knowledge-base layer" in got.stderr


def test_import_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    got = run("kb", "import-petrarch", "--actors", str(tmp_path / "none.txt"), "--output", str(tmp_path / "o"))
    assert got.returncode == 2 and "none.txt" in got.stderr


@pytest.mark.skipif(not PETRARCH.is_dir(), reason="../shared/data/petrarch not present")
def test_the_full_phoenix_dictionaries_import(tmp_path: Path) -> None:
    files = [str(PETRARCH / f"Phoenix.{n}.actors.txt") for n in ("Countries", "International", "MilNonState")]
    got = run(
        "kb",
        "import-petrarch",
        "--actors",
        *files,
        "--agents",
        str(PETRARCH / "Phoenix.agents.txt"),
        "--output",
        str(tmp_path / "phx"),
        "--iso3",
    )
    assert got.returncode == 0, got.stderr[-500:]
    manifest = json.loads((tmp_path / "phx" / "manifest.json").read_text())
    assert manifest["counts"]["actors"] > 27000 and manifest["counts"]["agents"] > 3000
    assert all(line.startswith("dotterel: skipped Phoenix.") for line in got.stderr.splitlines())
