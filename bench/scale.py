"""Speed and scale in one run, on one corpus: bare spaCy, dotterel with 1 and 2 workers, Ray, long articles.

    .venv/bin/python bench/scale.py            # the full run: a corpus of at least 5 MB
    .venv/bin/python bench/scale.py --quick    # about 1 MB, and long articles of 50k and 200k only

The corpus is built from ../shared/data/news/guardian_sample.jsonl (copies of its articles under new
ids until the size is reached); without it the benchmark stops with a note. Every figure is for a
whole process, timed from its start to its end (imports, model loading and writing the PLOVER output
included), each measurement in a fresh process:

* bare spaCy: `spacy.load` of the same model, `nlp.pipe` over the texts (batches of 8), one process;
* dotterel code with 1 worker (this process) and with 2 worker processes (`--workers 2`);
* dotterel on Ray with 2 CPUs (a local `ray.init(num_cpus=2)`, shards of 25 articles);
* one long article of 50k, 200k and 900k characters: the time to code it (models loaded before)
  and the peak memory of the process.

Words are spaCy's tokens that are not punctuation or space, counted by the bare spaCy run, so all
rates are over the same words. The load average of the machine is printed before and after: on a
shared machine other work slows every figure, the ratios less so (measurements alternate).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news" / "guardian_sample.jsonl"


def build_corpus(path: Path, min_bytes: int) -> tuple[int, int]:
    """Write copies of the news sample as JSONL until `min_bytes` of text; returns (articles, characters)."""
    rows = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = chars = 0
    with path.open("w", encoding="utf-8") as f:
        copy = 0
        while chars < min_bytes:
            for row in rows:
                f.write(json.dumps({**row, "id": f"{row['id']}-c{copy}"}) + "\n")
                n += 1
                chars += len(row["text"].encode("utf-8"))
            copy += 1
    return n, chars


def long_article(path: Path, size: int) -> None:
    """One article of `size` characters: news articles joined as paragraphs (a live blog)."""
    rows = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts, total, k = [], 0, 0
    while total < size:
        parts.append(rows[k % len(rows)]["text"])
        total += len(parts[-1]) + 2
        k += 1
    text = "\n\n".join(parts)[:size]
    text = text[: text.rfind(". ") + 1]
    path.write_text(json.dumps({"id": f"long{size}", "text": text, "published": "2019-04-10"}) + "\n")


# ---- measurements, each run in a fresh process -----------------------------------------------------


def measure_spacy(corpus: str) -> dict:
    import spacy

    from dotterel.nlp import DEFAULT_MODEL

    nlp = spacy.load(DEFAULT_MODEL)
    texts = (json.loads(line)["text"] for line in open(corpus, encoding="utf-8"))
    words = 0
    for doc in nlp.pipe(texts, batch_size=8):
        words += sum(1 for t in doc if not t.is_punct and not t.is_space)
    return {"words": words, "rss": {"main": _rss()}}


def measure_code(corpus: str, workers: int) -> dict:
    from dotterel.bounded import Limits
    from dotterel.engines import open_coder
    from dotterel.export.plover import to_plover
    from dotterel.inputs import read_articles
    from dotterel.pipeline import Coder

    events = 0
    with open(os.devnull, "w") as out, open_coder(Coder.load, workers=workers, limits=Limits()) as coder:
        items = (a for a in read_articles([corpus]) if not hasattr(a, "problem"))
        for outcome in coder.code_many(items):
            for event in outcome.events:
                out.write(json.dumps(to_plover(event), ensure_ascii=False) + "\n")
                events += 1
        rss = {str(pid): v for pid, v in coder.peak_rss.items()} or {"main": _rss()}
        restarts = coder.restarts
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"events": events, "rss": rss, "restarts": restarts, "main_cpu": own.ru_utime + own.ru_stime}


def measure_ray(corpus: str) -> dict:
    import ray

    from dotterel.bounded import Limits
    from dotterel.pipeline import Coder
    from dotterel.ray_engine import run

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    with tempfile.TemporaryDirectory() as tmp:
        summary = run([corpus], Path(tmp) / "out", load=Coder.load, limits=Limits(), shard_size=25)
    ray.shutdown()
    return {"events": summary.events, "rss": {"driver": _rss()}}


def measure_long(path: str) -> dict:
    from dotterel.bounded import BoundedCoder, Limits
    from dotterel.inputs import read_articles
    from dotterel.pipeline import Coder

    coder = BoundedCoder(Coder.load(), Limits(timeout=None))
    [article] = list(read_articles([path]))
    before = _rss()
    t0 = time.perf_counter()
    [outcome] = coder.code_many([article])
    seconds = time.perf_counter() - t0
    assert outcome.error is None, outcome.error
    return {
        "chars": len(article.text),
        "seconds": seconds,
        "events": len(outcome.events),
        "rss": {"main": _rss()},
        "rss_loaded": before,
    }


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(kind: str, *args: str) -> tuple[dict, float, float]:
    """Run one measurement in a fresh process: (its report, wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, *args], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"measurement {kind} failed:\n{done.stderr[-3000:]}")
    for line in done.stderr.splitlines():
        if "worker" in line and "ended" in line:
            print(f"  {kind}: {line}", file=sys.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(done.stdout.strip().splitlines()[-1]), wall, cpu


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a 1 MB corpus; long articles of 50k and 200k only")
    ap.add_argument("--mb", type=float, help="corpus size in MB (default: 5, or 1 with --quick)")
    ap.add_argument("--no-ray", action="store_true", help="leave out the Ray measurement")
    ap.add_argument("--no-long", action="store_true", help="leave out the long articles")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        kind, rest = args.measure, args.args
        report = {
            "spacy": lambda: measure_spacy(rest[0]),
            "code": lambda: measure_code(rest[0], int(rest[1])),
            "ray": lambda: measure_ray(rest[0]),
            "long": lambda: measure_long(rest[0]),
        }[kind]()
        print(json.dumps(report))
        return 0
    if not NEWS.is_file():
        print(f"skipped: {NEWS} is absent (shared development data); nothing measured")
        return 0
    size_mb = args.mb or (1.0 if args.quick else 5.0)
    lengths = () if args.no_long else (50_000, 200_000) if args.quick else (50_000, 200_000, 900_000)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        n_articles, n_bytes = build_corpus(corpus, int(size_mb * 2**20))
        print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
        print(f"corpus: {n_articles} articles, {n_bytes / 2**20:.1f} MB of text (from {NEWS.name})")
        runs: dict[str, tuple[dict, float, float]] = {}
        order = ["spacy", "code1", "code2"] + ([] if args.no_ray else ["ray"])
        for name in order:
            if name == "spacy":
                runs[name] = child("spacy", str(corpus))
            elif name == "ray":
                try:
                    import ray  # noqa: F401
                except ImportError:
                    print("ray: not installed (pip install -e '.[ray]'); left out")
                    continue
                runs[name] = child("ray", str(corpus))
            else:
                runs[name] = child("code", str(corpus), name[-1])
            restarts = runs[name][0].get("restarts")
            note = f" ({restarts} worker(s) replaced)" if restarts else ""
            print(f"  measured {name}: {runs[name][1]:.1f} s{note}", file=sys.stderr)
        words = runs["spacy"][0]["words"]
        base = words / runs["spacy"][1]
        print(f"words: {words:,} (spaCy tokens that are not punctuation or space)")
        print()
        print("| run (whole process) | wall s | CPU s | words/s | × bare spaCy | events | peak RSS per process |")
        print("|---|---|---|---|---|---|---|")
        labels = {
            "spacy": "bare spaCy parse, 1 process",
            "code1": "dotterel code, 1 worker",
            "code2": "dotterel code, 2 workers",
            "ray": "dotterel on Ray, 2 CPUs",
        }
        for name, (report, wall, cpu) in runs.items():
            rate = words / wall
            rss = ", ".join(mb(v) for v in report["rss"].values())
            cpu_text = f"{cpu:.0f}" if name != "ray" else "–"
            print(
                f"| {labels[name]} | {wall:.1f} | {cpu_text} | {rate:,.0f} | {rate / base:.2f} | "
                f"{report.get('events', '–')} | {rss} |"
            )
        if "code1" in runs and "code2" in runs:
            print()
            print(f"2 workers / 1 worker: {runs['code1'][1] / runs['code2'][1]:.2f}×")
            print(
                f"main process of the 2-worker run (reading, ordering, writing): {runs['code2'][0]['main_cpu']:.1f} CPU s"
            )
        if "ray" in runs and "code1" in runs:
            print(f"Ray 2 CPUs / 1 worker: {runs['code1'][1] / runs['ray'][1]:.2f}×")
        first = None
        if lengths:
            print()
            print("| one article | characters | time s | µs per character | events | peak RSS |")
            print("|---|---|---|---|---|---|")
        for size in lengths:
            path = Path(tmp) / f"long{size}.jsonl"
            long_article(path, size)
            report, _, _ = child("long", str(path))
            per = 1e6 * report["seconds"] / report["chars"]
            first = first or per
            print(
                f"| {size // 1000}k | {report['chars']:,} | {report['seconds']:.1f} | {per:.1f} "
                f"({per / first:.2f}× the 50k) | {report['events']} | {mb(report['rss']['main'])} |"
            )
        print()
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
