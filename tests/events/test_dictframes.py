"""An analyst's PETRARCH verb dictionary in a knowledge-base layer: imported, then authoritative."""

import datetime as dt
import json
import subprocess
import sys

import pytest

from dotterel.events.verbdict import parse
from dotterel.records import Article

from ..conftest import ROOT

# A verb dictionary in the PETRARCH format, written for these tests.
VERBS = """\
<!-- a verb dictionary written for dotterel's tests -->
&NEG
+DID NOT
+WILL NOT

&TIES_
+TIES
+RELATIONS

--- RESTORE [064] ---
RESTORE
- * TIES [064]
- &NEG * TIES [112]

--- LEFT [032:033] ---
LEFT

--- POSTPONE [---] ---
POSTPONE
- % HAVE * [191]

--- WARN [160] ---
WARN
- * ABOUT + [162]

--- BREAK [---] ---
BREAK
- * FULL_&TIES_ [161]
- * RELATIONS [1617]

--- CRITICIZE [111] ---
CRITICIZE
- * WEATHER [---]
- * OUR FRIENDS [xyz]

--- EXCLUDE [1721] ---
EXCLUDE
+CORDON_OFF {+CORDONED_OFF +CORDONS_OFF }

--- ALLOW [080] ---
ALLOW
- * REALLY_PLEASANT [024]

--- SAY [023] ---
SAY {SAID}

--- VISIT [042] ---
VISIT

--- ABROGATE [161] ---
ABROGATE
"""


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dotterel.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@pytest.fixture(scope="module")
def layer(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("verbs")
    (tmp / "verbs.txt").write_text(VERBS, encoding="utf-8")
    out = _run("kb", "import-petrarch", "--verbs", str(tmp / "verbs.txt"), "--output", str(tmp / "L"))
    assert out.returncode == 0, out.stderr
    return tmp / "L", out


@pytest.fixture(scope="module")
def dict_coder(layer):
    from dotterel.pipeline import Coder

    return Coder.load(kb_layers=[str(layer[0])])


def _dyads(coder, text):
    events = coder.code(Article(id="t", text=text, published=dt.date(2020, 1, 1)))
    return sorted(
        (e.cameo, tuple(sorted({a.code for _, a in e.actor})), tuple(sorted({r.code for _, r in e.recipient})))
        for e in events
    )


def test_full_reading_keeps_null_paired_lettered_codes_and_joined_phrases():
    patterns, problems = parse(VERBS.splitlines(), "verbs.txt", full=True)
    by_line = {p.line: p for p in patterns}
    assert by_line[16].cameo == "032" and by_line[16].paired == "033"
    assert by_line[19].cameo == "---"  # the bare POSTPONE: no event
    assert by_line[20].compound and not by_line[24].compound
    assert by_line[24].target == "about"
    assert by_line[28].after == (frozenset({"full ties", "full relations"}),)  # FULL_&TIES_: one phrase
    assert by_line[29].cameo == "1617"
    assert [(p.line, p.why) for p in problems] == [(34, "[xyz] is not a CAMEO code")]


def test_the_evidence_reading_of_the_built_in_dictionary_is_unchanged():
    patterns, _ = parse(VERBS.splitlines(), "verbs.txt")
    assert all(p.cameo != "---" and p.paired is None and not p.compound for p in patterns)


def test_import_writes_the_verbs_into_the_layer_and_reports_bad_lines_with_file_and_line(layer):
    directory, out = layer
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["files"]["verbs"] == "verbs.tsv"
    assert manifest["counts"]["verb_patterns"] == 20
    assert [s["kind"] for s in manifest["sources"]] == ["verbs"]
    assert "verbs.txt:34: [xyz] is not a CAMEO code" in out.stderr
    assert "20 verb patterns; 1 problems reported" in out.stdout


def test_import_needs_actors_or_verbs(tmp_path):
    out = _run("kb", "import-petrarch", "--output", str(tmp_path / "L"))
    assert out.returncode != 0 and "--actors FILE... or --verbs FILE..." in out.stderr


def test_a_dictionary_verb_is_an_event_with_its_code_even_about_to_happen(dict_coder):
    assert _dyads(dict_coder, "Chile is about to restore diplomatic ties with Peru.") == [
        ("064", ("CHL",), ("PER",))
    ]


def test_a_negated_verb_is_coded_only_by_a_pattern_that_reads_the_negation(dict_coder):
    assert _dyads(dict_coder, "Chile did not restore ties with Peru.") == [("112", ("CHL",), ("PER",))]
    assert _dyads(dict_coder, "Chile has not restored ties with Peru.") == []


def test_a_paired_code_adds_the_targets_act_back_on_the_source(dict_coder):
    assert _dyads(dict_coder, "Peru's foreign minister left for Ecuador on Monday.") == [
        ("032", ("PER",), ("ECU",)),
        ("033", ("ECU",), ("PER",)),
    ]


def test_a_compound_pattern_codes_the_listed_parties_on_each_other(dict_coder):
    assert _dyads(dict_coder, "Chile and Peru have postponed their meeting.") == [
        ("191", ("CHL",), ("PER",)),
        ("191", ("PER",), ("CHL",)),
    ]


def test_the_target_slot_of_a_pattern_names_the_target(dict_coder):
    assert _dyads(dict_coder, "Chile warned its citizens about Peru.") == [("162", ("CHL",), ("PER",))]


def test_the_target_is_the_first_actor_after_the_verb_when_the_object_is_none(dict_coder):
    assert _dyads(dict_coder, "Chile has broken full relations with Peru.") == [("161", ("CHL",), ("PER",))]


def test_a_null_pattern_removes_the_lexicon_event_at_its_verb(dict_coder, coder):
    text = "Chile criticized the weather of Peru."
    assert _dyads(coder, text) == [("111", ("CHL",), ("PER",))]  # the lexicon's event
    assert _dyads(dict_coder, text) == []
    assert _dyads(dict_coder, "Chile criticized Peru.") == [("111", ("CHL",), ("PER",))]


def test_without_a_verbs_layer_the_built_in_dictionary_stays_evidence(coder):
    from dotterel.events.dictframes import RULE

    assert coder.dictionary is None
    events = coder.code(
        Article(id="t", text="Chile is about to restore diplomatic ties with Peru.", published=dt.date(2020, 1, 1))
    )
    assert not [
        e for e in events if RULE in e.rule
    ]  # whatever codes it, the lexicon or the detector, not the dictionary


def test_a_form_in_braces_is_looked_up_as_written(dict_coder):
    text = "Chilean soldiers have cordoned off the roads leading into Peru."
    assert _dyads(dict_coder, text) == [("1721", ("CHL",), ("PER",))]


def test_without_a_target_in_its_clause_the_verb_targets_the_subject_of_its_complement(dict_coder):
    # "to visit" describes the place: it is not an event the clause reports
    assert _dyads(dict_coder, "Chile allowed that Peru is a pleasant place to visit.") == [
        ("080", ("CHL",), ("PER",))
    ]


def test_a_report_of_a_coded_event_is_not_an_event_of_its_own(dict_coder):
    for text in (
        "A Chilean official said Chile restored ties with Peru.",
        "A Chilean official said Chile is about to restore ties with Peru.",
    ):
        assert _dyads(dict_coder, text) == [("064", ("CHL",), ("PER",))]


def test_the_subject_of_a_passive_acts_in_its_infinitive(dict_coder):
    assert _dyads(dict_coder, "Chile was seen to restore ties with Peru.") == [("064", ("CHL",), ("PER",))]


def test_an_event_noun_under_a_coded_verb_is_that_verbs_event(dict_coder):
    from dotterel.pipeline import Coder

    text = "Chile abrogated a treaty with Peru."
    lexicon_only = Coder.load(use_detector=False)  # the shipped detector may veto it; the frame is the point
    assert ("030", ("CHL",), ("PER",)) in _dyads(lexicon_only, text)  # the lexicon's treaty
    assert _dyads(dict_coder, text) == [("161", ("CHL",), ("PER",))]


def test_every_member_of_a_listed_subject_acts_when_the_parse_makes_one_an_apposition(dict_coder):
    # the parser reads "the Sudan" as an apposition of Norway, with Chile and Peru under it
    assert _dyads(dict_coder, "Norway, the Sudan, Chile and Peru restored ties with Bolivia.") == [
        ("064", ("CHL",), ("BOL",)),
        ("064", ("NOR",), ("BOL",)),
        ("064", ("PER",), ("BOL",)),
        ("064", ("SDN",), ("BOL",)),
    ]


def test_a_phrase_of_a_pattern_is_found_beyond_the_verbs_clause_on_its_side(dict_coder):
    assert _dyads(dict_coder, "Chile allowed that Peru is a really pleasant place.") == [
        ("024", ("CHL",), ("PER",))
    ]
    text = "A really pleasant Chilean minister allowed that Peru is a place to rest."
    assert _dyads(dict_coder, text) == [("080", ("CHL",), ("PER",))]


def test_the_detector_adds_nothing_to_a_sentence_the_dictionary_coded(dict_coder):
    from dataclasses import replace

    det = dict_coder.detector
    saved = det.point
    det.point = replace(saved, threshold=0.0, floor=0.0)  # add all it can
    try:
        text = "Chile restored diplomatic ties with Peru. Peruvian troops shelled Chilean border posts on Monday."
        events = dict_coder.code(Article(id="t", text=text, published=dt.date(2020, 1, 1)))
    finally:
        det.point = saved
    first = [e.rule for e in events if e.text_info.sentence == 0]
    second = [e.rule for e in events if e.text_info.sentence == 1]
    assert first and all(r.startswith("dictionary:") for r in first)
    assert any(r.startswith("detector(") for r in second)  # elsewhere the detector still adds
