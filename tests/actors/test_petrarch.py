"""Reading PETRARCH/TABARI actor and agent dictionaries (our own small dictionaries, no model)."""

from __future__ import annotations

import datetime as dt

import pytest

from dotterel.actors.petrarch import parse_actors, parse_agents, parse_date, parse_restriction

ACTORS = """\
<!-- a test dictionary
     over two lines -->
VALDORIA_  [VAL]   # a country
+VALDORIAN
+VAL_CITY_

MARA_KELSO_  # a person with dated roles
+M._KELSO
\t[VALGOV 20100101-20141231]
\t[VALOPP >150101]
\t[VAL]

THE_TWIN_CITIES [NOR/SUD]
ROGUE_STATE [RGS <911226]

BROKEN_DATES
\t[VALGOV 2010-20]
GOOD_AFTER_BAD [GAB]
"""

AGENTS = """\
!OFFICE! = MINISTER, MINISTERS, MINISTRY, MINISTRIES
FOREIGN_MINISTER [~GOVFRM]
POLICE {} [~COP]
CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]
PARTY [~PTY]
AID_AGENCY [NGO~]
!OFFICE!_OF_WATER [~GOV]
NO_CODE_HERE
"""


def test_actor_entry_keeps_synonyms_and_the_default_code() -> None:
    parsed = parse_actors(ACTORS, "test.actors")
    valdoria = next(a for a in parsed.actors if a.name == "VALDORIA")
    assert valdoria.synonyms == ("VALDORIAN", "VAL CITY")
    assert [r.codes for r in valdoria.restrictions] == [("VAL",)]
    assert valdoria.source == "test.actors:3"


def test_date_restrictions_keep_their_order_and_the_default_comes_last() -> None:
    kelso = next(a for a in parse_actors(ACTORS, "t").actors if a.name == "MARA KELSO")
    assert kelso.synonyms == ("M. KELSO",)
    assert [(r.codes, r.start, r.end) for r in kelso.restrictions] == [
        (("VALGOV",), dt.date(2010, 1, 1), dt.date(2014, 12, 31)),
        (("VALOPP",), dt.date(2015, 1, 1), None),
        (("VAL",), None, None),
    ]


def test_a_slash_separated_code_stands_for_several_actors() -> None:
    twin = next(a for a in parse_actors(ACTORS, "t").actors if a.name == "THE TWIN CITIES")
    assert twin.restrictions[0].codes == ("NOR", "SUD")


def test_malformed_code_block_is_reported_with_file_and_line_and_skipped() -> None:
    parsed = parse_actors(ACTORS, "test.actors")
    assert [str(p) for p in parsed.problems if "test.actors:17" in str(p)]
    assert "BROKEN DATES" not in {a.name for a in parsed.actors}
    assert "GOOD AFTER BAD" in {a.name for a in parsed.actors}  # reading goes on after the bad line


def test_primary_lines_without_code_share_the_codes_that_follow() -> None:
    text = "JOHN_DOE_\nPRESIDENT_DOE_\n\t[VALGOV >100101]\n"
    (doe,) = parse_actors(text, "t").actors
    assert doe.name == "JOHN DOE" and doe.synonyms == ("PRESIDENT DOE",)


@pytest.mark.parametrize(
    ("text", "date"),
    [("300101", dt.date(2030, 1, 1)), ("310101", dt.date(1931, 1, 1)), ("19991231", dt.date(1999, 12, 31))],
)
def test_six_digit_years_follow_the_tabari_rule(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize("bad", ["2010", "201005011", "20100231", "9008223"])
def test_dates_that_are_not_dates_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_date(bad)


def test_restriction_with_spaces_around_operators() -> None:
    r = parse_restriction("HOB < 950601")
    assert r.codes == ("HOB",) and r.end == dt.date(1995, 6, 1)
    r = parse_restriction("HOBGOV 19950601 - 19990815")
    assert (r.start, r.end) == (dt.date(1995, 6, 1), dt.date(1999, 8, 15))
    assert parse_restriction("---").codes == (None,)


def test_agents_give_suffix_and_prefix_codes_and_plurals() -> None:
    parsed = parse_agents(AGENTS, "test.agents")
    by = {a.phrase: a for a in parsed.agents}
    assert by["FOREIGN MINISTER"].code == "GOVFRM" and not by["FOREIGN MINISTER"].prefix
    assert by["FOREIGN MINISTER"].plurals == ("FOREIGN MINISTERS",)
    assert by["POLICE"].plurals == ()
    assert by["CHAMBER OF COMMERCE"].plurals == ("CHAMBERS OF COMMERCE",)
    assert by["PARTY"].plurals == ("PARTIES",)
    assert by["AID AGENCY"].prefix and by["AID AGENCY"].code == "NGO"


def test_substitution_sets_expand_every_member() -> None:
    phrases = {a.phrase for a in parse_agents(AGENTS, "t").agents}
    assert {"MINISTER OF WATER", "MINISTRIES OF WATER"} <= phrases


def test_agent_line_without_code_is_reported() -> None:
    parsed = parse_agents(AGENTS, "test.agents")
    assert [p for p in parsed.problems if p.where == "test.agents:8"]
