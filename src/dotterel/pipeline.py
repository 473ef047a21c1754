"""The Coder: owns the loaded resources, runs the stages, returns Events.

coder = Coder.load()
events = coder.code(Article(id="a1", text=..., published=date(2025, 1, 10)))
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from dotterel.actors.kb import KnowledgeBase
from dotterel.actors.matcher import build_name_matcher
from dotterel.actors.resolve import ArticleActors
from dotterel.context import ArticleContext, Discourse
from dotterel.dates import DateResolver
from dotterel.errors import InputError, ModelError
from dotterel.events.candidates import Party, SentenceView, sentence_views
from dotterel.events.cues import Cues
from dotterel.events.detector import EventDetector, Found, dyads_of
from dotterel.events.frames import Frame, FrameExtractor
from dotterel.events.lexicon import Lexicon
from dotterel.events.modality import modality_of
from dotterel.events.model import EventClassifier
from dotterel.events.verbdict import VerbDictionary
from dotterel.invisible import mask_invisible
from dotterel.language import LanguageCheck
from dotterel.nlp import DEFAULT_MODEL, load_pipeline, parse
from dotterel.ontology import Ontology
from dotterel.places import Gazetteer
from dotterel.records import Article, Entity, Event, Mention, TextInfo

log = logging.getLogger(__name__)

MAX_CHARS = 1_000_000
BASE_CONFIDENCE = {3: 0.8, 2: 0.7, 1: 0.55}
OVERRIDE = 0.9  # the classifier replaces a noun-triggered type only when at least this sure


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What coding one article gave: its events, or the reason it was rejected."""

    article: Article
    events: tuple[Event, ...] = ()
    error: InputError | None = None
    sentences: tuple[int, ...] = ()  # where each sentence of the parsed text starts (character offsets)


class Coder:
    """Codes articles into PLOVER/CAMEO events. Resources are loaded once and injected."""

    def __init__(
        self,
        *,
        nlp,
        kb: KnowledgeBase,
        lexicon: Lexicon,
        cues: Cues,
        ontology: Ontology,  # type: ignore[no-untyped-def]
        gazetteer: Gazetteer,
        classifier: EventClassifier | None = None,
        detector: EventDetector | None = None,
        verbs: VerbDictionary | None = None,
        language: LanguageCheck | None = None,
        review: bool = False,
    ) -> None:
        self.nlp = nlp
        # The classifier reviewing lexicon frames cost 40% of coding speed and changed nothing on
        # the 48 training articles (F1 0.282 either way); it stays for `classify` and on request.
        self.review = review
        self.language = language or LanguageCheck()
        self.classifier = classifier
        self.detector = detector
        self.verbs = verbs
        self.kb = kb
        self.lexicon = lexicon
        self.cues = cues
        self.ontology = ontology
        self.gazetteer = gazetteer
        self.matcher = build_name_matcher(nlp, kb)
        self.versions: tuple[tuple[str, str], ...] = tuple(
            sorted(
                [
                    ("lexicon", lexicon.version),
                    *((("lexicon.cameo_verbs", verbs.version),) if verbs is not None else ()),
                    ("cues", cues.version),
                    ("gazetteer", gazetteer.version),
                    *((f"kb.{k}", v) for k, v in kb.versions.items()),
                    *((f"ontology.{k}", v) for k, v in ontology.versions.items()),
                    ("spacy_model", f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"),
                ]
            )
        )

    @classmethod
    def load(
        cls,
        model: str = DEFAULT_MODEL,
        *,
        use_classifier: bool = True,
        use_detector: bool = True,
        review: bool = False,
        kb_layers: Sequence[str] = (),
    ) -> Coder:
        """Load everything from package data. The learned models are used when they are installed.

        `kb_layers` are knowledge-base layer directories (``dotterel kb import-petrarch``) put over
        the built-in knowledge base, later ones over earlier ones.
        """
        kb = KnowledgeBase.load(kb_layers)
        ontology = Ontology.load()
        classifier = None
        if use_classifier:
            try:
                classifier = EventClassifier.load()
            except ModelError as exc:
                log.warning("coding with the lexicon only: %s", exc)
        detector = None
        if use_detector:
            try:
                detector = EventDetector.load(sorted(ontology.types))
            except ModelError as exc:
                log.warning("coding without the event detector: %s", exc)
        return cls(
            nlp=load_pipeline(model),
            kb=kb,
            lexicon=Lexicon.load(),
            cues=Cues.load(),
            ontology=ontology,
            gazetteer=Gazetteer.load(kb),
            classifier=classifier,
            detector=detector,
            verbs=VerbDictionary.load({c.code: c.event or "" for c in ontology.cameo.values()}),
            review=review,
        )

    # ---- public API ----------------------------------------------------------------------

    def code(self, article: Article) -> list[Event]:
        """Code one article; raises InputError when it cannot be coded."""
        outcome = next(self.code_many([article]))
        if outcome.error is not None:
            raise outcome.error
        return list(outcome.events)

    def code_many(self, articles: Iterable[Article], batch_size: int = 8) -> Iterator[Outcome]:
        """Code many articles in order, parsing in batches. Bad articles come back with an error."""
        pending: list[Article] = []
        for article in articles:
            pending.append(article)
            if len(pending) >= batch_size:
                yield from self._batch(pending)
                pending = []
        if pending:
            yield from self._batch(pending)

    def views_many(self, articles: Iterable[Article]) -> Iterator[list[SentenceView]]:
        """Each article's sentences as the event models read them (for training)."""
        arts = list(articles)
        for article, doc in zip(arts, parse(self.nlp, (mask_dateline(a.text) for a in arts)), strict=True):
            actors = ArticleActors(doc, self.kb, self.matcher, article.published, speech=self.cues.of("speech"))
            extractor = FrameExtractor(doc, actors, self.lexicon, self.cues, keep_irrealis=True)
            yield sentence_views(doc, actors, extractor, self.verbs)

    # ---- stages --------------------------------------------------------------------------

    def _batch(self, articles: list[Article]) -> Iterator[Outcome]:
        good: list[Article] = []
        bad: dict[int, InputError] = {}
        for n, article in enumerate(articles):
            problem = check_article(article) or self._language_problem(article)
            if problem is not None:
                bad[n] = problem
            else:
                good.append(article)
        docs = iter(parse(self.nlp, (mask_invisible(mask_dateline(a.text)) for a in good)))
        for n, article in enumerate(articles):
            if n in bad:
                yield Outcome(article=article, error=bad[n])
                continue
            doc = next(docs)
            try:
                events = self._code_doc(article, doc)
            except Exception as exc:  # keep going: one article's failure must not lose the others
                log.exception("coding article %s failed", article.id)
                yield Outcome(article=article, error=InputError(f"article {article.id}", f"coding failed: {exc}"))
                continue
            yield Outcome(article=article, events=tuple(events), sentences=tuple(s.start_char for s in doc.sents))

    def _language_problem(self, article: Article) -> InputError | None:
        problem = self.language.problem(article.text)
        return InputError(f"article {article.id!r}", problem) if problem else None

    def _code_doc(self, article: Article, doc) -> list[Event]:  # type: ignore[no-untyped-def]
        actors = ArticleActors(doc, self.kb, self.matcher, article.published, speech=self.cues.of("speech"))
        extractor = FrameExtractor(doc, actors, self.lexicon, self.cues)
        ctx = ArticleContext(doc=doc, resolver=DateResolver(article.published), gazetteer=self.gazetteer).build()
        discourse = Discourse(ctx=ctx, published=article.published)
        sents = list(doc.sents)
        focus = actors.focus_country()
        events: list[Event] = []
        found = [extractor.sentence_frames(sent, index) for index, sent in enumerate(sents)]
        if self.classifier is not None and self.review:
            found = self._review(doc, sents, found)
        detected = None
        if self.detector is not None:
            loose = FrameExtractor(doc, actors, self.lexicon, self.cues, keep_irrealis=True)
            views = sentence_views(doc, actors, loose, self.verbs)
            detected = self.detector.sentence_types(views)
        for index, sent in enumerate(sents):
            discourse.enter(index)
            places = {}
            filled = []
            for frame in found[index]:
                if detected is not None and not self.detector.keeps(detected[index], frame.event):  # type: ignore[union-attr]
                    continue
                own_place = ctx.own_place(doc[frame.trigger])
                place = discourse.place_for(own_place)
                places[frame.trigger] = (own_place, place)
                frame = _fill_unknown(
                    frame,
                    own_place.country_code if own_place else None,
                    focus,
                    scene=place.country_code if place else None,
                )
                if not any(m.rule == "implicit-target" and m.entities[0].code is None for m in frame.recipients):
                    filled.append(frame)  # a target with neither name nor place is no dyad
            for frame in _one_per_dyad(_split(filled)):
                tok = doc[frame.trigger]
                own_place, place = places[frame.trigger]
                if own_place is not None:
                    discourse.note_place(
                        own_place if own_place.resolution > 1 or discourse.place is None else discourse.place
                    )
                date = None if extractor.habitual(tok) else discourse.date_for(ctx.own_date(tok))
                events.append(self._event(article, sent, index, frame, extractor, tok, date, place, len(events)))
            if detected is not None:
                mine = [e for e in events if e.text_info.sentence == index]
                covered = {e.event for e in mine}
                dyads = set().union(
                    *(dyads_of([a.code for _, a in e.actor], [r.code for _, r in e.recipient]) for e in mine)
                )
                for extra in self.detector.added(views[index], detected[index], covered, dyads):  # type: ignore[union-attr]
                    frame = _detected_frame(extra)
                    tok = doc[frame.trigger]
                    place = discourse.place_for(ctx.own_place(tok))
                    date = None if extractor.habitual(tok) else discourse.date_for(ctx.own_date(tok))
                    events.append(
                        self._event(
                            article, sent, index, frame, extractor, tok, date, place, len(events), extra.confidence
                        )
                    )
        if detected is not None and self.detector is not None:
            # one calibrated probability of being right, whatever found the event
            detector = self.detector
            events = [
                replace(
                    e,
                    confidence=round(
                        detector.calibrated(
                            e.confidence,
                            detected[e.text_info.sentence].get(e.event, 0.5),
                            e.rule.startswith("detector("),
                        ),
                        3,
                    ),
                )
                for e in events
            ]
        return events

    def _review(self, doc, sents, found: list[list[Frame]]) -> list[list[Frame]]:  # type: ignore[no-untyped-def]
        """The learned classifier reads each lexicon frame's sentence with its actor and recipient marked.

        It confirms the lexicon's type (raising the confidence), or, when it is sure and the trigger is
        an event noun (the lexicon's weakest evidence), replaces it. It never adds events and never
        touches modality: a hedged claim stays hedged.
        """
        jobs: list[tuple[int, int]] = []
        items = []
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
        probs = self.classifier.predict_pairs(items)  # type: ignore[union-attr]
        out = [list(frames) for frames in found]
        for (s_i, f_i), p in zip(jobs, probs, strict=True):
            f = out[s_i][f_i]
            label = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}.get(f.event, f.event)
            top, p_top = max(((k, v) for k, v in p.items() if k != "NONE"), key=lambda kv: kv[1])
            if top == label:
                out[s_i][f_i] = replace(f, model_prob=p_top, rule=f"{f.rule}+classifier")
            elif p_top >= OVERRIDE and p.get(label, 0.0) < 0.05 and f.priority == 2:
                event = "RETREAT" if top == "YIELD" else top
                out[s_i][f_i] = replace(
                    f, event=event, mode=None, cameo=None, model_prob=p_top, rule=f"classifier(over {f.rule})"
                )
        return out

    def _event(
        self,
        article: Article,
        sent,
        index: int,
        frame: Frame,
        extractor: FrameExtractor,
        tok,  # type: ignore[no-untyped-def]
        date,
        place,
        n: int,
        confidence: float | None = None,
    ) -> Event:
        words = [t for t in sent if not t.is_space]
        start, end = (
            (words[0].idx, words[-1].idx + len(words[-1].text)) if words else (sent.start_char, sent.end_char)
        )
        modality = modality_of(extractor, tok)
        hedges = modality.cues
        cameo = frame.cameo or self.ontology.types[frame.event].cameo_default
        mode = (frame.mode,) if frame.mode else ()
        if confidence is None:
            confidence = BASE_CONFIDENCE.get(frame.priority, 0.5)
        if frame.model_prob is not None:
            confidence = max(confidence, 0.5 + 0.45 * frame.model_prob)
        if hedges:
            confidence *= 0.75
        if date is not None and date.inherited:
            confidence *= 0.95
        return Event(
            id=f"{article.id}-{index:03d}-{n:03d}",
            article_id=article.id,
            event=frame.event,
            mode=mode,
            context=self.ontology.context_of(cameo),
            cameo=cameo,
            quad_code=self.ontology.quad(frame.event),
            goldstein=self.ontology.goldstein(cameo),
            actor=_entities(frame.actors),
            recipient=_entities(frame.recipients),
            date=date,
            location=place,
            event_text=article.text[start:end],
            text_info=TextInfo(sentence=index, start=start, end=end),
            trigger=tok.text,
            rule=frame.rule,
            confidence=round(confidence, 3),
            modality=modality,
            versions=self.versions,
        )


_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z'.-]+(?:[ ][A-Z][A-Z'.-]+)*(?:,[ ][A-Z][A-Za-z.]+(?:[ ]\d{1,2})?)?"
    r"(?:[ ]\([A-Za-z .&-]{1,30}\))?[ ]*[—–-]{1,2}[ ]*"
)


def mask_dateline(text: str) -> str:
    """Blank out a wire dateline ("KYIV, March 3 (Reuters) - ") so it is not parsed as a subject.

    Spaces replace it one for one, so character offsets into the article stay exact.
    """
    m = _DATELINE.match(text)
    if m is None:
        return text
    return " " * m.end() + text[m.end() :]


def check_article(article: Article) -> InputError | None:
    """Why an article cannot be coded, or None."""
    where = f"article {article.id!r}"
    text = article.text
    if not isinstance(text, str) or not text.strip():
        return InputError(where, "text is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (from a JSON escape such as \ud800): no store can hold it
        return InputError(where, f"text holds an unpaired surrogate at character {exc.start}: not valid Unicode")
    if "\x00" in text or _binary_share(text) > 0.1:
        return InputError(where, "text looks like binary data, not news text")
    if len(text) > MAX_CHARS:
        return InputError(where, f"text is {len(text):,} characters; the limit is {MAX_CHARS:,} (split it)")
    return None


def _binary_share(text: str) -> float:
    sample = text[:20000]
    odd = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return odd / max(1, len(sample))


def _entities(mentions: tuple[Mention, ...]) -> tuple[tuple[Mention | None, Entity], ...]:
    out: list[tuple[Mention | None, Entity]] = []
    seen: set[tuple[str | None, str | None, str | None]] = set()
    for m in mentions:
        for e in m.entities:
            key = (e.code, e.sector, e.name)
            if key not in seen:
                seen.add(key)
                out.append((m, e))
    return tuple(out)


STATE_SECTORS = {"GOV", "COP", "JUD", "MIL", "LEG", "SPY"}


def _fill_unknown(f: Frame, place_code: str | None, focus: str | None, scene: str | None = None) -> Frame:
    """Actors the text gives no country take one from the event: its own place, the state that acts
    on them, else the article's focus country.

    "Police detained dozens of demonstrators" in Tbilisi are Georgian; "Kenyan police arrested three
    men" arrested Kenyans; "his parents" in a story about Britain are British. A person without a
    stated nationality takes the focus country, not the place they happen to be in. An unnamed agent
    ("is being held in a Kurdish prison") takes only the place's country, its own or the scene's
    ("The reporter was arrested", in a story set in Moscow); an unnamed accuser none.
    """

    def known(mentions: tuple[Mention, ...]) -> set[str]:
        return {e.code for m in mentions for e in m.entities if e.code}

    def state_side(mentions: tuple[Mention, ...]) -> str | None:
        codes = {e.code for m in mentions for e in m.entities if e.code and e.sector in STATE_SECTORS}
        return next(iter(codes)) if len(codes) == 1 else None

    def fill(mentions: tuple[Mention, ...], other: tuple[Mention, ...]) -> tuple[Mention, ...]:
        out = []
        for m in mentions:
            if m.rule == "ambiguous-name":  # several known people of that name, the text does not say: no guess
                out.append(m)
                continue
            person = any(e.kind == "person" for e in m.entities) or m.kind in ("pronoun", "name")
            partner = state_side(other) if f.event in ("COERCE", "PROTEST") else None
            if m.rule == "implicit-agent":
                code = place_code or scene
            elif m.rule == "implicit-target":
                code = place_code
            elif m.rule.startswith("implicit"):
                code = None
            elif person:
                code = focus  # where someone is says little about whose national they are
            else:
                code = place_code or partner or focus
            if code and any(e.code is None for e in m.entities):
                ents = tuple(replace(e, code=code, inferred=True) if e.code is None else e for e in m.entities)
                m = replace(m, entities=ents)
            out.append(m)
        return tuple(out)

    return replace(f, actors=fill(f.actors, f.recipients), recipients=fill(f.recipients, f.actors))


def _detected_frame(found: Found) -> Frame:
    """A detector event in the shape of a frame: only the chosen entities on each side."""
    c = found.candidate

    def side(party: Party | None) -> tuple[Mention, ...]:
        return () if party is None else (replace(party.mention, entities=(party.entity,)),)

    return Frame(
        trigger=c.trigger,
        event=c.event,
        mode=None,
        cameo=found.cameo,
        actors=side(c.actor),
        recipients=side(c.recipient),
        sentence=c.sentence,
        rule=f"detector(p={found.probability:.2f})+pairs(margin={found.margin:.2f})",
        priority=0,
        lexicon_key="",
    )


def _codes(mentions: tuple[Mention, ...]) -> frozenset[tuple[str | None, str | None]]:
    return frozenset((e.code, e.sector) for m in mentions for e in m.entities)


def _split(frames: list[Frame]) -> list[Frame]:
    """One event per recipient country: "support for the people of Gaza and Lebanon" is two."""
    out: list[Frame] = []
    for f in frames:
        codes: dict[str | None, list[Mention]] = {}
        for m in f.recipients:
            for e in m.entities:
                single = replace(m, entities=(e,))
                codes.setdefault(e.code, []).append(single)
        if len(codes) <= 1:
            out.append(f)
            continue
        for group in codes.values():
            out.append(replace(f, recipients=tuple(group)))
    # drop events of an actor on itself (same entities on both sides)
    return [f for f in out if not _self_directed(f)]


def _self_directed(f: Frame) -> bool:
    """The same actor on both sides: a named entity, or one mention and a reference back to it."""
    a_names = {(e.code, e.name) for m in f.actors for e in m.entities if e.name}
    r_names = {(e.code, e.name) for m in f.recipients for e in m.entities if e.name}
    if r_names and r_names <= a_names and all(e.name for m in f.recipients for e in m.entities):
        return True
    a_ids = {m.index for m in f.actors} | {m.antecedent for m in f.actors}
    a_ents = {e for m in f.actors for e in m.entities}
    return bool(f.recipients) and all(
        (m.index in a_ids or (m.antecedent is not None and m.antecedent in a_ids)) and set(m.entities) <= a_ents
        for m in f.recipients
    )


def _one_per_dyad(frames: list[Frame]) -> list[Frame]:
    """One event per dyad per sentence; the lexicon beats reported-speech evaluation."""
    best: dict[tuple[frozenset, frozenset], Frame] = {}
    order: list[tuple[frozenset, frozenset]] = []
    for f in frames:
        a, r = _codes(f.actors), _codes(f.recipients)
        key = (a, r)
        sym = (r, a)
        if sym in best and f.event in ("CONSULT", "AGREE", "COOPERATE"):
            key = sym
        if key not in best:
            best[key] = f
            order.append(key)
        elif f.priority > best[key].priority:
            best[key] = f
    return sorted((best[k] for k in order), key=lambda f: f.trigger)


def published_date(value: str | None, where: str) -> dt.date | None:
    """Parse a YYYY-MM-DD publication date from input, naming the input on failure."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(where, f"published date {value!r} is not YYYY-MM-DD") from None
