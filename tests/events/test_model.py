"""The shipped event classifier, on handwritten sentences that are not in its training data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "dotterel" / "data" / "model"

needs_model = pytest.mark.skipif(
    not (MODEL_DIR / "classifier.onnx").is_file(),
    reason="no shipped classifier: src/dotterel/data/model/classifier.onnx is absent (train it with dotterel.train)",
)


@pytest.fixture(scope="module")
def classifier():
    from dotterel.events.model import EventClassifier

    return EventClassifier.load()


def pair(text: str, actor: str | None, recipient: str | None):
    def span(part: str | None):
        if part is None:
            return None
        start = text.index(part)
        return (start, start + len(part))

    return (text, span(actor), span(recipient))


def best(probs: dict[str, float]) -> str:
    return max(probs, key=probs.__getitem__)


@needs_model
@pytest.mark.parametrize(
    ("text", "actor", "recipient", "expected"),
    [
        (
            "Russian troops shelled Ukrainian positions near Kharkiv.",
            "Russian troops",
            "Ukrainian positions",
            "ASSAULT",
        ),
        (
            "The minister met his Turkish counterpart in Ankara.",
            "The minister",
            "his Turkish counterpart",
            "CONSULT",
        ),
        ("Japan pledged $50 million in humanitarian aid to Sudan on Monday.", "Japan", "Sudan", "AID"),
        (
            "The opposition leader accused the government of rigging the vote.",
            "The opposition leader",
            "the government",
            "ACCUSE",
        ),
        (
            "Colombia agreed to resume peace talks with the ELN guerrillas.",
            "Colombia",
            "the ELN guerrillas",
            "AGREE",
        ),
    ],
)
def test_pair_gets_the_event_a_reader_would_give(classifier, text, actor, recipient, expected):
    assert best(classifier.predict_pairs([pair(text, actor, recipient)])[0]) == expected


@needs_model
def test_police_arresting_protesters_is_coerce(classifier):
    text = "Police arrested dozens of protesters in Minsk on Sunday."
    assert best(classifier.predict_pairs([pair(text, "Police", "dozens of protesters")])[0]) == "COERCE"


@needs_model
def test_the_marked_pair_decides_the_event_in_a_sentence_with_two(classifier):
    text = (
        "Police fired tear gas at protesters who had blocked the highway, and the protesters denounced the police."
    )
    police, protesters = classifier.predict_pairs(
        [pair(text, "Police", "protesters"), pair(text, "the protesters", "the police")]
    )
    assert best(police) == "ASSAULT"
    assert best(protesters) == "PROTEST"


@needs_model
def test_street_protest_sentence_is_material_conflict(classifier):
    probs = classifier.predict_penta(["Protesters rallied outside parliament."])[0]
    assert max(range(5), key=probs.__getitem__) == 4


@needs_model
def test_talks_sentence_is_verbal_cooperation(classifier):
    probs = classifier.predict_penta(["The foreign ministers held talks on trade in Brussels on Tuesday."])[0]
    assert max(range(5), key=probs.__getitem__) == 1


@needs_model
def test_probabilities_sum_to_one(classifier):
    pairs = classifier.predict_pairs(
        [
            pair(
                "Russian troops shelled Ukrainian positions near Kharkiv.", "Russian troops", "Ukrainian positions"
            ),
            pair("The rebels released two hostages.", "The rebels", None),
        ]
    )
    assert [round(sum(p.values()), 6) for p in pairs] == [1.0, 1.0]
    assert set(pairs[0]) == set(classifier.labels)
    penta = classifier.predict_penta(["Protesters rallied outside parliament.", "The talks ended."])
    assert [round(sum(p), 6) for p in penta] == [1.0, 1.0]
    assert all(len(p) == 5 for p in penta)


@needs_model
def test_labels_are_the_fifteen_plv_roots_and_none(classifier):
    assert len(classifier.labels) == 16
    assert classifier.labels[-1] == "NONE"
    assert {"ASSAULT", "CONSULT", "YIELD"} <= set(classifier.labels)


@needs_model
def test_empty_input_gives_empty_output(classifier):
    assert classifier.predict_pairs([]) == []
    assert classifier.predict_penta([]) == []


@needs_model
def test_more_items_than_one_batch_keep_their_order(classifier):
    texts = ["Protesters rallied outside parliament.", "The foreign ministers held talks on trade."] * 40
    probs = classifier.predict_penta(texts)
    assert len(probs) == 80
    assert probs[0] == pytest.approx(probs[78], abs=1e-5)
    assert probs[1] == pytest.approx(probs[79], abs=1e-5)


@needs_model
def test_span_outside_the_text_is_an_input_error(classifier):
    from dotterel.errors import InputError

    with pytest.raises(InputError, match="actor span"):
        classifier.predict_pairs([("Short.", (0, 50), None)])


def test_missing_model_directory_is_a_model_error(tmp_path):
    from dotterel.errors import ModelError
    from dotterel.events.model import EventClassifier

    with pytest.raises(ModelError, match="classifier.onnx"):
        EventClassifier.load(tmp_path)


def test_markers_wrap_the_spans_and_neutralise_marker_characters_in_the_text():
    from dotterel.events.model import mark_pair

    text = "«Iran» told Iraq."
    assert mark_pair(text, (0, 6), (12, 16)) == '« "Iran" » told ⟨ Iraq ⟩.'


def test_training_module_imports_without_torch():
    code = "import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None; import dotterel.train"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_training_without_torch_says_how_to_install_it(tmp_path):
    code = (
        "import sys; from pathlib import Path; sys.modules['torch'] = None\n"
        "from dotterel.train import _import_torch\n"
        "from dotterel.errors import DotterelError\n"
        "try:\n    _import_torch()\nexcept DotterelError as e:\n    print(e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "pip install -e .[train]" in result.stdout


def test_training_with_missing_data_names_the_file(tmp_path):
    from dotterel.errors import DotterelError
    from dotterel.train import train

    with pytest.raises(DotterelError, match="plv_train.tsv"):
        train(tmp_path, tmp_path / "out")


@needs_model
def test_a_sentence_reads_the_same_alone_and_batched_with_others(classifier):
    text = "Turkish jets bombed Kurdish positions near the border on Sunday."
    others = ["Talks resumed.", "The two leaders met in Geneva and agreed to a ceasefire that starts next week."]
    alone = classifier.predict_sentences([text])[0]
    batched = classifier.predict_sentences([others[0], text, others[1], text])
    assert classifier.has_vector and alone.vector.shape == (384,)
    for reading in (batched[1], batched[3]):
        assert reading.plv == pytest.approx(alone.plv, abs=1e-6)
        assert reading.penta == pytest.approx(alone.penta, abs=1e-6)
        assert reading.vector == pytest.approx(alone.vector, abs=1e-5)
    assert best(alone.plv) == "ASSAULT"


@needs_model
def test_the_sentence_vector_becomes_real_valued_detector_features(classifier):
    from dotterel.events.candidates import VECTOR_DIMS, encoder_features
    from dotterel.events.detector import typed

    reading = classifier.predict_sentences(["Israel carried out airstrikes on Gaza."])[0]
    feats = encoder_features(reading.plv, reading.penta, reading.vector)
    dense = [f for f in feats if f.startswith("~vec")]
    assert len(dense) == VECTOR_DIMS
    assert encoder_features(reading.plv, reading.penta, reading.vector) == feats  # the projection is fixed
    assert typed("ASSAULT", dense[0]).startswith("~T=ASSAULT|vec0=")  # stays real-valued
    assert typed("ASSAULT", "plv=ASSAULT|b3") == "T=ASSAULT|plv=ASSAULT|b3"
    assert not [f for f in encoder_features(reading.plv, reading.penta) if f.startswith("~")]


@needs_model
def test_exposing_the_sentence_vector_adds_one_output_and_changes_no_head(tmp_path, classifier):
    onnx = pytest.importorskip("onnx", reason="onnx is a training extra: pip install -e '.[train]'")
    from dotterel.events.model import EventClassifier
    from dotterel.train import expose_sentence_vector

    model = onnx.load(str(MODEL_DIR / "classifier.onnx"))
    kept = [o for o in model.graph.output if o.name != "sentence_vector"]
    del model.graph.output[:]
    model.graph.output.extend(kept)
    nodes = [n for n in model.graph.node if "sentence_vector" not in n.output]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    for name in ("tokenizer.json", "labels.json"):
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    onnx.save(model, str(tmp_path / "classifier.onnx"))
    assert not EventClassifier.load(tmp_path).has_vector
    assert expose_sentence_vector(tmp_path / "classifier.onnx")
    assert not expose_sentence_vector(tmp_path / "classifier.onnx")  # once only
    again = EventClassifier.load(tmp_path).predict_sentences(["Talks resumed in Geneva."])[0]
    shipped = classifier.predict_sentences(["Talks resumed in Geneva."])[0]
    assert again.plv == pytest.approx(shipped.plv, abs=1e-6)
    assert again.vector == pytest.approx(shipped.vector, abs=1e-6)
