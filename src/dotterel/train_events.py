"""Train the event detector, the pair model and the choice model on whole annotated articles.

    dotterel train-events --articles ../shared/data/train_articles [--labels data/labels/news
                          --news ../shared/data/news/guardian_sample.jsonl] --output DIR

All three are logistic regressions over hashed features (`events/linear.py`):
- the sentence detector scores (sentence, PLOVER type): does the sentence report an event of
  that type? Positives are the gold events anchored in the sentence (required or optional);
  every other sentence is a real "no event" example;
- the pair model scores (sentence, type, actor, recipient) candidates where the gold has the
  type: would this event match a gold event of the sentence (both sides' codes accepted)?
- the choice model scores each option of a sentence (a lexicon event, or a type the detector
  rates at its floor with one of the pair model's first dyads): does it match a gold event?

The scores the choice model reads are out-of-fold (5 folds by article: detector and pair model
trained on the other folds), so it learns how far to trust them on unseen text. Its threshold is
chosen on its own out-of-fold scores (a second round over the same folds): the best F1 of the
matching rules, where near-ties go to the most precise. Never train on the development articles
(`../shared/dev_articles`): they measure the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dotterel.errors import InputError
from dotterel.evaluation import score_article, sentence_bounds
from dotterel.events.candidates import Candidate, SentenceView
from dotterel.events.choice import (
    CHOICE_FILE,
    ChoicePoint,
    Option,
    choose,
    feature_rows,
    probabilities,
    reading_of,
    sentence_options,
)
from dotterel.events.detector import DETECTOR_FILE, PAIRS_FILE, sentence_types, typed
from dotterel.events.linear import LinearModel, fit
from dotterel.events.model import package_model_dir
from dotterel.events.scorer import TOKENIZER_FILE, SentenceInput, parties_of, sentence_input, sides_of
from dotterel.records import Article

if TYPE_CHECKING:
    from dotterel.pipeline import Coder
    from dotterel.train_scorer import ScorerSettings

log = logging.getLogger(__name__)

FOLDS = 5
SEED = 13
THRESHOLDS = tuple(round(0.15 + 0.025 * i, 3) for i in range(23))  # choice thresholds tried, 0.15-0.7
# the options' floor and dyads per type; the threshold is read off the out-of-fold curve, not this one
POINT = ChoicePoint(threshold=0.5, floor=0.2, top=3)
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
    coder: Coder,
    examples: Sequence[Example],
    types: Sequence[str],
    *,
    scorer: ScorerSettings | None = None,
    scorer_file: Path | None = None,
) -> tuple[LinearModel, LinearModel, LinearModel, dict[str, Any]]:
    """Cross-validated training; returns the detector, the pair model, the choice model and the report.

    With `scorer`, the option scorer is fine-tuned too (torch needed): per fold on the other folds'
    options, whose out-of-fold logits the choice model then reads, and on all options for the
    model exported to `scorer_file`."""
    from dotterel.export.plover import to_plover

    if coder.detector is not None:
        raise ValueError("train() needs a coder without the event detector (Coder.load(use_detector=False))")
    t0 = time.time()
    items = analyse(coder, examples)
    fold = _folds(len(items))
    lexicon = [list(o.events) for o in coder.code_many([a.example.article for a in items])]
    lexicon_preds = [[to_plover(e) for e in events] for events in lexicon]
    options: list[list[Option]] = [[] for _ in items]
    preds: list[list[dict[str, Any]]] = [[] for _ in items]
    det_eval: list[tuple[float, float]] = []
    for k in range(FOLDS):
        train_items = [a for a, f in zip(items, fold, strict=True) if f != k]
        det = _fit_detector(train_items, types)
        pairs = _fit_pairs(train_items)
        for i, a in enumerate(items):
            if fold[i] != k:
                continue
            probs = sentence_types(det, a.views, types)
            _, y = detector_rows(a, types)
            det_eval.extend(zip([p for d in probs for p in d.values()], y, strict=True))
            options[i], preds[i] = _options(a, probs, pairs, lexicon[i], lexicon_preds[i])
    labels = [_labels(a, pr) for a, pr in zip(items, preds, strict=True)]
    scorer_report: dict[str, Any] = {}
    if scorer is not None:
        options, scorer_report = _with_scorer(items, options, labels, fold, types, scorer, scorer_file)
    scores = _choice_oof(options, labels, fold)
    curve: list[dict[str, Any]] = []
    for th in THRESHOLDS:
        chosen = [[pr[j] for j in choose(o, s, th)] for o, s, pr in zip(options, scores, preds, strict=True)]
        curve.append({"threshold": th, **_score(items, chosen)})
    best = operating_point(curve)
    reliability = _reliability(options, scores, labels, float(best["threshold"]))
    detector = _fit_detector(items, types)
    pairs = _fit_pairs(items)
    choice = _fit_choice(options, labels)
    point = {"threshold": best["threshold"], "floor": POINT.floor, "top": POINT.top}
    report = {
        "articles": len(items),
        "required_events": sum(1 for e in examples for g in e.gold if g["required"]),
        "events": sum(len(e.gold) for e in examples),
        "sentences": sum(len(a.views) for a in items),
        "options": sum(len(o) for o in options),
        "detector_auc_oof": _auc([p for p, _ in det_eval], [y for _, y in det_eval]),
        "choice_auc_oof": _auc([x for s in scores for x in s], [y for ls in labels for y in ls]),
        "operating": point,
        "cv_lexicon_only": _score(items, lexicon_preds),
        "cv_with_detector": {k: best[k] for k in ("recall", "precision", "f1")},
        "cv_curve": curve,
        "reliability_oof": reliability,
        "sentence_encoder": coder.encoder is not None,
        "option_scorer": scorer_report or None,
        "folds": FOLDS,
        "seed": SEED,
        "seconds": round(time.time() - t0, 1),
    }
    choice = LinearModel(
        weights=choice.weights,
        bias=choice.bias,
        bits=choice.bits,
        meta={**point, "encoder": coder.encoder is not None, "scorer": scorer is not None},
    )
    return detector, pairs, choice, report


def _options(
    a: Analysed,
    probs: Sequence[dict[str, float]],
    pairs: LinearModel,
    lexicon: Sequence[Any],
    plover: Sequence[dict],
) -> tuple[list[Option], list[dict[str, Any]]]:
    """One article's options, sentence by sentence as the pipeline builds them, with the record
    each would become (for scoring)."""
    by_sentence: dict[int, list[int]] = {}
    for j, e in enumerate(lexicon):
        by_sentence.setdefault(e.text_info.sentence, []).append(j)
    out: list[Option] = []
    recs: list[dict[str, Any]] = []
    for v, pr in zip(a.views, probs, strict=True):
        mine = by_sentence.get(v.index, [])
        for o in sentence_options(v, pr, pairs, [reading_of(lexicon[j]) for j in mine], POINT):
            out.append(o)
            if o.reading is not None:
                recs.append(plover[mine[o.reading]])
            else:
                assert o.candidate is not None  # a detector option is one of the pair model's candidates
                recs.append(predictions(a, [o.candidate])[0])
    return out, recs


def _scorer_inputs(
    a: Analysed, options: Sequence[Option], labels: Sequence[float], tokenizer: Any, types: Sequence[str]
) -> tuple[list[SentenceInput], list[np.ndarray], list[list[int]]]:
    """The scorer's input for each sentence with options, its options' labels and their indices."""
    by_sentence: dict[int, list[int]] = {}
    for j, o in enumerate(options):
        by_sentence.setdefault(o.sentence, []).append(j)
    inputs, ys, where = [], [], []
    for s, js in sorted(by_sentence.items()):
        v = a.views[s]
        inputs.append(
            sentence_input(tokenizer, v.sent.text, parties_of(v), sides_of([options[j] for j in js]), types)
        )
        ys.append(np.asarray([labels[j] for j in js], dtype=np.float32))
        where.append(js)
    return inputs, ys, where


def _with_scorer(
    items: Sequence[Analysed],
    options: Sequence[Sequence[Option]],
    labels: Sequence[Sequence[float]],
    fold: Sequence[int],
    types: Sequence[str],
    settings: ScorerSettings,
    output: Path | None,
) -> tuple[list[list[Option]], dict[str, Any]]:
    """Options with the option scorer's out-of-fold logits; fits and exports the final scorer."""
    from tokenizers import Tokenizer

    from dotterel import train_scorer

    t0 = time.time()
    tokenizer = Tokenizer.from_file(str(package_model_dir() / TOKENIZER_FILE))
    per = [_scorer_inputs(a, o, y, tokenizer, types) for a, o, y in zip(items, options, labels, strict=True)]
    logits: list[list[float]] = [[0.0] * len(o) for o in options]
    for k in range(FOLDS):
        inside = [i for i, f in enumerate(fold) if f != k]
        net = train_scorer.fit(
            [x for i in inside for x in per[i][0]], [y for i in inside for y in per[i][1]], types, settings
        )
        for i, f in enumerate(fold):
            if f != k:
                continue
            for js, values in zip(per[i][2], train_scorer.predict(net, per[i][0]), strict=True):
                for j, v in zip(js, values, strict=True):
                    logits[i][j] = v
        log.info("option scorer fold %d done", k)
    net = train_scorer.fit([x for p in per for x in p[0]], [y for p in per for y in p[1]], types, settings)
    if output is not None:
        example = next(x for p in per for x in p[0])
        train_scorer.export(net, example, output)
    with_logits = [
        [replace(o, scored=v) for o, v in zip(os_, ls, strict=True)]
        for os_, ls in zip(options, logits, strict=True)
    ]
    report = {
        "auc_oof": _auc([v for ls in logits for v in ls], [y for ls in labels for y in ls]),
        "epochs": settings.epochs,
        "seconds": round(time.time() - t0, 1),
    }
    return with_logits, report


def _labels(a: Analysed, preds: Sequence[dict[str, Any]]) -> list[float]:
    """Whether each option alone matches a gold event of its article (required or not)."""
    gold, text = list(a.example.gold), a.example.article.text
    return [1.0 if score_article(gold, [p], text).correct[0] else 0.0 for p in preds]


def _fit_choice(options: Sequence[Sequence[Option]], labels: Sequence[Sequence[float]]) -> LinearModel:
    rows = [r for o in options for r in feature_rows(o)]
    return fit(rows, [y for ls in labels for y in ls], l2=1e-3, steps=300)


def _choice_oof(
    options: Sequence[Sequence[Option]], labels: Sequence[Sequence[float]], fold: Sequence[int]
) -> list[list[float]]:
    """Out-of-fold probabilities of the choice model, over the same article folds."""
    scores: list[list[float]] = [[] for _ in options]
    for k in range(FOLDS):
        inside = [i for i, f in enumerate(fold) if f != k]
        model = _fit_choice([options[i] for i in inside], [labels[i] for i in inside])
        for i, f in enumerate(fold):
            if f == k and options[i]:
                scores[i] = probabilities(model, options[i]).tolist()
    return scores


def operating_point(curve: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The operating point: the best out-of-fold F1, where points within `F1_TIE` of it count as
    a tie (at a few hundred events the difference is noise) and the most precise of them wins,
    so an analyst has fewer events to discard for the same expected F1."""
    top = max(row["f1"] for row in curve)
    return max((row for row in curve if row["f1"] >= top - F1_TIE), key=lambda row: (row["precision"], row["f1"]))


def _reliability(
    options: Sequence[Sequence[Option]],
    scores: Sequence[Sequence[float]],
    labels: Sequence[Sequence[float]],
    th: float,
) -> list[dict[str, float]]:
    """Predicted against observed share of right events, in five bins, over the out-of-fold events
    chosen at the operating point."""
    p, y = [], []
    for o, s, ls in zip(options, scores, labels, strict=True):
        for j in choose(o, s, th):
            p.append(s[j])
            y.append(ls[j])
    pa, ya = np.asarray(p), np.asarray(y)
    table = []
    for lo in (0.0, 0.2, 0.4, 0.6, 0.8):
        sel = (pa >= lo) & (pa < lo + 0.2 if lo < 0.8 else pa <= 1.0)
        if sel.any():
            table.append(
                {
                    "from": lo,
                    "events": int(sel.sum()),
                    "predicted": float(pa[sel].mean()),
                    "observed": float(ya[sel].mean()),
                }
            )
    return table


def _auc(scores: Sequence[float], labels: Sequence[float]) -> float:
    s = np.asarray(scores)
    y = np.asarray(labels) > 0.5
    if y.all() or not y.any():
        return 0.0
    order = np.argsort(s)
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    return float((ranks[y].sum() - y.sum() * (y.sum() + 1) / 2) / (y.sum() * (~y).sum()))


def write(
    output: Path,
    detector: LinearModel,
    ranker: LinearModel,
    choice: LinearModel,
    report: dict,
    sources: Sequence[Path],
) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / DETECTOR_FILE).write_bytes(detector.to_bytes())
    (output / PAIRS_FILE).write_bytes(ranker.to_bytes())
    (output / CHOICE_FILE).write_bytes(choice.to_bytes())
    digests = {}
    for src in sources:
        h = hashlib.sha256()
        for p in sorted(src.rglob("*.gold.jsonl")) if src.is_dir() else [src]:
            h.update(p.read_bytes())
        digests[str(src)] = h.hexdigest()
    manifest = {"trained": dt.date.today().isoformat(), "data_sha256": digests, **report}
    (output / "events_manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
