"""Add the encoder's mean-pooled sentence vector to an exported classifier as an output.

    python scripts/expose_sentence_vector.py src/dotterel/data/model/classifier.onnx

For a model exported before `dotterel train` did this itself (`dotterel.train.expose_sentence_vector`):
the weights and both heads are untouched. Needs the `onnx` package (the `train` extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dotterel.train import expose_sentence_vector

if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(arg, "updated" if expose_sentence_vector(Path(arg)) else "already has the output")
