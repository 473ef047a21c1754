"""Speed of `dotterel code` next to bare spaCy parsing of the same text, in the same run.

    .venv/bin/python bench/speed.py [--articles N]

Corpus: the bundled example article plus, when ../shared/data/dev is present, news sentences
from the development sets grouped into articles of 20 sentences. Prints words/s and
sentences/s of both and the ratio (dotterel / bare spaCy), then the cost of the optional
review of lexicon frames by the learned classifier (the same corpus coded again with it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "dev"


def corpus(limit: int) -> list[str]:
    texts = [(ROOT / "examples" / "iran-iraq-2025-01-10.txt").read_text(encoding="utf-8")]
    penta = DEV / "penta_train.tsv"
    if penta.exists():
        with penta.open(encoding="utf-8", errors="replace") as f:
            sents = [row[0] for row in csv.reader(f, delimiter="\t") if row]
        texts += [" ".join(sents[i : i + 20]) for i in range(0, len(sents), 20)]
    else:
        print(f"note: {DEV} absent; timing the example article only", file=sys.stderr)
    while len(texts) < limit:
        texts += texts
    return texts[:limit]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=50)
    args = ap.parse_args()
    from dotterel.pipeline import Coder
    from dotterel.records import Article

    coder = Coder.load()
    texts = corpus(args.articles)
    nlp = coder.nlp
    list(nlp.pipe(texts[:2]))  # warm up
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=8))
    bare = time.perf_counter() - t0
    words = sum(sum(1 for t in d if not t.is_punct and not t.is_space) for d in docs)
    sents = sum(len(list(d.sents)) for d in docs)
    arts = [Article(id=f"b{i}", text=t, published=dt.date(2025, 1, 10)) for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    n_events = sum(len(o.events) for o in coder.code_many(arts))
    full = time.perf_counter() - t0
    print(f"corpus: {len(texts)} articles, {words} words, {sents} sentences")
    print(f"bare spaCy parse : {words / bare:9.0f} words/s {sents / bare:7.1f} sentences/s")
    print(f"dotterel code    : {words / full:9.0f} words/s {sents / full:7.1f} sentences/s ({n_events} events)")
    print(f"ratio dotterel/spaCy: {bare / full:.2f}")
    if coder.classifier is not None:
        coder.review = True  # the optional review of lexicon frames by the classifier
        t0 = time.perf_counter()
        sum(len(o.events) for o in coder.code_many(arts))
        reviewed = time.perf_counter() - t0
        coder.review = False
        per_article = 1000 * (reviewed - full) / len(arts)
        per_sentence = 1000 * (reviewed - full) / sents
        print(
            f"with the classifier's review: {words / reviewed:9.0f} words/s; it adds "
            f"{per_article:.1f} ms per article, {per_sentence:.2f} ms per sentence"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
