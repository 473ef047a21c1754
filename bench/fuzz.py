"""A long fuzz run over the input readers and the coder (the property tests, with many more and bigger examples).

    .venv/bin/python bench/fuzz.py [--examples N] [--scale S] [--seed SEED]

Four targets, each with N examples from the strategies in tests/strategies.py (scale S makes texts
longer and entity lists bigger):
- readers:  random bytes as .txt, .jsonl and .jsonl.gz files;
- jsonl:    JSON Lines files of good, damaged, odd and garbage lines, plain and gzip-compressed;
- coder:    hostile texts (random Unicode, control characters, white space only, very long tokens and
            sentences, mixed scripts, junk spliced into news) coded in batches;
- entities: articles with hundreds to thousands of actor mentions.
It prints what was tried and what came out: articles, rejections by reason, events, offset
violations and crashes (both must be 0), and the slowest article. A failure stops the run with
hypothesis's smallest failing example.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gzip
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=500, help="examples per target (default 500)")
    ap.add_argument("--scale", type=int, default=4, help="size of texts and entity lists (tests use 1)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))

    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st
    from tests.strategies import jsonl_lines, many_entities, texts
    from tests.test_properties import event_problems

    from dotterel.errors import InputError
    from dotterel.inputs import read_articles
    from dotterel.pipeline import Coder
    from dotterel.records import Article

    coder = Coder.load()
    counts: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    slowest = (0.0, 0)

    def run(name: str, test) -> None:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        wrapped = settings(
            max_examples=args.examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(seed(args.seed)(test))
        wrapped()
        print(f"{name:9}: {args.examples} examples in {time.perf_counter() - start:.0f} s", flush=True)

    def reason(problem: str) -> str:
        return re.sub(r"\d[\d,]*", "N", problem.split(";")[0].split(" (")[0])[:60]

    def read(path: Path) -> list[Article]:
        articles = []
        for item in read_articles([str(path)], dt.date(2025, 1, 10)):
            counts["inputs read"] += 1
            if isinstance(item, InputError):
                counts["inputs rejected"] += 1
                reasons[reason(item.problem)] += 1
                assert item.source.startswith(str(path))
            else:
                item.text.encode("utf-8")
                counts["articles read"] += 1
                articles.append(item)
        return articles

    def code(text_list: list[str]) -> None:
        code_articles(
            [Article(id=f"f{i}", text=t, published=dt.date(2025, 1, 10)) for i, t in enumerate(text_list)]
        )

    def code_articles(articles: list[Article]) -> None:
        nonlocal slowest
        for article in articles:
            text = article.text
            start = time.perf_counter()
            [outcome] = coder.code_many([article])
            took = time.perf_counter() - start
            if took > slowest[0]:
                slowest = (took, len(text))
            counts["texts coded"] += 1
            if outcome.error is not None:
                counts["texts rejected"] += 1
                reasons[reason(outcome.error.problem)] += 1
                continue
            counts["events"] += len(outcome.events)
            for event in outcome.events:
                problems = event_problems(event, text)
                counts["offset or field violations"] += len(problems)
                assert not problems, (problems, text[:200])

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)

        @given(
            st.binary(max_size=400 * args.scale), st.sampled_from([".txt", ".jsonl", ".jsonl.gz"]), st.booleans()
        )
        def readers(raw: bytes, suffix: str, compress: bool) -> None:
            path = base / f"in{suffix}"
            path.write_bytes(gzip.compress(raw) if compress and suffix == ".jsonl.gz" else raw)
            read(path)

        @given(jsonl_lines(args.scale))
        def jsonl(raw: bytes) -> None:
            for name, data in (("in.jsonl", raw), ("in.jsonl.gz", gzip.compress(raw))):
                path = base / name
                path.write_bytes(data)
                articles = read(path)
            code_articles(articles)  # the articles of the plain file (the compressed one holds the same)

        @given(st.lists(texts(args.scale), min_size=1, max_size=4))
        def coder_texts(text_list: list[str]) -> None:
            code(text_list)

        @given(many_entities(args.scale))
        def entities(text: str) -> None:
            counts["entity texts"] += 1
            code([text])

        for name, test in (("readers", readers), ("jsonl", jsonl), ("coder", coder_texts)):
            run(name, test)
        examples = args.examples
        args.examples = max(1, examples // 25)  # each entity text is thousands of sentences
        run("entities", entities)
        args.examples = examples

    print()
    for key in (
        "inputs read",
        "articles read",
        "inputs rejected",
        "texts coded",
        "texts rejected",
        "entity texts",
        "events",
        "offset or field violations",
    ):
        print(f"{key:28} {counts[key]:>8,}")
    print(f"{'crashes':28} {0:>8}  (a crash stops the run with its example)")
    print(f"{'slowest article':28} {slowest[0]:8.2f} s ({slowest[1]:,} characters)")
    print("\nrejections by reason:")
    for text, n in reasons.most_common(15):
        print(f"  {n:6,}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
