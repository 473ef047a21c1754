"""Who is who: appositions and titles define people, surnames resolve from the article, lists of
countries give one actor each. Sentences written for these tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dotterel.actors.resolve import ArticleActors
from dotterel.nlp import parse

WHEN = dt.date(2019, 2, 20)


def _actors(coder, text: str, when: dt.date | None = WHEN) -> tuple:  # type: ignore[no-untyped-def]
    doc = next(iter(parse(coder.nlp, [text])))
    return doc, ArticleActors(doc, coder.kb, coder.matcher, when)


def _codes(doc, actors, word: str, nth: int = 0) -> list[tuple]:  # type: ignore[no-untyped-def]
    tok = [t for t in doc if t.text == word][nth]
    return [(e.code, e.sector) for m in actors.resolve(tok) for e in m.entities]


def test_a_title_before_a_name_in_apposition_defines_the_person_for_the_article(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(
        coder, "Russia's UN envoy, Vassily Nebenzia, criticised the plan. He said it would fail."
    )
    assert _codes(doc, actors, "envoy") == [("RUS", "GOV")]
    assert _codes(doc, actors, "He") == [("RUS", "GOV")]


def test_an_apposition_after_a_name_defines_the_person(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(
        coder, "Lena Moritz, Germany's foreign minister, criticised the plan. Moritz left early."
    )
    assert _codes(doc, actors, "Moritz") == [("DEU", "GOV")]
    assert _codes(doc, actors, "Moritz", 1) == [("DEU", "GOV")]


def test_a_name_the_parse_hangs_on_the_titles_object_takes_the_title(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(
        coder,
        "The plan went to the UN special envoy for Libya, Ghassan Salamé, on Monday. Salamé said he would ask Egypt.",
    )
    assert _codes(doc, actors, "Salamé") == [("UNO", "GOV")]  # the UN's envoy, not Libya's
    assert _codes(doc, actors, "he") == [("UNO", "GOV")]


def test_a_title_held_in_an_organisation_codes_the_person_by_it(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(
        coder, "Mark Lowcock, a humanitarian adviser to the UN, urged Jordan to open its border."
    )
    assert [code for code, _ in _codes(doc, actors, "Lowcock")] == ["UNO"]
    doc, actors = _actors(
        coder, "Mark Lowcock, the British ambassador to the UN, urged Jordan to open its border."
    )
    assert _codes(doc, actors, "Lowcock") == [("GBR", "GOV")]  # the country he serves comes first


def test_a_group_that_owns_the_title_gives_the_sector_and_outranks_a_kb_surname(coder) -> None:  # type: ignore[no-untyped-def]
    text = "The Syrian opposition's chief negotiator, Nasr al-Hariri, met the envoy. Hariri also warned the EU."
    doc, actors = _actors(coder, text)
    assert _codes(doc, actors, "Hariri") == [("SYR", "OPP")]
    assert _codes(doc, actors, "Hariri", 1) == [("SYR", "OPP")]  # not Lebanon's Saad Hariri


def test_the_text_says_whose_president_over_the_kb(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "South Sudan President Salva Kiir met the rebels.")
    assert _codes(doc, actors, "Kiir") == [("SSD", "GOV")]


def test_soviet_union_is_a_state_not_a_trade_union(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "The Soviet Union sent troops into Afghanistan.", dt.date(1980, 1, 2))
    assert _codes(doc, actors, "Union") == [("SUN", None)]


def test_a_list_of_countries_gives_one_actor_each(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "The US, Britain and France criticised Russia over the attack.")
    assert _codes(doc, actors, "US") == [("USA", None), ("GBR", None), ("FRA", None)]


def test_a_person_the_kb_does_not_know_keeps_the_text(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Xander Quillfeather criticised the ministry.")
    tok = next(t for t in doc if t.text == "Quillfeather")
    (m,) = actors.resolve(tok)
    assert m.text == "Xander Quillfeather" and m.entities[0].code is None


@pytest.fixture(scope="module")
def two_molvans(tmp_path_factory):  # type: ignore[no-untyped-def]
    from dotterel.actors.layers import import_petrarch_to
    from dotterel.pipeline import Coder

    tmp: Path = tmp_path_factory.mktemp("molvan")
    (tmp / "m.actors.txt").write_text(
        "IRINA_MOLVAN_\n+MOLVAN\n\t[QUOGOV]\nPETER_MOLVAN_\n+MOLVAN\n\t[VALMIL]\nQUORIA [QUO]\nVALDORIA [VAL]\n",
        encoding="utf-8",
    )
    import_petrarch_to(tmp / "layer", [tmp / "m.actors.txt"])
    # the lexicon frames' reading: these tests check who a name is, not which events the choice keeps
    return Coder.load(use_classifier=False, use_detector=False, kb_layers=[str(tmp / "layer")])


def test_a_surname_two_people_share_stays_uncoded_without_evidence(two_molvans) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(two_molvans, "Molvan criticised the plan.")
    tok = next(t for t in doc if t.text == "Molvan")
    (m,) = actors.resolve(tok)
    assert m.text == "Molvan" and m.entities[0].code is None


def test_a_surname_resolves_from_a_title_in_the_text(two_molvans) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(two_molvans, "General Molvan criticised the plan.")
    assert [c for c, _ in _codes(doc, actors, "Molvan")] == ["VAL"]


def test_a_surname_resolves_from_the_country_the_article_names(two_molvans) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(two_molvans, "In Quoria, Molvan criticised the plan.")
    assert [c for c, _ in _codes(doc, actors, "Molvan")] == ["QUO"]


def test_a_surname_resolves_to_the_full_name_written_before(two_molvans) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(two_molvans, "Peter Molvan arrived on Monday. Molvan criticised the plan.")
    assert [c for c, _ in _codes(doc, actors, "Molvan", 1)] == ["VAL"]


def test_an_ambiguous_surname_is_not_given_the_articles_country(two_molvans) -> None:  # type: ignore[no-untyped-def]
    from dotterel.records import Article

    text = "Iran closed its border on Monday. Iranian officials met. Molvan criticised Iran."
    events = two_molvans.code(Article(id="m", text=text, published=WHEN))
    sides = [x for e in events for _, x in (*e.actor, *e.recipient) if x.name == "Molvan"]
    assert sides and all(x.code is None and not x.inferred for x in sides)


def test_the_detector_offers_an_ambiguous_surname_without_a_guessed_country() -> None:
    from dotterel.events.candidates import _parties
    from dotterel.records import Entity, Mention

    def mention(rule: str) -> Mention:
        entity = Entity(code=None, sector=None, name="Molvan", kind="person")
        return Mention(
            index=0,
            text="Molvan",
            start=0,
            end=1,
            char_start=0,
            char_end=6,
            head=0,
            sentence=0,
            entities=(entity,),
            rule=rule,
        )

    assert [p.entity.code for p in _parties([mention("ambiguous-name")], focus="IRN")] == [None]
    assert [p.entity.code for p in _parties([mention("name")], focus="IRN")] == [None, "IRN"]


def test_a_name_in_apposition_to_a_title_is_a_person_whatever_the_tagger_says(coder) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Russia's ambassador to the UN, Vassily Nebenzia, accused Britain of spreading lies. "
        "Nebenzia later met Chinese diplomats in New York."
    )
    doc, actors = _actors(coder, text)
    assert _codes(doc, actors, "Nebenzia") == [("RUS", "GOV")]
    assert _codes(doc, actors, "Nebenzia", 1) == [("RUS", "GOV")]


def test_a_nationality_inside_a_title_does_not_hide_it(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Former Pakistani prime minister Tariq Nawazuddin met the envoy.")
    assert _codes(doc, actors, "Nawazuddin") == [("PAK", "ELI")]


def test_members_of_a_group_are_the_group(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Members of Hezbollah attacked the convoy.")
    got = _codes(doc, actors, "Members")
    assert got and got == _codes(doc, actors, "Hezbollah")


def test_a_kb_persons_sector_is_not_replaced_by_a_word_inside_a_title(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "UN Secretary-General Antonio Guterres urged restraint.", dt.date(2023, 10, 14))
    assert _codes(doc, actors, "Guterres") == [("UNO", "GOV")]


def test_a_name_with_a_particle_hung_on_the_titles_object_takes_the_title(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(
        coder,
        "The draft went to the UN special envoy for Yemen, Pieter de Vries, on Monday. "
        "De Vries said he would ask Oman to host the talks.",
    )
    assert _codes(doc, actors, "Vries") == [("UNO", "GOV")]
    assert _codes(doc, actors, "Vries", 1) == [("UNO", "GOV")]  # the short name, in another case
    assert _codes(doc, actors, "he") == [("UNO", "GOV")]


def test_each_member_of_a_list_is_one_mention(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "He asked Turkey, Russia and Iran to meet in Sochi, and Russia agreed.")
    assert _codes(doc, actors, "Turkey") == [("TUR", None), ("RUS", None), ("IRN", None)]
    heads = [m.head for m in actors.mentions() if m.kind == "country"]
    assert len(heads) == len(set(heads)) == 4


def test_forces_someone_sends_or_withdraws_are_that_senders(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(
        coder, "Chile sent troops into Peru last week, and Bolivia withdrew its police from the border."
    )
    assert _codes(doc, actors, "troops") == [("CHL", "MIL")]
    doc, actors = _actors(coder, "Reporters saw troops in Peru last week.")
    assert [code for code, _ in _codes(doc, actors, "troops")] == [None]  # seen, not sent: no owner


def test_the_news_agency_tag_opening_wire_copy_is_not_an_actor(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "LIMA (Andina) The Peruvian minister condemned the attack on Monday.")
    assert _codes(doc, actors, "Andina") == []
    assert not [m for m in actors.mentions() if m.text == "Andina"]
    doc, actors = _actors(coder, "Talks end without a deal\n\nCUSCO, Peru (Andina) - The minister left on Monday.")
    assert _codes(doc, actors, "Andina") == []
    doc, actors = _actors(coder, "The Peruvian minister (Luis Ortega) condemned the attack on Monday.")
    assert _codes(doc, actors, "Ortega") != []  # a name in brackets later in the text is kept


def test_the_head_of_a_un_mission_speaks_for_the_un(coder) -> None:  # type: ignore[no-untyped-def]
    doc, actors = _actors(coder, "Tadamichi Yamamoto, the head of UNAMA, condemned the air strikes.")
    assert ("UNO", None) in _codes(doc, actors, "Yamamoto")
    doc, actors = _actors(coder, "AMISOM troops clashed with al-Shabaab fighters near Mogadishu.")
    assert _codes(doc, actors, "troops") == [("IGO", "MIL")]
