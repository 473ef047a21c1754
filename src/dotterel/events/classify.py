"""Sentence classification: the event an actor directs at a recipient, or a sentence's main event.

Used by `dotterel classify`. The same lexicon frames as the article coder, without requiring
that the knowledge base knows the participants: the caller names them by their spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dotterel.actors.resolve import ArticleActors
from dotterel.errors import InputError
from dotterel.events.frames import Frame, FrameExtractor
from dotterel.nlp import parse


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    id: str
    text: str
    actor: str | None = None
    recipient: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    id: str
    event: str | None
    cameo: str | None
    confidence: float
    rule: str = ""
    error: InputError | None = None


def classify(coder, items: Iterable[Item | InputError], batch_size: int = 64) -> Iterator[Answer | InputError]:  # type: ignore[no-untyped-def]
    """Answer every item in order; InputErrors pass through so the caller can report them."""
    batch: list[Item | InputError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _classify_batch(coder, batch)
            batch = []
    if batch:
        yield from _classify_batch(coder, batch)


def _classify_batch(coder, batch: list[Item | InputError]) -> Iterator[Answer | InputError]:  # type: ignore[no-untyped-def]
    good = [b for b in batch if isinstance(b, Item)]
    docs = iter(parse(coder.nlp, (b.text for b in good), batch_size=64))
    for item in batch:
        if isinstance(item, InputError):
            yield item
            continue
        doc = next(docs)
        yield _classify_doc(coder, item, doc)


def _find(text: str, span: str | None) -> tuple[int, int] | None:
    if not span:
        return None
    i = text.find(span)
    if i < 0:
        i = text.lower().find(span.lower())
    return (i, i + len(span)) if i >= 0 else None


def _classify_doc(coder, item: Item, doc) -> Answer:  # type: ignore[no-untyped-def]
    actors = ArticleActors(doc, coder.kb, coder.matcher, None, speech=coder.cues.of("speech"))
    extractor = FrameExtractor(doc, actors, coder.lexicon, coder.cues)
    frames: list[Frame] = []
    for index, sent in enumerate(doc.sents):
        frames.extend(extractor.sentence_frames(sent, index, require_actors=False))
    a_span = _find(item.text, item.actor)
    r_span = _find(item.text, item.recipient)
    best = None
    if frames:
        best = max(frames, key=lambda f: _score(f, doc, a_span, r_span))
        score = _score(best, doc, a_span, r_span)
    if best is None:
        return Answer(id=item.id, event=None, cameo="010", confidence=0.3, rule="no-trigger")
    cameo = best.cameo or coder.ontology.types[best.event].cameo_default
    matched = score[0]
    confidence = 0.5 + 0.1 * matched + 0.1 * (best.priority == 3)
    return Answer(
        id=item.id, event=best.event, cameo=cameo, confidence=round(min(confidence, 0.95), 3), rule=best.rule
    )


def _overlaps(tokens: tuple[int, ...], doc, span: tuple[int, int] | None) -> bool:  # type: ignore[no-untyped-def]
    if span is None:
        return False
    return any(span[0] <= doc[i].idx < span[1] for i in tokens)


def _score(f: Frame, doc, a_span, r_span) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    matched = _overlaps(f.actor_tokens, doc, a_span) + _overlaps(f.recipient_tokens, doc, r_span)
    tok = doc[f.trigger]
    depth = 0
    cur = tok
    while cur.head is not cur and depth < 20:
        depth += 1
        cur = cur.head
    between = 0
    if a_span and r_span:
        lo, hi = min(a_span[0], r_span[0]), max(a_span[1], r_span[1])
        between = int(lo <= tok.idx <= hi)
    return (matched, between + f.priority, -depth)
