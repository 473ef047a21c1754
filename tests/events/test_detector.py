"""The learned detector adds events the lexicon frames miss, and says so in the trace."""

import datetime as dt

from dotterel.events.candidates import sentence_views
from dotterel.events.frames import FrameExtractor
from dotterel.records import Article


def _views(coder, text):
    from dotterel.actors.resolve import ArticleActors
    from dotterel.nlp import parse

    doc = next(iter(parse(coder.nlp, [text])))
    actors = ArticleActors(doc, coder.kb, coder.matcher, dt.date(2024, 3, 5), speech=coder.cues.of("speech"))
    extractor = FrameExtractor(doc, actors, coder.lexicon, coder.cues, keep_irrealis=True)
    return sentence_views(doc, actors, extractor, coder.verbs, coder.encoder)


def test_detector_finds_an_attack_reported_without_a_lexicon_verb(coder):
    text = "Syrian government forces hammered rebel fighters near Idlib."  # only "hammer out" has a lexicon row
    events = coder.code(Article(id="a", text=text, published=dt.date(2024, 3, 5)))
    assert [(e.event, e.actor[0][1].code) for e in events] == [("ASSAULT", "SYR")]
    assert events[0].rule.startswith("detector(")


def test_detector_rates_an_attack_above_a_weather_report(coder):
    views = _views(coder, "Israel carried out airstrikes on Gaza. The weather in London was mild on Tuesday.")
    probs = coder.detector.sentence_types(views)
    assert probs[0]["ASSAULT"] > 0.5 > probs[1]["ASSAULT"]


def test_candidates_keep_negated_frames_with_their_modality_as_features(coder):
    views = _views(coder, "Turkey did not attack Syrian forces on Monday.")
    frames = views[0].frames
    assert any(f.event == "ASSAULT" for f in frames)
    cands = views[0].candidates(["ASSAULT"])
    assert any("neg" in c.features for c in cands if c.event == "ASSAULT")


def test_pair_model_puts_the_subject_first(coder):
    views = _views(coder, "Turkish troops shelled the positions of Syrian rebels near Afrin on Monday.")
    best = coder.detector.best_pair(views[0], "ASSAULT")
    assert best is not None and best[0].actor is not None and best[0].actor.entity.code == "TUR"


def test_events_carry_calibrated_confidence(coder):
    text = "Russia condemned the US air strikes on Syria. The weather in Moscow was mild on Tuesday."
    events = coder.code(Article(id="a", text=text, published=dt.date(2024, 3, 5)))
    assert events and all(0.0 < e.confidence < 1.0 for e in events)


def test_a_lexicon_event_the_detector_agrees_with_is_likelier_than_one_it_doubts(coder):
    from dotterel.events.choice import Reading, probabilities

    views = _views(coder, "Turkish troops shelled the positions of Syrian rebels near Afrin on Monday.")
    reading = Reading(event="ASSAULT", actor="TUR", recipient="SYR", rule="lexicon:shell", evidence=0.8)
    det = coder.detector
    agreed = det.options(views[0], {"ASSAULT": 0.95}, [reading])
    doubted = det.options(views[0], {"ASSAULT": 0.02}, [reading])
    p_agreed = probabilities(det.choice, agreed)[[o.reading for o in agreed].index(0)]
    p_doubted = probabilities(det.choice, doubted)[[o.reading for o in doubted].index(0)]
    assert 0.0 < p_doubted < p_agreed < 1.0


def test_an_uncoded_person_is_also_offered_with_the_articles_focus_country(coder):
    text = (
        "Kenya held elections on Monday. Kenyan officials counted votes in Nairobi. "
        "Kenya's election board met observers. Mr Zxqwor Blanvik criticised the count."
    )
    views = _views(coder, text)
    parties = [(p.mention.text, p.entity.code, p.entity.inferred) for p in views[-1].parties]
    assert ("Mr Zxqwor Blanvik", "KEN", True) in parties or ("Zxqwor Blanvik", "KEN", True) in parties
    assert any(code is None for _, code, _ in parties)


def test_an_uncoded_group_takes_the_country_of_the_places_its_sentence_names(coder):
    text = (
        "Kenya held elections on Monday. Kenyan officials counted votes in Nairobi. "
        "Kenya's election board met observers. Soldiers shelled villagers near Goma in Congo. "
        "Mr Zxqwor Blanvik visited Goma in Congo."
    )
    views = _views(coder, text)
    groups = {(p.mention.text, p.entity.code) for p in views[3].parties if p.entity.inferred}
    assert ("villagers", "COD") in groups and ("villagers", "KEN") not in groups
    person = {(p.mention.text, p.entity.code) for p in views[4].parties if p.entity.inferred}
    assert {code for _, code in person} == {"KEN"}  # a person's nationality is not where they are


def test_a_listed_subject_does_not_act_on_its_own_members_in_a_one_way_act(coder):
    views = _views(coder, "Norway and Chile condemned the new sanctions on Friday.")
    accuse = {
        (c.actor.entity.code, c.recipient.entity.code)
        for c in views[0].candidates(["ACCUSE"])
        if c.actor and c.recipient
    }
    assert not accuse & {("NOR", "CHL"), ("CHL", "NOR")}
    meet = {
        (c.actor.entity.code, c.recipient.entity.code)
        for c in views[0].candidates(["CONSULT"])
        if c.actor and c.recipient
    }
    assert ("NOR", "CHL") in meet  # a mutual act may pair them


def test_a_group_does_not_act_on_a_name_inside_it_or_one_mention_on_itself(coder):
    views = _views(coder, "Airstrikes by US, British and French forces hit the depot.")
    pairs = {
        (c.actor.mention.text, c.actor.entity.code, c.recipient.mention.text, c.recipient.entity.code)
        for c in views[0].candidates(["ASSAULT"])
        if c.actor and c.recipient
    }
    assert not [p for p in pairs if p[0] == "US, British and French forces" and p[2] in ("US", p[0])]
    assert not [p for p in pairs if p[2] == "US, British and French forces" and p[0] == "US"]
    mutual = views[0].candidates(["CONSULT"])  # "Chinese and Russian diplomats met": one mention, both sides
    assert any(c.recipient and c.actor and c.actor.mention.index == c.recipient.mention.index for c in mutual)


def test_a_named_place_is_offered_as_a_party_the_pair_model_may_choose(coder):
    views = _views(coder, "Washington withdrew its last 2,000 soldiers from Syria on Wednesday.")
    places = [p for p in views[0].parties if p.mention.rule == "place-party"]
    assert [(p.mention.text, p.entity.code) for p in places] == [("Syria", "SYR")]
    cands = views[0].candidates(["RETREAT"])
    assert any(c.recipient is not None and "R:place" in c.features for c in cands)
    views = _views(coder, "Idlib residents fled the bombing.")  # a place inside an actor mention is that mention's
    assert not [p for p in views[0].parties if p.mention.rule == "place-party"]


def test_sentence_types_read_real_valued_features_as_the_trained_model_does(coder):
    from dotterel.events.detector import sentence_types, typed

    views = _views(coder, "Israel carried out airstrikes on Gaza. The two leaders met in Cairo on Monday.")
    assert any(f.startswith("~vec") for f in views[0].detector_features())
    types = coder.detector.types
    fast = sentence_types(coder.detector.detector, views, types)
    rows = [[typed(t, f) for f in v.detector_features()] for v in views for t in types]
    slow = coder.detector.detector.predict(rows)  # every feature hashed as written, as in training
    for i, probs in enumerate(fast):
        for k, t in enumerate(types):
            assert abs(probs[t] - float(slow[i * len(types) + k])) < 1e-5


def test_a_person_is_never_paired_with_their_own_apposition_or_pronoun(coder):
    views = _views(
        coder, "Ivan Petrov, the Russian president whose army fought in Syria, welcomed the move by Chile."
    )
    pairs = {
        (c.actor.mention.text, c.recipient.mention.text) for c in views[0].candidates(["SUPPORT"]) if c.recipient
    }
    assert ("Ivan Petrov", "Chile") in pairs
    assert not pairs & {("Ivan Petrov", "the Russian president"), ("the Russian president", "Ivan Petrov")}
    views = _views(coder, "The UN envoy arrived on Monday. He said that he would visit Chile.")
    pairs = {
        (c.actor.mention.text, c.recipient.mention.text) for c in views[1].candidates(["SUPPORT"]) if c.recipient
    }
    assert ("He", "Chile") in pairs
    assert not pairs & {("He", "he"), ("he", "He")}


def test_the_nation_or_group_a_modifier_names_is_offered_as_a_party(coder):
    views = _views(coder, "Chilean jets struck Peruvian targets and a Hezbollah depot on Friday.")
    owners = [(p.mention.text, p.entity.code) for p in views[0].parties if p.mention.rule == "owner-party"]
    assert ("Peruvian", "PER") in owners
    assert any(text == "Hezbollah" for text, _ in owners)
    cands = views[0].candidates(["ASSAULT"])
    assert any(c.actor.entity.code == "CHL" and c.recipient is not None and "R:owner" in c.features for c in cands)
    views = _views(
        coder, "Peruvian troops crossed the border."
    )  # a nationality inside an actor mention is that mention's
    assert not [p for p in views[0].parties if p.mention.rule == "owner-party"]


def test_a_group_is_never_paired_with_the_country_that_owns_it(coder):
    views = _views(coder, "Chile's militia and the ambassadors of Peru attacked Bolivia on Friday.")
    pairs = {
        (c.actor.mention.text, c.recipient.mention.text) for c in views[0].candidates(["ASSAULT"]) if c.recipient
    }
    owners = {("Chile", "militia"), ("Peru", "the ambassadors")}
    assert not pairs & (owners | {(b, a) for a, b in owners})
    assert ("militia", "Bolivia") in pairs
    assert any(r == "Bolivia" for _, r in pairs)
