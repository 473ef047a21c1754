"""Fine-tune the option scorer (`events/scorer.py`) and export it to ONNX.

Called by `dotterel train-events --scorer`: once per fold on the other folds' options (their
out-of-fold scores feed the choice model), then on every option for the shipped model. torch,
transformers and onnx are needed only here (`pip install -e .[train]`).
"""

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dotterel.events.scorer import INPUT_NAMES, N_FLAGS, SentenceInput, batch
from dotterel.train import _import_torch, _quantize, base_model_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScorerSettings:
    epochs: int = 3
    sentences_per_batch: int = 8
    encoder_lr: float = 3e-5
    head_lr: float = 1e-3
    hidden: int = 256
    seed: int = 13
    threads: int = 2


def _network(torch: Any, transformers: Any, n_types: int, settings: ScorerSettings) -> Any:
    nn = torch.nn
    module: Any = nn.Module

    class Network(module):
        """MiniLM, then per option: [sentence mean, actor mean, recipient mean, their product, flags]
        through one tanh layer to one logit per type; the option's type picks its logit."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(
                str(base_model_dir()), attn_implementation="eager", local_files_only=True
            )
            width = self.encoder.config.hidden_size
            self.absent = nn.Parameter(torch.zeros(2, width))
            self.hidden = nn.Linear(4 * width + N_FLAGS, settings.hidden)
            self.out = nn.Linear(settings.hidden, n_types)

        def forward(
            self, input_ids: Any, attention_mask: Any, sel: Any, am: Any, rm: Any, flags: Any, types: Any
        ) -> Any:
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * m).sum(1) / m.sum(1).clamp(min=1e-9)
            per_option = states.index_select(0, sel)

            def pool(mask: Any, k: int) -> Any:
                n = mask.sum(1, keepdim=True)
                v = (per_option * mask.unsqueeze(-1)).sum(1) / n.clamp(min=1.0)
                return torch.where(n > 0, v, self.absent[k].unsqueeze(0).expand_as(v))

            a, r = pool(am, 0), pool(rm, 1)
            x = torch.cat([mean.index_select(0, sel), a, r, a * r, flags], 1)
            logits = self.out(torch.tanh(self.hidden(x)))
            return logits.gather(1, types.unsqueeze(1)).squeeze(1)

    return Network()


def _tensors(torch: Any, inputs: Sequence[SentenceInput]) -> list[Any]:
    arrays = batch(inputs)
    return [torch.from_numpy(arrays[name]) for name in INPUT_NAMES]


def fit(
    inputs: Sequence[SentenceInput], labels: Sequence[np.ndarray], types: Sequence[str], settings: ScorerSettings
) -> Any:
    """Fine-tune on sentences with their options' labels (1: the option matches an analyst's event)."""
    torch, transformers = _import_torch()
    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    random.seed(settings.seed)
    net = _network(torch, transformers, len(types), settings)
    head = [net.absent, *net.hidden.parameters(), *net.out.parameters()]
    opt = torch.optim.AdamW(
        [{"params": net.encoder.parameters(), "lr": settings.encoder_lr}, {"params": head, "lr": settings.head_lr}]
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(settings.seed)
    units = [i for i, x in enumerate(inputs) if len(x.types)]
    for epoch in range(settings.epochs):
        net.train()
        order = rng.permutation(units)
        total = 0.0
        for s in range(0, len(order), settings.sentences_per_batch):
            idx = order[s : s + settings.sentences_per_batch]
            x = _tensors(torch, [inputs[i] for i in idx])
            y = torch.from_numpy(np.concatenate([labels[i] for i in idx]).astype(np.float32))
            loss = loss_fn(net(*x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.item())
        log.info(
            "option scorer epoch %d: loss %.4f",
            epoch + 1,
            total / max(1.0, len(order) / settings.sentences_per_batch),
        )
    net.eval()
    return net


def predict(net: Any, inputs: Sequence[SentenceInput]) -> list[list[float]]:
    """Logits of each sentence's options."""
    torch, _ = _import_torch()
    out: list[list[float]] = []
    with torch.no_grad():
        for s in range(0, len(inputs), 32):
            chunk = inputs[s : s + 32]
            logits = net(*_tensors(torch, chunk)).tolist() if any(len(x.types) for x in chunk) else []
            at = 0
            for x in chunk:
                out.append([float(v) for v in logits[at : at + len(x.types)]])
                at += len(x.types)
    return out


def export(net: Any, example: SentenceInput, path: Path) -> None:
    """Write the network as ONNX with int8 weights (the classifier's quantisation)."""
    torch, _ = _import_torch()
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "options.fp32.onnx"
        with torch.no_grad():
            torch.onnx.export(
                net,
                tuple(_tensors(torch, [example, example])),
                str(fp32),
                input_names=list(INPUT_NAMES),
                output_names=["logits"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "option_sentence": {0: "options"},
                    "actor_mask": {0: "options", 1: "sequence"},
                    "recipient_mask": {0: "options", 1: "sequence"},
                    "flags": {0: "options"},
                    "types": {0: "options"},
                    "logits": {0: "options"},
                },
                opset_version=17,
                do_constant_folding=True,
                dynamo=False,
            )
        _quantize(fp32, path)
