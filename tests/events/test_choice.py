"""The joint choice of events: options from the lexicon and the detector, one per type and sentence."""

import datetime as dt

from dotterel.events.choice import ChoicePoint, Option, Reading, choose, reading_of
from dotterel.records import Article
from tests.events.test_detector import _views


def _option(sentence: int, event: str, actor: str, recipient: str | None = None) -> Option:
    return Option(
        sentence=sentence,
        event=event,
        actor=actor,
        recipient=recipient,
        probability=0.5,
        top_probability=0.5,
        top_type=True,
        margin=0.0,
        rank=0,
        best_margin=0.0,
        detected=True,
        parties=2,
    )


def test_the_detector_adds_one_dyad_per_type_and_sentence_and_nothing_below_the_threshold():
    options = [
        _option(0, "ASSAULT", "TUR", "SYR"),
        _option(0, "ASSAULT", "SYR", "TUR"),  # the same act with the sides read the other way
        _option(0, "ACCUSE", "SYR", "TUR"),
        _option(1, "ASSAULT", "TUR", "SYR"),
        _option(1, "CONSULT", "TUR", "RUS"),
    ]
    chosen = choose(options, [0.6, 0.9, 0.5, 0.7, 0.2], threshold=0.3)
    # likeliest first; the weaker ASSAULT reading of sentence 0 and CONSULT are out, and so is
    # ACCUSE: its dyad is the chosen ASSAULT's, a second reading of the same act
    assert chosen == [1, 3]


def test_the_detector_adds_no_second_type_to_a_dyad_the_sentence_already_has():
    from dataclasses import replace

    options = [
        replace(_option(0, "AGREE", "IRN", "IRQ"), reading=0),  # "signed a security agreement"
        _option(0, "COOPERATE", "IRN", "IRQ"),
        _option(0, "SUPPORT", "IRQ", "IRN"),  # the same dyad the other way round
        _option(0, "SUPPORT", "IRN", "SYR"),  # a new dyad
    ]
    assert choose(options, [0.5, 0.8, 0.7, 0.6], threshold=0.3) == [1, 3, 0]


def test_each_lexicon_event_stands_on_its_own_score():
    from dataclasses import replace

    # "He praised the PMF and the people of Lebanon": one act of support towards two parties
    options = [
        replace(_option(0, "SUPPORT", "IRQ", "IRQ"), reading=0),
        replace(_option(0, "SUPPORT", "IRQ", "LBN"), reading=1),
        _option(0, "SUPPORT", "LBN", "IRQ"),  # the detector's reversed reading
    ]
    assert choose(options, [0.7, 0.6, 0.5], threshold=0.4) == [0, 1]


def test_a_lexicon_event_and_the_detectors_reading_of_the_same_dyad_are_one_option(coder):
    views = _views(coder, "Turkish troops shelled the positions of Syrian rebels near Afrin on Monday.")
    reading = Reading(event="ASSAULT", actor="TUR", recipient="SYR", rule="lexicon:shell", evidence=0.8)
    point = ChoicePoint(threshold=0.5, floor=0.2, top=3)
    options = coder.detector.options(views[0], {"ASSAULT": 0.9}, [reading, reading])
    keys = [o.key for o in options]
    assert len(keys) == len(set(keys))  # the repeated reading is a duplicate, not a second option
    both = [o for o in options if o.key == ("ASSAULT", "TUR", "SYR")]
    assert len(both) == 1 and both[0].reading == 0 and both[0].detected
    assert both[0].candidate is not None and both[0].rank == 0  # the pair model's first dyad
    assert len([o for o in options if o.reading is None]) <= point.top
    # below the floor the detector offers nothing of its own; the lexicon event is still an option
    low = coder.detector.options(views[0], {"ASSAULT": 0.05}, [reading])
    assert [(o.key, o.detected) for o in low] == [(("ASSAULT", "TUR", "SYR"), False)]


def test_a_lexicon_events_reading_has_its_codes_rule_and_modality(coder):
    text = "Turkey reportedly attacked Syrian forces on Monday."
    lexicon = coder.__class__.load(use_detector=False).code(
        Article(id="n", text=text, published=dt.date(2024, 3, 5))
    )
    readings = [reading_of(e) for e in lexicon if e.event == "ASSAULT"]
    assert readings and readings[0].actor == "TUR" and readings[0].recipient == "SYR"
    assert readings[0].modality == ("hedged",) and readings[0].rule.startswith("lexicon:")
