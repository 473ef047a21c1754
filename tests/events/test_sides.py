"""Who is on each side of an event: list subjects, reciprocal acts, passives whose subject is the
act's instrument, relations that name their other party. Sentences written for these tests."""

from ..conftest import code_text


def _dyads(events):
    return [(e.event, tuple(x.code for _, x in e.actor), tuple(x.code for _, x in e.recipient)) for e in events]


def test_each_country_of_a_list_subject_is_its_own_event(coder):
    dyads = _dyads(code_text(coder, "Norway, Chile and Kenya condemned Iran on Friday."))
    assert [d for d in dyads if d[0] == "ACCUSE"] == [
        ("ACCUSE", ("NOR",), ("IRN",)),
        ("ACCUSE", ("CHL",), ("IRN",)),
        ("ACCUSE", ("KEN",), ("IRN",)),
    ]


def test_list_subject_of_a_one_sided_act_is_not_a_pair_among_its_members(coder):
    dyads = _dyads(code_text(coder, "Norway, Chile and Kenya welcomed the restoration of ties with Cuba."))
    assert ("SUPPORT", ("NOR",), ("CUB",)) in dyads and ("SUPPORT", ("KEN",), ("CUB",)) in dyads
    assert not any(set(a) & {"NOR", "CHL", "KEN"} and set(r) & {"NOR", "CHL", "KEN"} for _, a, r in dyads)


def test_relation_of_the_actors_own_names_its_other_party(coder):
    dyads = _dyads(code_text(coder, "Norway and Chile welcomed their resumption of diplomatic ties with Cuba."))
    assert ("SUPPORT", ("NOR",), ("CUB",)) in dyads and ("SUPPORT", ("CHL",), ("CUB",)) in dyads


def test_list_subject_of_a_reciprocal_act_gives_both_sides(coder):
    assert ("CONSULT", ("FRA",), ("DEU",)) in _dyads(code_text(coder, "France and Germany met in Brussels."))


def test_reciprocal_act_of_two_named_people_of_one_country_is_kept(coder):
    text = "Sudanese General Amir Tobal and Sudanese Colonel Idris Karam agreed to a ceasefire on Monday."
    dyads = _dyads(code_text(coder, text))
    assert ("AGREE", ("SDN",), ("SDN",)) in dyads


def test_owner_of_a_passive_instrument_is_the_actor(coder):
    dyads = _dyads(code_text(coder, "Canadian sanctions were lifted on several Peruvian companies."))
    assert ("RETREAT", ("CAN",), ("PER",)) in dyads


def test_fired_missiles_of_a_country_target_the_phrase_after_at(coder):
    dyads = _dyads(code_text(coder, "Egyptian rockets were fired at Libyan positions on Monday."))
    assert [d for d in dyads if d[0] == "ASSAULT"] == [("ASSAULT", ("EGY",), ("LBY",))]


def test_passive_killing_in_a_countrys_strikes_names_that_country(coder):
    dyads = _dyads(code_text(coder, "Twelve Somali soldiers were killed in Kenyan air strikes on Tuesday."))
    assert ("ASSAULT", ("KEN",), ("SOM",)) in dyads


def test_passive_killing_in_a_countrys_offensive_names_that_country(coder):
    text = "Forty civilians were killed in the first week of Ethiopia's offensive against Eritrean towns."
    assert any(d[0] == "ASSAULT" and d[1] == ("ETH",) for d in _dyads(code_text(coder, text)))


def test_passive_killing_after_in_which_finds_the_strikes_owner(coder):
    text = "The UN is looking into an incident in which nine Somali farmers were killed in Kenyan air strikes."
    assert any(d[0] == "ASSAULT" and d[1] == ("KEN",) for d in _dyads(code_text(coder, text)))


def test_their_of_a_list_subject_is_the_lists_own_not_the_other_party(coder):
    dyads = _dyads(code_text(coder, "Norway, Chile and Kenya welcomed their resumption of ties with Cuba."))
    supports = sorted(d for d in dyads if d[0] == "SUPPORT")
    assert supports == [("SUPPORT", (c,), ("CUB",)) for c in ("CHL", "KEN", "NOR")]


def test_phrasal_verb_particle_does_not_hide_the_target(coder):
    dyads = _dyads(code_text(coder, "Turkey carried out drone strikes on Armenia on Tuesday."))
    assert ("ASSAULT", ("TUR",), ("ARM",)) in dyads


def test_quantity_of_aid_is_aid(coder):
    dyads = _dyads(code_text(coder, "Japan delivered 300 tonnes of aid to Nepal."))
    assert ("AID", ("JPN",), ("NPL",)) in dyads
