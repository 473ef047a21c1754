"""The hashed logistic model behind the event detector and the pair model."""

import numpy as np
import pytest

from dotterel.errors import ModelError
from dotterel.events.linear import LinearModel, fit, platt


def _toy():
    rows = [["w=strike", "w=army"], ["w=strike", "w=jets"], ["w=weather"], ["w=football", "w=army"]] * 5
    labels = [1.0, 1.0, 0.0, 0.0] * 5
    return rows, labels


def test_a_fitted_model_separates_what_it_was_taught():
    rows, labels = _toy()
    model = fit(rows, labels, steps=200)
    p = model.predict([["w=strike", "w=army"], ["w=weather"]])
    assert p[0] > 0.8 > 0.2 > p[1]


def test_a_model_survives_a_round_trip_through_bytes():
    rows, labels = _toy()
    model = fit(rows, labels, steps=50)
    again = LinearModel.from_bytes(model.to_bytes(), "test")
    assert np.allclose(model.predict(rows), again.predict(rows))


def test_real_valued_features_scale_their_weight():
    model = fit([["~x=1"], ["~x=-1"]] * 10, [1.0, 0.0] * 10, steps=200)
    p = model.predict([["~x=2"], ["~x=0.5"], ["~x=-2"]])
    assert p[0] > p[1] > p[2]


def test_corrupt_model_bytes_are_a_clear_error():
    with pytest.raises(ModelError, match="not a dotterel linear model"):
        LinearModel.from_bytes(b"not a model", "data/model/broken.npz")


def test_platt_scaling_recovers_a_known_slope():
    rng = np.random.default_rng(1)
    x = rng.normal(size=4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-(2.0 * x - 0.5)))).astype(float)
    a, b = platt(x, y)
    assert abs(a - 2.0) < 0.3 and abs(b + 0.5) < 0.2


def test_a_model_scores_rows_the_same_once_it_remembers_their_names():
    from dotterel.events.linear import FeatureHasher, encode

    rows, labels = _toy()
    rows = [[*r, "~x=0.5"] for r in rows]
    model = fit(rows, labels, steps=50)
    first = model.margins(rows)
    again = model.margins(rows)  # every name now comes from the model's memory
    assert np.array_equal(first, again)
    small = FeatureHasher(limit=2)  # forgets as it goes: still the same indices and values
    for _ in range(2):
        for got, want in zip(small.encode(rows), encode(rows), strict=True):
            assert np.array_equal(got, want)
