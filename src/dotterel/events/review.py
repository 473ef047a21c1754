"""The learned classifier reviewing lexicon frames (on request: `Coder.load(review=True)`).

It reads each frame's sentence with the frame's actor and recipient marked, and confirms the
lexicon's type (raising the confidence) or, when it is sure and the trigger is an event noun
(the lexicon's weakest evidence), replaces it. It never adds events and never touches modality:
a hedged claim stays hedged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Span

from dotterel.events.frames import Frame
from dotterel.events.model import EventClassifier, PairItem
from dotterel.records import Mention

OVERRIDE = 0.9  # the classifier replaces a noun-triggered type only when at least this sure
PLV_LABEL = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}  # the classifier's label set merges the two


def review(classifier: EventClassifier, sents: Sequence[Span], found: list[list[Frame]]) -> list[list[Frame]]:
    """Each sentence's frames (`found[i]` for `sents[i]`), confirmed or retyped by the classifier."""
    jobs: list[tuple[int, int]] = []
    items: list[PairItem] = []
    for s_i, frames in enumerate(found):
        start, end = sents[s_i].start_char, sents[s_i].end_char
        text = sents[s_i].text

        def inside(m: Mention) -> bool:
            return m.index >= 0 and start <= m.char_start < m.char_end <= end  # noqa: B023

        for f_i, f in enumerate(frames):
            a = next((m for m in f.actors if inside(m)), None)
            r = next((m for m in f.recipients if inside(m)), None)
            if a is None or f.priority < 2:
                continue
            jobs.append((s_i, f_i))
            items.append(
                (
                    text,
                    (a.char_start - start, a.char_end - start),
                    (r.char_start - start, r.char_end - start) if r is not None else None,
                )
            )
    if not items:
        return found
    probs = classifier.predict_pairs(items)
    out = [list(frames) for frames in found]
    for (s_i, f_i), p in zip(jobs, probs, strict=True):
        f = out[s_i][f_i]
        label = PLV_LABEL.get(f.event, f.event)
        top, p_top = max(((k, v) for k, v in p.items() if k != "NONE"), key=lambda kv: kv[1])
        if top == label:
            out[s_i][f_i] = replace(f, model_prob=p_top, rule=f"{f.rule}+classifier")
        elif p_top >= OVERRIDE and p.get(label, 0.0) < 0.05 and f.priority == 2:
            event = "RETREAT" if top == "YIELD" else top
            out[s_i][f_i] = replace(
                f, event=event, mode=None, cameo=None, model_prob=p_top, rule=f"classifier(over {f.rule})"
            )
    return out
