"""Modality is set on events as attributes users can filter on."""

import pytest

from dotterel.events.frames import FrameExtractor
from dotterel.events.modality import modality_of


@pytest.fixture(scope="module")
def trigger_of(coder):
    from dotterel.actors.resolve import ArticleActors
    from dotterel.nlp import parse

    def find(text, word):
        doc = next(iter(parse(coder.nlp, [text])))
        actors = ArticleActors(doc, coder.kb, coder.matcher, None, speech=coder.cues.of("speech"))
        ex = FrameExtractor(doc, actors, coder.lexicon, coder.cues, keep_irrealis=True)
        return ex, next(t for t in doc if t.text == word)

    return find


def test_a_negated_action_is_marked_negated(trigger_of):
    ex, tok = trigger_of("Turkey did not attack the Kurdish forces.", "attack")
    assert modality_of(ex, tok).negated


def test_an_announced_action_is_marked_future(trigger_of):
    ex, tok = trigger_of("Russia will send troops to the border next week.", "send")
    m = modality_of(ex, tok)
    assert m.future and not m.negated


def test_a_conditional_action_is_marked_hypothetical(trigger_of):
    ex, tok = trigger_of("Iran would retaliate if Israel struck its nuclear sites.", "retaliate")
    assert modality_of(ex, tok).hypothetical


def test_a_plain_past_action_has_no_modality_marks(trigger_of):
    ex, tok = trigger_of("Police arrested three protesters in Nairobi on Friday.", "arrested")
    m = modality_of(ex, tok)
    assert not (m.negated or m.future or m.hypothetical or m.question or m.hedged)


def test_a_surname_may_is_not_a_hedge(trigger_of):
    ex, tok = trigger_of("Theresa May criticised Russia over the poisoning.", "criticised")
    assert not modality_of(ex, tok).hedged
