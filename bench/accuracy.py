"""Accuracy of dotterel on the development files, as a Markdown table.

    .venv/bin/python bench/accuracy.py [--output bench/accuracy.md]

Runs the coder on the example article (bundled) and, when ../shared is present, on the second
development article, and `classify` on the PLV and penta development sets; scores them with the
project's own evaluation code (the same matching rules as ../shared/tools/score.py). The PLV and
penta development sets are the classifier's training data, except the held-out validation split
its manifest reports, so their figures here overstate held-out accuracy; the manifest's
validation figures are the honest ones.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def classified(coder, items) -> tuple[list[dict], float]:  # type: ignore[no-untyped-def]
    """`dotterel classify` answers as prediction records, and the seconds it took."""
    from dotterel.events.classify import classify

    t0 = time.perf_counter()
    answers = [a for a in classify(coder, items) if not isinstance(a, Exception)]
    took = time.perf_counter() - t0
    return [{"id": a.id, "event": [a.event] if a.event else [], "cameo": a.cameo} for a in answers], took


THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9)


def articles_table(coder, folder: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """All development articles coded once, scored together at each confidence threshold
    (what `dotterel code --min-confidence X` would give), micro-averaged like score_articles.py."""
    from dotterel.evaluation import score_article, score_articles
    from dotterel.export.plover import to_plover
    from dotterel.train_events import load_examples

    examples = load_examples([folder])
    t0 = time.perf_counter()
    coded = [[to_plover(e) for e in o.events] for o in coder.code_many([ex.article for ex in examples])]
    took = time.perf_counter() - t0
    out = [
        f"Development articles ({len(examples)}, coded in {took:.1f} s), by minimum confidence:",
        "",
        "| min confidence | events | recall | precision | F1 | typed |",
        "|---|---|---|---|---|---|",
    ]
    for th in THRESHOLDS:
        scores = [
            score_article(list(ex.gold), [p for p in preds if p["confidence"] >= th], ex.article.text)
            for ex, preds in zip(examples, coded, strict=True)
        ]
        f = score_articles(scores)
        out.append(
            f"| {th:.1f} | {int(f['predicted'])} | {f['recall']:.3f} | {f['precision']:.3f} | {f['f1']:.3f} "
            f"| {f['typed']:.3f} |"
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--output", help="also write the table to this file")
    args = ap.parse_args()
    from dotterel.evaluation import score_article, score_penta, score_plv
    from dotterel.events.classify import Item
    from dotterel.export.plover import to_plover
    from dotterel.pipeline import Coder
    from dotterel.records import Article

    coder = Coder.load()
    rows = ["| task | data | figures | time |", "|---|---|---|---|"]
    articles = [(ROOT / "examples/iran-iraq-2025-01-10.txt", ROOT / "tests/data/seed.gold.jsonl", "2025-01-10")]
    guardian = SHARED / "dev_articles/guardian-2019-02-22.txt"
    if guardian.exists():
        articles.append((guardian, SHARED / "dev_articles/guardian-2019-02-22.gold.jsonl", "2019-02-22"))
    for text_path, gold_path, published in articles:
        text = text_path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        events = coder.code(Article(id=text_path.stem, text=text, published=dt.date.fromisoformat(published)))
        took = time.perf_counter() - t0
        gold = [json.loads(x) for x in gold_path.read_text(encoding="utf-8").splitlines() if x.strip()]
        figs = score_article(gold, [to_plover(e) for e in events], text).figures()
        shown = " ".join(f"{k}={v:.3f}" for k, v in figs.items())
        rows.append(f"| article | {text_path.name} | {shown} | {took:.2f} s |")
    dev_articles = SHARED / "dev_articles"
    threshold_rows: list[str] = []
    if dev_articles.exists():
        threshold_rows = ["", *articles_table(coder, dev_articles)]
    else:
        print(f"note: {dev_articles} absent; development articles skipped", file=sys.stderr)
    dev = SHARED / "data/dev"
    if not dev.exists():
        print(f"note: {dev} absent; PLV and penta skipped", file=sys.stderr)
    else:
        with (dev / "plv_train.tsv").open(encoding="utf-8", errors="replace") as f:
            plv_rows = list(csv.DictReader(f, delimiter="\t"))
        items = [Item(id=r["uid"], text=r["sentence"], actor=r["source"], recipient=r["target"]) for r in plv_rows]
        preds, took = classified(coder, items)
        res = score_plv(plv_rows, preds)
        rows.append(
            f"| plv | plv_train ({len(items)} pairs) | accuracy={res.accuracy():.3f} "
            f"macro_f1={res.macro_f1():.3f} | {1000 * took / len(items):.1f} ms/pair |"
        )
        labels, texts = [], []
        with (dev / "penta_train.tsv").open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip():
                    text, label = line.rstrip("\r\n").rsplit("\t", 1)
                    texts.append(text)
                    labels.append(int(label))
        preds, took = classified(coder, [Item(id=str(i), text=t) for i, t in enumerate(texts)])
        res = score_penta(labels, preds)
        rows.append(
            f"| penta | penta_train ({len(texts)} sentences) | accuracy={res.accuracy():.3f} "
            f"macro_f1={res.macro_f1():.3f} | {1000 * took / len(texts):.1f} ms/sentence |"
        )
    if coder.classifier is not None:
        val = coder.classifier.manifest.get("validation", {})
        rows.append(f"| classifier validation (manifest) | held-out split | {json.dumps(val)} | |")
    table = "\n".join(rows + threshold_rows)
    print(table)
    if args.output:
        Path(args.output).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
