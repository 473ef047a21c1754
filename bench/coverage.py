"""Party coverage: for how many required gold events are both sides among the sentence's parties?

    python bench/coverage.py

Reads the 48 training articles (`../shared/data/train_articles`), never the development articles.
A required event is coverable when an accepted actor code and an accepted recipient code (or "any")
are among the parties the candidates are drawn from (its sentence's resolved actor mentions,
uncoded ones also read with the article's focus country). This bounds the recall the pair model
can reach; "with the previous sentence" adds that sentence's parties.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "data" / "train_articles"


def _ok(want: list[str], codes: set[str | None]) -> bool:
    specific = [c for c in want if c != "*"]
    return (not specific and "*" in want) or bool(set(specific) & codes)


def main() -> int:
    if not TRAIN.is_dir():
        print(f"skipped: {TRAIN} is absent (the shared data is not next to this clone)")
        return 0
    from dotterel import train_events as te
    from dotterel.pipeline import Coder

    coder = Coder.load(use_classifier=False, use_detector=False)
    items = te.analyse(coder, te.load_examples([TRAIN]))
    required = both = both_prev = 0
    for a in items:
        for g, (start, end) in zip(a.example.gold, a.spans, strict=True):
            views = [v for v in a.views if v.sent.start_char < end and v.sent.end_char > start]
            if not g["required"] or not views:
                continue
            own = {p.entity.code for v in views for p in v.parties}
            i = views[0].index
            prev = {p.entity.code for p in a.views[i - 1].parties} if i > 0 else set()
            required += 1
            both += _ok(g["actor"]["code"], own) and _ok(g["recipient"]["code"] or ["*"], own)
            both_prev += _ok(g["actor"]["code"], own | prev) and _ok(g["recipient"]["code"] or ["*"], own | prev)
    print(f"required events: {required}")
    print(f"both sides among the sentence's parties: {both} ({both / required:.0%})")
    print(f"with the previous sentence's parties too: {both_prev} ({both_prev / required:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
