"""Ingest throughput: `dotterel code` alone, ingest without merging, ingest with merging, same run.

    .venv/bin/python bench/ingest.py [--articles N] [--seed S]

Corpus: N synthetic articles made from the example articles (names, dates and paragraphs
varied) and, when ../shared/data/dev is present, development-set news sentences
(tests/store/corpus.py). The Coder is loaded once; each ingest goes into a fresh store in a
temporary folder. Each variant runs --repeat times, alternating, and the best run is shown:
articles/s and events/s, merged events and the store's size.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("dotterel code (no store)", "ingest, no merging", "ingest + merging")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each variant, alternating; the best is shown")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.store.corpus import make_articles

    from dotterel.inputs import article_from_json
    from dotterel.pipeline import Coder
    from dotterel.store.db import Store
    from dotterel.store.ingest import ingest
    from dotterel.store.query import count_merged

    articles = [article_from_json(json.dumps(a), "bench") for a in make_articles(args.articles, seed=args.seed)]
    coder = Coder.load()
    list(coder.code_many(articles[: min(50, len(articles))]))  # warm up

    best: dict[str, tuple[float, int, int, object, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            for label in LABELS:
                if label == LABELS[0]:
                    t0 = time.perf_counter()
                    n_events = sum(len(o.events) for o in coder.code_many(articles))
                    result = (time.perf_counter() - t0, len(articles), n_events, "", "")
                else:
                    merge = label == LABELS[2]
                    db = Path(tmp) / f"{round_}-{'merge' if merge else 'plain'}.db"
                    with Store.open(db) as store:
                        summary = ingest(store, coder, articles, merge=merge)
                        merged = count_merged(store)
                    size = sum(p.stat().st_size for p in Path(tmp).glob(f"{db.name}*"))
                    result = (summary.elapsed, summary.coded, summary.events, merged, f"{size / 1e6:.1f} MB")
                if label not in best or result[0] < best[label][0]:
                    best[label] = result

    print(f"corpus: {len(articles)} articles (python {sys.version.split()[0]}, best of {args.repeat})")
    print(
        f"{'':26} {'articles':>8} {'events':>7} {'seconds':>8} {'articles/s':>10} {'events/s':>9} {'merged':>7} {'store':>7}"
    )
    for label in LABELS:
        secs, n, ev, merged, size = best[label]
        print(f"{label:26} {n:8} {ev:7} {secs:8.1f} {n / secs:10.2f} {ev / secs:9.1f} {merged!s:>7} {size:>7}")
    base = best[LABELS[0]]
    for label in LABELS[1:]:
        secs, n, *_ = best[label]
        per_article = secs / n / (base[0] / base[1])
        print(f"{label}: {100 * (per_article - 1):+.1f}% time per article over coding alone")
    skipped = len(articles) - best[LABELS[1]][1]
    if skipped:
        print(f"({skipped} generated articles repeat an earlier text; ingest stores them as duplicates, uncoded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
