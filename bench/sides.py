"""Sides of type-right events: for each required gold event whose sentence holds a prediction of
an accepted type, are the actor and recipient codes right?

    python bench/sides.py [--lexicon-only] [--held-out | --labels DIR...] [--detail FILE] [--json FILE]

Reads the training articles (`../shared/data/train_articles`) and the project's labelled Guardian
articles (`data/labels/news`, `data/labels/news_b`, texts in `../shared/data/news/`), never the
development articles. With `--held-out`, it reads instead the label folders the shipped models
were not trained on (`data/labels/news_e` to `news_j`, see `bench/heldout_labels.py`). A gold
event counts as "both right" when some prediction of an accepted type in its sentence has an accepted actor code and an accepted recipient code (either way round for
symmetric events), as the scorer matches them. For the others the closest prediction is shown
(predicted vs gold codes, the sentence) to sort the failures by cause.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def _codes(entities: Any) -> list[str]:
    return sorted({str(e.get("code") or "-") for e in entities or []})


def _ok(want: dict[str, Any], entities: Any) -> bool:
    codes = set(want.get("code") or [])
    got = {str(e.get("code") or "").upper() for e in entities or []} - {""}
    return "*" in codes or bool(codes & got)


def judge(gold: dict[str, Any], preds: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """'both', 'actor' (actor wrong), 'recipient' (recipient wrong) or 'neither', and the closest prediction."""
    best: tuple[int, dict[str, Any]] | None = None
    for p in preds:
        a, r = p.get("actor"), p.get("recipient")
        score = 2 * _ok(gold["actor"], a) + _ok(gold["recipient"], r)
        if gold.get("symmetric"):
            score = max(score, 2 * _ok(gold["actor"], r) + _ok(gold["recipient"], a))
        if best is None or score > best[0]:
            best = (score, p)
    assert best is not None
    return {3: "both", 2: "recipient", 1: "actor", 0: "neither"}[best[0]], best[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lexicon-only", action="store_true", help="code without the learned detector")
    ap.add_argument("--held-out", action="store_true", help="the label folders kept out of training")
    ap.add_argument("--labels", type=Path, action="append", help="read these label folders instead")
    ap.add_argument("--detail", type=Path, help="write every type-right event with its sides here")
    ap.add_argument("--json", type=Path, help="write the rows as JSON Lines here")
    args = ap.parse_args(argv)
    if not (SHARED / "train_articles").is_dir():
        print(f"skipped: {SHARED / 'train_articles'} is absent", file=sys.stderr)
        return 0
    from dotterel.evaluation import sentence_bounds
    from dotterel.export.plover import to_plover
    from dotterel.pipeline import Coder
    from dotterel.train_events import load_examples

    if args.labels:
        examples = load_examples([], labels=args.labels, news=SHARED / "news/guardian_sample.jsonl")
    elif args.held_out:
        folders = [ROOT / "data/labels" / f"news_{k}" for k in "efghij"]
        examples = load_examples([], labels=folders, news=SHARED / "news/guardian_sample.jsonl")
    else:
        examples = load_examples(
            [SHARED / "train_articles"],
            labels=[ROOT / "data/labels/news", ROOT / "data/labels/news_b"],
            news=SHARED / "news/guardian_sample.jsonl",
        )
    coder = Coder.load(use_detector=not args.lexicon_only)
    rows: list[dict[str, Any]] = []
    outcomes = coder.code_many([e.article for e in examples])
    for ex, out in zip(examples, outcomes, strict=True):
        text = ex.article.text
        bounds = sentence_bounds(text)
        preds = [to_plover(e) for e in out.events]
        for g in ex.gold:
            if not g.get("required"):
                continue
            at = text.find(g["anchor"])
            s, e = next((s, e) for s, e in bounds if s <= at < e)
            typed = [
                p
                for p in preds
                if p["text_info"]["start"] < e and p["text_info"]["end"] > s and set(p["event"]) & set(g["event"])
            ]
            if not typed:
                continue
            verdict, p = judge(g, typed)
            rows.append(
                {
                    "article": ex.article.id,
                    "gold": g["id"],
                    "event": "/".join(g["event"]),
                    "verdict": verdict,
                    "gold_actor": g["actor"]["code"],
                    "gold_recipient": g["recipient"]["code"],
                    "pred_actor": _codes(p.get("actor")),
                    "pred_recipient": _codes(p.get("recipient")),
                    "pred_actor_text": [a.get("entity_text") for a in p.get("actor") or []],
                    "pred_recipient_text": [a.get("entity_text") for a in p.get("recipient") or []],
                    "rule": p.get("trace", {}).get("rule") if isinstance(p.get("trace"), dict) else None,
                    "sentence": " ".join(text[s:e].split()),
                    "note": g.get("note", ""),
                }
            )
    both = sum(r["verdict"] == "both" for r in rows)
    by = {k: sum(r["verdict"] == k for r in rows) for k in ("actor", "recipient", "neither")}
    print(
        f"type-right required events: {len(rows)}; both sides right: {both} ({both / max(1, len(rows)):.3f}); "
        f"actor wrong only {by['actor']}, recipient wrong only {by['recipient']}, both wrong {by['neither']}"
    )
    if args.detail:
        with args.detail.open("w", encoding="utf-8") as f:
            for r in rows:
                if r["verdict"] == "both":
                    continue
                f.write(
                    f"{r['article']} {r['gold']} {r['event']} [{r['verdict']}] rule={r['rule']}\n"
                    f"  gold {r['gold_actor']} -> {r['gold_recipient']}\n"
                    f"  pred {r['pred_actor']} {r['pred_actor_text']} -> {r['pred_recipient']} "
                    f"{r['pred_recipient_text']}\n  S: {r['sentence'][:400]}\n  N: {r['note'][:200]}\n\n"
                )
    if args.json:
        with args.json.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
