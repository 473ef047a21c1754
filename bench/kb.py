"""Knowledge-base benchmarks: importing the Phoenix dictionaries, and what the shipped layer adds to start-up.

    .venv/bin/python bench/kb.py [--repeat 3]

1. `dotterel kb import-petrarch` over the full Phoenix actor and agent dictionaries
   (../shared/data/petrarch/), run as a subprocess: wall time and peak resident memory, beside a
   subprocess that only starts Python and loads spaCy's blank English tokenizer (what the import
   needs before reading anything), so the difference is what the import itself costs.
2. Start-up: loading the knowledge base and building its name matcher, with and without the
   shipped Phoenix layer, in this process (best of --repeat runs).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PETRARCH = ROOT.parent / "shared" / "data" / "petrarch"
CLI = Path(sys.executable).parent / "dotterel"


def _run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of a child process (run one at a time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, max(after.ru_maxrss, before.ru_maxrss) / 1024


def bench_import() -> None:
    if not PETRARCH.is_dir():
        print(f"skipped import: {PETRARCH} not found")
        return
    actors = [str(PETRARCH / f"Phoenix.{n}.actors.txt") for n in ("Countries", "International", "MilNonState")]
    agents = [str(PETRARCH / "Phoenix.agents.txt")]
    base_wall, base_cpu, base_mem = _run([sys.executable, "-c", "import spacy; spacy.blank('en')"])
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, mem = _run(
            [
                str(CLI),
                "kb",
                "import-petrarch",
                "--actors",
                *actors,
                "--agents",
                *agents,
                "--output",
                tmp,
                "--iso3",
            ]
        )
    print(
        f"baseline (python + spaCy blank tokenizer): {base_wall:6.2f} s wall {base_cpu:6.2f} s CPU peak {base_mem:4.0f} MB"
    )
    print(f"import full Phoenix dictionaries         : {wall:6.2f} s wall {cpu:6.2f} s CPU peak {mem:4.0f} MB")
    print(
        f"import adds                               : {wall - base_wall:6.2f} s wall {cpu - base_cpu:6.2f} s CPU {mem - base_mem:4.0f} MB"
    )


def bench_startup(repeat: int) -> None:
    from dotterel.actors.kb import KnowledgeBase
    from dotterel.actors.matcher import build_name_matcher
    from dotterel.nlp import DEFAULT_MODEL, load_pipeline

    nlp = load_pipeline(DEFAULT_MODEL)

    def once(shipped: bool) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        kb = KnowledgeBase.load(shipped=shipped)
        build_name_matcher(nlp, kb)
        return time.perf_counter() - t0, time.process_time() - c0

    without = min(once(False) for _ in range(repeat))
    with_layer = min(once(True) for _ in range(repeat))
    print(f"KB + name matcher, built-in only          : {without[0]:6.2f} s wall {without[1]:6.2f} s CPU")
    print(f"KB + name matcher, with the Phoenix layer : {with_layer[0]:6.2f} s wall {with_layer[1]:6.2f} s CPU")
    print(
        f"the shipped layer adds to start-up        : {with_layer[0] - without[0]:6.2f} s wall "
        f"{with_layer[1] - without[1]:6.2f} s CPU (ratio {with_layer[1] / without[1]:.1f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    bench_import()
    bench_startup(args.repeat)


if __name__ == "__main__":
    main()
