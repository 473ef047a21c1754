"""What the language check costs, against coding the same articles in the same run.

    .venv/bin/python bench/language.py

English articles (the bundled examples and, when ../shared is present, the development and
training articles and the Guardian sample) go through the fast path; the identifier (lingua,
low-accuracy mode) is loaded only for the first text that needs it: its load time and memory
are measured on a German text, then its time per short text.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FOREIGN = [
    "Der russische Präsident hat am Montag die Türkei kritisiert.",
    "Le président russe a vivement critiqué la Turquie lundi, selon le Kremlin.",
    "El gobierno de Ankara rechazó las acusaciones del presidente ruso.",
    "Il presidente russo ha criticato duramente la Turchia lunedì.",
]


def rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def english_sets() -> dict[str, list[str]]:
    """English sentences and short texts of ../shared/data (absent: none)."""
    data = SHARED / "data"
    found: dict[str, list[str]] = {}
    files = {
        "penta sentences": (data / "dev" / "penta_train.tsv", lambda line: line.rsplit("\t", 1)[0]),
        "PLV sentences": (data / "dev" / "plv_train.classify.jsonl", lambda line: json.loads(line)["text"]),
        "PETRARCH unit-test records": (
            data / "petrarch" / "PETR.UnitTest.articles.jsonl",
            lambda line: json.loads(line)["text"],
        ),
        "Times of India sentences (lower-cased)": (
            data / "weak" / "india_police_events_sents_train.tsv",
            lambda line: line.split("\t")[0],
        ),
    }
    for name, (path, take) in files.items():
        if path.exists():
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            if path.suffix == ".tsv" and "india" in path.name:
                lines = lines[1:3000]  # the header, then the first 2,999 sentences
            found[name] = [take(line) for line in lines if line.strip()]
    return found


def main() -> int:
    from dotterel.language import LanguageCheck
    from dotterel.pipeline import Coder
    from dotterel.records import Article

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*.txt"))]
    for folder in (SHARED / "dev_articles", SHARED / "data" / "train_articles"):
        texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    sample = SHARED / "data" / "news" / "guardian_sample.jsonl"
    if sample.exists():
        texts += [json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines()]
    coder = Coder.load()
    check = LanguageCheck()

    start = time.perf_counter()
    verdicts = [check.verdict(t) for t in texts]
    checked = time.perf_counter() - start
    start = time.perf_counter()
    for i, text in enumerate(texts):
        list(coder.code_many([Article(id=str(i), text=text, published=dt.date(2025, 1, 10))]))
    coded = time.perf_counter() - start
    # coding includes the check; the ratio is the check's share of coding
    print(f"English articles: {len(texts)}, rejected {sum(v.language is not None for v in verdicts)}")
    print(f"  fast path (no identifier): {sum(v.how == 'english-words' for v in verdicts)} of {len(texts)}")
    print(
        f"  check {checked / len(texts) * 1000:.2f} ms per article, coding {coded / len(texts) * 1000:.1f} ms "
        f"per article: the check is {checked / coded:.1%} of coding"
    )
    before = rss_mb()
    start = time.perf_counter()
    first = check.verdict(FOREIGN[0])
    load = time.perf_counter() - start
    print(
        f"identifier loaded for the first foreign text: {load:.2f} s, +{rss_mb() - before:.0f} MB ({first.language})"
    )
    times = []
    for _ in range(20):
        for text in FOREIGN:
            start = time.perf_counter()
            check.verdict(text)
            times.append(time.perf_counter() - start)
    print(f"  then {statistics.median(times) * 1000:.2f} ms per short text (median of {len(times)})")
    for name, items in english_sets().items():
        rejected = [(v.language, t[:70]) for t in items if (v := check.verdict(t)).language is not None]
        print(f"{name}: {len(items)} English texts, {len(rejected)} rejected")
        for language, text in rejected[:10]:
            print(f"    as {language}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
