"""The option scorer: which tokens it reads as each side, and what the shipped model makes of them."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from dotterel.errors import ModelError
from dotterel.events.choice import option_features
from dotterel.events.detector import EventDetector
from dotterel.events.scorer import SCORER_FILE, OptionScorer, Side, batch, sentence_input
from dotterel.ontology import Ontology
from tests.events.test_choice import _option

MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "dotterel" / "data" / "model"
TYPES = sorted(Ontology.load().types)


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))


def _tokens(tokenizer, text: str, mask: np.ndarray) -> list[str]:
    enc = tokenizer.encode(text)
    return [enc.tokens[i] for i in np.flatnonzero(mask)]


def test_each_side_reads_the_tokens_of_every_mention_of_its_code(tokenizer):
    text = "Turkish jets bombed Kurdish positions in Syria, and Ankara said Damascus had been warned."
    parties = [(0, 7, "TUR"), (52, 58, "TUR"), (64, 72, "SYR"), (41, 46, "SYR")]
    x = sentence_input(
        tokenizer,
        text,
        parties,
        [Side(event="ASSAULT", actor="TUR", recipient="SYR", detected=True, lexicon=False)],
        TYPES,
    )
    assert _tokens(tokenizer, text, x.actor_mask[0]) == ["turkish", "ankara"]
    assert _tokens(tokenizer, text, x.recipient_mask[0]) == ["syria", "damascus"]
    assert x.types.tolist() == [TYPES.index("ASSAULT")]
    assert x.flags[0].tolist() == [0, 0, 0, 0, 1, 0, 0]


def test_a_side_without_a_mention_in_the_sentence_is_flagged_not_guessed(tokenizer):
    text = "He accused them of lying."
    sides = [
        Side(event="ACCUSE", actor="USA", recipient=None, detected=False, lexicon=True),
    ]
    x = sentence_input(tokenizer, text, [], sides, TYPES)
    assert not x.actor_mask.any() and not x.recipient_mask.any()
    # no recipient code, actor not in the sentence, recipient not in the sentence, a lexicon event
    assert x.flags[0].tolist() == [0, 1, 1, 1, 0, 1, 0]


def test_sentences_of_different_lengths_are_padded_into_one_batch(tokenizer):
    side = Side(event="CONSULT", actor="IRN", recipient="IRQ", detected=True, lexicon=False)
    short = sentence_input(tokenizer, "Iran met Iraq.", [(0, 4, "IRN"), (9, 13, "IRQ")], [side, side], TYPES)
    long = sentence_input(
        tokenizer,
        "Iran's foreign minister met his Iraqi counterpart in Baghdad on Sunday.",
        [(0, 4, "IRN")],
        [side],
        TYPES,
    )
    arrays = batch([short, long])
    assert arrays["input_ids"].shape == (2, len(long.ids))
    assert arrays["option_sentence"].tolist() == [0, 0, 1]
    assert arrays["actor_mask"].shape == (3, len(long.ids))
    assert arrays["attention_mask"][0].sum() == len(short.ids)


def test_a_missing_scorer_file_is_named_in_the_error(tmp_path):
    with pytest.raises(ModelError, match=SCORER_FILE):
        OptionScorer.load(TYPES, tmp_path)


def test_the_choice_reads_the_scorer_only_where_it_is_given():
    o = _option(0, "ASSAULT", "TUR", "SYR")
    plain = option_features(o, [o])
    scored = option_features(replace(o, scored=2.5), [o])
    assert not any(f.startswith("~ce") for f in plain)
    assert "~ce=2.5000" in scored and "ceb=6|det" in scored


shipped = pytest.mark.skipif(not (MODEL_DIR / SCORER_FILE).is_file(), reason="no option scorer shipped")


@shipped
def test_the_shipped_choice_trusts_a_higher_scorer_logit_more():
    det = EventDetector.load(TYPES)
    assert det.scorer is not None
    o = _option(0, "ASSAULT", "TUR", "SYR")
    low, high = replace(o, scored=-3.0), replace(o, scored=3.0)
    assert det.choose([high]) or not det.choose([low])
    from dotterel.events.choice import probabilities

    assert probabilities(det.choice, [high])[0] > probabilities(det.choice, [low])[0]
