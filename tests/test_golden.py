"""The example article, scored by the project's own evaluation code, meets the issue's floor."""

import json

from dotterel.evaluation import score_article
from dotterel.export.plover import to_plover

from .conftest import DATA

FLOOR = {"recall": 0.85, "precision": 0.80, "dates": 0.90, "places": 0.80, "sectors": 0.80}


def test_example_article_meets_accuracy_floor(seed_events, seed_text):
    gold = [json.loads(line) for line in (DATA / "seed.gold.jsonl").read_text().splitlines() if line.strip()]
    preds = [to_plover(e) for e in seed_events]
    result = score_article(gold, preds, seed_text)
    figures = result.figures()
    short = {k: round(figures[k], 3) for k, v in FLOOR.items() if figures[k] < v}
    assert not short, f"below floor: {short}\n" + "\n".join(result.details)
