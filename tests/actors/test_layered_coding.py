"""Coding with a knowledge-base layer imported from a PETRARCH dictionary written here.

The dictionary invents its countries and people, so every code below can only come from
reading it: names and synonyms, dated roles, agents, compounds, prefix codes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dotterel.actors.resolve import ArticleActors
from dotterel.nlp import parse

ACTORS = """\
VALDORIA_ [VAL]
+VALDORIAN
+PORT_AMSEL
KESTRA [KES]
+KESTRAN
OSTRAVIN [OST]
MARA_KELSO_
\t[VALGOV 20100101-20141231]
\t[VALREB >20150101]
NORTH_MARCHES [NMA/SMA]
HARBOUR_WATCH [VALCOP]
"""

AGENTS = """\
LAWMAKER [~LEG]
DEPUTY [~LEG]
RELIEF_BODY [NGO~]
TROOPS {} [~MIL]
"""


@pytest.fixture(scope="module")
def layered(tmp_path_factory):  # type: ignore[no-untyped-def]
    from dotterel.actors.layers import import_petrarch_to
    from dotterel.pipeline import Coder

    tmp = tmp_path_factory.mktemp("kb")
    (tmp / "t.actors.txt").write_text(ACTORS, encoding="utf-8")
    (tmp / "t.agents.txt").write_text(AGENTS, encoding="utf-8")
    import_petrarch_to(tmp / "layer", [tmp / "t.actors.txt"], [tmp / "t.agents.txt"])
    return Coder.load(use_classifier=False, kb_layers=[str(tmp / "layer")])


def _ents(coder, text: str, head: str, when: dt.date = dt.date(2020, 6, 1)) -> list[tuple]:  # type: ignore[no-untyped-def]
    doc = next(iter(parse(coder.nlp, [text])))
    actors = ArticleActors(doc, coder.kb, coder.matcher, when)
    tok = next(t for t in doc if t.text == head)
    return [(e.code, e.sector) for m in actors.resolve(tok) for e in m.entities]


def test_names_and_synonyms_of_the_dictionary_are_coded(layered) -> None:  # type: ignore[no-untyped-def]
    assert _ents(layered, "Valdoria accused Kestra of lying.", "Valdoria") == [("VAL", None)]
    assert _ents(layered, "Port Amsel accused Kestra of lying.", "Amsel") == [("VAL", None)]


def test_dated_roles_follow_the_article_date(layered) -> None:  # type: ignore[no-untyped-def]
    text = "Mara Kelso criticised Kestra."
    assert _ents(layered, text, "Kelso", dt.date(2012, 3, 1)) == [("VAL", "GOV")]
    assert _ents(layered, text, "Kelso", dt.date(2019, 3, 1)) == [("VAL", "REB")]


def test_agent_nouns_take_the_country_of_their_modifier(layered) -> None:  # type: ignore[no-untyped-def]
    assert _ents(layered, "Kestran troops crossed the border.", "troops") == [("KES", "MIL")]


def test_agents_in_two_countries_give_two_actors_with_their_sector(layered) -> None:  # type: ignore[no-untyped-def]
    got = _ents(layered, "Lawmakers in Valdoria and Ostravin welcomed the talks.", "Lawmakers")
    assert got == [("VAL", "LEG"), ("OST", "LEG")]


def test_coordinated_heads_share_the_place_phrase(layered) -> None:  # type: ignore[no-untyped-def]
    doc = next(iter(parse(layered.nlp, ["Lawmakers and deputies in Valdoria and Ostravin welcomed the talks."])))
    actors = ArticleActors(doc, layered.kb, layered.matcher, dt.date(2020, 1, 1))
    got = {(e.code, e.sector) for m in actors.resolve(doc[0]) for e in m.entities}
    assert got == {("VAL", "LEG"), ("OST", "LEG")}


def test_an_entry_with_several_codes_stands_for_several_actors(layered) -> None:  # type: ignore[no-untyped-def]
    assert _ents(layered, "The North Marches rejected the plan.", "Marches") == [("NMA", None), ("SMA", None)]


def test_a_prefix_agent_gives_the_code(layered) -> None:  # type: ignore[no-untyped-def]
    assert [c for c, _ in _ents(layered, "A Valdorian relief body condemned Kestra.", "body")] == ["NGO"]


def test_an_imported_name_must_be_capitalised_in_the_text(layered) -> None:  # type: ignore[no-untyped-def]
    doc = next(iter(parse(layered.nlp, ["The harbour watch said nothing about kestra."])))
    actors = ArticleActors(doc, layered.kb, layered.matcher, dt.date(2020, 1, 1))
    assert not actors.names


def test_the_layer_outranks_the_built_in_knowledge_base(tmp_path: Path) -> None:
    from dotterel.actors.kb import KnowledgeBase
    from dotterel.actors.layers import import_petrarch_to

    (tmp_path / "o.actors.txt").write_text("FRANCE [XFR]\n", encoding="utf-8")
    import_petrarch_to(tmp_path / "over", [tmp_path / "o.actors.txt"])
    kb = KnowledgeBase.load([tmp_path / "over"], shipped=False)
    top = max(kb.entries("France"), key=lambda f: f.rank)
    assert kb.describe(top, None)[0] == "XFR"
