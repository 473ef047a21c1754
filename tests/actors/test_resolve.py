"""Actor resolution on whole sentences: names, titles, descriptions, coreference."""

import datetime as dt

from dotterel.actors.resolve import ArticleActors

from ..conftest import code_text


def _actors(coder, text, when=dt.date(2025, 1, 10)):
    doc = coder.nlp(text)
    return doc, ArticleActors(doc, coder.kb, coder.matcher, when, speech=coder.cues.of("speech"))


def _entities(actors, doc, word):
    tok = next(t for t in doc if t.text == word)
    return [(e.code, e.sector) for m in actors.resolve(tok) for e in m.entities]


def test_unknown_minister_is_coded_from_nationality_and_title(coder):
    doc, actors = _actors(coder, "Ruritanian officials said Malawian Foreign Minister Zog Blenkinsop arrived.")
    assert _entities(actors, doc, "Blenkinsop") == [("MWI", "GOV")]


def test_knowledge_base_role_depends_on_the_date(coder):
    text = "Raisi met Putin."
    doc, actors = _actors(coder, text, dt.date(2023, 5, 1))
    assert _entities(actors, doc, "Raisi") == [("IRN", "GOV")]
    assert _entities(actors, doc, "Putin") == [("RUS", "GOV")]


def test_description_with_nationality_and_sector_word(coder):
    doc, actors = _actors(coder, "The Iraqi prime minister met Iranian and Iraqi border guard forces.")
    assert _entities(actors, doc, "minister") == [("IRQ", "GOV")]
    assert _entities(actors, doc, "forces") == [("IRN", "MIL"), ("IRQ", "MIL")]


def test_sponsor_is_not_the_home_country_of_a_group(coder):
    doc, actors = _actors(coder, "Qaani addressed leaders of Iran-backed armed groups in Iraq.")
    assert _entities(actors, doc, "leaders") == [("IRQ", "REB")]


def test_apposition_gives_an_unknown_person_a_country_and_sector(coder):
    doc, actors = _actors(coder, "Officials met Brig. Gen. Zorab Tavakkoli, commander of Iran's army, in Baghdad.")
    assert _entities(actors, doc, "Tavakkoli") == [("IRN", "MIL")]


def test_pronoun_refers_back_to_the_last_subject(coder):
    doc, actors = _actors(
        coder, "Iraqi Prime Minister Mohammed Shia al-Sudani arrived on Monday. He praised Iran."
    )
    assert _entities(actors, doc, "He") == [("IRQ", "GOV")]


def test_a_subject_it_continues_the_subject_before_not_the_last_name(coder):
    doc, actors = _actors(coder, "Russia blocked the resolution at the UN. It has vetoed similar texts 11 times.")
    assert [code for code, _ in _entities(actors, doc, "It")] == ["RUS"]
    # an object "it" still takes the nearest fit
    doc, actors = _actors(coder, "Egypt praised the new IMF programme. Ethiopia criticised it.")
    assert [code for code, _ in _entities(actors, doc, "it")] != ["EGY"]


def test_she_skips_a_man_named_just_before(coder):
    text = "Shamima Begum left in 2015. The home secretary, Sajid Javid, ordered that her citizenship be revoked."
    doc, actors = _actors(coder, text, dt.date(2019, 2, 22))
    tok = next(t for t in doc if t.text == "her")
    [m] = actors.resolve(tok)
    assert "Begum" in (m.entities[0].name or "")


def test_we_in_a_quote_is_the_speaker(coder):
    events = code_text(
        coder, 'The Kenyan government said: "We condemn the attack by Ethiopia on our border post."'
    )
    assert any(e.event == "ACCUSE" and e.actor[0][1].code == "KEN" for e in events)


def test_capital_stands_for_its_government(coder):
    doc, actors = _actors(coder, "Tehran accused Washington of meddling.")
    assert _entities(actors, doc, "Tehran") == [("IRN", "GOV")]
    assert _entities(actors, doc, "Washington") == [("USA", "GOV")]


def test_named_members_of_a_plural_description_are_the_actors(coder):
    events = code_text(coder, "Several governments, including Norway and Chile, criticised Iran.")
    acting = {x.code for e in events if e.event == "ACCUSE" for _, x in e.actor}
    assert acting == {"NOR", "CHL"}


def test_an_agency_of_a_country_is_its_government(coder):
    events = code_text(coder, "The Italian maritime rescue agency rescued 40 migrants.")
    assert any(x.code == "ITA" and x.sector == "GOV" for e in events for _, x in e.actor)


def test_office_with_a_name_in_apposition_is_one_person(coder):
    doc, actors = _actors(coder, "The US Secretary of State, Rex Tillerson, said on Monday he was concerned.")
    assert {(e.code, e.name, e.kind) for m in actors.mentions() for e in m.entities} == {
        ("USA", "Rex Tillerson", "person")
    }


def test_a_word_inside_a_name_is_the_same_mention(coder):
    doc, actors = _actors(coder, "The US Secretary of State met the Turkish foreign minister.")
    state = next(t for t in doc if t.text == "State")
    secretary = next(t for t in doc if t.text == "Secretary")
    assert [m.index for m in actors.resolve(state)] == [m.index for m in actors.resolve(secretary)]


def test_nationality_of_a_modifier_codes_the_equipment(coder):
    doc, actors = _actors(coder, "A Russian Su-25 fighter jet was shot down by rebels.")
    assert _entities(actors, doc, "jet") == [("RUS", "MIL")]


def test_plural_pronoun_refers_to_a_listed_subject_of_its_own_sentence(coder):
    text = "Hamas and Hezbollah fighters attacked. Later, Chile and Peru met to discuss their shared border."
    doc, actors = _actors(coder, text)
    assert sorted(_entities(actors, doc, "their")) == [("CHL", None), ("PER", None)]


def test_a_named_military_operation_is_not_a_participant(coder):
    doc, actors = _actors(coder, "Israel began Operation Protective Edge against Hamas in July.")
    assert not any("Operation" in m.text for m in actors.mentions())
    assert any(m.text == "Hamas" for m in actors.mentions())
