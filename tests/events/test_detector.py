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
    return sentence_views(doc, actors, FrameExtractor(doc, actors, coder.lexicon, coder.cues, keep_irrealis=True))


def test_detector_finds_an_attack_reported_without_a_lexicon_verb(coder):
    text = "Syrian government forces carried out airstrikes on rebel fighters."
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


def test_confidence_is_a_probability_that_grows_with_the_evidence(coder):
    det = coder.detector
    assert det.operating.calibration, "the shipped model has no calibration"
    weak = det.calibrated(0.55, 0.2, False)  # reported speech, type unlikely in the sentence
    strong = det.calibrated(0.8, 0.95, False)  # a verb frame the detector agrees with
    assert 0.0 < weak < strong < 1.0


def test_events_carry_calibrated_confidence(coder):
    text = "Russia condemned the US air strikes on Syria. The weather in Moscow was mild on Tuesday."
    events = coder.code(Article(id="a", text=text, published=dt.date(2024, 3, 5)))
    assert events and all(0.0 < e.confidence < 1.0 for e in events)
