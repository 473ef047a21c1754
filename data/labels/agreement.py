#!/usr/bin/env python3
"""Inter-annotator agreement for the double-annotated news articles.

    python3 data/labels/agreement.py [--a data/labels/news] [--b data/labels/news_b]
        [--articles /work/shared/data/news/guardian_sample.jsonl]
        [--scorer /work/shared/tools/score.py] [--ids ID ...] [--verbose]

Scores each annotator's labels against the other's with the matching rules of
`score.py article` (the scorer is imported and run unchanged). One side's gold file is turned
into predictions:
  event      = first accepted type
  actor      = first accepted code that is not "*" ("*" only if nothing else), with the first
               non-null accepted sector; the same for recipient
  text_info  = start/end of the anchor in the article (so the prediction sits in the anchor's
               sentence)
  date       = the gold date; event_loc = the gold location (country_code, extracted_place)
Two prediction sets per direction:
  req = only the side's required events  (the main figure: required-event agreement; its
        precision treats a required event that the other side coded as optional as no error)
  all = required + optional events       (did the other side code it at all?)
With X as gold and Y as predictions: recall = X-required events matched / X-required;
precision = matched X-required / (matched X-required + Y predictions matching nothing in X).
A Y prediction that matches an X optional event counts neither way (as in score.py).

Also reported, over all sentences of the shared articles (score.py's sentence splitter):
  * "sentence has a required event" per annotator -> Cohen's kappa, F1, raw agreement;
  * type agreement on sentences where both have required events: share of sentences whose
    preferred (first) types overlap, and share whose accepted-type lists overlap;
  * typed: score.py's figure (X-required events whose sentence has a Y prediction of an
    accepted type, actors ignored).
Standard library only; reads article text from the shared sample, writes nothing.
"""
import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_IDS = ["guardian-row150", "guardian-row107", "guardian-row060", "guardian-row081"]


def load_scorer(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    import importlib
    return importlib.import_module(os.path.splitext(os.path.basename(path))[0])


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def first_code(side):
    codes = side.get("code") or []
    real = [c for c in codes if c != "*"]
    return real[0] if real else (codes[0] if codes else "*")


def first_sector(side):
    secs = side.get("sector")
    if not secs:
        return None
    real = [s for s in secs if s]
    return real[0] if real else None


def to_pred(g, text):
    i = text.find(g["anchor"])
    loc = g.get("location") or {}
    return {
        "event": [g["event"][0]],
        "actor": [{"code": first_code(g["actor"]), "sector": first_sector(g["actor"])}],
        "recipient": [{"code": first_code(g["recipient"]), "sector": first_sector(g["recipient"])}],
        "date": g.get("date"),
        "event_loc": {"country_code": loc.get("country"), "extracted_place": loc.get("place")} if loc else None,
        "event_text": [g["anchor"]],
        "text_info": {"start": i, "end": i + len(g["anchor"])},
        "_id": g["id"],
    }


def run_score(score, gold_path, text_path, preds, verbose=True):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
        pred_path = f.name
    args = argparse.Namespace(gold=gold_path, text=text_path, pred=pred_path, verbose=verbose)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fig, counts = score.score_article(args)
    os.unlink(pred_path)
    c = dict(kv.split("=") for kv in counts.split())
    return fig, {k: int(v) for k, v in c.items()}, out.getvalue()


def kappa(a, b):
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0, po


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", default=os.path.join(HERE, "news"), help="annotator A's folder")
    ap.add_argument("--b", default=os.path.join(HERE, "news_b"), help="annotator B's folder")
    ap.add_argument("--articles", default="/work/shared/data/news/guardian_sample.jsonl")
    ap.add_argument("--scorer", default="/work/shared/tools/score.py")
    ap.add_argument("--ids", nargs="*", default=SHARED_IDS)
    ap.add_argument("--verbose", action="store_true", help="list unmatched events per article")
    a = ap.parse_args()
    score = load_scorer(a.scorer)
    arts = {}
    with open(a.articles, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["id"] in a.ids:
                arts[d["id"]] = d["text"]
    sides = {"A": a.a, "B": a.b}
    tot = Counter()
    sent_a, sent_b = [], []
    type_first = type_any = type_n = 0
    tmpdir = tempfile.mkdtemp()
    print(f"{'article':<16} {'dir':<6} {'set':<4} {'gold_req':>8} {'pred':>5} {'match':>5} {'fp':>4} "
          f"{'recall':>7} {'prec':>6} {'typed':>6}")
    details = []
    for aid in a.ids:
        text = arts[aid]
        text_path = os.path.join(tmpdir, aid + ".txt")
        with open(text_path, "w", encoding="utf-8") as f:
            f.write(text)
        gold = {k: read_jsonl(os.path.join(v, aid + ".gold.jsonl")) for k, v in sides.items()}
        for gx, py in (("A", "B"), ("B", "A")):
            for which in ("req", "all"):
                src = [g for g in gold[py] if g["required"] or which == "all"]
                preds = [to_pred(g, text) for g in src]
                fig, c, log = run_score(score, os.path.join(sides[gx], aid + ".gold.jsonl"), text_path, preds)
                key = f"{gx}<-{py}:{which}"
                for k in ("required", "predicted", "matched", "false_pos", "typed_matched"):
                    tot[(key, k)] += c[k]
                print(f"{aid:<16} {gx+'<-'+py:<6} {which:<4} {c['required']:>8} {c['predicted']:>5} {c['matched']:>5} "
                      f"{c['false_pos']:>4} {fig['recall']:>7.3f} {fig['precision']:>6.3f} {fig['typed']:>6.3f}")
                if which == "req":
                    misses = [l for l in log.splitlines() if l.startswith("miss R")]
                else:
                    fps = []
                    for l in log.splitlines():
                        if l.startswith("FP"):
                            idx = int(l.split("#")[1].split()[0])
                            fps.append(f"{src[idx]['id']} {l.split(' ', 3)[3]}")
                    details.append((aid, gx, py, misses, fps))
        # sentence-level
        spans = score.sentence_spans(text)

        def sent_of(g):
            i = text.find(g["anchor"])
            return next(k for k, (s, e) in enumerate(spans) if s <= i < e)

        req_sent = {k: {} for k in sides}
        for k in sides:
            for g in gold[k]:
                if g["required"]:
                    req_sent[k].setdefault(sent_of(g), []).append(g)
        for k in range(len(spans)):
            sent_a.append(int(k in req_sent["A"]))
            sent_b.append(int(k in req_sent["B"]))
            if k in req_sent["A"] and k in req_sent["B"]:
                type_n += 1
                fa = {g["event"][0] for g in req_sent["A"][k]}
                fb = {g["event"][0] for g in req_sent["B"][k]}
                aa = {t for g in req_sent["A"][k] for t in g["event"]}
                ab = {t for g in req_sent["B"][k] for t in g["event"]}
                type_first += bool(fa & fb)
                type_any += bool(aa & ab)
    print()
    print("Pooled over articles (micro):")
    for key in ("A<-B:req", "B<-A:req", "A<-B:all", "B<-A:all"):
        req, m, fp, ty = (tot[(key, k)] for k in ("required", "matched", "false_pos", "typed_matched"))
        rec = m / req if req else 0.0
        prec = m / (m + fp) if m + fp else 0.0
        f1 = 2 * rec * prec / (rec + prec) if rec + prec else 0.0
        print(f"  gold {key[0]} / pred {key[3]} ({key[5:]}): required={req} predicted={tot[(key, 'predicted')]} "
              f"matched={m} false_pos={fp} recall={rec:.3f} precision={prec:.3f} f1={f1:.3f} typed={ty / req if req else 0:.3f}")
    ra, rb = tot[("A<-B:req", "required")], tot[("B<-A:req", "required")]
    mab, mba = tot[("A<-B:req", "matched")], tot[("B<-A:req", "matched")]
    print(f"  required-vs-required: A={ra} B={rb} matched={mab}/{mba} (A<-B / B<-A) "
          f"F1={2 * mab / (ra + rb) if ra + rb else 0:.3f} (a required event of one side matched by a required "
          f"event of the other; optional-matches count against)")
    k, po = kappa(sent_a, sent_b)
    both = sum(x and y for x, y in zip(sent_a, sent_b))
    f1s = 2 * both / (sum(sent_a) + sum(sent_b)) if sum(sent_a) + sum(sent_b) else 0.0
    print(f"Sentence has a required event: sentences={len(sent_a)} A={sum(sent_a)} B={sum(sent_b)} both={both} "
          f"agreement={po:.3f} kappa={k:.3f} f1={f1s:.3f}")
    print(f"Type agreement on sentences where both have required events: n={type_n} "
          f"preferred-type overlap={type_first / type_n if type_n else 0:.3f} "
          f"accepted-type overlap={type_any / type_n if type_n else 0:.3f}")
    if a.verbose:
        print()
        for aid, gx, py, misses, fps in details:
            print(f"== {aid}: gold {gx} required events not matched by a required event of {py}")
            for l in misses:
                print("   " + l)
            for l in fps:
                print(f"   coded by {py} only (no event of {gx} in the sentence matches): {l}")


if __name__ == "__main__":
    main()
