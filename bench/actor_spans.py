"""How well the coder finds source and target actor spans (ConfliBERT actor-span development set).

    .venv/bin/python bench/actor_spans.py

Reads ../shared/data/dev/actor_spans_train.conll (tokens with B-S/I-S source and B-T/I-T target
tags), codes each sentence, and compares the actor and recipient mentions of the events found
with the gold spans: exact span match and overlap match, precision, recall and F1 for each role.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

CONLL = Path(__file__).resolve().parents[2] / "shared/data/dev/actor_spans_train.conll"


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    sents, toks, tags = [], [], []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            if toks:
                sents.append((toks, tags))
            toks, tags = [], []
            continue
        parts = line.split()
        toks.append(parts[0])
        tags.append(parts[-1])
    if toks:
        sents.append((toks, tags))
    return sents


def spans(tags: list[str], role: str, offsets: list[int], toks: list[str]) -> set[tuple[int, int]]:
    out, start = set(), None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and tag != f"I-{role}":
            out.add((offsets[start], offsets[i - 1] + len(toks[i - 1])))
            start = None
        if tag == f"B-{role}":
            start = i
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> str:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.3f} R={r:.3f} F1={f:.3f}"


def main() -> int:
    if not CONLL.exists():
        print(f"skipped: {CONLL} is absent", file=sys.stderr)
        return 0
    from dotterel.pipeline import Coder
    from dotterel.records import Article

    coder = Coder.load()
    data = read_conll(CONLL)
    arts, gold = [], []
    for n, (toks, tags) in enumerate(data):
        offsets, pos = [], 0
        for t in toks:
            offsets.append(pos)
            pos += len(t) + 1
        arts.append(Article(id=str(n), text=" ".join(toks), published=dt.date(2020, 1, 1)))
        gold.append({"S": spans(tags, "S", offsets, toks), "T": spans(tags, "T", offsets, toks)})
    counts = {r: {"exact": 0, "overlap": 0, "pred": 0, "gold": 0} for r in ("S", "T")}
    for g, outcome in zip(gold, coder.code_many(arts), strict=True):
        pred = {"S": set(), "T": set()}
        for e in outcome.events:
            for role, side in (("S", e.actor), ("T", e.recipient)):
                for m, _ in side:
                    if m is not None and m.index >= 0 and m.char_end > m.char_start:
                        pred[role].add((m.char_start, m.char_end))
        for role in ("S", "T"):
            c = counts[role]
            c["pred"] += len(pred[role])
            c["gold"] += len(g[role])
            c["exact"] += len(pred[role] & g[role])
            c["overlap"] += sum(1 for a, b in g[role] if any(a < y and x < b for x, y in pred[role]))
    print(f"{len(data)} sentences")
    for role, name in (("S", "source"), ("T", "target")):
        c = counts[role]
        print(
            f"{name}: exact {prf(c['exact'], c['pred'], c['gold'])}   overlap {prf(c['overlap'], c['pred'], c['gold'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
