"""Single news sentences written for the project: the coder finds the event a careful coder would.

A floor, not a per-sentence promise: the figure is printed so regressions show.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dotterel.records import Article

CASES = [
    line.split("\t")
    for line in (Path(__file__).parent / "sentences.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def _hit(events, event, actor, recipient) -> bool:
    for e in events:
        a = {x.code for _, x in e.actor}
        r = {x.code for _, x in e.recipient}
        if e.event == event and actor in a and (not recipient or recipient in r):
            return True
    return False


def test_handwritten_sentences_are_coded(coder):
    arts = [Article(id=str(i), text=c[0], published=dt.date(2024, 3, 1)) for i, c in enumerate(CASES)]
    outcomes = list(coder.code_many(arts))
    misses = [
        c[0]
        for c, o in zip(CASES, outcomes, strict=True)
        if not _hit(o.events, c[1], c[2], c[3] if len(c) > 3 else "")
    ]
    share = 1 - len(misses) / len(CASES)
    print(f"hand-written sentences coded right: {share:.2f}")
    print("\n".join(misses))
    assert share >= 0.85, "missed:\n" + "\n".join(misses)
