"""Predicate-argument frames: who does what to whom, read off the dependency parse.

A frame starts at a trigger (a verb or an event noun found in the lexicon). Its actor is the
grammatical subject (or the agent of a passive, the possessor of a noun, the controller of a
participle); its recipient is the object, the object of the lexicon entry's preposition, or a
`with`/`between`/`against`/`on` phrase. Reported speech with no event of its own is coded by
its content: an evaluative statement about someone is an accusation or praise of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from spacy.tokens import Doc, Span, Token

from dotterel.actors.resolve import LOCATIVE, ArticleActors
from dotterel.events.cues import Cues
from dotterel.events.lexicon import Entry, Lexicon
from dotterel.ontology import EventTraits
from dotterel.records import Entity, Mention

T = TypeVar("T")

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
SPEECH_LINKS = ("ccomp", "parataxis", "xcomp")
# Events whose agent may go unnamed ("was arrested", "were killed", "is accused of").
IMPLICIT_OK = {"COOPERATE", "AID", "RETREAT", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "ACCUSE"}
PLACE_TARGETED = {"ASSAULT", "COERCE"}
RELATION_NOUNS = {"tie", "ties", "relation", "relationship", "contact", "link"}
IMPLICIT_SECTOR: dict[tuple[str, str | None], str] = {
    ("COERCE", "arrest"): "COP",
    ("COERCE", "deport"): "COP",
    ("SANCTION", "convict"): "JUD",
}
TRAVEL = {"travel", "go", "fly", "arrive", "head", "journey", "visit"}
RECIPIENT_PREPS = ("with", "against", "on", "at", "to", "toward", "towards", "upon")
NOUN_RECIPIENT_PREPS = ("with", "between", "against", "on", "into", "to", "toward", "towards", "upon", "for", "of")
DEFINITE = {"the", "this", "that", "these", "those"}
POSSESSIVE_PRONOUNS = {"his", "her", "their", "its", "our", "my", "your"}
RELATIVE = {"who", "which", "that", "whom"}
NAME_ENTITIES = {
    "ORG",
    "PERSON",
    "GPE",
    "NORP",
    "DATE",
    "TIME",
    "FAC",
    "LOC",
    "WORK_OF_ART",
    "LAW",
    "PRODUCT",
    "CARDINAL",
    "MONEY",
    "PERCENT",
    "QUANTITY",
    "ORDINAL",
    "LANGUAGE",
}
SPEAKER_MODES = {"ACCUSE": ("111", "disapprove"), "SUPPORT": ("051", None)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    trigger: int
    event: str
    mode: str | None
    cameo: str | None
    actors: tuple[Mention, ...]
    recipients: tuple[Mention, ...]
    sentence: int
    rule: str
    priority: int
    lexicon_key: str
    actor_tokens: tuple[int, ...] = ()
    recipient_tokens: tuple[int, ...] = ()
    model_prob: float | None = None


class FrameExtractor:
    """Finds frames in one article, given its resolved actors."""

    def __init__(
        self,
        doc: Doc,
        actors: ArticleActors,
        lexicon: Lexicon,
        cues: Cues,
        *,
        keep_irrealis: bool = False,
        traits: EventTraits | None = None,
    ) -> None:
        self.doc = doc
        self.traits = traits if traits is not None else EventTraits.load()
        # Candidates for the learned check keep wanted, negated and conditional actions; their
        # modality becomes an attribute of the event instead of a reason to drop it.
        self.keep_irrealis = keep_irrealis
        self.actors = actors
        self.lexicon = lexicon
        self.cues = cues
        self.speech = cues.of("speech")
        self.evaluate = cues.of("evaluate")
        self.irrealis_words = cues.of("irrealis")
        self.receive = cues.of("receive")
        self.negative = cues.of("negative")
        self.positive = cues.of("positive")
        self.meetings: list[Frame] = []
        self.dyads: list[Frame] = []
        self.directive = cues.of("directive")
        self._irrealis: dict[int, bool] = {}  # `is_irrealis` of each token asked about
        self._hedged: dict[int, tuple[str, ...]] = {}  # `hedges` of each token asked about

    # ---- entry points --------------------------------------------------------------------

    def sentence_frames(
        self, sent: Span, sent_index: int, *, require_actors: bool = True, speech: bool | None = None
    ) -> list[Frame]:
        found: list[Frame] = []
        consumed: set[int] = set()
        blocked: set[int] = set()
        for tok in sent:
            if tok.i in consumed:
                continue
            entry, obj = self._match(tok)
            if entry is None:
                continue
            if entry.event is None:
                # "declined to comment": nothing under it is an event. A plain verb of saying
                # blocks nothing; what was said is coded.
                if entry.objects or tok.lemma_.lower() not in self.speech:
                    blocked.update(t.i for t in tok.subtree)
                continue
            if obj is not None:
                consumed.add(obj.i)
            frame = self._frame(tok, entry, obj, sent_index, require_actors)
            if frame is not None:
                found.append(frame)
        found = [f for f in found if f.trigger not in blocked]
        # "criticised the EU's sanctions": an event noun that is what another event is about is a topic
        verbs = {f.trigger for f in found if f.priority == 3}
        found = [
            f
            for f in found
            if not (f.priority == 2 and self.doc[f.trigger].dep_ == "dobj" and self.doc[f.trigger].head.i in verbs)
        ]
        self.meetings.extend(f for f in found if f.event == "CONSULT" and f.actors and f.recipients)
        self.dyads.extend(f for f in found if f.actors and f.recipients and f.priority >= 2)
        if require_actors if speech is None else speech:
            found.extend(self._speech_frames(sent, sent_index, found))
        return [one for f in found for one in per_actor(f)]

    def verb_frame(self, tok: Token, entry: Entry, sent_index: int) -> Frame | None:
        """The frame of a verb another source types (an analyst's verb dictionary,
        events/dictframes.py), its sides read as a lexicon verb's are; it may lack a side."""
        return self._frame(tok, entry, None, sent_index, require_actors=False)

    # ---- lexicon matching ----------------------------------------------------------------

    def _match(self, tok: Token) -> tuple[Entry | None, Token | None]:
        if tok.pos_ in ("VERB",) or (tok.pos_ == "AUX" and tok.lemma_ not in ("be", "have", "do")):
            cands = self.lexicon.candidates("VERB", tok.lemma_)
        elif tok.pos_ in ("NOUN", "PROPN"):
            cands = self.lexicon.candidates("NOUN", tok.lemma_) or self.lexicon.candidates("NOUN", tok.lower_)
        else:
            return None, None
        if not cands:
            return None, None
        if tok.dep_ == "amod" and tok.i > 0 and tok.doc[tok.i - 1].text == "-":
            return None, None  # "Iran-backed" describes a group; it is not an event
        if tok.ent_type_ in NAME_ENTITIES or tok.i in self.actors.names:
            return None, None  # "Popular Mobilization Forces", "March 2023": names, not triggers
        objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "xcomp")]
        objects += [c for o in list(objects) for c in o.conjuncts]
        objects += [g for c in tok.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        # "sent 50m euros of aid", "delivered tonnes of food": the quantity's substance is the object
        objects += [
            g
            for o in list(objects)
            if o.dep_ == "dobj"
            for c in o.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children
            if g.dep_ == "pobj"
        ]
        for entry in cands:
            obj = None
            if entry.objects:
                obj = next(
                    (o for o in objects if o.lemma_.lower() in entry.objects or o.lower_ in entry.objects), None
                )
                if obj is None and tok.pos_ == "VERB":
                    # "lodged a complaint" parsed with the noun under a preposition, or "held talks"
                    continue
                if obj is None:
                    continue
            if entry.particle:
                holders = [tok] + ([obj] if obj is not None else [])
                if not any(self._prep(h, entry.particle) is not None for h in holders):
                    continue
            return entry, obj
        return None, None

    def _prep(self, head: Token, word: str) -> Token | None:
        for c in head.children:
            if c.dep_ in ("prep", "prt", "agent", "dative") and c.lower_ == word:
                return c
        return None

    # ---- frames --------------------------------------------------------------------------

    def _frame(
        self, tok: Token, entry: Entry, obj: Token | None, sent_index: int, require_actors: bool
    ) -> Frame | None:
        if self._descriptive_participle(tok):
            return None
        if not self.keep_irrealis and (self.is_irrealis(tok) or self.is_negated(tok)):
            return None
        if tok.pos_ == "VERB" or tok.pos_ == "AUX":
            actor_toks, recip_toks = self._verb_args(tok, entry, obj)
            priority = 3
        else:
            if self._anaphoric(tok, entry):
                return None
            actor_toks, recip_toks = self._noun_args(tok, entry)
            priority = 2
        actors = self._mentions(actor_toks)
        recipients = self._mentions(recip_toks, recipient=True)
        if actors and recipients:
            # "X and Y welcomed their resumption of ties with Z": a pronoun that refers back to the
            # actors (all of a listed subject) is the actors' own, not the other party
            mine = self._listed_codes(actor_toks)
            recipients = tuple(
                m
                for m in recipients
                if not (m.kind == "pronoun" and mine and {e.code for e in m.entities} <= mine)
            )
        if actors and not recipients and tok.pos_ == "VERB":
            # "agreed to share intelligence with Jordan": the participant sits in the complement
            for comp in (c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"):
                inner = [c for c in comp.children if c.dep_ in ("dobj", "dative")]
                inner += [
                    g
                    for c in comp.children
                    if c.dep_ == "prep" and c.lower_ in RECIPIENT_PREPS
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
                recipients = self._mentions(inner, recipient=True)
                if recipients:
                    recip_toks = inner
                    break
        if actors and not recipients:
            recipients = self._partners(recip_toks, actors, sent_index)
        if (
            not actors
            and recipients
            and tok.pos_ == "VERB"
            and self.is_passive(tok)
            and entry.event in IMPLICIT_OK
        ):
            actors = (
                self._implicit(tok, "implicit-agent", IMPLICIT_SECTOR.get((entry.event, entry.mode))),
            )  # "is being held", "was accused"
        if actors and not recipients and recip_toks and entry.event in PLACE_TARGETED:
            # "shelled Kurdish positions in northern Syria": a target that is not an actor belongs to the
            # country where the event happens (filled in with the place, dropped without one)
            recipients = (self._implicit(tok, "implicit-target"),)
        if actors and not recipients and entry.event == "REJECT" and entry.objects:
            recipients = (self._implicit(tok, "implicit-accuser"),)  # "denied the charges"
        if (
            entry.event == "CONSULT"
            and (entry.mode == "visit" or tok.lemma_ in TRAVEL)
            and not self._political(actors)
        ):
            return None  # a private person travelling is not a diplomatic visit
        if (
            entry.pos == "NOUN"
            and not actors
            and recipients
            and len(recipients) > 1
            and any(t.dep_ == "pobj" and t.head.lower_ == "between" for t in recip_toks)
        ):
            actors, recipients = recipients[:1], recipients[1:]
        if not actors and len(recipients) > 1 and self._mutual(entry):
            actors, recipients = recipients[:1], recipients[1:]
        if actors and not recipients and self._reciprocal(entry) and len(_parties(actors)) > 1:
            # "Kiir and Machar agreed", "France and Germany met": a list subject of a reciprocal act
            # is both sides, even of one country; "X, Y and Z welcomed ..." is not (one-sided acts)
            first = _parties(actors)[0]
            actors, recipients = (
                tuple(m for m in actors if _party(m) == first),
                tuple(m for m in actors if _party(m) != first),
            )
        if require_actors and not actors:
            return None
        if require_actors and not recipients and entry.event not in self.traits.one_sided:
            return None
        return Frame(
            trigger=tok.i,
            event=entry.event or "",
            mode=entry.mode,
            cameo=entry.cameo,
            actors=actors,
            recipients=recipients,
            sentence=sent_index,
            rule=f"lexicon:{entry.key}",
            priority=priority,
            lexicon_key=entry.key,
            actor_tokens=_span_of(actor_toks),
            recipient_tokens=_span_of(recip_toks),
        )

    def _implicit(self, tok: Token, rule: str, sector: str | None = None) -> Mention:
        """A participant the text implies but does not name; its code is unknown, its sector may be
        implied by the act ("was arrested": police; "was convicted": a court)."""
        return Mention(
            index=-1,
            text="",
            start=tok.i,
            end=tok.i,
            char_start=tok.idx,
            char_end=tok.idx,
            head=tok.i,
            sentence=-1,
            entities=(Entity(code=None, sector=sector, name=None, kind="generic"),),
            kind="description",
            rule=rule,
        )

    @staticmethod
    def _political(mentions: tuple[Mention, ...]) -> bool:
        return any(
            e.sector not in (None, "CVL") or e.kind in ("country", "org", "group")
            for m in mentions
            for e in m.entities
        )

    def _mutual(self, entry: Entry) -> bool:
        return entry.event in self.traits.mutual

    def _reciprocal(self, entry: Entry) -> bool:
        """Acts a list subject does with each other: meeting, agreeing, cooperating, and the
        SUPPORT acts of a light-verb phrase ("signed an accord", "restored ties"); not welcoming,
        praising or endorsing, which a list of actors does each on its own."""
        return entry.event in self.traits.mutual and (entry.event != "SUPPORT" or bool(entry.objects))

    def _mentions(self, toks: Iterable[Token | None], recipient: bool = False) -> tuple[Mention, ...]:
        out: list[Mention] = []
        for t in toks:
            if t is None:
                continue
            found = self.actors.resolve(t)
            if not found and self._both_sides(t) and self.dyads:
                last = self.dyads[-1]  # "the two sides", "both sides": the parties just named
                found = last.actors + last.recipients
            if not found and (recipient or self._is_event_noun(t)):
                # "Israeli air strikes killed ...": the event noun's own actor acts
                found = self._descend(t)
            for m in found:
                if m.entities and all(m.index != o.index for o in out):
                    if len(m.entities) > 1:
                        out.extend(replace(m, entities=(e,)) for e in m.entities)
                    else:
                        out.append(m)
        return tuple(out)

    def _partners(
        self, toks: Sequence[Token], actors: tuple[Mention, ...], sent_index: int
    ) -> tuple[Mention, ...]:
        """ "expressed satisfaction with the talks": the other side of the talks the actor just held."""
        if not any(self._is_meeting_noun(t) for t in toks):
            return ()
        mine = {e.code for m in actors for e in m.entities}
        for f in reversed(self.meetings):
            if sent_index - f.sentence > 4:
                break
            a = {e.code for m in f.actors for e in m.entities}
            r = {e.code for m in f.recipients for e in m.entities}
            if mine & a and not mine & r:
                return f.recipients
            if mine & r and not mine & a:
                return f.actors
        return ()

    @staticmethod
    def _both_sides(tok: Token) -> bool:
        return tok.lemma_.lower() in ("side", "party", "country", "nation", "government", "leader") and any(
            c.lower_ in ("both", "two") for c in tok.children if c.dep_ in ("det", "nummod", "predet")
        )

    def _is_event_noun(self, tok: Token) -> bool:
        return tok.pos_ == "NOUN" and any(e.event for e in self.lexicon.candidates("NOUN", tok.lemma_))

    def _is_meeting_noun(self, tok: Token) -> bool:
        return tok.pos_ in ("NOUN", "PROPN") and any(
            e.event == "CONSULT" for e in self.lexicon.candidates("NOUN", tok.lemma_)
        )

    def _descend(self, tok: Token, depth: int = 0) -> tuple[Mention, ...]:
        """ "called for bolstering the PMF": the participant sits one level down; through event
        nouns further ("welcomed the resumption of ties with Osgiliath": Osgiliath)."""
        inner: list[Token] = []
        if tok.pos_ in ("VERB", "AUX"):
            inner = [c for c in tok.children if c.dep_ in ("dobj", "pobj")]
        elif tok.pos_ in ("NOUN", "PROPN"):
            # "condemned a U.S. Supreme Court decision", "criticised Moscow's move", "the Israeli raid"
            inner = [c for c in tok.children if c.dep_ in ("poss", "compound", "amod") and c.pos_ != "PRON"]
            inner = [c for c in inner if any(e.code for m in self.actors.resolve(c) for e in m.entities)]
            inner += [c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PRON"] + [
                g
                for c in tok.children
                if c.dep_ == "prep"
                and (
                    c.lower_ in ("of", "for", "against", "by")
                    or (
                        depth > 0
                        and c.lower_ in ("with", "between")
                        and (self._is_event_noun(tok) or self._is_relation_noun(tok))
                    )
                )
                for g in c.children
                if g.dep_ in ("pobj", "pcomp")
            ]
        out: list[Mention] = []
        for t in inner:
            deeper = depth < 2 and (
                t.pos_ in ("VERB", "AUX") or self._is_event_noun(t) or self._is_relation_noun(t)
            )
            out.extend(self.actors.resolve(t) or (self._descend(t, depth + 1) if deeper else ()))
        return tuple(out)

    @staticmethod
    def _is_relation_noun(tok: Token) -> bool:
        """ "ties", "relations": a relation whose other party follows ("ties with Osgiliath")."""
        return tok.pos_ == "NOUN" and tok.lemma_.lower() in RELATION_NOUNS

    def is_passive(self, tok: Token) -> bool:
        """ "was arrested", "is being held", and bare participles: "accused of sending money"."""
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
            return True
        return (
            tok.tag_ == "VBN"
            and tok.dep_ in ("acl", "advcl")
            and not any(c.dep_ in ("nsubj", "aux", "dobj") for c in tok.children)
        )

    def _descriptive_participle(self, tok: Token) -> bool:
        """ "sympathy for the innocent people killed": a participle describing a non-subject participant
        refers to an event, it does not report one."""
        return (
            tok.tag_ == "VBN"
            and tok.dep_ == "acl"
            and tok.head.dep_ not in ("nsubj", "nsubjpass")
            and bool(self.actors.resolve(tok.head))
            and self._prep(tok, "by") is None
        )

    def _verb_args(self, tok: Token, entry: Entry, obj: Token | None) -> tuple[list[Token], list[Token]]:
        if self.is_passive(tok):
            agent = self._prep(tok, "by")
            if agent is None:
                # "were targeted, expelled and killed by Isis": coordinated participles share the agent
                agent = next(
                    (a for v in tok.conjuncts if v.tag_ == "VBN" and (a := self._prep(v, "by")) is not None), None
                )
            actor = [c for c in agent.children if c.dep_ == "pobj"] if agent is not None else []
            if actor and not self.actors.resolve(actor[0]):
                # "killed by Russian bombs", "destroyed by a Turkish airstrike": the agent is an
                # instrument or an act, and whose it is acts
                actor = self._owner(actor[0]) or actor
            if not actor:
                directive = self._directive_subject(tok)
                actor = [directive] if directive is not None else []
            if not actor and obj is not None and obj.dep_ == "nsubjpass" and not self.actors.resolve(obj):
                # "US sanctions were lifted on Turkish citizens", "Israeli missiles were fired at Syrian
                # positions": the passive subject is the act's own instrument; whose it is acts, and the
                # target sits in the verb's phrase
                return self._owner(obj), self._prep_objects(tok, RECIPIENT_PREPS)
            if not actor:
                # "civilians were killed in US air strikes", "in the first days of Turkey's offensive"
                actor = self._event_phrase_agent(tok)
            recip = [c for c in tok.children if c.dep_ == "nsubjpass"]
            if not recip:
                subj = self.subject_of(tok)
                if subj is not None and tok.dep_ == "acl" and not self.actors.resolve(subj):
                    # "awaiting trial accused of ...": the participle describes the clause's subject
                    gov = subj.head if subj.dep_ in ("dobj", "pobj", "attr") else None
                    subj = self.subject_of(gov) if gov is not None else None
                recip = [subj] if subj is not None else []
            return actor, recip
        subj = self.subject_of(tok)
        actor = [subj] if subj is not None else []
        recip = []
        if entry.particle:
            for holder in [tok] + ([obj] if obj is not None else []):
                prep = self._prep(holder, entry.particle)
                if prep is not None:
                    recip = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
                    if recip:
                        break
            if not recip and obj is not None:
                # "carried out airstrikes on Gaza": the particle is the phrasal verb's own, not the
                # preposition of the other party
                recip = self._object_entry_recipient(tok, obj, actor)
        elif obj is not None:
            recip = self._object_entry_recipient(tok, obj, actor)
        else:
            recip = [c for c in tok.children if c.dep_ in ("dobj", "dative")]
            if recip and self._own_theme(recip, actor):
                # "Russia withdrew its troops from Kherson": the object is the actor's own; look for "from"
                own = recip
                recip = [
                    g
                    for c in tok.children
                    if c.dep_ == "prep" and c.lower_ in ("from", "against")
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
                if not recip:
                    # "welcomed their resumption of ties with Osgiliath": a relation of the actor's
                    # own names its other party further down
                    mine = self._listed_codes(actor)
                    recip = [
                        o
                        for o in own
                        if (self._is_event_noun(o) or o.pos_ == "NOUN")
                        and any(e.code and e.code not in mine for m in self._descend(o) for e in m.entities)
                    ]
            if not recip:
                for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in RECIPIENT_PREPS):
                    recip = [c for c in prep.children if c.dep_ == "pobj"]
                    if recip:
                        break
        return actor, recip

    def _owner(self, noun: Token) -> list[Token]:
        """Who an act's noun belongs to: its "by" phrase ("a siege by rebels"), its possessor
        ("Turkey's offensive"), or a country modifier ("US sanctions", "Israeli missiles")."""
        by = self._prep(noun, "by")
        if by is not None:
            found = [c for c in by.children if c.dep_ == "pobj"]
            if found:
                return found
        return [
            c
            for c in noun.children
            if (c.dep_ == "poss" and c.pos_ != "PRON")
            or (
                c.dep_ in ("amod", "compound", "nmod")
                and any(e.code for m in self.actors.resolve(c) for e in m.entities)
            )
        ][:1]

    def _prep_objects(self, tok: Token, words: tuple[str, ...]) -> list[Token]:
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in words):
            found = [c for c in prep.children if c.dep_ == "pobj"]
            if found:
                return found
        return []

    def _event_phrase_agent(self, tok: Token) -> list[Token]:
        """The owner of an event noun in an "in"/"during" phrase of a passive verb without an agent:
        "were killed in US air strikes" (US), "in the first three days of Turkey's offensive" (Turkey)."""
        pobjs = [
            g
            for v in (tok, *tok.conjuncts)  # "were killed and displaced in ..."
            for c in v.children
            if c.dep_ == "prep" and c.lower_ in ("in", "during")
            for g in c.children
            if g.dep_ == "pobj" and g.lower_ not in RELATIVE  # "an incident in which ..."
        ]
        for v in tok.conjuncts:
            # "killed in dozens of airstrikes and shelling by forces loyal to ...": the parse often
            # hangs the second act noun, with its agent, on the verb
            if (v.pos_ == "NOUN" or v.tag_ == "VBG") and self._by_actor(v):
                return self._owner(v)
        for pobj in pobjs:
            cur = pobj
            for _ in range(3):  # "in eight days of one of the deadliest bombing campaigns by the regime"
                if self._is_event_noun(cur) or self._by_actor(cur):
                    return self._owner(cur)
                inner = [
                    g
                    for c in cur.children
                    if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
                if not inner:
                    break
                cur = inner[0]
        return []

    def _by_actor(self, noun: Token) -> bool:
        """Whether a noun's "by" phrase names an actor ("a campaign by the regime")."""
        by = self._prep(noun, "by")
        return by is not None and any(self.actors.resolve(c) for c in by.children if c.dep_ == "pobj")

    def _object_entry_recipient(self, tok: Token, obj: Token, actor: Sequence[Token]) -> list[Token]:
        """Recipient of a light-verb phrase ("lodged a complaint with X", "threatened X with a strike")."""
        own = self._own_theme([obj], actor)
        # "threatened South Korea with a nuclear strike": a direct object that is an actor
        direct = [
            c for c in tok.children if c.dep_ in ("dobj", "dative") and c.i != obj.i and self.actors.resolve(c)
        ]
        if direct:
            return direct
        preps = [p for p in NOUN_RECIPIENT_PREPS if p != "of"] + (["from"] if own else [])
        for holder in (obj, tok):
            for prep in (c for c in holder.children if c.dep_ == "prep" and c.lower_ in preps):
                found = [c for c in prep.children if c.dep_ == "pobj" and c.i != obj.i]
                if found and (
                    self._mentions(found, recipient=True) or any(self._is_meeting_noun(t) for t in found)
                ):
                    return found  # a meeting noun: its other side is found later ("satisfaction with the talks")
        if own:
            return []
        if self.actors.resolve(obj):  # "summoned the Chinese ambassador"
            return [obj]
        mine = {e.code for m in self._mentions([self.subject_of(tok)]) for e in m.entities} - {None}
        whose = [  # "challenging your decision": whose decision
            c
            for c in obj.children
            if c.dep_ == "poss" and not {e.code for m in self.actors.resolve(c) for e in m.entities} & mine
        ]
        if whose or any(c.dep_ == "poss" for c in obj.children):
            return whose  # "reiterated Iran's commitment": the actor's own, no recipient
        return [obj]  # "rejected a Ukrainian proposal": the recipient is read off the object

    def _listed_codes(self, actor: Sequence[Token]) -> set[str | None]:
        """The codes of the actor tokens and of everything listed with them."""
        listed = [*actor, *(c for a in actor for c in a.conjuncts)]
        return {e.code for m in self._mentions(listed) for e in m.entities} - {None}

    def _own_theme(self, objs: Sequence[Token], actor: Sequence[Token]) -> bool:
        """The object belongs to the actor: "its troops", "their ambassador" (a listed subject's
        "their" is all of the list's)."""
        mine = self._listed_codes(actor)
        for o in objs:
            poss = [c for c in o.children if c.dep_ == "poss" and c.pos_ == "PRON"]
            if poss and mine and {e.code for m in self.actors.resolve(poss[0]) for e in m.entities} <= mine:
                return True
        return False

    def _directive_subject(self, tok: Token) -> Token | None:
        """ "X ordered that her citizenship be revoked": X did the revoking."""
        cur = tok
        for _ in range(3):
            if cur.dep_ not in ("ccomp", "xcomp", "conj") or cur.head is cur:
                return None
            cur = cur.head
            if cur.lemma_.lower() in self.directive:
                return self.subject_of(cur)
        return None

    def _noun_args(self, tok: Token, entry: Entry) -> tuple[list[Token], list[Token]]:
        actor: list[Token] = []
        poss = [c for c in tok.children if c.dep_ == "poss"]
        by = self._prep(tok, "by")
        governor = self._governing_verb(tok)
        gov_subject = self.subject_of(governor) if governor is not None else None
        receiving = governor is not None and governor.lemma_ in self.receive
        from_ = self._prep(tok, "from") if receiving else None
        if by is not None:
            actor = [c for c in by.children if c.dep_ == "pobj"]
        elif from_ is not None:  # "faces criticism from the UN"
            actor = [c for c in from_.children if c.dep_ == "pobj"]
        elif (
            poss
            and poss[0].pos_ != "PRON"
            and not (gov_subject is not None and not receiving and self._same_country(poss[0], gov_subject))
        ):
            actor = poss
        elif poss:
            actor = poss if not (gov_subject is not None and not receiving) else [gov_subject]
        else:
            mods = [
                c
                for c in tok.children
                if c.dep_ in ("amod", "compound", "nmod")
                and any(e.code for m in self.actors.resolve(c) for e in m.entities)
            ]
            if mods:
                actor = mods[:1]
            elif gov_subject is not None and not receiving:
                actor = [gov_subject]
        recip: list[Token] = []
        preps = [entry.particle] if entry.particle else list(NOUN_RECIPIENT_PREPS)
        for word in preps:
            prep = self._prep(tok, word)
            if prep is not None:
                recip = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
                if recip and word in ("for", "of") and not entry.particle:
                    # "support for X" names a recipient; "the future of X" does not always
                    if not any(self.actors.resolve(t) for t in recip):
                        recip = []
                if recip:
                    break
        if receiving and not recip and gov_subject is not None:
            recip = [gov_subject]
        return actor, recip

    def _same_country(self, a: Token, b: Token) -> bool:
        ca = {e.code for m in self.actors.resolve(a) for e in m.entities}
        cb = {e.code for m in self.actors.resolve(b) for e in m.entities}
        return bool(ca & cb) or not ca

    def _anaphoric(self, tok: Token, entry: Entry) -> bool:
        """ "the talks", "their meeting": a reference back to an event, not a new one."""
        dets = [c for c in tok.children if c.dep_ in ("det", "poss")]
        definite = any(d.lower_ in DEFINITE or d.lower_ in POSSESSIVE_PRONOUNS for d in dets)
        if not definite:
            return False
        preps = [entry.particle] if entry.particle else ["with", "between", "against", "on", "to"]
        return not any(self._prep(tok, p) is not None for p in preps)

    def _governing_verb(self, tok: Token) -> Token | None:
        """The verb whose object (or 'in'-phrase) this event noun is: "held talks", "is in talks"."""
        cur = tok
        for _ in range(3):
            if cur.dep_ in ("dobj", "attr", "nsubjpass", "oprd"):
                return cur.head if cur.head.pos_ in ("VERB", "AUX") else None
            if (
                cur.dep_ == "pobj"
                and cur.head.dep_ == "prep"
                and cur.head.lower_ in ("in", "into", "at", "for", "during", "with")
            ):
                head = cur.head.head
                if head.pos_ in ("NOUN", "NUM") and head.dep_ in ("dobj", "attr"):
                    cur = head  # "announced $500 million in military aid"
                    continue
                return head if head.pos_ in ("VERB", "AUX") else None
            if cur.dep_ == "conj":
                cur = cur.head
                continue
            return None
        return None

    def subject_of(self, tok: Token | None, depth: int = 0) -> Token | None:
        """The (possibly inherited) subject of a verb."""
        if tok is None or depth > 6:
            return None
        # nearest subject first: a misparsed dateline or fronted phrase can be a second "nsubj"
        for c in sorted(tok.children, key=lambda c: abs(tok.i - c.i)):
            if c.dep_ in ("nsubj", "csubj"):
                if c.lower_ in RELATIVE and tok.dep_ == "relcl":
                    return tok.head
                if c.dep_ == "nsubj" and c.lower_ not in ("there",):
                    return c
        if tok.dep_ == "xcomp" and depth == 0:  # "X was seen to break in": the passive's subject acts
            passive = next((c for c in tok.head.children if c.dep_ == "nsubjpass"), None)
            if passive is not None and passive.lower_ not in RELATIVE:
                return passive
        if tok.dep_ in ("xcomp", "advcl", "conj", "acomp") and tok.head is not tok:  # "is about to restore"
            return self.subject_of(tok.head, depth + 1)
        if tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
            head = tok.head.head
            if head.pos_ in ("VERB", "AUX"):
                return self.subject_of(head, depth + 1)
            if head.pos_ in ("NOUN",):
                gov = self._governing_verb(head)
                return self.subject_of(gov, depth + 1) if gov is not None else None
        return None

    # ---- modality ------------------------------------------------------------------------

    def is_negated(self, tok: Token) -> bool:
        if any(c.dep_ == "neg" for c in tok.children):
            return True
        return any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)

    def is_irrealis(self, tok: Token) -> bool:
        """Wanted, asked for, planned or conditional, not done: "urged X to halt attacks".
        Asked of the same trigger many times (frames, detector features, options): read once."""
        return self._once(self._irrealis, tok, self._is_irrealis)

    def _is_irrealis(self, tok: Token) -> bool:
        if any(
            c.dep_ == "aux" and c.lower_ in ("could", "would", "should", "might", "may", "must")
            for c in tok.children
        ):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether", "until") for c in tok.children):
            return True
        cur = tok
        for _ in range(8):
            head = cur.head
            if head is cur:
                return False
            to_inf = any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
            if cur.dep_ in ("xcomp", "acl", "advcl", "ccomp", "relcl") and to_inf:
                return True
            if (
                cur.dep_ in ("xcomp", "ccomp", "pcomp", "pobj", "dobj", "acl", "conj", "advcl")
                and head.lemma_.lower() in self.irrealis_words
            ):
                return True
            if cur.dep_ in ("ccomp",) and head.lemma_ in self.speech:
                return False
            if any(
                c.dep_ == "aux" and c.lower_ in ("could", "would", "might", "may", "should") for c in head.children
            ) and cur.dep_ in ("dobj", "pobj", "xcomp", "ccomp", "conj"):
                return True
            cur = head
        return False

    def hedges(self, tok: Token) -> tuple[str, ...]:
        """The hedge words above and beside a trigger; asked of the same trigger many times: read once."""
        return self._once(self._hedged, tok, self._hedges)

    def _once(self, cache: dict[int, T], tok: Token, read: Callable[[Token], T]) -> T:
        """`read(tok)`, remembered per token of this extractor's Doc (another Doc's token is read afresh)."""
        if tok.doc is not self.doc:
            return read(tok)
        if tok.i not in cache:
            cache[tok.i] = read(tok)
        return cache[tok.i]

    def _hedges(self, tok: Token) -> tuple[str, ...]:
        words = self.cues.of("hedge")
        found: list[str] = []
        cur = tok
        for _ in range(8):
            for c in cur.children:
                if c.pos_ == "PROPN" or c.ent_type_ in ("PERSON", "DATE"):
                    continue  # "Theresa May", "in May": names, not hedges
                if c.lower_ in words or (c.dep_ == "aux" and c.lower_ in words):
                    found.append(c.lower_)
            if cur.lemma_ in words and cur.i != tok.i:
                found.append(cur.lemma_)
            if cur.head is cur:
                break
            cur = cur.head
        return tuple(dict.fromkeys(found))

    def habitual(self, tok: Token) -> bool:
        words = self.cues.of("habitual")
        cur = tok
        for _ in range(3):
            if any(c.lower_ in words for c in cur.children):
                return True
            if cur.head is cur or cur.pos_ == "VERB":
                break
            cur = cur.head
        return False

    def attribution(self, tok: Token) -> str | None:
        """Who reports this event: the speakers of the verbs of saying above it, innermost first.

        "Shafaq News quoted an informed source as saying that ..." -> "an informed source, via Shafaq News".
        """
        speakers: list[str] = []
        cur = tok
        for _ in range(10):
            for acc in (c for c in cur.children if c.lower_ == "according"):  # "according to state media"
                speakers.extend(self._phrase(g) for p in acc.children if p.lower_ == "to" for g in p.children)
            if cur.head is cur:
                break
            head = cur.head
            inherited = head.dep_ == "pcomp" and not any(c.dep_ == "nsubj" for c in head.children)
            linked = cur.dep_ in SPEECH_LINKS or (cur.dep_ == "prep" and cur.lower_ == "as")
            if head.lemma_ in self.speech and linked and not inherited:
                subj = self.subject_of(head)
                if subj is not None:
                    quoted = next((c for c in head.children if c.dep_ == "dobj"), None)
                    # "X quoted a source as saying": the source spoke first
                    if head.lemma_ in ("quote", "cite") and quoted is not None:
                        speakers.append(self._phrase(quoted))
                    text = self._phrase(subj)
                    speakers.append(text)
            cur = head
        speakers = list(dict.fromkeys(speakers))
        return ", via ".join(speakers) if speakers else None

    def _phrase(self, tok: Token) -> str:
        return self.doc[tok.left_edge.i : tok.right_edge.i + 1].text

    # ---- reported speech -----------------------------------------------------------------

    def _speech_frames(self, sent: Span, sent_index: int, found: list[Frame]) -> list[Frame]:
        out: list[Frame] = []
        taken = {f.trigger for f in found}
        for tok in sent:
            lemma = tok.lemma_.lower()
            if tok.pos_ not in ("VERB",) or tok.i in taken:
                continue
            if lemma in self.evaluate:
                frame = self._evaluation(tok, sent_index)
            elif lemma in self.speech:
                frame = self._statement(tok, sent_index, found)
            else:
                continue
            if frame is not None:
                out.append(frame)
        return out

    def _polarity(self, toks: Sequence[Token]) -> str | None:
        neg = sum(1 for t in toks if t.lemma_.lower() in self.negative or t.lower_ in self.negative)
        pos = sum(1 for t in toks if t.lemma_.lower() in self.positive or t.lower_ in self.positive)
        negated = any(t.dep_ == "neg" for t in toks)
        if neg > pos and not negated:
            return "ACCUSE"
        if pos > neg and not negated:
            return "SUPPORT"
        return None

    def _speech_frame(
        self,
        tok: Token,
        event: str,
        actors: tuple[Mention, ...],
        recipients: tuple[Mention, ...],
        sent_index: int,
        rule: str,
    ) -> Frame | None:
        if not actors or not recipients:
            return None
        speaker_codes = {e.code for m in actors for e in m.entities} - {None}
        speaker_ids = {m.index for m in actors} | {m.antecedent for m in actors}
        recipients = tuple(
            m
            for m in recipients
            if m.antecedent not in speaker_ids - {None}
            and not (
                {e.code for e in m.entities} <= speaker_codes
                and all(e.sector in (None, "GOV") for e in m.entities)
            )
        )
        if not recipients:
            return None
        cameo, mode = SPEAKER_MODES[event]
        return Frame(
            trigger=tok.i,
            event=event,
            mode=mode,
            cameo=cameo,
            actors=actors,
            recipients=recipients,
            sentence=sent_index,
            rule=rule,
            priority=1,
            lexicon_key=f"speech:{tok.lemma_.lower()}",
        )

    def _evaluation(self, tok: Token, sent_index: int) -> Frame | None:
        """ "referred to the PMF as one of the key pillars": praise or blame of the object."""
        as_prep = self._prep(tok, "as")
        if as_prep is None or self.is_irrealis(tok) or self.is_negated(tok):
            return None
        event = self._polarity(list(as_prep.subtree))
        if event is None:
            return None
        targets = [c for c in tok.children if c.dep_ == "dobj"]
        to_prep = self._prep(tok, "to")
        if to_prep is not None:
            targets += [c for c in to_prep.children if c.dep_ == "pobj"]
        subj = self.subject_of(tok)
        return self._speech_frame(
            tok,
            event,
            self._mentions([subj] if subj is not None else []),
            self._mentions(targets),
            sent_index,
            f"evaluation:{tok.lemma_.lower()}",
        )

    def _statement(self, tok: Token, sent_index: int, found: list[Frame]) -> Frame | None:
        """A statement whose content blames or praises someone, with no coded event inside."""
        content = [c for c in tok.children if c.dep_ in ("ccomp", "dobj")]
        if not content or self.is_negated(tok):
            return None
        span = {t.i for c in content for t in c.subtree}
        if any(f.trigger in span for f in found):
            return None
        toks = [self.doc[i] for i in sorted(span)]
        event = self._polarity(toks)
        if event is None:
            return None
        subj = self.subject_of(tok)
        speaker = self._mentions([subj] if subj is not None else [])
        # the agent of what is blamed: "victim of torture at the hands of his captors", "killed by X"
        targets: list[Token] = [
            t
            for t in toks
            if t.dep_ == "pobj"
            and (t.head.lower_ == "by" or (t.head.lower_ == "of" and t.head.head.lemma_ == "hand"))
            and self._is_participant(t)
        ]
        for c in content if not targets else ():
            head_subj = [s for s in c.children if s.dep_ in SUBJECTS] or [c]
            for s in head_subj:
                targets.extend(t for t in s.subtree if self._is_participant(t))
        if not targets:
            targets = [t for t in toks if self._is_participant(t)]
        return self._speech_frame(
            tok, event, speaker, self._mentions(targets), sent_index, f"statement:{tok.lemma_.lower()}"
        )

    def _is_participant(self, t: Token) -> bool:
        if t.dep_ in ("compound", "amod", "det", "case", "punct", "poss"):
            return False
        if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE:
            return False
        return t.pos_ in ("NOUN", "PROPN") and bool(self.actors.resolve(t))


def _span_of(toks: Iterable[Token]) -> tuple[int, ...]:
    """Token indices covered by argument heads and their subtrees."""
    return tuple(sorted({t.i for head in toks for t in head.subtree}))


def _party(m: Mention) -> tuple[str | None, str | None]:
    """Who a mention stands for, for telling list members apart: its (code, name)."""
    e = m.entities[0]
    return (e.code, e.name or m.text)


def _parties(mentions: tuple[Mention, ...]) -> list[tuple[str | None, str | None]]:
    return list(dict.fromkeys(_party(m) for m in mentions if m.entities))


def per_actor(f: Frame) -> list[Frame]:
    """One frame per acting country: "The US, Britain and France criticised X" is three events, as
    each state acts on its own (mentions without a code stay with the first group)."""
    groups: dict[str | None, list[Mention]] = {}
    for m in f.actors:
        for e in m.entities:
            groups.setdefault(e.code, []).append(replace(m, entities=(e,)) if len(m.entities) > 1 else m)
    coded = [k for k in groups if k is not None]
    if len(coded) <= 1:
        return [f]
    if None in groups:
        groups[coded[0]].extend(groups.pop(None))
    return [replace(f, actors=tuple(group)) for group in groups.values()]
