"""The learned event classifier: PLOVER root of an (actor, recipient) pair, and a sentence's penta class.

One small encoder (MiniLM-L6, fine-tuned by `dotterel.train`) with two heads, run with onnxruntime
on the CPU. The model, its tokenizer, its labels and its manifest live in package data
(`dotterel/data/model/`); nothing is downloaded. Only onnxruntime, tokenizers and numpy are needed.

Pair mode marks the actor and the recipient in the sentence with bracket characters the tokenizer
already knows ("« actor » ... ⟨ recipient ⟩", the markers are stored in labels.json) and asks the
`plv` head for one of the 15 PLOVER roots of the PLV data set (CONCEDE and RETREAT are one YIELD)
or NONE. Sentence mode gives the plain sentence to the `penta` head: 0 statement/appeal (CAMEO
01-02), 1 verbal cooperation (03-05), 2 material cooperation (06-08), 3 verbal conflict (09-13, 16),
4 material conflict (14-15, 17-20).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from dotterel.errors import InputError, ModelError

log = logging.getLogger(__name__)

Span = tuple[int, int]
PairItem = tuple[str, Span | None, Span | None]

MODEL_FILE = "classifier.onnx"
TOKENIZER_FILE = "tokenizer.json"
LABELS_FILE = "labels.json"
MANIFEST_FILE = "manifest.json"
BATCH_SIZE = 32
VECTOR_OUTPUT = "sentence_vector"


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceReading:
    """What the encoder reads in one plain sentence."""

    plv: dict[str, float]  # PLV head, no pair marked
    penta: tuple[float, ...]  # penta head
    vector: np.ndarray  # mean-pooled sentence vector (empty when the model does not return it)


@dataclass(frozen=True, slots=True, kw_only=True)
class Markers:
    """The characters put around the actor and the recipient span in pair mode."""

    actor_open: str = "«"
    actor_close: str = "»"
    recipient_open: str = "⟨"
    recipient_close: str = "⟩"

    @property
    def all(self) -> str:
        return self.actor_open + self.actor_close + self.recipient_open + self.recipient_close


# What a marker character already in the text becomes, so that only our markers mark spans.
_NEUTRAL = {"«": '"', "»": '"', "⟨": "(", "⟩": ")", "‹": "'", "›": "'"}


def _check_span(span: Span | None, length: int, what: str, index: int) -> Span | None:
    if span is None:
        return None
    start, end = span
    if not (0 <= start < end <= length):
        raise InputError(f"item {index}", f"{what} span {span!r} is not inside the text (length {length})")
    return start, end


def mark_pair(text: str, actor: Span | None, recipient: Span | None, markers: Markers = Markers()) -> str:
    """The sentence with the actor and recipient spans wrapped in markers.

    Marker characters already in the text are neutralised first (they would look like spans).
    Spans are character offsets [start, end); either may be None (no such participant).
    """
    clean = "".join(_NEUTRAL.get(ch, ch) if ch in markers.all else ch for ch in text)
    inserts: list[tuple[int, int, str]] = []  # (offset, order at the same offset, text)
    if actor is not None:
        inserts += [(actor[0], 1, markers.actor_open + " "), (actor[1], 0, " " + markers.actor_close)]
    if recipient is not None:
        inserts += [
            (recipient[0], 1, markers.recipient_open + " "),
            (recipient[1], 0, " " + markers.recipient_close),
        ]
    out: list[str] = []
    last = 0
    for offset, _, piece in sorted(inserts):
        out.append(clean[last:offset])
        out.append(piece)
        last = offset
    out.append(clean[last:])
    return "".join(out)


def encode(tokenizer: Any, texts: Sequence[str], max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """input_ids and attention_mask (int64, padded to the longest text, cut at max_length)."""
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    encodings = tokenizer.encode_batch(list(texts))
    width = max((len(e.ids) for e in encodings), default=0)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, enc in enumerate(encodings):
        ids[row, : len(enc.ids)] = enc.ids
        mask[row, : len(enc.ids)] = 1
    return ids, mask


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def package_model_dir() -> Path:
    return Path(str(resources.files("dotterel") / "data" / "model"))


class EventClassifier:
    """The learned classifier, loaded once and reused: `EventClassifier.load().predict_pairs(...)`."""

    def __init__(
        self,
        *,
        session: Any,
        tokenizer: Any,
        plv_labels: list[str],
        penta_labels: list[str],
        markers: Markers,
        max_length: int,
        manifest: dict[str, Any],
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._plv_labels = list(plv_labels)
        self._penta_labels = list(penta_labels)
        self._markers = markers
        self._max_length = max_length
        self._batch_size = batch_size
        self._inputs = {i.name for i in session.get_inputs()}
        self._outputs = {o.name for o in session.get_outputs()}
        self.manifest = manifest

    @classmethod
    def load(
        cls, directory: Path | None = None, *, threads: int = 1, batch_size: int = BATCH_SIZE
    ) -> EventClassifier:
        """Load the model from `directory` (default: the package data, dotterel/data/model)."""
        directory = Path(directory) if directory is not None else package_model_dir()
        missing = [n for n in (MODEL_FILE, TOKENIZER_FILE, LABELS_FILE) if not (directory / n).is_file()]
        if missing:
            raise ModelError(
                f"event classifier not found: {', '.join(missing)} missing in {directory} "
                "(train one with `python -m dotterel.train` or reinstall dotterel)"
            )
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as e:  # pragma: no cover - both are dependencies
            raise ModelError(f"event classifier needs onnxruntime and tokenizers: {e}") from e
        try:
            labels = json.loads((directory / LABELS_FILE).read_text(encoding="utf-8"))
            manifest_path = directory / MANIFEST_FILE
            manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
            tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(directory / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime and tokenizers raise their own error types
            raise ModelError(f"event classifier in {directory} cannot be loaded: {e}") from e
        log.debug("event classifier loaded from %s", directory)
        return cls(
            session=session,
            tokenizer=tokenizer,
            plv_labels=labels["plv"],
            penta_labels=labels["penta"],
            markers=Markers(**labels.get("markers", {})),
            max_length=int(labels.get("max_length", 128)),
            manifest=manifest,
            batch_size=batch_size,
        )

    @property
    def labels(self) -> list[str]:
        """PLV labels in output order (the 15 PLOVER roots of the PLV data set, then NONE)."""
        return list(self._plv_labels)

    @property
    def penta_labels(self) -> list[str]:
        """Names of the five penta classes, in class-number order (0..4)."""
        return list(self._penta_labels)

    @property
    def markers(self) -> Markers:
        return self._markers

    def _run(self, texts: Sequence[str], *outputs: str) -> list[np.ndarray]:
        """Softmax of each named logits output (other outputs as they are) for every text, in input order.

        Texts are batched only with texts of the same token length, so nothing is padded: the
        exported encoder's reading of a text changes with padding, and a sentence must read the
        same whatever it is batched with (in training, in an article, with several workers)."""
        self._tokenizer.enable_truncation(max_length=self._max_length)
        self._tokenizer.no_padding()
        encodings = self._tokenizer.encode_batch(list(texts))
        groups: dict[int, list[int]] = {}
        for i, enc in enumerate(encodings):
            groups.setdefault(len(enc.ids), []).append(i)
        results: dict[int, np.ndarray] = {}
        for members in groups.values():
            for start in range(0, len(members), self._batch_size):
                rows = members[start : start + self._batch_size]
                ids = np.asarray([encodings[i].ids for i in rows], dtype=np.int64)
                feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
                if "token_type_ids" in self._inputs:
                    feed["token_type_ids"] = np.zeros_like(ids)
                for k, logits in enumerate(self._session.run(list(outputs), feed)):
                    raw = logits.astype(np.float64)
                    probs = softmax(raw) if outputs[k].endswith("_logits") else raw
                    if k not in results:
                        results[k] = np.zeros((len(texts), probs.shape[1]))
                    results[k][rows] = probs
        return [results.get(k, np.zeros((0, 0))) for k in range(len(outputs))]

    def predict_pairs(self, items: Sequence[PairItem]) -> list[dict[str, float]]:
        """For each (sentence, actor span, recipient span): probability of every PLV label incl. NONE."""
        if not items:
            return []
        texts = []
        for index, (text, actor, recipient) in enumerate(items):
            actor = _check_span(actor, len(text), "actor", index)
            recipient = _check_span(recipient, len(text), "recipient", index)
            texts.append(mark_pair(text, actor, recipient, self._markers))
        (probs,) = self._run(texts, "plv_logits")
        return [{label: float(p) for label, p in zip(self._plv_labels, row, strict=True)} for row in probs]

    def predict_penta(self, texts: Sequence[str]) -> list[list[float]]:
        """For each sentence: probabilities of the five penta classes, by class number."""
        if not texts:
            return []
        (probs,) = self._run(list(texts), "penta_logits")
        return [[float(p) for p in row] for row in probs]

    @property
    def has_vector(self) -> bool:
        """Whether the exported model returns its mean-pooled sentence vector
        (`scripts/expose_sentence_vector.py`)."""
        return VECTOR_OUTPUT in self._outputs

    def predict_sentences(self, texts: Sequence[str]) -> list[SentenceReading]:
        """For each plain sentence, in one pass of the encoder: the PLV head's probabilities
        (no pair marked), the penta head's and, where the model returns it, the sentence vector."""
        if not texts:
            return []
        names = ["plv_logits", "penta_logits"] + ([VECTOR_OUTPUT] if self.has_vector else [])
        read = self._run(list(texts), *names)
        plv, penta = read[0], read[1]
        vectors = read[2] if len(read) > 2 else np.zeros((len(texts), 0))
        return [
            SentenceReading(
                plv={label: float(p) for label, p in zip(self._plv_labels, row, strict=True)},
                penta=tuple(float(p) for p in prow),
                vector=np.asarray(vec, dtype=np.float32),
            )
            for row, prow, vec in zip(plv, penta, vectors, strict=True)
        ]
