"""The option scorer: a fine-tuned sentence encoder reads one option (type, actor, recipient) in its sentence.

The linear models read hashed features of the parse; this one reads the words. MiniLM encodes the
sentence once; each option is the sentence's mean token state, the mean state of the tokens of
the actor's mentions and of the recipient's mentions (a learned vector where a side has no
mention in the sentence), their product and a few flags, through one hidden layer to a logit for
the option's type. It is trained by `dotterel train-events --scorer` on the out-of-fold options
of the annotated articles (`dotterel.train_scorer`), and its logit is one of the choice model's
features: it never decides alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dotterel.errors import ModelError
from dotterel.events.model import package_model_dir

if TYPE_CHECKING:
    from dotterel.events.candidates import SentenceView
    from dotterel.events.choice import Option

SCORER_FILE = "options.onnx"
TOKENIZER_FILE = "tokenizer.json"  # the classifier's tokenizer: the same MiniLM vocabulary
MAX_LENGTH = 128
INPUT_NAMES = ("input_ids", "attention_mask", "option_sentence", "actor_mask", "recipient_mask", "flags", "types")
N_FLAGS = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """One option as the scorer reads it: its type and the codes of its two sides."""

    event: str
    actor: str | None
    recipient: str | None
    detected: bool  # offered by the detector
    lexicon: bool  # a lexicon event


def sides_of(options: Sequence[Option]) -> list[Side]:
    return [
        Side(
            event=o.event, actor=o.actor, recipient=o.recipient, detected=o.detected, lexicon=o.reading is not None
        )
        for o in options
    ]


def parties_of(view: SentenceView) -> list[tuple[int, int, str]]:
    """The sentence's coded mentions as (start, end, code), in characters of the sentence text."""
    s0 = view.sent.start_char
    found = {(p.mention.char_start - s0, p.mention.char_end - s0, p.entity.code) for p in view.parties}
    return sorted((a, b, c) for a, b, c in found if c)


def flags_of(side: Side, actor_found: bool, recipient_found: bool) -> list[float]:
    return [
        float(side.actor is None),
        float(side.recipient is None),
        float(not actor_found),
        float(not recipient_found),
        float(side.detected),
        float(side.lexicon),
        float(side.actor is not None and side.actor == side.recipient),
    ]


@dataclass(frozen=True, slots=True)
class SentenceInput:
    """The arrays of one sentence and its options (one row per option)."""

    ids: np.ndarray  # (tokens,) int64
    types: np.ndarray  # (options,) int64: index into the type list
    actor_mask: np.ndarray  # (options, tokens) float32: tokens of the actor's mentions
    recipient_mask: np.ndarray  # (options, tokens) float32
    flags: np.ndarray  # (options, N_FLAGS) float32


def sentence_input(
    tokenizer: Any,
    text: str,
    parties: Sequence[tuple[int, int, str]],
    sides: Sequence[Side],
    types: Sequence[str],
) -> SentenceInput:
    """Token ids of the sentence and, for each option, the tokens of the mentions that carry its
    actor's and its recipient's codes. `parties` are (start, end, code) character spans in `text`."""
    tokenizer.enable_truncation(max_length=MAX_LENGTH)
    tokenizer.no_padding()
    enc = tokenizer.encode(text)
    offsets = [(a, b) if b > a else (-1, -1) for a, b in enc.offsets]
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])

    masks: dict[str | None, np.ndarray] = {}  # options share their sides' codes: one mask per code

    def mask(code: str | None) -> np.ndarray:
        if code in masks:
            return masks[code]
        m = masks[code] = np.zeros(len(offsets), dtype=np.float32)
        if code is None:
            return m
        for s, e, c in parties:
            if c == code:
                m[(starts >= 0) & (starts < e) & (ends > s)] = 1.0
        return m

    index = {t: i for i, t in enumerate(types)}
    am = [mask(s.actor) for s in sides]
    rm = [mask(s.recipient) for s in sides]
    width = len(offsets)
    return SentenceInput(
        ids=np.asarray(enc.ids, dtype=np.int64),
        types=np.asarray([index[s.event] for s in sides], dtype=np.int64),
        actor_mask=np.stack(am) if am else np.zeros((0, width), dtype=np.float32),
        recipient_mask=np.stack(rm) if rm else np.zeros((0, width), dtype=np.float32),
        flags=np.asarray(
            [flags_of(s, bool(a.any()), bool(r.any())) for s, a, r in zip(sides, am, rm, strict=True)],
            dtype=np.float32,
        ).reshape(len(sides), N_FLAGS),
    )


def batch(inputs: Sequence[SentenceInput]) -> dict[str, np.ndarray]:
    """The network's inputs for several sentences, padded to the longest."""
    width = max((len(x.ids) for x in inputs), default=0)
    ids = np.zeros((len(inputs), width), dtype=np.int64)
    attention = np.zeros((len(inputs), width), dtype=np.int64)
    sel, am, rm, flags, types = [], [], [], [], []
    for b, x in enumerate(inputs):
        n = len(x.ids)
        ids[b, :n] = x.ids
        attention[b, :n] = 1
        k = len(x.types)
        sel.append(np.full(k, b, dtype=np.int64))
        pad = np.zeros((k, width), dtype=np.float32)
        pad[:, :n] = x.actor_mask
        am.append(pad)
        pad = np.zeros((k, width), dtype=np.float32)
        pad[:, :n] = x.recipient_mask
        rm.append(pad)
        flags.append(x.flags)
        types.append(x.types)
    return {
        "input_ids": ids,
        "attention_mask": attention,
        "option_sentence": np.concatenate(sel) if sel else np.zeros(0, dtype=np.int64),
        "actor_mask": np.concatenate(am) if am else np.zeros((0, width), dtype=np.float32),
        "recipient_mask": np.concatenate(rm) if rm else np.zeros((0, width), dtype=np.float32),
        "flags": np.concatenate(flags) if flags else np.zeros((0, N_FLAGS), dtype=np.float32),
        "types": np.concatenate(types) if types else np.zeros(0, dtype=np.int64),
    }


class OptionScorer:
    """The exported scorer (ONNX) with its tokenizer."""

    def __init__(self, session: Any, tokenizer: Any, types: Sequence[str]):
        self._session = session
        self._tokenizer = tokenizer
        self.types = tuple(types)

    @classmethod
    def load(cls, types: Sequence[str], directory: Path | None = None) -> OptionScorer:
        import onnxruntime
        from tokenizers import Tokenizer

        if directory is None:
            directory = package_model_dir()
        model, tok = directory / SCORER_FILE, directory / TOKENIZER_FILE
        for path in (model, tok):
            if not path.is_file():
                raise ModelError(f"the option scorer needs {path}, which is missing; reinstall dotterel")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # coding runs one process per core (`--workers`)
        try:
            session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"cannot load {model}: {exc}") from exc
        return cls(session, Tokenizer.from_file(str(tok)), types)

    def logits(self, view: SentenceView, options: Sequence[Option]) -> list[float]:
        """The scorer's logit for each option of one sentence."""
        return self.logits_of(view.sent.text, parties_of(view), sides_of(options))

    def logits_of(self, text: str, parties: Sequence[tuple[int, int, str]], sides: Sequence[Side]) -> list[float]:
        """The logit of each option of a sentence, given its coded mentions as (start, end, code)."""
        if not sides:
            return []
        x = sentence_input(self._tokenizer, text, parties, sides, self.types)
        (out,) = self._session.run(["logits"], batch([x]))
        return [float(v) for v in out]
