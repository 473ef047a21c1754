"""Check data/labels/news*/*.gold.jsonl (every annotator's folder) against the source articles.

Usage: python3 data/labels/check_labels.py [path/to/guardian_sample.jsonl]
(default ../shared/data/news/guardian_sample.jsonl relative to the repository root).
Checks: every anchor occurs exactly once in the article text; event types are PLOVER types;
ids unique and R../O.. consistent with `required`; date format matches date_precision;
record keys and shapes as in the project's gold files.
"""
import glob, json, os, re, sys

PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
          "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
KEYS = ["id", "required", "anchor", "event", "actor", "recipient", "symmetric", "date",
        "date_precision", "location", "note"]
PREC = {"day": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$", "year": r"^\d{4}$"}

here = os.path.dirname(os.path.abspath(__file__))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    here, "..", "..", "..", "shared", "data", "news", "guardian_sample.jsonl")
texts = {}
with open(src, encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        texts[d["id"]] = d["text"]

errors = 0
def err(msg):
    global errors
    errors += 1
    print(msg)

files = sorted(glob.glob(os.path.join(here, "news*", "*.gold.jsonl")))
total = req = 0
for path in files:
    aid = os.path.basename(path)[: -len(".gold.jsonl")]
    text = texts.get(aid)
    if text is None:
        err(f"{aid}: no such article in {src}")
        continue
    ids = set()
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        e = json.loads(line)
        where = f"{aid}:{n} {e.get('id')}"
        if list(e) != KEYS:
            err(f"{where}: keys {list(e)}")
        if e["id"] in ids:
            err(f"{where}: duplicate id")
        ids.add(e["id"])
        if not re.match(r"^[RO]\d{2}$", e["id"]) or (e["id"][0] == "R") != e["required"]:
            err(f"{where}: id/required mismatch")
        c = text.count(e["anchor"])
        if c != 1:
            err(f"{where}: anchor occurs {c} times: {e['anchor']!r}")
        if not e["event"] or any(t not in PLOVER for t in e["event"]):
            err(f"{where}: bad event {e['event']}")
        for side in ("actor", "recipient"):
            x = e[side]
            if not isinstance(x, dict) or not x.get("code") or not all(
                    isinstance(v, str) and (v == "*" or re.match(r"^[A-Z]{3}$", v)) for v in x["code"]):
                err(f"{where}: bad {side} {x}")
            elif x["sector"] is not None and not all(
                    v is None or re.match(r"^[A-Z]{3}$", v) for v in x["sector"]):
                err(f"{where}: bad {side} sector {x['sector']}")
        p, d = e["date_precision"], e["date"]
        if (p is None) != (d is None) or (p and not re.match(PREC[p], d)):
            err(f"{where}: date {d} / precision {p}")
        loc = e["location"]
        if loc is not None and (list(loc) != ["country", "place"] or not re.match(r"^[A-Z]{3}$", loc["country"])):
            err(f"{where}: bad location {loc}")
        if not isinstance(e["symmetric"], bool):
            err(f"{where}: symmetric not bool")
        total += 1
        req += e["required"]
print(f"{len(files)} files, {total} events ({req} required, {total - req} optional), {errors} errors")
sys.exit(1 if errors else 0)
