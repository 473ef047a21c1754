"""Scoring coded events against gold events of one article.

Follows the matching rules of the project's gold format: a prediction is placed by its
`text_info` offsets (or by finding its `event_text`), may match a gold event of the sentence
holding the gold anchor when one of its types is accepted and its actor and recipient codes
meet the accepted ones (either way round for symmetric events); pairs are one to one, required
events first; optional matches count neither way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotterel.errors import InputError

_ABBREV = re.compile(
    r"\b(?:[A-Z]\.){1,3}$|\b(?:Mr|Mrs|Ms|Dr|Gen|Brig|Col|Lt|Maj|Capt|Sgt|Adm|Gov|Sen|Rep|Prof|St|Jr|Sr|No|"
    r"Vol|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|Inc|Co|Corp)\.$"
)
_BOUNDARY = re.compile(r"[.!?][\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])|\n+")


@dataclass(slots=True)
class ArticleScore:
    required: int
    matched: int
    false_positives: int
    dated: tuple[int, int]
    placed: tuple[int, int]
    sectored: tuple[int, int]
    typed: int = 0  # required events whose sentence holds a prediction of an accepted type
    predicted: int = 0
    details: list[str] = field(default_factory=list)
    correct: tuple[bool, ...] = ()  # per prediction: it matched a gold event (required or optional)

    def figures(self) -> dict[str, float]:
        recall = self.matched / self.required if self.required else 0.0
        denom = self.matched + self.false_positives
        precision = self.matched / denom if denom else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

        def share(pair: tuple[int, int]) -> float:
            return pair[0] / pair[1] if pair[1] else 0.0

        return {
            "recall": recall,
            "precision": precision,
            "f1": f1,
            "dates": share(self.dated),
            "places": share(self.placed),
            "sectors": share(self.sectored),
        }


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}", f"invalid JSON ({exc.msg})") from exc
    return out


def load_gold(path: Path) -> list[dict[str, Any]]:
    return _read_jsonl(path)


def load_predictions(path: Path) -> list[dict[str, Any]]:
    return _read_jsonl(path)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation, not breaking after titles and initials ("Brig. Gen.", "U.S.")."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if text[m.start()] == "." and _ABBREV.search(text[start : m.start() + 1]):
            continue
        if text[start : m.end()].strip():
            bounds.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def _list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _codes(entities: Any) -> set[str]:
    return {str(e.get("code") or "").upper() for e in _list(entities) if isinstance(e, dict)} - {""}


def _side_ok(want: dict[str, Any], entities: Any) -> bool:
    codes = set(want.get("code") or [])
    return "*" in codes or bool(codes & _codes(entities))


def _sector_ok(want: dict[str, Any], entities: Any) -> bool:
    allowed = want.get("sector")
    if allowed is None:
        return True
    codes = set(want.get("code") or [])
    mine = [e for e in _list(entities) if isinstance(e, dict) and str(e.get("code") or "").upper() in codes]
    return any((e.get("sector") or None) in allowed for e in mine)


def _place(pred: dict[str, Any], text: str) -> tuple[int, int] | None:
    info = pred.get("text_info") or {}
    s, e = info.get("start"), info.get("end")
    if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text):
        return s, e
    for t in _list(pred.get("event_text")):
        i = text.find(str(t)) if t else -1
        if i >= 0:
            return i, i + len(str(t))
    return None


def _augment(match: dict[int, int], edges: list[list[int]], allowed: set[int]) -> None:
    """Maximum bipartite matching (Kuhn) of predictions to gold events in `allowed`."""
    owner: dict[int, int] = {g: p for p, g in match.items()}

    def assign(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g not in allowed or g in seen:
                continue
            seen.add(g)
            if g not in owner or assign(owner[g], seen):
                owner[g] = p
                return True
        return False

    for p in range(len(edges)):
        if p not in owner.values():
            assign(p, set())
    match.clear()
    match.update({p: g for g, p in owner.items()})


def score_article(gold: list[dict[str, Any]], pred: list[dict[str, Any]], text: str) -> ArticleScore:
    bounds = sentence_bounds(text)
    spans = []
    for g in gold:
        at = text.find(g["anchor"])
        if at < 0:
            raise InputError(f"gold {g.get('id')}", f"anchor not in the text: {g['anchor']!r}")
        spans.append(next((s, e) for s, e in bounds if s <= at < e))
    edges: list[list[int]] = []
    swapped: set[tuple[int, int]] = set()
    typed_gold: set[int] = set()
    for p_i, p in enumerate(pred):
        where = _place(p, text)
        types = {str(t).upper() for t in _list(p.get("event"))}
        if where is not None:
            typed_gold.update(
                g_i
                for g_i, g in enumerate(gold)
                if where[0] < spans[g_i][1] and where[1] > spans[g_i][0] and types & set(g["event"])
            )
        cands = []
        for g_i, g in enumerate(gold):
            s, e = spans[g_i]
            if where is None or where[0] >= e or where[1] <= s or not types & set(g["event"]):
                continue
            if _side_ok(g["actor"], p.get("actor")) and _side_ok(g["recipient"], p.get("recipient")):
                cands.append(g_i)
            elif (
                g.get("symmetric")
                and _side_ok(g["actor"], p.get("recipient"))
                and _side_ok(g["recipient"], p.get("actor"))
            ):
                cands.append(g_i)
                swapped.add((p_i, g_i))
        edges.append(cands)
    required = {i for i, g in enumerate(gold) if g.get("required")}
    match: dict[int, int] = {}
    _augment(match, edges, required)
    taken = set(match.values())
    for p_i, cands in enumerate(edges):
        if p_i not in match:
            free = [g for g in cands if g not in required and g not in taken]
            if free:
                match[p_i] = free[0]
                taken.add(free[0])
    tp = [p for p, g in match.items() if g in required]
    fp = [p for p in range(len(pred)) if p not in match]
    dated = placed = sectored = n_dated = n_placed = 0
    for p_i in tp:
        g, p = gold[match[p_i]], pred[p_i]
        a, r = p.get("actor"), p.get("recipient")
        if (p_i, match[p_i]) in swapped:
            a, r = r, a
        sectored += _sector_ok(g["actor"], a) and _sector_ok(g["recipient"], r)
        if g.get("date"):
            n_dated += 1
            dated += str(p.get("date") or "").startswith(g["date"])
        if g.get("location"):
            n_placed += 1
            loc = p.get("event_loc") or {}
            names = " ".join(str(loc.get(k) or "") for k in ("resolved_place", "extracted_place", "city")).lower()
            placed += (
                str(loc.get("country_code") or "").upper() == g["location"]["country"]
                and str(g["location"].get("place") or "").lower() in names
            )
    details = []
    for g_i, g in enumerate(gold):
        hits = [p for p, x in match.items() if x == g_i]
        details.append(
            f"{'HIT ' if hits else 'miss'} {g['id']} {'/'.join(g['event'])} "
            f"{g['actor']['code']}->{g['recipient']['code']} {g.get('date') or '-'}"
        )
    for p_i in fp:
        p = pred[p_i]
        details.append(
            f"FP   #{p_i} {_list(p.get('event'))} {sorted(_codes(p.get('actor')))}->"
            f"{sorted(_codes(p.get('recipient')))} :: {str(p.get('event_text') or '')[:80]!r}"
        )
    return ArticleScore(
        required=len(required),
        matched=len(tp),
        false_positives=len(fp),
        dated=(dated, n_dated),
        placed=(placed, n_placed),
        sectored=(sectored, len(tp)),
        typed=len(typed_gold & required),
        predicted=len(pred),
        details=details,
        correct=tuple(p_i in match for p_i in range(len(pred))),
    )


def score_articles(scores: list[ArticleScore]) -> dict[str, float]:
    """Figures summed over articles (micro-averaged), as `shared/tools/score_articles.py` gives them."""
    req = sum(s.required for s in scores)
    matched = sum(s.matched for s in scores)
    fp = sum(s.false_positives for s in scores)
    recall = matched / req if req else 0.0
    precision = matched / (matched + fp) if matched + fp else 0.0

    def weighted(part: str) -> float:
        # each article's share, weighted by its matched events (as score_articles.py does)
        num = sum(s.figures()[part] * s.matched for s in scores)
        return num / matched if matched else 0.0

    return {
        "required": req,
        "predicted": sum(s.predicted for s in scores),
        "matched": matched,
        "false_pos": fp,
        "recall": recall,
        "precision": precision,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "typed": sum(s.typed for s in scores) / req if req else 0.0,
        "dates": weighted("dates"),
        "places": weighted("places"),
        "sectors": weighted("sectors"),
    }


# ---- sentence sets ------------------------------------------------------------------------

# PLV predates the split of YIELD into CONCEDE and RETREAT.
PLV_ALIAS = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
PENTA_OF_ROOT = {
    "01": 0,
    "02": 0,
    "03": 1,
    "04": 1,
    "05": 1,
    "06": 2,
    "07": 2,
    "08": 2,
    "09": 3,
    "10": 3,
    "11": 3,
    "12": 3,
    "13": 3,
    "16": 3,
    "14": 4,
    "15": 4,
    "17": 4,
    "18": 4,
    "19": 4,
    "20": 4,
}
PENTA_OF_TYPE = {
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "CONCEDE": 1,
    "COOPERATE": 2,
    "AID": 2,
    "RETREAT": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "SANCTION": 3,
    "PROTEST": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}


@dataclass(slots=True)
class LabelScore:
    """Accuracy, macro F1, per-class F1 and the commonest confusions of a labelling task."""

    gold: list[str]
    pred: list[str]

    def accuracy(self) -> float:
        return (
            sum(g == p for g, p in zip(self.gold, self.pred, strict=True)) / len(self.gold) if self.gold else 0.0
        )

    def per_class(self) -> dict[str, float]:
        out = {}
        for lab in sorted(set(self.gold)):
            tp = sum(1 for g, p in zip(self.gold, self.pred, strict=True) if g == lab and p == lab)
            fp = sum(1 for g, p in zip(self.gold, self.pred, strict=True) if g != lab and p == lab)
            fn = sum(1 for g, p in zip(self.gold, self.pred, strict=True) if g == lab and p != lab)
            out[lab] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        return out

    def macro_f1(self) -> float:
        scores = self.per_class()
        return sum(scores.values()) / len(scores) if scores else 0.0

    def confusions(self, n: int = 10) -> list[tuple[str, str, int]]:
        counts: dict[tuple[str, str], int] = {}
        for g, p in zip(self.gold, self.pred, strict=True):
            if g != p:
                counts[(g, p)] = counts.get((g, p), 0) + 1
        return [(g, p, c) for (g, p), c in sorted(counts.items(), key=lambda kv: -kv[1])[:n]]


def _by_id(pred: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in pred:
        out.setdefault(str(p.get("id")), p)
    return out


def score_plv(rows: list[dict[str, str]], pred: list[dict[str, Any]]) -> LabelScore:
    """PLV: the PLOVER root the marked source directs at the marked target (rows of plv_*.tsv)."""
    by_id = _by_id(pred)
    gold, got = [], []
    for r in rows:
        p = by_id.get(str(r["uid"]))
        types = sorted(str(t).upper() for t in _list(p.get("event"))) if p else []
        label = types[0] if types else "NONE"
        gold.append(r["gold_root"])
        got.append(PLV_ALIAS.get(label, label))
    return LabelScore(gold=gold, pred=got)


def penta_class(p: dict[str, Any] | None) -> int:
    if not p:
        return 0
    cameo = str(p.get("cameo") or "")
    if len(cameo) >= 2 and cameo[:2] in PENTA_OF_ROOT:
        return PENTA_OF_ROOT[cameo[:2]]
    types = sorted(str(t).upper() for t in _list(p.get("event")))
    return PENTA_OF_TYPE.get(types[0], 0) if types else 0


def score_penta(labels: list[int], pred: list[dict[str, Any]]) -> LabelScore:
    """Penta: five CAMEO groupings per sentence; predictions are matched by line number as id."""
    by_id = _by_id(pred)
    got = [str(penta_class(by_id.get(str(i)))) for i in range(len(labels))]
    return LabelScore(gold=[str(x) for x in labels], pred=got)


# ---- dyads --------------------------------------------------------------------------------

# CAMEO roots each PLOVER type can stand for, when a prediction has no CAMEO code.
ROOTS_OF_TYPE = {
    "AGREE": {"03"},
    "CONSULT": {"04"},
    "SUPPORT": {"05"},
    "CONCEDE": {"08"},
    "COOPERATE": {"06"},
    "AID": {"07"},
    "RETREAT": {"08"},
    "REQUEST": {"10", "02"},
    "ACCUSE": {"09", "11"},
    "REJECT": {"12"},
    "THREATEN": {"13"},
    "PROTEST": {"14"},
    "SANCTION": {"16"},
    "MOBILIZE": {"15"},
    "COERCE": {"17"},
    "ASSAULT": {"18", "19", "20"},
}


def cameo_country(code: str | None) -> str:
    """The country-level part of a CAMEO actor code ("IRNGOV" -> "IRN", "IGOUNO" -> "UNO", "---" -> "*")."""
    code = (code or "").upper()
    if code.startswith("---"):
        return "*"
    if code.startswith("IGO"):
        return code[3:6] if code[3:6] in ("EUR", "UNO") else "IGO"
    return code[:3]


@dataclass(slots=True)
class DyadScore:
    tp: int
    fp: int
    fn: int

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_dyads(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> DyadScore:
    """(source country, target country, CAMEO root) triples per record, matched one to one."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for p in pred:
        by_article.setdefault(str(p.get("article_id") or p.get("id", "")).split("#")[0], []).append(p)
    tp = fp = fn = 0
    for record in gold:
        have = []
        for p in by_article.get(str(record["id"]), []):
            roots = (
                {str(p["cameo"])[:2]}
                if p.get("cameo")
                else set().union(*(ROOTS_OF_TYPE.get(str(t).upper(), set()) for t in _list(p.get("event"))))
            )
            have.append((_codes(p.get("actor")), _codes(p.get("recipient")), roots))
        used: set[int] = set()
        for e in record.get("expected_events") or []:
            s, t = cameo_country(e["source_actor_code"]), cameo_country(e["target_actor_code"])
            root = str(e["cameo_code"])[:2]
            hit = next(
                (
                    i
                    for i, (a, b, roots) in enumerate(have)
                    if i not in used and root in roots and (s == "*" or s in a) and (t == "*" or t in b)
                ),
                None,
            )
            if hit is None:
                fn += 1
            else:
                used.add(hit)
                tp += 1
        fp += len(have) - len(used)
    return DyadScore(tp=tp, fp=fp, fn=fn)
