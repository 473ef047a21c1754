"""Cost and held-out accuracy of the shipped event classifier (dotterel.events.model).

    python bench/classifier.py [--model DIR] [--threads N]

Cost: seconds per item for PLV pairs and penta sentences over the whole dev sets, in batches.
Accuracy: on the validation split the model was held out from, recomputed from the data with the
seed and fraction in the model's manifest (the other 80% were trained on and are not reported).
Skips with a message when ../shared/data/dev is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: package data)")
    parser.add_argument("--data", type=Path, default=DATA, help="directory with dev/ (default: ../shared/data)")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (default 1)")
    args = parser.parse_args(argv)
    if not (args.data / "dev").is_dir():
        print(f"skipped: {args.data / 'dev'} is absent (the dev sets live in ../shared/data/dev)")
        return 0

    from dotterel.errors import DotterelError
    from dotterel.events.model import EventClassifier
    from dotterel.train import (
        PENTA_FILE,
        PLV_FILE,
        VALIDATION_FRACTION,
        evaluate,
        load_split,
        read_penta,
        read_plv,
    )

    try:
        started = time.perf_counter()
        classifier = EventClassifier.load(args.model, threads=args.threads)
        load_seconds = time.perf_counter() - started
    except DotterelError as e:
        print(f"skipped: {e}")
        return 0
    pairs = read_plv(args.data / PLV_FILE)
    sentences = read_penta(args.data / PENTA_FILE)
    classifier.predict_pairs([(ex.text, ex.actor, ex.recipient) for ex in pairs[:32]])  # warm up

    started = time.perf_counter()
    classifier.predict_pairs([(ex.text, ex.actor, ex.recipient) for ex in pairs])
    pair_seconds = time.perf_counter() - started
    started = time.perf_counter()
    classifier.predict_penta([ex.text for ex in sentences])
    penta_seconds = time.perf_counter() - started

    print(f"model: {args.model or 'package data'} (loaded in {load_seconds:.2f} s, {args.threads} thread(s))")
    print(f"pairs:     {len(pairs)} in {pair_seconds:.2f} s = {1000 * pair_seconds / len(pairs):.1f} ms/pair")
    print(
        f"sentences: {len(sentences)} in {penta_seconds:.2f} s = {1000 * penta_seconds / len(sentences):.1f} ms/sentence"
    )

    split_info = classifier.manifest.get("split", {})
    seed = split_info.get("seed")
    if seed is None:
        print("validation: the manifest names no split seed; held-out accuracy not computed")
        return 0
    fraction = split_info.get("validation_fraction", VALIDATION_FRACTION)
    split = load_split(args.data, seed=int(seed), fraction=float(fraction))
    figures = evaluate(classifier, split.validation)
    print(
        f"validation (seed {seed}, {fraction:.0%} held out): "
        f"plv accuracy={figures['plv_accuracy']:.3f} ({figures['plv_pairs']} pairs), "
        f"penta accuracy={figures['penta_accuracy']:.3f} ({figures['penta_sentences']} sentences)"
    )
    recorded = classifier.manifest.get("validation", {}).get("onnx_int8")
    if recorded:
        print(f"manifest says (int8): plv={recorded['plv_accuracy']:.3f} penta={recorded['penta_accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
