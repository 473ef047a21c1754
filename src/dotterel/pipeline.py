"""The Coder: owns the loaded resources, runs the stages, returns Events.

coder = Coder.load()
events = coder.code(Article(id="a1", text=..., published=date(2025, 1, 10)))

The stages of one article, in order (`Coder._code_doc`): parse; resolve actor mentions
(actors/resolve.py); read lexicon frames (events/frames.py); optionally have the classifier
review them (events/review.py); let the learned detector find the types the frames missed
(events/detector.py); then, sentence by sentence, fill in the countries of uncoded actors
(actors/fill.py), make one event per dyad (events/dyads.py) and build the records, with date,
place (context.py) and modality (events/modality.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dotterel.actors.fill import fill_sentence
from dotterel.actors.kb import KnowledgeBase
from dotterel.actors.matcher import build_name_matcher
from dotterel.actors.resolve import ArticleActors
from dotterel.context import ArticleContext, Discourse
from dotterel.dates import DateResolver
from dotterel.errors import InputError, ModelError
from dotterel.events.candidates import SentenceView, sentence_views
from dotterel.events.choice import reading_of
from dotterel.events.cues import Cues
from dotterel.events.detector import EventDetector, Found
from dotterel.events.dictframes import RULE as DICTIONARY_RULE
from dotterel.events.dictframes import DictionaryCoder, load_dictionary
from dotterel.events.dyads import detected_frame, dyads
from dotterel.events.frames import Frame, FrameExtractor
from dotterel.events.lexicon import Lexicon
from dotterel.events.modality import modality_of
from dotterel.events.model import EventClassifier
from dotterel.events.review import review
from dotterel.events.verbdict import VerbDictionary
from dotterel.invisible import mask_invisible
from dotterel.language import LanguageCheck
from dotterel.nlp import DEFAULT_MODEL, load_pipeline, parse
from dotterel.ontology import Ontology
from dotterel.places import Gazetteer
from dotterel.records import Article, DateRef, Entity, Event, Location, Mention, TextInfo

log = logging.getLogger(__name__)

MAX_CHARS = 1_000_000
BASE_CONFIDENCE = {3: 0.8, 2: 0.7, 1: 0.55}


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
        nlp: Language,
        kb: KnowledgeBase,
        lexicon: Lexicon,
        cues: Cues,
        ontology: Ontology,
        gazetteer: Gazetteer,
        classifier: EventClassifier | None = None,
        detector: EventDetector | None = None,
        verbs: VerbDictionary | None = None,
        language: LanguageCheck | None = None,
        review: bool = False,
        encoder: EventClassifier | None = None,
        dictionary: VerbDictionary | None = None,
    ) -> None:
        self.nlp = nlp
        # The classifier reviewing lexicon frames cost 40% of coding speed and changed nothing on
        # the 48 training articles (F1 0.282 either way); it stays for `classify` and on request.
        self.review = review
        self.language = language or LanguageCheck()
        self.classifier = classifier
        # the same model read as a sentence encoder: what it finds in each sentence is evidence for
        # the event detector (its plain-sentence PLV and penta heads, `encoder_features`)
        self.encoder = encoder
        self.detector = detector
        self.verbs = verbs
        # an analyst's verb dictionary (a --kb layer's verbs): authoritative for the verbs it lists
        self.dictionary = DictionaryCoder(dictionary, ontology) if dictionary is not None else None
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
                    *((("kb.verbs", dictionary.version),) if dictionary is not None else ()),
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
        use_encoder: bool | None = None,
    ) -> Coder:
        """Load everything from package data. The learned models are used when they are installed.

        `kb_layers` are knowledge-base layer directories (``dotterel kb import-petrarch``) put over
        the built-in knowledge base, later ones over earlier ones. The sentence encoder is loaded
        when the detector was trained with it (`use_encoder=None`) or when asked (training).
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
        encoder = None
        if use_encoder or (use_encoder is None and detector is not None and detector.needs_encoder):
            try:
                encoder = classifier if classifier is not None else EventClassifier.load()
            except ModelError as exc:
                log.warning("coding without the event detector, which needs the sentence encoder: %s", exc)
                detector = None
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
            encoder=encoder,
            dictionary=load_dictionary(kb_layers, ontology),
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
            extractor = FrameExtractor(
                doc, actors, self.lexicon, self.cues, keep_irrealis=True, traits=self.ontology.traits
            )
            yield sentence_views(doc, actors, extractor, self.verbs, self.encoder)

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

    def _code_doc(self, article: Article, doc: Doc) -> list[Event]:
        """The stages for one parsed article, in order; each returns records for the next."""
        actors = ArticleActors(doc, self.kb, self.matcher, article.published, speech=self.cues.of("speech"))
        extractor = FrameExtractor(doc, actors, self.lexicon, self.cues, traits=self.ontology.traits)
        ctx = ArticleContext(doc=doc, resolver=DateResolver(article.published), gazetteer=self.gazetteer).build()
        discourse = Discourse(ctx=ctx, published=article.published)
        sents = list(doc.sents)
        focus = actors.focus_country()
        events: list[Event] = []
        # lexicon frames, reviewed by the classifier on request
        found = [extractor.sentence_frames(sent, index) for index, sent in enumerate(sents)]
        if self.classifier is not None and self.review:
            found = review(self.classifier, sents, found)
        read: set[int] = set()  # sentences whose verbs the analyst's dictionary knows
        if self.dictionary is not None:  # the analyst's verb dictionary codes the verbs it lists
            found, read = self.dictionary.frames(doc, actors, self.lexicon, self.cues, sents, found)
        detector = self.detector
        views: list[SentenceView] = []
        detected: list[dict[str, float]] = []
        if detector is not None:  # the types each sentence reports, for the events the frames missed
            loose = FrameExtractor(
                doc, actors, self.lexicon, self.cues, keep_irrealis=True, traits=self.ontology.traits
            )
            views = sentence_views(doc, actors, loose, self.verbs, self.encoder)
            detected = detector.sentence_types(views)
        # sentence by sentence, in order (the running date and place carry over): places, actors
        # filled in, one event per dyad, the records; then the choice among them and the detector's types
        for index, sent in enumerate(sents):
            discourse.enter(index)
            places: dict[int, tuple[Location | None, Location | None]] = {}
            for frame in found[index]:
                own_place = ctx.own_place(doc[frame.trigger])
                places[frame.trigger] = (own_place, discourse.place_for(own_place))
            mine: list[Event] = []
            for frame in dyads(fill_sentence(found[index], places, focus), self.ontology.traits):
                tok = doc[frame.trigger]
                own_place, place = places[frame.trigger]
                if own_place is not None:
                    discourse.note_place(
                        own_place if own_place.resolution > 1 or discourse.place is None else discourse.place
                    )
                date = None if extractor.habitual(tok) else discourse.date_for(ctx.own_date(tok))
                mine.append(self._event(article, sent, index, frame, extractor, tok, date, place, 0))
            # where the analyst's verb dictionary knows a verb of the sentence, its reading stands alone
            if detector is not None and index not in read:
                mine = self._choose(
                    detector, views[index], detected[index], mine, article, sent, extractor, ctx, discourse
                )
            events += [
                replace(e, id=f"{article.id}-{index:03d}-{len(events) + k:03d}") for k, e in enumerate(mine)
            ]
        return events

    def _choose(
        self,
        detector: EventDetector,
        view: SentenceView,
        probs: dict[str, float],
        lexicon: list[Event],
        article: Article,
        sent: Span,
        extractor: FrameExtractor,
        ctx: ArticleContext,
        discourse: Discourse,
    ) -> list[Event]:
        """The sentence's events as the choice model picks them from its lexicon events and the
        detector's types; each carries the choice's probability as its confidence."""
        fixed = [e for e in lexicon if DICTIONARY_RULE in e.rule]  # an analyst's dictionary is not second-guessed
        lexicon = [e for e in lexicon if DICTIONARY_RULE not in e.rule]
        options = detector.options(view, probs, [reading_of(e) for e in lexicon])
        chosen = detector.choose(options)
        kept = sorted((o.reading, score) for o, score in chosen if o.reading is not None)
        out = fixed + [replace(lexicon[i], confidence=round(score, 3)) for i, score in kept]
        for option, score in chosen:
            if option.reading is not None or option.candidate is None:
                continue
            frame = detected_frame(
                Found(
                    candidate=option.candidate,
                    probability=option.probability,
                    margin=option.margin if option.margin is not None else 0.0,
                    confidence=score,
                    cameo=view.cameo_for(option.event),
                )
            )
            tok = sent.doc[frame.trigger]
            place = discourse.place_for(ctx.own_place(tok))
            date = None if extractor.habitual(tok) else discourse.date_for(ctx.own_date(tok))
            event = self._event(article, sent, view.index, frame, extractor, tok, date, place, 0)
            out.append(replace(event, confidence=round(score, 3)))
        return out

    def _event(
        self,
        article: Article,
        sent: Span,
        index: int,
        frame: Frame,
        extractor: FrameExtractor,
        tok: Token,
        date: DateRef | None,
        place: Location | None,
        n: int,
        confidence: float | None = None,
    ) -> Event:
        """The record of one event: the frame's type and parties with the evidence sentence, date,
        place, modality, ontology fields and a confidence."""
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


def published_date(value: str | None, where: str) -> dt.date | None:
    """Parse a YYYY-MM-DD publication date from input, naming the input on failure."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(where, f"published date {value!r} is not YYYY-MM-DD") from None
