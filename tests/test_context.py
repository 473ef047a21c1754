"""Dates and places: own, inherited from the narrative, background dates kept apart."""

import datetime as dt

from .conftest import code_text

STORY = (
    "Earlier, on January 6, the Iraqi prime minister met Turkey's foreign minister in Baghdad. "
    "During their meeting, the Turkish minister urged Iraq to expel PKK fighters. "
    "In March 2023, Iran and Iraq signed a security agreement. "
    "Iran has frequently criticized Iraq over border security."
)


def test_events_without_their_own_date_inherit_the_narrative_date_and_place(coder):
    events = code_text(coder, STORY)
    [req] = [e for e in events if e.event == "REQUEST"]
    assert req.date.iso() == "2025-01-06" and req.date.inherited
    assert req.location is not None and req.location.resolved_place == "Baghdad"


def test_background_event_keeps_its_own_date_at_month_precision(coder):
    [sign] = [e for e in code_text(coder, STORY) if e.cameo == "057"]
    assert sign.date.iso() == "2023-03" and sign.date.precision == "month"


def test_habitual_event_has_no_date(coder):
    [acc] = [e for e in code_text(coder, STORY) if e.event == "ACCUSE"]
    assert acc.date is None


def test_lede_takes_the_date_of_the_next_sentence(coder):
    text = (
        "Iran's president praised Iraq. The remarks came during a meeting with Iraqi officials in Tehran "
        "on January 8."
    )
    [e] = [e for e in code_text(coder, text, dt.date(2025, 1, 10)) if e.event == "SUPPORT"]
    assert e.date.iso() == "2025-01-08"


def test_an_age_between_commas_is_not_a_date(coder):
    [e] = [
        e
        for e in code_text(coder, "Police arrested the Egyptian activist Ahmed Hassan, 32, in Cairo.")
        if e.event == "COERCE"
    ]
    assert e.date is None or e.date.date.year != 1932


def test_a_date_that_describes_a_noun_does_not_date_the_sentence(coder):
    text = "The opposition accused the EU of failing to stick to a bargain struck in March 2016."
    [e] = [e for e in code_text(coder, text, dt.date(2019, 6, 20)) if e.event == "ACCUSE"]
    assert e.date is None or e.date.iso() != "2016-03"


def test_names_news_uses_for_actors_or_regions_are_not_mapped_to_towns(coder):
    gaz = coder.gazetteer
    # a Moroccan city's other name, a Japanese town, a Philippine town, a Tunisian city's other name
    for name in ("the White House", "Obama", "Asia", "Africa", "Pompeo", "Middle East"):
        assert gaz.locate(name) is None, name
    assert gaz.locate("Washington").country_code == "USA"
    assert gaz.locate("Raqqa").country_code == "SYR"
    assert gaz.locate("Paris").country_code == "FRA"


def test_an_event_at_the_white_house_is_not_placed_in_morocco(coder):
    [acc] = [
        e for e in code_text(coder, "Speaking at the White House on Monday, Trump condemned Iran's missile tests.")
    ]
    assert acc.event == "ACCUSE"
    assert acc.location is None or acc.location.country_code != "MAR"
