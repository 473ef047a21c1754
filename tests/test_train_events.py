"""Choosing the operating point of the event detector from its out-of-fold curve."""

from dotterel.train_events import F1_TIE, operating_point


def _row(name, precision, f1):
    return {"name": name, "precision": precision, "f1": f1}


def test_a_clearly_better_f1_wins_over_precision():
    curve = [_row("precise", 0.60, 0.20), _row("best", 0.35, 0.30)]
    assert operating_point(curve)["name"] == "best"


def test_points_tied_on_f1_go_to_the_more_precise():
    curve = [_row("best", 0.33, 0.2974), _row("tied", 0.36, 0.2974 - F1_TIE / 2), _row("worse", 0.50, 0.28)]
    assert operating_point(curve)["name"] == "tied"
