"""The learned classifier reviewing lexicon frames (on request: `Coder.load(review=True)`): it
confirms or corrects, never invents; by default the coder does without it."""

import datetime as dt

import pytest

from dotterel.records import Article

from ..conftest import DATA

HEDGED = "Some Iranian sources suggested that al-Sudani's visit might be linked to U.S. pressure on Iraq."


@pytest.fixture(scope="module")
def lexicon_only():
    from dotterel.pipeline import Coder

    return Coder.load(use_classifier=False, use_detector=False)


@pytest.fixture(scope="module")
def classifier_only():
    from dotterel.pipeline import Coder

    return Coder.load(use_detector=False, review=True)


@pytest.fixture(scope="module")
def reviewing():
    from dotterel.pipeline import Coder

    return Coder.load(review=True)


def test_every_event_says_what_decided_it(reviewing, seed_text):
    if reviewing.classifier is None:
        pytest.skip("the classifier is not installed in package data")
    seed_events = reviewing.code(Article(id="s", text=seed_text, published=dt.date(2025, 1, 10)))
    assert any("classifier" in e.rule for e in seed_events)
    assert all(
        e.rule.startswith(("lexicon:", "classifier", "statement:", "evaluation:", "detector("))
        for e in seed_events
    )


def test_classifier_keeps_hedged_claims_hedged(classifier_only, lexicon_only):
    art = Article(id="h", text=HEDGED, published=dt.date(2025, 1, 10))
    with_model = classifier_only.code(art)
    without = lexicon_only.code(art)
    assert [e.modality for e in with_model] == [e.modality for e in without]
    assert all(e.modality.hedged for e in with_model)


def test_classifier_adds_no_events_to_the_example_article(classifier_only, lexicon_only, seed_text):
    art = Article(id="s", text=seed_text, published=dt.date(2025, 1, 10))
    with_model = {(e.text_info.sentence, e.trigger) for e in classifier_only.code(art)}
    without = {(e.text_info.sentence, e.trigger) for e in lexicon_only.code(art)}
    assert with_model == without


def test_lexicon_alone_still_codes_the_example_article(lexicon_only):
    text = (DATA / "seed_article.txt").read_text(encoding="utf-8")
    events = lexicon_only.code(Article(id="s", text=text, published=dt.date(2025, 1, 10)))
    assert len(events) >= 16 and all(e.rule.startswith(("lexicon:", "statement:", "evaluation:")) for e in events)


def test_by_default_the_classifier_does_not_review_frames(coder, seed_events):
    assert not any("classifier" in e.rule for e in seed_events)
