"""Checks on the raw knowledge-base and gazetteer data files (format and content a user relies on)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from dotterel.ontology import non_state_codes

DATA = Path(__file__).resolve().parents[2] / "src/dotterel/data"

PLOVER_SECTORS = {
    # frequent
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
    # less frequent
    "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
}  # fmt: skip
NONSTATE_CODES = set(non_state_codes())
ACTOR_KINDS = {"person", "group", "org", "media"}

FILES = [
    "kb/countries.tsv",
    "kb/sectors.tsv",
    "kb/organizations.tsv",
    "kb/actors.jsonl",
    "gazetteer/places.tsv",
]


# ---- readers ---------------------------------------------------------------------------------


def _lines(relpath: str) -> list[str]:
    return (DATA / relpath).read_text(encoding="utf-8").splitlines()


def _table(relpath: str) -> tuple[list[str], list[dict[str, str]]]:
    body = [ln for ln in _lines(relpath) if ln.strip() and not ln.startswith("#")]
    header = body[0].split("\t")
    rows = []
    for n, line in enumerate(body[1:], 2):
        cells = line.split("\t")
        assert len(cells) == len(header), f"{relpath}: data line {n} has {len(cells)} cells, not {len(header)}"
        rows.append(dict(zip(header, cells, strict=True)))
    return header, rows


def _items(cell: str) -> list[str]:
    return [item.strip() for item in cell.split("|") if item.strip()]


def _actors() -> list[dict]:
    out = []
    for n, line in enumerate(_lines("kb/actors.jsonl"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"kb/actors.jsonl line {n} is not JSON: {exc}")
    return out


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _role_on(actor: dict, when: str) -> dict | None:
    day = dt.date.fromisoformat(when)
    for role in actor["roles"]:
        start, end = _date(role["start"]), _date(role["end"])
        if (start is None or start <= day) and (end is None or day <= end):
            return role
    return None


@pytest.fixture(scope="module")
def countries() -> list[dict[str, str]]:
    return _table("kb/countries.tsv")[1]


@pytest.fixture(scope="module")
def iso3_codes(countries: list[dict[str, str]]) -> set[str]:
    return {row["iso3"] for row in countries}


@pytest.fixture(scope="module")
def actors() -> list[dict]:
    return _actors()


@pytest.fixture(scope="module")
def actors_by_name(actors: list[dict]) -> dict[str, dict]:
    return {a["name"]: a for a in actors}


# ---- every file ------------------------------------------------------------------------------


@pytest.mark.parametrize("relpath", FILES)
def test_file_starts_with_comments_and_carries_a_version(relpath: str) -> None:
    lines = _lines(relpath)
    assert lines and lines[0].startswith("# "), f"{relpath} should open with a comment line"
    versions = [ln for ln in lines if ln.startswith("#") and re.match(r"#\s*version:\s*\d+\s*$", ln)]
    assert len(versions) == 1, f"{relpath} needs exactly one '# version: N' line"


# ---- countries -------------------------------------------------------------------------------


def test_countries_header() -> None:
    header, _ = _table("kb/countries.tsv")
    assert header == ["iso3", "name", "aliases", "adjectives", "people", "capitals"]


def test_every_country_row_has_an_iso3_code_and_a_name(countries: list[dict[str, str]]) -> None:
    for row in countries:
        assert re.fullmatch(r"[A-Z]{3}", row["iso3"]), row
        assert row["name"].strip(), row


def test_country_codes_are_unique_and_cover_iso_3166(countries: list[dict[str, str]]) -> None:
    codes = [row["iso3"] for row in countries]
    assert len(codes) == len(set(codes))
    assert len(codes) >= 240
    assert "XKX" in codes  # Kosovo is not in ISO 3166-1 but is in the news


@pytest.mark.parametrize(
    ("iso3", "name", "adjective", "alias"),
    [
        ("USA", "United States", "American", "U.S."),
        ("GBR", "United Kingdom", "British", "Britain"),
        ("IRN", "Iran", "Iranian", "Islamic Republic of Iran"),
        ("IRQ", "Iraq", "Iraqi", "Republic of Iraq"),
        ("PSE", "Palestine", "Palestinian", "Gaza Strip"),
    ],
)
def test_key_countries_have_news_names_and_adjectives(
    countries: list[dict[str, str]], iso3: str, name: str, adjective: str, alias: str
) -> None:
    row = next(r for r in countries if r["iso3"] == iso3)
    assert row["name"] == name
    assert adjective in _items(row["adjectives"])
    assert alias in _items(row["aliases"])
    assert _items(row["people"]) and _items(row["capitals"])


def test_major_states_all_have_adjectives(countries: list[dict[str, str]]) -> None:
    major = (
        "ARG AUS BRA CAN CHN DEU FRA GBR IDN IND ITA JPN KOR MEX RUS SAU TUR USA ZAF "
        "AFG ARE BHR DZA EGY IRN IRQ ISR JOR KWT LBN LBY MAR OMN PAK PSE QAT SDN SYR TUN UKR YEM"
    ).split()
    by_code = {r["iso3"]: r for r in countries}
    missing = [c for c in major if not _items(by_code[c]["adjectives"])]
    assert not missing


def test_no_country_word_points_to_two_countries(countries: list[dict[str, str]]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for row in countries:
        for col in ("name", "aliases", "adjectives", "people", "capitals"):
            for word in _items(row[col]):
                owners[word].add(row["iso3"])
    clashes = {w: sorted(c) for w, c in owners.items() if len(c) > 1}
    assert not clashes


# ---- sectors ---------------------------------------------------------------------------------


def test_sector_rows_are_well_formed() -> None:
    header, rows = _table("kb/sectors.tsv")
    assert header == ["term", "sector", "kind"]
    assert len(rows) >= 250
    seen = set()
    for row in rows:
        assert row["term"] == row["term"].lower().strip() and row["term"], row
        assert row["sector"] in PLOVER_SECTORS, row
        assert row["kind"] in {"title", "noun", "modifier"}, row
        key = (row["term"], row["kind"])
        assert key not in seen, f"duplicate sector entry {key}"
        seen.add(key)


def test_a_term_listed_twice_keeps_one_sector() -> None:
    _, rows = _table("kb/sectors.tsv")
    sectors: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        sectors[row["term"]].add(row["sector"])
    assert not {t: s for t, s in sectors.items() if len(s) > 1}


@pytest.mark.parametrize(
    ("term", "sector", "kind"),
    [
        ("prime minister", "GOV", "title"),
        ("foreign minister", "GOV", "title"),
        ("brig. gen.", "MIL", "title"),
        ("ayatollah", "REL", "title"),
        ("authorities", "GOV", "noun"),
        ("troops", "MIL", "noun"),
        ("border guards", "MIL", "noun"),
        ("militia", "REB", "noun"),
        ("gunman", "UAF", "noun"),
        ("people", "CVL", "noun"),
        ("drug trafficker", "CRM", "noun"),
        ("paramilitary", "PRM", "modifier"),
        ("military", "MIL", "modifier"),
    ],
)
def test_expected_sector_words(term: str, sector: str, kind: str) -> None:
    _, rows = _table("kb/sectors.tsv")
    assert {"term": term, "sector": sector, "kind": kind} in rows


# ---- organizations ---------------------------------------------------------------------------


def test_organizations_use_nonstate_codes_and_plover_sectors() -> None:
    header, rows = _table("kb/organizations.tsv")
    assert header == ["code", "sector", "name", "aliases"]
    assert len(rows) >= 60
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for row in rows:
        assert row["code"] in NONSTATE_CODES, row
        assert row["sector"] == "" or row["sector"] in PLOVER_SECTORS, row
        assert row["name"].strip(), row


@pytest.mark.parametrize(
    ("alias", "code", "sector"),
    [
        ("UNSC", "UNO", ""),
        ("EU", "EUR", ""),
        ("NATO", "IGO", ""),
        ("ICC", "IGO", "JUD"),
        ("HRW", "NGO", ""),
        ("ISIS", "IMG", "REB"),
        ("Daesh", "IMG", "REB"),
    ],
)
def test_expected_organizations(alias: str, code: str, sector: str) -> None:
    _, rows = _table("kb/organizations.tsv")
    row = next(r for r in rows if alias == r["name"] or alias in _items(r["aliases"]))
    assert (row["code"], row["sector"]) == (code, sector)


# ---- actors ----------------------------------------------------------------------------------


def test_actor_lines_are_complete(actors: list[dict], iso3_codes: set[str]) -> None:
    assert len(actors) >= 400
    for actor in actors:
        assert isinstance(actor.get("name"), str) and actor["name"].strip(), actor
        assert actor.get("kind") in ACTOR_KINDS, actor
        assert isinstance(actor.get("aliases"), list), actor
        assert all(isinstance(a, str) and a.strip() for a in actor["aliases"]), actor
        assert isinstance(actor.get("roles"), list) and actor["roles"], actor
        for role in actor["roles"]:
            assert role["code"] in iso3_codes or role["code"] in NONSTATE_CODES, (actor["name"], role)
            assert role["sector"] is None or role["sector"] in PLOVER_SECTORS, (actor["name"], role)
            assert isinstance(role.get("role"), str), (actor["name"], role)
            start, end = _date(role["start"]), _date(role["end"])
            if start and end:
                assert start <= end, (actor["name"], role)


def test_actor_names_and_aliases_are_unambiguous(actors: list[dict]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        for form in [actor["name"], *actor["aliases"]]:
            owners[form].add(actor["name"])
    assert not {f: sorted(n) for f, n in owners.items() if len(n) > 1}


def test_media_are_journalists(actors: list[dict]) -> None:
    media = [a for a in actors if a["kind"] == "media"]
    assert len(media) >= 40
    assert all(r["sector"] == "JRN" for a in media for r in a["roles"])


@pytest.mark.parametrize(
    ("name", "alias", "when", "code", "sector"),
    [
        ("Mohammed Shia al-Sudani", "Mohammed Shia' al-Sudani", "2025-01-08", "IRQ", "GOV"),
        ("Haider al-Abadi", "al-Abadi", "2016-06-01", "IRQ", "GOV"),
        ("Ali Khamenei", "Khamenei", "2025-01-08", "IRN", "GOV"),
        ("Masoud Pezeshkian", "Pezeshkian", "2025-01-08", "IRN", "GOV"),
        ("Esmail Qaani", "Qaani", "2025-01-06", "IRN", "MIL"),
        ("Gideon Saar", "Gideon Sa'ar", "2024-11-20", "ISR", "GOV"),
        ("Donald Trump", "Trump", "2019-06-01", "USA", "GOV"),
        ("Donald Trump", "Trump", "2025-06-01", "USA", "GOV"),
        ("Sajid Javid", "Javid", "2019-01-15", "GBR", "GOV"),
        ("Ahmed al-Sharaa", "Abu Mohammad al-Julani", "2023-01-01", "SYR", "REB"),
        ("Ahmed al-Sharaa", "al-Sharaa", "2025-06-01", "SYR", "GOV"),
        ("Taliban", "the Taliban", "2019-01-01", "AFG", "REB"),
        ("Taliban", "the Taliban", "2023-01-01", "AFG", "GOV"),
        ("Popular Mobilization Forces", "PMF", "2025-01-08", "IRQ", "PRM"),
        ("Kataib Hezbollah", "Kata'ib Hezbollah", "2025-01-08", "IRQ", "PRM"),
        ("Islamic Revolutionary Guard Corps", "Islamic Revolution Guards Corps", "2025-01-08", "IRN", "MIL"),
        ("Shafaq News", "Shafaq", "2025-01-09", "IRQ", "JRN"),
        ("António Guterres", "Guterres", "2024-11-20", "UNO", "GOV"),
    ],
)
def test_named_actors_hold_the_right_role_on_the_day(
    actors_by_name: dict[str, dict], name: str, alias: str, when: str, code: str, sector: str
) -> None:
    actor = actors_by_name[name]
    assert alias in actor["aliases"]
    role = _role_on(actor, when)
    assert role is not None, f"{name} has no role on {when}"
    assert (role["code"], role["sector"]) == (code, sector)


def test_roles_that_ended_before_a_date_do_not_cover_it(actors_by_name: dict[str, dict]) -> None:
    assert _role_on(actors_by_name["Bashar al-Assad"], "2025-01-01") is None
    assert _role_on(actors_by_name["Hossein Amir-Abdollahian"], "2024-09-01") is None
    assert _role_on(actors_by_name["Qasem Soleimani"], "2020-02-01") is None


# ---- places ----------------------------------------------------------------------------------


def test_places_have_valid_coordinates_and_known_countries(iso3_codes: set[str]) -> None:
    header, rows = _table("gazetteer/places.tsv")
    assert header == ["name", "aliases", "iso3", "lat", "lon", "resolution"]
    assert len(rows) >= 60
    for row in rows:
        assert row["name"].strip(), row
        assert row["iso3"] in iso3_codes, row
        assert -90.0 <= float(row["lat"]) <= 90.0, row
        assert -180.0 <= float(row["lon"]) <= 180.0, row
        assert row["resolution"] in {"1", "2", "3", "4", "5"}, row


@pytest.mark.parametrize(
    ("name", "iso3", "lat", "lon"),
    [
        ("Kurdistan Region", "IRQ", 36.4, 44.2),
        ("Shalamcheh", "IRN", 30.5, 48.0),
        ("Rafah crossing", "PSE", 31.25, 34.26),
        ("Bethnal Green", "GBR", 51.53, -0.05),
    ],
)
def test_expected_places(name: str, iso3: str, lat: float, lon: float) -> None:
    _, rows = _table("gazetteer/places.tsv")
    row = next(r for r in rows if r["name"] == name)
    assert row["iso3"] == iso3
    assert abs(float(row["lat"]) - lat) < 0.2 and abs(float(row["lon"]) - lon) < 0.2
