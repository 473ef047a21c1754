"""Logistic regression over hashed sparse features: the learned parts of event detection.

Features are strings ("T=ASSAULT|lemma=strike"); each is hashed (CRC32, stable across runs and
machines) into a fixed-size weight vector, so a model is one float32 array plus a bias, shipped
as package data. Real-valued features are written "name=value" and carry the value after the
last "=" when the name starts with "~" ("~logit=1.7"). Training is full-batch Adam with L2, in
numpy only, deterministic for a given input.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import chain, repeat

import numpy as np

from dotterel.errors import ModelError

BITS = 18


def _index(name: str, bits: int) -> int:
    return zlib.crc32(name.encode("utf-8")) & ((1 << bits) - 1)


class FeatureHasher:
    """Feature strings -> hashed indices, remembering each name it has hashed.

    Coding reads the same names over and over (a party's features recur in every pair it is in,
    every article has "bias" and "T=ASSAULT"), so one model keeps what it has hashed instead of
    hashing every name again in every call. A real-valued feature ("~m=1.25") is remembered by its
    name without the value. The memory is cleared when it reaches `limit` names, so a long run
    over many articles does not grow it without bound."""

    __slots__ = ("_keys", "_names", "bits", "limit")

    def __init__(self, bits: int = BITS, limit: int = 1 << 20) -> None:
        self.bits = bits
        self.limit = limit
        self._names: dict[str, int] = {}  # a plain feature's name -> its index
        self._keys: dict[str, int] = {}  # a real-valued feature's name (without "=value") -> its index

    def encode(self, rows: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows of feature strings -> CSR arrays (indptr, indices, values)."""
        if len(self._names) + len(self._keys) > self.limit:
            self._names.clear()
            self._keys.clear()
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)), out=indptr[1:])
        flat = list(chain.from_iterable(rows))
        # the names seen before are looked up at C speed; only the others (-1) are read one by one
        indices = np.fromiter(map(self._names.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        values = np.ones(len(flat), dtype=np.float32)
        for k in np.flatnonzero(indices < 0).tolist():
            name = flat[k]
            if name.startswith("~"):
                key, _, val = name.rpartition("=")
                values[k] = float(val)
                i = self._keys.get(key)
                if i is None:
                    i = self._keys[key] = _index(key, self.bits)
            else:
                i = self._names[name] = _index(name, self.bits)
            indices[k] = i
        return indptr, indices, values


def encode(rows: Sequence[Sequence[str]], bits: int = BITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of feature strings -> CSR arrays (indptr, indices, values), hashing each name once."""
    return FeatureHasher(bits).encode(rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearModel:
    """Weights of one binary logistic model over hashed features, with Platt calibration."""

    weights: np.ndarray
    bias: float
    bits: int = BITS
    scale: float = 1.0  # Platt: p = sigmoid(scale * margin + shift)
    shift: float = 0.0
    meta: dict | None = None
    _hasher: FeatureHasher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hasher", FeatureHasher(self.bits))

    def margins(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        if not rows:
            return np.zeros(0, dtype=np.float32)
        return self.sparse_margins(*self._hasher.encode(rows))

    def sparse_margins(self, indptr: np.ndarray, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        """Margins of rows given as CSR arrays of hashed indices and values (see `encode`)."""
        rows = len(indptr) - 1
        if rows <= 0:
            return np.zeros(0, dtype=np.float32)
        contrib = self.weights[idx] * val
        sums = np.add.reduceat(contrib, indptr[:-1]) if len(contrib) else np.zeros(rows)
        sums = np.where(np.diff(indptr) > 0, sums, 0.0)
        return sums + self.bias

    def predict(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Calibrated probabilities, one per row."""
        return self.probability(self.margins(rows))

    def probability(self, margins: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of margins (`margins` plus any real-valued contributions)."""
        return _sigmoid(self.scale * margins + self.shift)

    def indices_of(self, names: Sequence[str]) -> np.ndarray:
        """The hashed index of each feature name (plain names, not "~name=value")."""
        return np.asarray([_index(n, self.bits) for n in names], dtype=np.int64)

    def weights_of(self, names: Sequence[str]) -> np.ndarray:
        """The weight of each feature name (a real-valued one without its "=value")."""
        return np.asarray([self.weights[_index(n, self.bits)] for n in names], dtype=np.float64)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            weights=self.weights.astype(np.float32),
            header=np.frombuffer(
                json.dumps(
                    {
                        "bias": self.bias,
                        "bits": self.bits,
                        "scale": self.scale,
                        "shift": self.shift,
                        "meta": self.meta,
                    }
                ).encode("utf-8"),
                dtype=np.uint8,
            ),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> LinearModel:
        try:
            with np.load(io.BytesIO(data)) as z:
                head = json.loads(bytes(z["header"]).decode("utf-8"))
                weights = z["weights"].astype(np.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{where} is not a dotterel linear model: {exc}") from exc
        if weights.shape != (1 << int(head["bits"]),):
            raise ModelError(
                f"{where}: weight vector has shape {weights.shape}, expected {1 << int(head['bits'])}"
            )
        return cls(
            weights=weights,
            bias=float(head["bias"]),
            bits=int(head["bits"]),
            scale=float(head["scale"]),
            shift=float(head["shift"]),
            meta=head.get("meta"),
        )

    @classmethod
    def load(cls, name: str) -> LinearModel:
        """Load `data/model/NAME` from package data."""
        ref = resources.files("dotterel") / "data" / "model" / name
        try:
            data = ref.read_bytes()
        except (FileNotFoundError, OSError) as exc:
            raise ModelError(f"model file data/model/{name} is missing from the installed package") from exc
        return cls.from_bytes(data, f"data/model/{name}")


def fit(
    rows: Sequence[Sequence[str]],
    labels: Sequence[float],
    *,
    bits: int = BITS,
    l2: float = 1e-4,
    steps: int = 300,
    lr: float = 0.05,
    positive_weight: float = 1.0,
) -> LinearModel:
    """Fit a logistic model by full-batch Adam. Deterministic: no sampling."""
    y = np.asarray(labels, dtype=np.float64)
    n = len(y)
    indptr, idx, val = encode(rows, bits)
    row_of = np.repeat(np.arange(n), np.diff(indptr))
    sample_w = np.where(y > 0.5, positive_weight, 1.0)
    sample_w = sample_w / sample_w.mean()
    w = np.zeros(1 << bits, dtype=np.float64)
    b = 0.0
    m_w = np.zeros_like(w)
    v_w = np.zeros_like(w)
    m_b = v_b = 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        margin = np.zeros(n)
        np.add.at(margin, row_of, w[idx] * val)
        margin += b
        p = _sigmoid(margin)
        err = (p - y) * sample_w / n
        g_w = np.zeros_like(w)
        np.add.at(g_w, idx, err[row_of] * val)
        g_w += l2 * w
        g_b = float(err.sum())
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
        corr1, corr2 = 1 - beta1**t, 1 - beta2**t
        w -= lr * (m_w / corr1) / (np.sqrt(v_w / corr2) + eps)
        b -= lr * (m_b / corr1) / (np.sqrt(v_b / corr2) + eps)
    return LinearModel(weights=w.astype(np.float32), bias=float(b), bits=bits)


def platt(margins: np.ndarray, labels: Sequence[float], steps: int = 500) -> tuple[float, float]:
    """Fit p = sigmoid(a * margin + b) on held-out margins (Newton steps on two parameters)."""
    y = np.asarray(labels, dtype=np.float64)
    x = np.asarray(margins, dtype=np.float64)
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = _sigmoid(a * x + b)
        g = np.array([np.sum((p - y) * x), np.sum(p - y)])
        s = p * (1 - p) + 1e-9
        h = np.array([[np.sum(s * x * x), np.sum(s * x)], [np.sum(s * x), np.sum(s)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-7:
            break
    return float(a), float(b)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))
