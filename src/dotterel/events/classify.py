"""Sentence classification: the event an actor directs at a recipient, or a sentence's main event.

Used by `dotterel classify`. The same lexicon frames as the article coder, without requiring
that the knowledge base knows the participants: the caller names them by their spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dotterel.actors.resolve import ArticleActors
from dotterel.errors import InputError
from dotterel.events.frames import Frame, FrameExtractor
from dotterel.nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from dotterel.events.model import EventClassifier
    from dotterel.pipeline import Coder


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


def classify(
    coder: Coder, items: Iterable[Item | InputError], batch_size: int = 64
) -> Iterator[Answer | InputError]:
    """Answer every item in order; InputErrors pass through so the caller can report them."""
    batch: list[Item | InputError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _classify_batch(coder, batch)
            batch = []
    if batch:
        yield from _classify_batch(coder, batch)


def _classify_batch(coder: Coder, batch: list[Item | InputError]) -> Iterator[Answer | InputError]:
    good = [b for b in batch if isinstance(b, Item)]
    docs = list(parse(coder.nlp, (b.text for b in good), batch_size=64))
    lexical = [_classify_doc(coder, item, doc) for item, doc in zip(good, docs, strict=True)]
    clf = coder.classifier
    answers = iter(_with_model(coder, clf, good, lexical) if clf is not None else lexical)
    for item in batch:
        yield item if isinstance(item, InputError) else next(answers)


# PLOVER types of each penta class (the YIELD of the PLV labels is CONCEDE or RETREAT).
PENTA_TYPES = {
    1: ("AGREE", "CONSULT", "SUPPORT", "CONCEDE"),
    2: ("COOPERATE", "AID", "RETREAT"),
    3: ("REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"),
    4: ("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"),
}


def _plover(label: str, lexical: Answer) -> str:
    """A PLV label as a PLOVER type: YIELD is CONCEDE or RETREAT, as the lexicon saw it (RETREAT if unsure)."""
    if label == "YIELD":
        return lexical.event if lexical.event in ("CONCEDE", "RETREAT") else "RETREAT"
    return label


def _with_model(coder: Coder, clf: EventClassifier, items: list[Item], lexical: list[Answer]) -> list[Answer]:
    """The learned classifier decides the type; the lexicon gives the CAMEO code when it agrees."""
    paired = [i for i, it in enumerate(items) if it.actor or it.recipient]
    single = [i for i, it in enumerate(items) if not (it.actor or it.recipient)]
    out = list(lexical)
    probs = clf.predict_pairs(
        [
            (items[i].text, _find(items[i].text, items[i].actor), _find(items[i].text, items[i].recipient))
            for i in paired
        ]
    )
    for i, p in zip(paired, probs, strict=True):
        label, conf = max(((k, v) for k, v in p.items() if k != "NONE"), key=lambda kv: kv[1])
        out[i] = _answer(coder, items[i], lexical[i], _plover(label, lexical[i]), conf)
    penta = clf.predict_penta([items[i].text for i in single])
    sentence_types = clf.predict_pairs([(items[i].text, None, None) for i in single])
    for i, classes, p in zip(single, penta, sentence_types, strict=True):
        cls = max(range(len(classes)), key=lambda k: classes[k])
        lex = lexical[i]
        if lex.rule == "no-trigger-no-actor":
            continue
        if cls == 0:
            out[i] = Answer(
                id=items[i].id,
                event=None,
                cameo="010",
                confidence=round(classes[0], 3),
                rule="classifier:statement",
            )
            continue
        allowed = PENTA_TYPES[cls]
        if lex.event in allowed:
            out[i] = replace(lex, confidence=round(classes[cls], 3), rule=f"{lex.rule}+classifier")
            continue
        ranked = sorted(((_plover(k, lex), v) for k, v in p.items() if k != "NONE"), key=lambda kv: -kv[1])
        label = next((k for k, _ in ranked if k in allowed), allowed[0])
        out[i] = _answer(coder, items[i], lex, label, classes[cls])
    return out


def _answer(coder: Coder, item: Item, lex: Answer, event: str, conf: float) -> Answer:
    if lex.event == event:
        return replace(lex, confidence=round(conf, 3), rule=f"{lex.rule}+classifier")
    cameo = coder.ontology.types[event].cameo_default
    return Answer(id=item.id, event=event, cameo=cameo, confidence=round(conf, 3), rule="classifier")


def _find(text: str, span: str | None) -> tuple[int, int] | None:
    if not span:
        return None
    i = text.find(span)
    if i < 0:
        i = text.lower().find(span.lower())
    return (i, i + len(span)) if i >= 0 else None


def _classify_doc(coder: Coder, item: Item, doc: Doc) -> Answer:
    actors = ArticleActors(doc, coder.kb, coder.matcher, None, speech=coder.cues.of("speech"))
    extractor = FrameExtractor(doc, actors, coder.lexicon, coder.cues, traits=coder.ontology.traits)
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
        # no trigger and no one who could act: a plain statement, whatever a classifier would guess
        anyone = any(m.entities for m in actors.mentions()) or any(
            e.label_ in ("PERSON", "ORG", "NORP") for e in doc.ents
        )
        rule = "no-trigger" if anyone else "no-trigger-no-actor"
        return Answer(id=item.id, event=None, cameo="010", confidence=0.3, rule=rule)
    cameo = best.cameo or coder.ontology.types[best.event].cameo_default
    matched = score[0]
    confidence = 0.5 + 0.1 * matched + 0.1 * (best.priority == 3)
    return Answer(
        id=item.id, event=best.event, cameo=cameo, confidence=round(min(confidence, 0.95), 3), rule=best.rule
    )


def _overlaps(tokens: tuple[int, ...], doc: Doc, span: tuple[int, int] | None) -> bool:
    if span is None:
        return False
    return any(span[0] <= doc[i].idx < span[1] for i in tokens)


def _score(
    f: Frame, doc: Doc, a_span: tuple[int, int] | None, r_span: tuple[int, int] | None
) -> tuple[int, int, int]:
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
