"""PETRARCH verb-pattern dictionaries: read, matched against parsed sentences, used by the detector."""

import datetime as dt

import pytest

from dotterel.errors import InputError
from dotterel.events.verbdict import VerbDictionary, parse
from dotterel.records import Article

# A small dictionary in the PETRARCH format, written for these tests.
SAMPLE = """\
&RELIEF_
+FOOD
+MEDICINE
+SHELTER

####### VERB PATTERNS #######

---  SHIP   [---]  ---
SHIP {SHIPS SHIPPED SHIPPING }
FERRY
- * &RELIEF_ (TO +)                      [073]   # SHIP
- * WEAPONS                              [072]   # SHIP
- &MILITARY *                            [154]   # unknown word set: reported, skipped

---  DENOUNCE   [111]  ---
DENOUNCE
+HIT_OUT {+HITS_OUT +HIT_OUT +HITTING_OUT }
CONDEMN [112]
- * (AT +)                               [111]
"""


def test_reader_keeps_patterns_word_sets_and_bare_verb_codes():
    patterns, problems = parse(SAMPLE.splitlines(), "sample")
    by_code = {p.cameo: p for p in patterns}
    assert by_code["073"].verbs == ("ship", "ferry")
    # a phrase after other words is a word to find; one right after the verb is its particle
    assert by_code["073"].after == (frozenset({"food", "medicine", "shelter"}), frozenset({"to"}))
    assert by_code["111"].particle == "at"
    assert {p.verbs for p in patterns if not p.after and not p.particle} == {
        ("denounce",),
        ("hit_out",),
        ("condemn",),
    }
    assert [p.line for p in problems] == [13]
    assert "MILITARY" in problems[0].why


def test_reader_rejects_a_file_that_is_not_a_verb_dictionary():
    with pytest.raises(InputError, match="not a PETRARCH verb dictionary"):
        parse(["ARNOR [ARN]", "GONDOR [GON]"], "actors.txt")


def _sample(events):
    return VerbDictionary.from_patterns(parse(SAMPLE.splitlines(), "sample")[0], events)


def test_most_specific_pattern_gives_the_code(coder):
    verbs = _sample({"073": "AID", "072": "AID", "111": "ACCUSE", "112": "ACCUSE"})
    doc = coder.nlp("Germany shipped food to Sudan. Germany shipped cars to Sudan. Iran condemned the raid.")
    sents = list(doc.sents)
    assert [(h.cameo, h.event) for h in verbs.hits(sents[0])] == [("073", "AID")]
    assert verbs.hits(sents[1]) == []  # "ship" alone has no code
    assert [h.cameo for h in verbs.hits(sents[2])] == ["112"]  # the verb's own code beats its block's


def test_pattern_words_must_be_in_the_verbs_own_clause(coder):
    verbs = _sample({"073": "AID", "072": "AID"})
    doc = coder.nlp("Officials who had asked for food said the ministry shipped trucks.")
    assert verbs.hits(doc[:]) == []


def test_shipped_dictionary_codes_common_news_verbs(coder):
    doc = coder.nlp("Russia vetoed the resolution. Israeli warplanes bombed Hamas positions in Gaza.")
    hits = [[(doc[h.trigger].lemma_, h.event) for h in coder.verbs.hits(s)] for s in doc.sents]
    assert hits == [[("veto", "REJECT")], [("bomb", "ASSAULT")]]


def test_detector_event_takes_its_cameo_code_from_the_dictionary(coder):
    text = "Syrian government forces bombed rebel positions near Idlib on Monday."
    events = coder.code(Article(id="a", text=text, published=dt.date(2024, 3, 5)))
    bombs = [e for e in events if e.event == "ASSAULT"]
    assert bombs and bombs[0].cameo.startswith("19")
