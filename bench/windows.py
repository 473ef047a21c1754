"""What coding in windows changes: one long text coded whole and in windows, compared event by event.

    .venv/bin/python bench/windows.py [--chars 100000] [--window 20000]

The text is news articles from ../shared/data/news/ joined as paragraphs (a live blog). Prints the
events of each way, how many are found in both at the same evidence sentence with the same type (and
also the same actor and recipient countries and date), whether sentence numbers agree, and the time
of each. Use it to choose `Limits.window_chars`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news" / "guardian_sample.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=100_000)
    ap.add_argument("--window", type=int, default=20_000)
    args = ap.parse_args()
    if not NEWS.is_file():
        print(f"skipped: {NEWS} is absent (shared development data)")
        return 0
    from dotterel.bounded import BoundedCoder, Limits
    from dotterel.pipeline import Coder
    from dotterel.records import Article

    rows = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    text = "\n\n".join(r["text"] for r in rows)[: args.chars]
    text = text[: text.rfind(". ") + 1]
    article = Article(id="blog", text=text, published=dt.date(2019, 4, 10))
    coder = Coder.load()
    got = {}
    for name, window in (("whole", max(args.chars, 1_000_000)), ("windows", args.window)):
        t0 = time.perf_counter()
        [outcome] = BoundedCoder(coder, Limits(window_chars=window, timeout=None)).code_many([article])
        got[name] = (outcome.events, time.perf_counter() - t0)

    def place(e):  # type: ignore[no-untyped-def]
        return (e.text_info.start, e.event)

    def full(e):  # type: ignore[no-untyped-def]
        codes = (tuple(x.code for _, x in e.actor), tuple(x.code for _, x in e.recipient))
        return (*place(e), *codes, e.date.iso() if e.date else None)

    whole, windows = got["whole"][0], got["windows"][0]
    sentence = {e.text_info.start: e.text_info.sentence for e in whole}
    agree = sum(
        sentence.get(e.text_info.start) == e.text_info.sentence for e in windows if e.text_info.start in sentence
    )
    print(f"text: {len(text):,} characters; windows of at most {args.window:,}")
    print(f"whole text : {len(whole)} events in {got['whole'][1]:.1f} s")
    print(f"in windows : {len(windows)} events in {got['windows'][1]:.1f} s")
    print(f"same sentence and type      : {len({*map(place, whole)} & {*map(place, windows)})}")
    print(f"... and same dyad and date  : {len({*map(full, whole)} & {*map(full, windows)})}")
    print(f"sentence numbers that agree : {agree} of {sum(e.text_info.start in sentence for e in windows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
