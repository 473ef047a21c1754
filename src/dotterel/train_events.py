"""Train the event detector and the pair model on whole annotated articles.

    dotterel train-events --articles ../shared/data/train_articles [--labels data/labels/news
                          --news ../shared/data/news/guardian_sample.jsonl] --output DIR

Both models are logistic regressions over hashed features (`events/linear.py`):
- the sentence detector scores (sentence, PLOVER type): does the sentence report an event of
  that type? Positives are the gold events anchored in the sentence (required or optional);
  every other sentence is a real "no event" example;
- the pair model scores (sentence, type, actor, recipient) candidates: would this event match
  a gold event of the sentence (type accepted, both sides' codes accepted)?

The detector's scores that the pair model trains on are out-of-fold (5 folds by article), so it
learns how far to trust them on unseen text. The pair model's probabilities are calibrated
(Platt) on its own out-of-fold scores, and the reporting threshold is the one that maximises
F1 of the matching rules over the out-of-fold articles. Never train on the development articles
(`../shared/dev_articles`): they measure the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dotterel.errors import InputError
from dotterel.evaluation import score_article, sentence_bounds
from dotterel.events.candidates import Candidate, SentenceView
from dotterel.events.detector import (
    RECIPIENT_RULES,
    best_pair,
    calibration_features,
    dyad_of,
    dyads_of,
    needs_recipient,
    sentence_types,
    typed,
)
from dotterel.events.dictframes import RULE as DICTIONARY_RULE
from dotterel.events.linear import LinearModel, fit
from dotterel.records import Article

if TYPE_CHECKING:
    from dotterel.pipeline import Coder

log = logging.getLogger(__name__)

FOLDS = 5
SEED = 13
VETO = (0.0, 0.05, 0.1, 0.2, 0.3)  # lexicon events whose type the detector rates below this are dropped
# Operating points this close to the best out-of-fold F1 are a tie; among them the most precise
# wins. Which articles happen to be labelled moves F1 far more than this: resampling the 60
# held-out articles gives it a standard deviation of 0.020 (`bench/heldout_labels.py --bootstrap`),
# so half of that is noise (0.005 let retrainings flip between points on chance differences).
F1_TIE = 0.01


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    article: Article
    gold: tuple[dict[str, Any], ...]
    source: str


def load_examples(dirs: Sequence[Path], labels: Sequence[Path] = (), news: Path | None = None) -> list[Example]:
    """Annotated articles: NAME.txt + NAME.json + NAME.gold.jsonl folders, and label folders whose
    texts live in a news JSON Lines file (by id). An article labelled twice (double annotation)
    is used once, from the first folder that has it."""
    out: list[Example] = []
    for d in dirs:
        for gold_path in sorted(d.glob("*.gold.jsonl")):
            name = gold_path.name[: -len(".gold.jsonl")]
            meta = json.loads((d / f"{name}.json").read_text(encoding="utf-8"))
            text = (d / f"{name}.txt").read_text(encoding="utf-8")
            article = Article(id=name, text=text, published=dt.date.fromisoformat(meta["published"]))
            out.append(Example(article=article, gold=_gold(gold_path), source=str(d)))
    if labels:
        if news is None:
            raise InputError("--labels", "label folders need --news, the JSON Lines file with their texts")
        texts = {}
        with news.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                texts[row["id"]] = row
        for d in labels:
            for gold_path in sorted(d.glob("*.gold.jsonl")):
                name = gold_path.name[: -len(".gold.jsonl")]
                if any(e.article.id == name for e in out):
                    continue
                if name not in texts:
                    raise InputError(str(gold_path), f"article {name!r} is not in {news}")
                row = texts[name]
                article = Article(id=name, text=row["text"], published=dt.date.fromisoformat(row["published"]))
                out.append(Example(article=article, gold=_gold(gold_path), source=str(d)))
    return out


def _gold(path: Path) -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@dataclass(slots=True)
class Analysed:
    example: Example
    views: list[SentenceView]
    spans: list[tuple[int, int]]  # each gold event's sentence span (scorer's sentences)


def analyse(coder: Coder, examples: Sequence[Example]) -> list[Analysed]:
    out = []
    arts = [e.article for e in examples]
    for ex, views in zip(examples, coder.views_many(arts), strict=True):
        bounds = sentence_bounds(ex.article.text)
        spans = []
        for g in ex.gold:
            at = ex.article.text.find(g["anchor"])
            if at < 0:
                raise InputError(f"{ex.source}/{ex.article.id}", f"anchor not in the text: {g['anchor']!r}")
            spans.append(next((s, e) for s, e in bounds if s <= at < e))
        out.append(Analysed(example=ex, views=views, spans=spans))
    return out


def _gold_in(a: Analysed, view: SentenceView) -> list[dict[str, Any]]:
    s0, s1 = view.sent.start_char, view.sent.end_char
    return [g for g, (gs, ge) in zip(a.example.gold, a.spans, strict=True) if gs < s1 and ge > s0]


def detector_rows(a: Analysed, types: Sequence[str]) -> tuple[list[list[str]], list[float]]:
    rows, labels = [], []
    for v in a.views:
        feats = v.detector_features()
        gold_types = {t for g in _gold_in(a, v) for t in g["event"]}
        for t in types:
            rows.append([typed(t, f) for f in feats])
            labels.append(1.0 if t in gold_types else 0.0)
    return rows, labels


def _side_ok(want: list[str], code: str | None) -> bool:
    """Training asks for the specific code where the gold names one: "*" beside a code means the
    scorer tolerates any side, but teaching the model that any party will do blurs who acts."""
    specific = [c for c in want if c != "*"]
    if specific:
        return code is not None and code in specific
    return "*" in want


def candidate_label(c: Candidate, gold: Sequence[dict[str, Any]]) -> float:
    a = c.actor.entity.code if c.actor else None
    r = c.recipient.entity.code if c.recipient else None
    for g in gold:
        if c.event not in g["event"]:
            continue
        ga, gr = g["actor"]["code"] or [], g["recipient"]["code"] or []
        if _side_ok(ga, a) and (_side_ok(gr, r) if r is not None else "*" in gr):
            return 1.0
        if g.get("symmetric") and r is not None and _side_ok(ga, r) and _side_ok(gr, a):
            return 1.0
    return 0.0


def predictions(a: Analysed, chosen: Sequence[Candidate]) -> list[dict[str, Any]]:
    """Minimal PLOVER records for scoring."""
    out = []
    for c in chosen:
        v = a.views[c.sentence]
        out.append(
            {
                "event": [c.event],
                "actor": [{"code": c.actor.entity.code}] if c.actor else [],
                "recipient": [{"code": c.recipient.entity.code}] if c.recipient else [],
                "text_info": {"start": v.sent.start_char, "end": v.sent.end_char},
            }
        )
    return out


def _folds(n: int, k: int = FOLDS) -> list[int]:
    order = np.random.default_rng(SEED).permutation(n)
    fold = [0] * n
    for rank, i in enumerate(order):
        fold[int(i)] = rank % k
    return fold


def _fit_detector(items: Sequence[Analysed], types: Sequence[str]) -> LinearModel:
    rows: list[list[str]] = []
    labels: list[float] = []
    for a in items:
        r, y = detector_rows(a, types)
        rows += r
        labels += y
    return fit(rows, labels, l2=1e-3, steps=150, positive_weight=3.0)


def _fit_pairs(items: Sequence[Analysed]) -> LinearModel:
    """Which pair of the sentence's parties is the event's actor and recipient, given its type.

    Trained only where the gold says the sentence reports that type, so it learns roles, not types.
    """
    rows: list[tuple[str, ...]] = []
    labels: list[float] = []
    for a in items:
        for v in a.views:
            gold = _gold_in(a, v)
            types = {t for g in gold for t in g["event"]}
            for c in v.candidates(types, same_side=True):  # their pairs are negatives too
                rows.append(c.features)
                labels.append(candidate_label(c, gold))
    return fit(rows, labels, l2=3e-3, steps=150)


def _score(items: Sequence[Analysed], preds: Sequence[list[dict[str, Any]]]) -> dict[str, float]:
    req = matched = fp = 0
    for a, pr in zip(items, preds, strict=True):
        s = score_article(list(a.example.gold), pr, a.example.article.text)
        req += s.required
        matched += s.matched
        fp += s.false_positives
    r = matched / req if req else 0.0
    p = matched / (matched + fp) if matched + fp else 0.0
    return {"recall": r, "precision": p, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def train(
    coder: Coder, examples: Sequence[Example], types: Sequence[str]
) -> tuple[LinearModel, LinearModel, dict[str, Any]]:
    """Cross-validated training; returns the detector, the pair model and the report.

    The operating point (detector and margin floors) is the one that maximises F1 of the lexicon
    frames plus the detector's additions over out-of-fold articles.
    """
    from dotterel.export.plover import to_plover

    if coder.detector is not None:
        raise ValueError("train() needs a coder without the event detector (Coder.load(use_detector=False))")
    t0 = time.time()
    items = analyse(coder, examples)
    fold = _folds(len(items))
    lexicon_preds = [[to_plover(e) for e in o.events] for o in coder.code_many([a.example.article for a in items])]
    oof: list[list[tuple[Candidate, float, float]]] = [[] for _ in items]
    oof_probs: list[list[dict[str, float]]] = [[] for _ in items]
    det_eval: list[tuple[float, float]] = []
    for k in range(FOLDS):
        train_items = [a for a, f in zip(items, fold, strict=True) if f != k]
        det = _fit_detector(train_items, types)
        pairs = _fit_pairs(train_items)
        for i, a in enumerate(items):
            if fold[i] != k:
                continue
            probs = sentence_types(det, a.views, types)
            oof_probs[i] = probs
            _, y = detector_rows(a, types)
            det_eval.extend(zip([p for d in probs for p in d.values()], y, strict=True))
            for v, pr in zip(a.views, probs, strict=True):
                for event, p in pr.items():
                    if p < 0.3:
                        continue
                    top = best_pair(pairs, v, event)
                    if top is not None and top[0].actor is not None and top[0].actor.entity.code:
                        oof[i].append((top[0], p, top[1]))
    curve: list[dict[str, float | bool | str]] = []
    one_sided = coder.ontology.traits.one_sided
    for vth in VETO:
        for new_dyads, rec in itertools.product((False, True), RECIPIENT_RULES):
            for dth in (0.4, 0.5, 0.6, 0.7, 0.8):
                for mth in (-3.0, -2.0, -1.0, 0.0, 1.0):
                    op: dict[str, float | bool | str] = {
                        "veto": vth,
                        "new_dyads": new_dyads,
                        "recipients": rec,
                        "detector": dth,
                        "margin": mth,
                    }
                    preds = []
                    for i, a in enumerate(items):
                        kept, extra = _selected(lexicon_preds[i], oof[i], oof_probs[i], op, one_sided)
                        preds.append(kept + predictions(a, [c for c, _, _ in extra]))
                    curve.append({**op, **_score(items, preds)})
    best = operating_point(curve)
    calibration, reliability = _calibrate(items, lexicon_preds, oof, oof_probs, best, one_sided)
    lexicon_only = _score(items, lexicon_preds)
    detector = _fit_detector(items, types)
    pairs = _fit_pairs(items)
    report = {
        "articles": len(items),
        "required_events": sum(1 for e in examples for g in e.gold if g["required"]),
        "events": sum(len(e.gold) for e in examples),
        "sentences": sum(len(a.views) for a in items),
        "detector_auc_oof": _auc([p for p, _ in det_eval], [y for _, y in det_eval]),
        "operating": {k: best[k] for k in OPERATING_KEYS},
        "cv_lexicon_only": lexicon_only,
        "cv_with_detector": {k: best[k] for k in ("recall", "precision", "f1")},
        "cv_curve": curve,
        "calibration": calibration,
        "reliability_oof": reliability,
        "sentence_encoder": coder.encoder is not None,
        "folds": FOLDS,
        "seed": SEED,
        "seconds": round(time.time() - t0, 1),
    }
    pairs = LinearModel(
        weights=pairs.weights,
        bias=pairs.bias,
        bits=pairs.bits,
        meta={
            **{k: best[k] for k in OPERATING_KEYS},
            "calibration": calibration,
            "encoder": coder.encoder is not None,
        },
    )
    return detector, pairs, report


OPERATING_KEYS = ("veto", "new_dyads", "recipients", "detector", "margin")


def operating_point(curve: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The operating point: the best out-of-fold F1, where points within `F1_TIE` of it count as
    a tie (at a few hundred events the difference is noise) and the most precise of them wins,
    so an analyst has fewer events to discard for the same expected F1."""
    top = max(row["f1"] for row in curve)
    return max((row for row in curve if row["f1"] >= top - F1_TIE), key=lambda row: (row["precision"], row["f1"]))


def _selected(
    lexicon: Sequence[dict[str, Any]],
    found: Sequence[tuple[Candidate, float, float]],
    probs: Sequence[dict[str, float]],
    op: dict[str, float | bool | str],
    one_sided: frozenset[str],
) -> tuple[list[dict[str, Any]], list[tuple[Candidate, float, float]]]:
    """One article's events at an operating point, as `EventDetector` reports them: the lexicon
    events the veto floor and the recipient rule keep, and the detector's (candidate, probability,
    margin) additions."""
    kept = [
        p
        for p in lexicon
        if _prob(probs, p) >= float(op["veto"])
        and (
            DICTIONARY_RULE in str(p.get("trace", {}).get("rule", ""))
            or any(r.get("code") for r in p.get("recipient") or [])
            or not needs_recipient(str(op["recipients"]), p["event"][0], one_sided)
        )
    ]
    covered = {(p["text_info"]["sentence"], p["event"][0]) for p in lexicon}
    dyads = {(p["text_info"]["sentence"], *d) for p in kept for d in _dyads(p)}
    extra = [
        (c, p, m)
        for c, p, m in found
        if p >= float(op["detector"])
        and m >= float(op["margin"])
        and (c.sentence, c.event) not in covered
        and not (op["new_dyads"] and (c.sentence, *dyad_of(c)) in dyads)
    ]
    return kept, extra


def _calibrate(
    items: Sequence[Analysed],
    lexicon_preds: Sequence[list[dict[str, Any]]],
    oof: Sequence[Sequence[tuple[Candidate, float, float]]],
    oof_probs: Sequence[Sequence[dict[str, float]]],
    op: dict[str, float | bool | str],
    one_sided: frozenset[str],
) -> tuple[list[float], list[dict[str, float]]]:
    """Fit event confidence as a probability of being right on the out-of-fold events of the
    operating point: a logistic regression over `calibration_features`. The reliability table
    (predicted against observed, in five bins) is computed on the same out-of-fold events."""
    xs: list[list[float]] = []
    ys: list[float] = []
    for i, a in enumerate(items):
        kept, extra = _selected(lexicon_preds[i], oof[i], oof_probs[i], op, one_sided)
        preds = kept + predictions(a, [c for c, _, _ in extra])
        feats = [calibration_features(float(p["confidence"]), _prob(oof_probs[i], p), False) for p in kept]
        feats += [calibration_features(p / (1.0 + float(np.exp(-m))), p, True) for _, p, m in extra]
        s = score_article(list(a.example.gold), preds, a.example.article.text)
        xs += feats
        ys += [1.0 if ok else 0.0 for ok in s.correct]
    x = np.asarray(xs)
    y = np.asarray(ys)
    w = np.zeros(x.shape[1])
    for _ in range(500):  # Newton steps on the logistic loss with a small ridge
        p = 1.0 / (1.0 + np.exp(-x @ w))
        grad = x.T @ (p - y) + 1e-3 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    p = 1.0 / (1.0 + np.exp(-x @ w))
    table = []
    for lo in (0.0, 0.2, 0.4, 0.6, 0.8):
        sel = (p >= lo) & (p < lo + 0.2 if lo < 0.8 else p <= 1.0)
        if sel.any():
            table.append(
                {
                    "from": lo,
                    "events": int(sel.sum()),
                    "predicted": float(p[sel].mean()),
                    "observed": float(y[sel].mean()),
                }
            )
    return [float(v) for v in w], table


def _prob(probs: Sequence[dict[str, float]], pred: dict[str, Any]) -> float:
    """The out-of-fold detector probability of a lexicon event's type in its sentence."""
    n = pred["text_info"]["sentence"]
    return probs[n].get(pred["event"][0], 0.0) if 0 <= n < len(probs) else 1.0


def _dyads(pred: dict[str, Any]) -> set[tuple[str | None, str | None]]:
    return dyads_of(
        [x.get("code") for x in pred.get("actor") or []], [x.get("code") for x in pred.get("recipient") or []]
    )


def _auc(scores: Sequence[float], labels: Sequence[float]) -> float:
    s = np.asarray(scores)
    y = np.asarray(labels) > 0.5
    if y.all() or not y.any():
        return 0.0
    order = np.argsort(s)
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    return float((ranks[y].sum() - y.sum() * (y.sum() + 1) / 2) / (y.sum() * (~y).sum()))


def write(output: Path, detector: LinearModel, ranker: LinearModel, report: dict, sources: Sequence[Path]) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "detector.npz").write_bytes(detector.to_bytes())
    (output / "pairs.npz").write_bytes(ranker.to_bytes())
    digests = {}
    for src in sources:
        h = hashlib.sha256()
        for p in sorted(src.rglob("*.gold.jsonl")) if src.is_dir() else [src]:
            h.update(p.read_bytes())
        digests[str(src)] = h.hexdigest()
    manifest = {"trained": dt.date.today().isoformat(), "data_sha256": digests, **report}
    (output / "events_manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
