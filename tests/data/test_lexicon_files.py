"""Checks on the raw event lexicon and ontology data files (standard library only)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from dotterel.ontology import PLOVER_TYPES as _TYPES

PLOVER_TYPES = list(_TYPES)

DATA = Path(__file__).resolve().parents[2] / "src/dotterel/data"
EVENTS = DATA / "lexicon/events.tsv"
CAMEO = DATA / "ontology/cameo.tsv"
PLOVER = DATA / "ontology/plover.json"

EVENT_COLUMNS = ["pos", "lemma", "particle", "object", "event", "mode", "cameo", "note"]
CAMEO_COLUMNS = ["code", "label", "goldstein", "event", "mode", "context"]


def read_tsv(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """(comment lines, header, rows) of a TSV data file; `#` lines are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(body, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    rows = []
    for n, cells in enumerate(reader, 2):
        assert len(cells) == len(header), f"{path.name} data line {n}: {len(cells)} cells"
        rows.append(dict(zip(header, cells, strict=True)))
    return comments, header, rows


@pytest.fixture(scope="module")
def plover() -> dict:
    return json.loads(PLOVER.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def events() -> list[dict[str, str]]:
    return read_tsv(EVENTS)[2]


@pytest.fixture(scope="module")
def cameo() -> dict[str, dict[str, str]]:
    rows = read_tsv(CAMEO)[2]
    return {r["code"]: r for r in rows}


# ---------------------------------------------------------------- file headers and versions


@pytest.mark.parametrize("path", [EVENTS, CAMEO], ids=lambda p: p.name)
def test_tsv_has_version_line(path: Path) -> None:
    comments = read_tsv(path)[0]
    versions = [ln for ln in comments if re.match(r"#\s*version:\s*\d+\s*$", ln)]
    assert len(versions) == 1, f"{path.name} needs exactly one '# version: N' line"


def test_headers() -> None:
    assert read_tsv(EVENTS)[1] == EVENT_COLUMNS
    assert read_tsv(CAMEO)[1] == CAMEO_COLUMNS


def test_plover_json_shape(plover: dict) -> None:
    assert isinstance(plover.get("version"), int)
    assert list(plover["event_types"]) == PLOVER_TYPES
    for name, t in plover["event_types"].items():
        assert t["quad_code"] in (1, 2, 3, 4), name
        assert isinstance(t["modes"], list) and all(isinstance(m, str) and m for m in t["modes"]), name
        assert isinstance(t["intensity"], float) and -10 <= t["intensity"] <= 10, name
        assert t["definition"].strip(), name
    assert plover["contexts"] and all(isinstance(c, str) for c in plover["contexts"])
    assert {"GOV", "MIL", "REB", "COP", "CVL"} <= set(plover["sectors"])


def test_event_traits_are_consistent(plover: dict) -> None:
    types = plover["event_types"]
    for name, t in types.items():
        assert all(isinstance(t[k], bool) for k in ("symmetric", "mutual", "one_sided")), name
        assert not t["symmetric"] or t["mutual"], f"{name}: a symmetric type reads listed parties as both sides"
        assert not (t["symmetric"] and t["one_sided"]), f"{name}: a symmetric type has two sides"
    assert types["CONSULT"]["symmetric"] and not types["ACCUSE"]["symmetric"]
    assert types["PROTEST"]["one_sided"] and not types["ASSAULT"]["one_sided"]


def test_non_state_codes_are_the_record_codes_of_the_contract(plover: dict) -> None:
    codes = plover["non_state_codes"]
    assert codes["record"] == ["UNO", "EUR", "IGO", "NGO", "IMG", "MNC", "ISM"]  # CONTRACT.md's entity codes
    assert not set(codes["record"]) & set(codes["cameo"])
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes["record"] + codes["cameo"])


# ---------------------------------------------------------------- cameo.tsv


def test_cameo_codes_are_digit_strings(cameo: dict[str, dict[str, str]]) -> None:
    bad = [c for c in cameo if not re.fullmatch(r"\d{2,4}", c)]
    assert not bad, f"CAMEO codes must be 2-4 digit strings: {bad}"
    assert len(cameo) >= 300
    assert {"01", "010", "042", "057", "0841", "1823", "2042"} <= set(cameo)


def test_cameo_codes_unique() -> None:
    codes = Counter(r["code"] for r in read_tsv(CAMEO)[2])
    assert not [c for c, n in codes.items() if n > 1]


def test_goldstein_in_range(cameo: dict[str, dict[str, str]]) -> None:
    for code, row in cameo.items():
        value = float(row["goldstein"])
        assert -10.0 <= value <= 10.0, f"{code}: goldstein {value}"


def test_cameo_labels_present(cameo: dict[str, dict[str, str]]) -> None:
    assert all(r["label"].strip() for r in cameo.values())


def test_cameo_plover_mapping_valid(cameo: dict[str, dict[str, str]], plover: dict) -> None:
    types = plover["event_types"]
    contexts = set(plover["contexts"])
    for code, row in cameo.items():
        if code.startswith("01"):
            assert row["event"] == "", f"{code}: public statements are not PLOVER events"
            continue
        assert row["event"] in types, f"{code}: unknown PLOVER event {row['event']!r}"
        assert row["mode"] == "" or row["mode"] in types[row["event"]]["modes"], code
        for ctx in filter(None, row["context"].split("|")):
            assert ctx in contexts, f"{code}: unknown context {ctx!r}"


def test_cameo_families(cameo: dict[str, dict[str, str]]) -> None:
    expected = {
        "02": "REQUEST",
        "03": "AGREE",
        "04": "CONSULT",
        "06": "COOPERATE",
        "07": "AID",
        "09": "ACCUSE",
        "10": "REQUEST",
        "11": "ACCUSE",
        "12": "REJECT",
        "13": "THREATEN",
        "14": "PROTEST",
        "15": "MOBILIZE",
        "18": "ASSAULT",
        "19": "ASSAULT",
        "20": "ASSAULT",
    }
    for code, row in cameo.items():
        root = code[:2]
        # PLOVER moves blockade/occupation (191, 192) to COERCE and court verdicts (116) to SANCTION
        if root in expected and code not in ("116", "191", "192"):
            assert row["event"] == expected[root], f"{code}: {row['event']}"
    assert cameo["057"]["event"] == "SUPPORT"
    assert cameo["116"]["event"] == "SANCTION"
    assert cameo["163"]["event"] == "SANCTION"
    assert {cameo[c]["event"] for c in ("080", "081", "082", "083")} == {"CONCEDE"}
    assert {cameo[c]["event"] for c in ("084", "085", "086", "087")} == {"RETREAT"}
    assert cameo["090"]["mode"] == "investigate"


def test_cameo_default_codes(cameo: dict[str, dict[str, str]], plover: dict) -> None:
    for name, t in plover["event_types"].items():
        code = t["cameo_default"]
        assert code in cameo, f"{name}: default {code} missing from cameo.tsv"
        assert cameo[code]["event"] == name, f"{name}: default {code} maps to {cameo[code]['event']}"


# ---------------------------------------------------------------- events.tsv


def test_lexicon_size(events: list[dict[str, str]]) -> None:
    assert len(events) >= 500


@pytest.mark.parametrize("event_type", PLOVER_TYPES)
def test_every_type_has_triggers(events: list[dict[str, str]], event_type: str) -> None:
    rows = [r for r in events if r["event"] == event_type]
    assert len(rows) >= 10, f"{event_type}: only {len(rows)} triggers"
    assert len({r["lemma"] for r in rows}) >= 8, f"{event_type}: too few distinct lemmas"


def test_cells_well_formed(events: list[dict[str, str]]) -> None:
    for r in events:
        assert r["pos"] in ("VERB", "NOUN"), r
        for col in ("lemma", "particle", "object", "event", "mode", "cameo", "note"):
            assert r[col].strip() == r[col] and r[col], f"{col} empty or padded: {r}"
        assert " " not in r["lemma"] and " " not in r["particle"], r
        assert all(o and " " not in o for o in r["object"].split("|")), r


def test_lemmas_lower_case(events: list[dict[str, str]]) -> None:
    for r in events:
        for col in ("lemma", "particle", "object"):
            assert r[col] == r[col].lower(), f"{col} not lower-case: {r}"


def test_no_duplicate_keys(events: list[dict[str, str]]) -> None:
    keys = Counter((r["pos"], r["lemma"], r["particle"], r["object"]) for r in events)
    dupes = [k for k, n in keys.items() if n > 1]
    assert not dupes, f"duplicate (pos, lemma, particle, object): {dupes}"


def test_no_object_in_two_rows(events: list[dict[str, str]]) -> None:
    seen: dict[tuple[str, str, str, str], str] = {}
    for r in events:
        if r["object"] == "-":
            continue
        for obj in r["object"].split("|"):
            key = (r["pos"], r["lemma"], r["particle"], obj)
            assert key not in seen, f"{key} is listed under both {seen[key]} and {r['event']}"
            seen[key] = r["event"]


def test_events_and_modes_valid(events: list[dict[str, str]], plover: dict) -> None:
    types = plover["event_types"]
    for r in events:
        if r["event"] == "NONE":
            assert r["mode"] == "-", r
            continue
        assert r["event"] in types, f"unknown event: {r}"
        assert r["mode"] == "-" or r["mode"] in types[r["event"]]["modes"], f"bad mode: {r}"


def test_lexicon_cameo_codes_match(events: list[dict[str, str]], cameo: dict[str, dict[str, str]]) -> None:
    for r in events:
        code = r["cameo"]
        assert re.fullmatch(r"\d{2,4}", code), f"cameo must be a 2-4 digit string: {r}"
        assert code in cameo, f"cameo {code} not in cameo.tsv: {r}"
        if r["event"] == "NONE":
            assert code.startswith("01") and cameo[code]["event"] == "", f"NONE row needs a 01x code: {r}"
        else:
            assert cameo[code]["event"] == r["event"], f"cameo {code} is {cameo[code]['event']}: {r}"


def lookup(events: list[dict[str, str]], pos: str, lemma: str, particle: str = "-", obj: str = "-"):
    """Most specific row for a trigger, as the README describes."""
    cands = [r for r in events if r["pos"] == pos and r["lemma"] == lemma]
    for want_p, want_o in ((True, True), (False, True), (True, False), (False, False)):
        for r in cands:
            p_ok = r["particle"] == (particle if want_p else "-")
            o_ok = (obj in r["object"].split("|")) if want_o else r["object"] == "-"
            if p_ok and o_ok:
                return r
    return None


@pytest.mark.parametrize(
    ("pos", "lemma", "particle", "obj", "event"),
    [
        ("VERB", "meet", "with", "-", "CONSULT"),
        ("VERB", "call", "for", "-", "REQUEST"),
        ("VERB", "call", "on", "-", "REQUEST"),
        ("NOUN", "talk", "with", "-", "CONSULT"),
        ("VERB", "sign", "-", "agreement", "SUPPORT"),
        ("VERB", "deepen", "-", "tie", "AGREE"),
        ("VERB", "impose", "-", "sanction", "SANCTION"),
        ("VERB", "lift", "-", "sanction", "RETREAT"),
        ("VERB", "lodge", "-", "complaint", "ACCUSE"),
        ("VERB", "criticise", "-", "-", "ACCUSE"),
        ("VERB", "criticize", "-", "-", "ACCUSE"),
        ("VERB", "decline", "-", "comment", "NONE"),
        ("VERB", "say", "-", "-", "NONE"),
        ("VERB", "release", "-", "statement", "NONE"),
        ("VERB", "release", "-", "-", "RETREAT"),
        ("VERB", "strike", "-", "-", "ASSAULT"),
        ("VERB", "strike", "-", "deal", "AGREE"),
        ("NOUN", "airstrike", "-", "-", "ASSAULT"),
        ("VERB", "arrest", "-", "-", "COERCE"),
        ("VERB", "deploy", "-", "-", "MOBILIZE"),
        ("VERB", "threaten", "-", "-", "THREATEN"),
        ("NOUN", "protest", "-", "-", "PROTEST"),
        ("VERB", "resign", "-", "-", "RETREAT"),
        ("VERB", "pardon", "-", "-", "CONCEDE"),
        ("VERB", "extradite", "-", "-", "COOPERATE"),
        ("VERB", "donate", "-", "-", "AID"),
        ("VERB", "reject", "-", "-", "REJECT"),
    ],
)
def test_common_triggers(events, pos, lemma, particle, obj, event) -> None:
    row = lookup(events, pos, lemma, particle, obj)
    assert row is not None, f"no row for {pos} {lemma} {particle} {obj}"
    assert row["event"] == event, row


def test_no_bare_ambiguous_verbs(events: list[dict[str, str]]) -> None:
    ambiguous = {
        "take",
        "make",
        "have",
        "get",
        "go",
        "see",
        "hold",
        "address",
        "refer",
        "face",
        "follow",
        "lead",
        "call",
        "give",
        "put",
        "set",
        "fire",
    }
    bare = [
        r["lemma"]
        for r in events
        if r["pos"] == "VERB" and r["lemma"] in ambiguous and r["particle"] == "-" and r["object"] == "-"
    ]
    assert not bare, f"bare ambiguous verbs: {bare}"
