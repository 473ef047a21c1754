"""When and where: dates and places attached to triggers, or inherited from the discourse.

An event takes the date written in its own clause or in a clause above it ("On January 9,
Shafaq News quoted a source as saying that the government is in talks ..."). Without one, it
inherits the date of the narrative it sits in: the last dated main clause before it ("Earlier,
on January 6, ... met ... During their meeting, ..."). A lede sentence before any date takes
the date the next sentences give it. Places work the same way; a country-level place yields to
a city of that country already set by the context ("armed groups in Iraq" during the Baghdad
meeting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dotterel.dates import DateResolver
from dotterel.places import Gazetteer
from dotterel.records import DateRef, Location

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

PLACE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout"}
PLACE_NOUNS = {
    "city",
    "town",
    "village",
    "capital",
    "province",
    "region",
    "district",
    "port",
    "area",
    "state",
    "governorate",
    "county",
    "municipality",
    "neighbourhood",
    "neighborhood",
    "suburb",
}
MOTION_HEADS = {"visit", "trip", "travel", "arrive", "return", "fly", "journey", "go", "come", "head"}
LEDE_WINDOW = 3
SCENE_SHIFT = {"meanwhile", "separately", "elsewhere", "also"}


@dataclass(slots=True)
class ArticleContext:
    """Dates and places of one article Doc, and the discourse context per sentence."""

    doc: Doc
    resolver: DateResolver
    gazetteer: Gazetteer
    place_names: set[int] = field(default_factory=set)
    date_at: dict[int, DateRef] = field(default_factory=dict)
    place_at: dict[int, list[Location]] = field(default_factory=dict)
    sent_date: list[DateRef | None] = field(default_factory=list)
    sent_any_date: list[DateRef | None] = field(default_factory=list)
    # dates of a clause that describes a noun ("a bargain struck in March 2016") date that clause's
    # own event, never the sentence's others
    phrase_dates: set[int] = field(default_factory=set)
    sent_shift: list[bool] = field(default_factory=list)
    sent_place: list[Location | None] = field(default_factory=list)

    def build(self) -> ArticleContext:
        doc = self.doc
        for ent in doc.ents:
            if ent.label_ == "DATE":
                ref = self.resolver.resolve(ent.text, ent.start_char)
                if ref is not None:
                    head = self._attach(ent.root)
                    self.date_at.setdefault(head.i, ref)
                    if head.dep_ in ("acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN"):
                        self.phrase_dates.add(head.i)
        for start, end in self._place_spans():
            span = doc[start:end]
            root = span.root
            if root.dep_ != "pobj":
                continue
            prep = root.head
            # "in the southern city of Odesa": the place noun carries the preposition
            if prep.lower_ == "of" and prep.head.lemma_ in PLACE_NOUNS and prep.head.dep_ == "pobj":
                prep = prep.head.head
            word = prep.lower_
            if not (word in PLACE_PREPS or (word == "to" and prep.head.lemma_ in MOTION_HEADS)):
                continue
            loc = self.gazetteer.locate(span.text, span.start_char)
            if loc is not None:
                self.place_at.setdefault(prep.head.i, []).append(loc)
        sents = list(doc.sents)
        for sent in sents:
            self.sent_date.append(self._sentence_date(sent))
            first = next((t for t in sent if not t.is_punct and not t.is_space), None)
            self.sent_shift.append(first is not None and first.lower_ in SCENE_SHIFT)
            self.sent_any_date.append(
                next(
                    (self.date_at[t.i] for t in sent if t.i in self.date_at and t.i not in self.phrase_dates), None
                )
            )
            self.sent_place.append(self._sentence_place(sent))
        return self

    def _place_spans(self) -> list[tuple[int, int]]:
        doc = self.doc
        spans = [(e.start, e.end) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
        return spans

    @staticmethod
    def _attach(tok: Token) -> Token:
        """The word a date expression modifies: "on January 6 ... met" -> met."""
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
            return tok.head.head
        if tok.dep_ in ("npadvmod", "nmod", "compound", "tmod", "amod", "nummod", "appos", "pobj", "advmod"):
            return tok.head
        return tok

    def _sentence_date(self, sent: Span) -> DateRef | None:
        for tok in sent:
            ref = self.date_at.get(tok.i)
            if ref is not None and tok.pos_ in ("VERB", "AUX") and tok.i not in self.phrase_dates:
                return ref
        return None

    def _sentence_place(self, sent: Span) -> Location | None:
        """The place of the clause that carries the sentence's date ("met ... in Baghdad on January 6")."""
        for tok in sent:
            if self.date_at.get(tok.i) is not None and tok.pos_ in ("VERB", "AUX"):
                return self.own_place(tok)
        return None

    # ---- per event -----------------------------------------------------------------------

    def own_date(self, tok: Token) -> DateRef | None:
        cur = tok
        for _ in range(12):
            ref = self.date_at.get(cur.i)
            if ref is not None:
                return ref
            if cur.head is cur:
                return None
            cur = cur.head
        return None

    def own_place(self, tok: Token) -> Location | None:
        local = [tok]
        stack = [tok]
        while stack:
            cur = stack.pop()
            for c in cur.children:
                if c.dep_ in ("ccomp", "xcomp", "advcl", "relcl", "csubj", "parataxis"):
                    continue
                local.append(c)
                stack.append(c)
        direct = self.place_at.get(tok.i)
        if direct:
            return direct[0]
        best = None
        best_dist = 10**6
        for t in local:
            for loc in self.place_at.get(t.i, ()):
                if abs(t.i - tok.i) < best_dist:
                    best, best_dist = loc, abs(t.i - tok.i)
        if best is not None:
            return best
        cur = tok
        for _ in range(6):
            if cur.head is cur:
                break
            cur = cur.head
            found = self.place_at.get(cur.i)
            if found:
                return found[0]
        return None


@dataclass(slots=True)
class Discourse:
    """The running date and place context while walking an article's sentences in order."""

    ctx: ArticleContext
    published: dt.date | None
    date: DateRef | None = None
    place: Location | None = None
    sentence: int = -1
    _lede: tuple[DateRef | None, Location | None] | None = None

    def enter(self, index: int) -> None:
        """Move to sentence `index`, updating the context from the sentences passed."""
        while self.sentence < index:
            self.sentence += 1
            if self.ctx.sent_shift[self.sentence]:
                self.place = None  # "Meanwhile, ..." moves to another scene
            ref = self.ctx.sent_date[self.sentence]
            if ref is not None and not self._recent(ref):
                ref = None  # a background date ("In March 2023, ...") does not move the story's present
            if ref is not None:
                if self.date is None or ref.iso() != self.date.iso():
                    self.place = None
                self.date = ref
            loc = self.ctx.sent_place[self.sentence]
            if loc is not None and ref is not None:
                self.place = loc
        if self.date is None:
            # a lede before any date: the next sentences date it
            for k in range(index, min(index + LEDE_WINDOW, len(self.ctx.sent_date))):
                if self.ctx.sent_date[k] is not None:
                    self._lede = (self.ctx.sent_date[k], self.ctx.sent_place[k])
                    return
        self._lede = None

    def _recent(self, ref: DateRef) -> bool:
        if self.published is None:
            return True
        if ref.precision == "year":
            return ref.date.year >= self.published.year
        return (self.published - ref.date).days <= 366

    def date_for(self, own: DateRef | None) -> DateRef | None:
        if own is not None:
            return own
        here = self.ctx.sent_any_date[self.sentence] if 0 <= self.sentence < len(self.ctx.sent_any_date) else None
        if here is not None:
            return here
        if self.date is not None:
            return DateRef(
                date=self.date.date,
                precision=self.date.precision,
                text=self.date.text,
                char_start=self.date.char_start,
                inherited=True,
            )
        if self._lede is not None and self._lede[0] is not None:
            ref = self._lede[0]
            return DateRef(
                date=ref.date, precision=ref.precision, text=ref.text, char_start=ref.char_start, inherited=True
            )
        return None

    def place_for(self, own: Location | None) -> Location | None:
        context = self.place
        if context is None and self._lede is not None:
            context = self._lede[1]
        if own is None:
            return context
        if (
            own.resolution == 1
            and context is not None
            and context.country_code == own.country_code
            and context.resolution > 1
        ):
            return context
        return own

    def note_place(self, loc: Location | None) -> None:
        if loc is not None:
            self.place = loc
