"""Accuracy on labelled news articles the shipped models never saw.

    .venv/bin/python bench/heldout_labels.py [--folders news_e,news_f,...] [--bootstrap N]

The shipped detector and pair model were trained on `../shared/data/train_articles` and the label
folders `data/labels/news`, `news_b`, `news_c` and `news_d` (93 articles). The folders `news_e` to
`news_j` (60 Guardian articles, 660 required events, six annotators) were labelled afterwards and
are kept out of training, so the coder's figures on them are held-out figures, measured with the
same matching rules as `../shared/tools/score_articles.py` (micro-averaged). They are a larger and
more honest yardstick than the 13 development articles. Needs `../shared/data/news` for the texts.

With `--bootstrap N`, the articles are resampled N times with replacement and the spread of F1 is
printed: how far a figure moves by the luck of which articles were labelled, so differences
smaller than that are not read as gains.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news" / "guardian_sample.jsonl"
HELD_OUT = ("news_e", "news_f", "news_g", "news_h", "news_i", "news_j")
FIGURES = ("required", "predicted", "matched", "false_pos", "recall", "precision", "f1", "typed", "dates")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folders", default=",".join(HELD_OUT), help="label folders under data/labels")
    ap.add_argument("--bootstrap", type=int, default=0, metavar="N", help="resample the articles N times")
    args = ap.parse_args()
    if not NEWS.is_file():
        print(f"skipped: {NEWS} is absent (the shared data is not next to this clone)")
        return 0
    from dotterel import train_events as te
    from dotterel.evaluation import score_article, score_articles
    from dotterel.export.plover import to_plover
    from dotterel.pipeline import Coder

    folders = [ROOT / "data" / "labels" / f for f in args.folders.split(",") if f]
    examples = te.load_examples([], folders, NEWS)
    coder = Coder.load()
    scores = [
        score_article(list(ex.gold), [to_plover(e) for e in outcome.events], ex.article.text)
        for ex, outcome in zip(examples, coder.code_many([ex.article for ex in examples]), strict=True)
    ]
    figures = score_articles(scores)
    print(f"held-out labelled articles: {len(examples)} ({args.folders})")
    print(
        " ".join(
            f"{k}={figures[k]:.3f}" if isinstance(figures[k], float) else f"{k}={figures[k]}" for k in FIGURES
        )
    )
    if args.bootstrap:
        import random
        import statistics

        rng = random.Random(7)
        f1s = sorted(score_articles([rng.choice(scores) for _ in scores])["f1"] for _ in range(args.bootstrap))
        sd = statistics.pstdev(f1s)
        lo, hi = f1s[int(0.05 * len(f1s))], f1s[int(0.95 * len(f1s)) - 1]
        print(
            f"bootstrap over articles ({args.bootstrap} resamples): f1 sd={sd:.3f}, 90% interval {lo:.3f}-{hi:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
