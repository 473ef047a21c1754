"""Event candidates and the features the learned models read.

Candidates come from two sources and nothing vetoes them here:
- every trigger frame of the lexicon (wanted, negated or conditional ones included, with their
  modality as features), whatever its arguments resolved to;
- every PLOVER type the sentence detector flags for a sentence.

A candidate is one sentence, one type and one ordered pair of participants drawn from the actor
mentions of that sentence (the recipient may be absent). The frame's reading of the syntax
(who is subject, object, `by`-agent, speaker) is not a filter but a feature: the pair model
learns how far to trust it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from dotterel.actors.resolve import ArticleActors
from dotterel.events.frames import Frame, FrameExtractor
from dotterel.events.verbdict import Hit, VerbDictionary
from dotterel.records import Entity, Mention, MentionKind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from dotterel.events.model import EventClassifier

FOCUS_PARTIES = True
MAX_PARTIES = 6
PLACE_RULE = "place-party"  # `place_parties`: a named place as a participant
OWNER_RULE = "owner-party"  # `place_parties`: the nation or group a modifier names ("Iranian targets")
MODALS = {"could", "would", "should", "might", "may", "must", "will", "shall", "can"}
CONTENT_POS = {"NOUN", "VERB", "ADJ", "PROPN", "ADV"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """One participant of a sentence: a mention and one of its entities."""

    mention: Mention
    entity: Entity

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity.code or "?", self.entity.name or self.mention.text.lower())


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One possible event: a type in a sentence with an ordered pair of participants."""

    sentence: int
    event: str
    trigger: int
    actor: Party | None
    recipient: Party | None
    frame: Frame | None
    features: tuple[str, ...]


class SentenceView:
    """What the models read of one sentence: its tokens, frames and participants."""

    def __init__(
        self,
        sent: Span,
        index: int,
        frames: Sequence[Frame],
        mentions: Sequence[Mention],
        extractor: FrameExtractor,
        hits: Sequence[Hit] = (),
        focus: str | None = None,
        encoded: Sequence[str] = (),
        referents: dict[int, int] | None = None,
        place: str | None = None,
    ) -> None:
        self.sent = sent
        self.referents = referents or {}  # mention index -> the first mention of its referent
        self.encoded = tuple(encoded)  # what the sentence encoder reads in it (`encoder_features`)
        self.index = index
        self.frames = list(frames)
        self.hits = list(hits)  # verbs the CAMEO verb dictionary codes
        self.extractor = extractor
        self.parties = _parties(mentions, focus, place)
        self.mentions = tuple(sorted(mentions, key=lambda m: m.char_start))
        self.root = sent.root
        self.speakers = {
            c.i
            for t in sent
            if t.lemma_.lower() in extractor.speech and t.pos_ == "VERB"
            for c in t.children
            if c.dep_ in ("nsubj", "nsubjpass")
        }
        self.quoted = _quoted(sent)
        self._chains: dict[int, dict[int, int]] = {}  # each party head's `ancestors`, read once
        self._paths: dict[tuple[int, int], tuple[int, int]] = {}
        self._party_facts: dict[tuple[int, int], tuple[str, str, bool, bool, bool, str | None]] = {}
        self._heads: list[int] | None = None  # `_tree`
        self._conjuncts: dict[int, frozenset[int]] = {}  # `_conjoined`
        self._idx: list[int] = []
        self._pair_lists: dict[tuple[bool, bool], list[tuple[Party, Party | None, tuple[str, ...]]]] = {}

    def detector_features(self) -> list[str]:
        """Type-independent evidence for the sentence detector (conjoined with each type later)."""
        out: list[str] = ["bias"]
        sent = self.sent
        words: list[tuple[str, str]] = []  # each token's lower-case lemma and form, for the cues below
        for t in sent:
            words.append((t.lemma_.lower(), t.lower_))
            if t.pos_ in CONTENT_POS and not t.is_stop and t.is_alpha:
                lemma = t.lemma_.lower()
                out.append(f"w={lemma}")
                if t.dep_ in ("ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "dobj", "pobj"):
                    out.append(f"wd={lemma}|{t.dep_}")
            elif t.lower_ in MODALS or t.dep_ == "neg":
                out.append(f"m={t.lower_}")
        root = self.root
        out.append(f"root={root.lemma_.lower()}")
        for c in root.children:
            if c.dep_ in ("dobj", "xcomp", "ccomp", "prep"):
                out.append(f"root>{c.dep_}={root.lemma_.lower()}|{c.lemma_.lower()}")
        for f in self.frames:
            out.append(f"frame={f.event}")
            out.append(f"frame={f.event}|p{f.priority}")
        doc = sent.doc
        for h in self.hits:
            tok = doc[h.trigger]
            out.append(f"dict={h.event}")
            out.append(f"dict={h.event}|s{min(h.specificity, 3)}")
            out.append(f"dict={h.event}|{tok.dep_}")
            out.append(f"dictroot={h.cameo[:2]}")
            if self.extractor.is_negated(tok):
                out.append(f"dict={h.event}|neg")
            if self.extractor.is_irrealis(tok):
                out.append(f"dict={h.event}|irr")
        n = len({p.key for p in self.parties if p.entity.code})
        out.append(f"coded={min(n, 3)}")
        if self.quoted:
            out.append("quote")
        if sent.text.rstrip().endswith("?"):
            out.append("question")
        out.extend(self.encoded)
        for word in ("negative", "positive", "irrealis", "hedge", "directive"):
            cues = self.extractor.cues.of(word)
            if any(lemma in cues or lower in cues for lemma, lower in words):
                out.append(f"cue={word}")
        return out

    def _best_hit(self, event: str) -> Hit | None:
        """The dictionary's most specific verb of this type in the sentence."""
        return max((h for h in self.hits if h.event == event), key=lambda h: h.specificity, default=None)

    def _dictionary_trigger(self, event: str) -> int:
        """Where a type no frame reported happens: the dictionary's verb of that type, else the root."""
        best = self._best_hit(event)
        return best.trigger if best is not None else self.root.i

    def cameo_for(self, event: str) -> str | None:
        """The CAMEO code of the dictionary's most specific verb of this type in the sentence."""
        best = self._best_hit(event)
        return best.cameo if best is not None else None

    def candidates(self, events: Iterable[str], *, same_side: bool = False) -> list[Candidate]:
        """All ordered pairs of the sentence's parties for each of these event types.

        A participant paired with itself under another name ("Vladimir Putin, the Russian
        president") or with the country that owns it is never an event; training asks for these
        pairs too (`same_side`), as negatives that teach the pair model what two names of one
        country look like."""
        by_type: dict[str, list[Frame]] = {}
        for f in self.frames:
            by_type.setdefault(f.event, []).append(f)
        out: list[Candidate] = []
        for event in sorted(set(events)):
            frames = sorted(by_type.get(event, []), key=lambda f: -f.priority)
            frame = frames[0] if frames else None
            trigger = frame.trigger if frame is not None else self._dictionary_trigger(event)
            base = self._type_features(event, frames)
            mutual = event in self.extractor.traits.mutual
            alone = ["R=none", f"R=none|T={event}"]  # the features of a pair without a recipient
            if any(f.recipients for f in frames):
                alone.append("R=none|framehas")
            # a party's features depend on its slot, not on the other side: read each once per type
            as_actor: dict[int, list[str]] = {}
            as_recipient: dict[int, list[str]] = {}
            for a, r, together in self._pairs(mutual, same_side):
                fa = as_actor.get(id(a))
                if fa is None:
                    fa = as_actor[id(a)] = self._party_features("A", event, frames, trigger, a)
                if r is None:
                    feats = (*base, *fa, *alone)
                else:
                    fr = as_recipient.get(id(r))
                    if fr is None:
                        fr = as_recipient[id(r)] = self._party_features("R", event, frames, trigger, r)
                    feats = (*base, *fa, *fr, *together)
                out.append(
                    Candidate(
                        sentence=self.index,
                        event=event,
                        trigger=trigger,
                        actor=a,
                        recipient=r,
                        frame=(_frame_of(frames, a, r) or frame) if frames else None,
                        features=feats,
                    )
                )
        return out

    def _pairs(self, mutual: bool, same_side: bool) -> list[tuple[Party, Party | None, tuple[str, ...]]]:
        """The ordered pairs of parties a candidate may have (the recipient may be absent), with
        the features of the pair itself; they depend on the type only through `mutual`, so each
        sentence works them out once for each kind of type."""
        key = (mutual, same_side)
        if key in self._pair_lists:
            return self._pair_lists[key]
        out: list[tuple[Party, Party | None, tuple[str, ...]]] = []
        parties = self.parties
        for a in parties:
            for r in [None, *parties]:
                if r is None:
                    out.append((a, r, ()))
                    continue
                if r.key == a.key:
                    continue
                if _nested(a.mention, r.mention, mutual):
                    continue  # "US, British and French forces" do not act on the "US" inside them
                if not same_side and self._same_side(a.mention, r.mention):
                    continue  # "Vladimir Putin, the Russian president, ..." is one participant
                if not mutual and self._listed_together(a, r):
                    continue  # "Erdogan and Rouhani condemned ...": a list acts alongside, not on each other
                out.append((a, r, self._together(a, r)))
        self._pair_lists[key] = out
        return out

    # ---- features ------------------------------------------------------------------------

    def _type_features(self, event: str, frames: list[Frame]) -> list[str]:
        out = [f"T={event}"]
        if not frames:
            out.append("noframe")
            out.append(f"noframe|T={event}")
            return out
        ex = self.extractor
        best = frames[0]
        tok = self.sent.doc[best.trigger]
        kind = best.rule.split(":", 1)[0]
        out += [
            f"frame|p{best.priority}",
            f"frame|p{best.priority}|T={event}",
            f"rule={kind}|T={event}",
            f"lex={best.lexicon_key}",
            f"tpos={tok.pos_}|T={event}",
            f"tdep={tok.dep_}",
        ]
        if ex.is_negated(tok):
            out += ["neg", f"neg|T={event}"]
        if ex.is_irrealis(tok):
            out += ["irr", f"irr|T={event}"]
        if ex.is_passive(tok):
            out.append("passive")
        if ex.hedges(tok):
            out.append("hedged")
        if len(frames) > 1:
            out.append("frames>1")
        return out

    def _same_side(self, a: Mention, r: Mention) -> bool:
        """Whether two mentions name one participant or one side: one stands in apposition to
        the other or owns it ("Ithilen's militia", "the ambassadors of Arnor"), or both lead back
        to the same antecedent. (One mention with itself is `_nested`'s call.)"""
        if a.index == r.index:
            return False
        if self.referents.get(a.index, a.index) == self.referents.get(r.index, r.index):
            return True
        doc = self.sent.doc
        ha, hr = doc[a.head], doc[r.head]
        return _apposed(ha, hr) or _apposed(hr, ha) or _owned(ha, hr) or _owned(hr, ha)

    def _listed_together(self, a: Party, r: Party) -> bool:
        return a.mention.head != r.mention.head and self._conjoined(a.mention.head, r.mention.head)

    def _conjoined(self, a: int, r: int) -> bool:
        """Whether token r is among the conjuncts of token a (each token's conjuncts read once;
        compared by character offset, as spaCy compares tokens)."""
        if a not in self._conjuncts:
            self._conjuncts[a] = frozenset(t.idx for t in self.sent.doc[a].conjuncts)
        return self._tree()[1][r] in self._conjuncts[a]

    def _together(self, a: Party, r: Party) -> tuple[str, ...]:
        """The features of a pair of parties whatever the type: their order, a shared code, one
        listed with the other."""
        out = ["order=" + ("AR" if a.mention.char_start <= r.mention.char_start else "RA")]
        if a.entity.code and a.entity.code == r.entity.code:
            out.append("samecode")
        if self._conjoined(a.mention.head, r.mention.head):
            out.append("conjoined")
        return tuple(out)

    def _tree(self) -> tuple[list[int], list[int]]:
        """Each token's head (-1 where the parse gives it none: `Token.head` is the token itself)
        and character offset, read from the Doc at once rather than token by token."""
        if self._heads is None:
            from spacy.attrs import DEP, HEAD, IDX

            doc = self.sent.doc
            arr = doc.to_array([HEAD, DEP, IDX]).astype(np.int64)
            at = np.arange(len(doc), dtype=np.int64)
            self._heads = np.where(arr[:, 1] == 0, -1, at + arr[:, 0]).tolist() if len(doc) else []
            self._idx = arr[:, 2].tolist() if len(doc) else []
        return self._heads, self._idx

    def _path(self, a: int, b: int) -> tuple[int, int]:
        """`_path` from token a to token b, each pair worked out once."""
        key = (a, b)
        if key not in self._paths:
            heads = self._tree()[0]
            if a not in self._chains:
                self._chains[a] = ancestors(a, heads)
            self._paths[key] = _path(self._chains[a], b, heads)
        return self._paths[key]

    def _party_features(self, slot: str, event: str, frames: list[Frame], trigger: int, p: Party) -> list[str]:
        m, e = p.mention, p.entity
        h = m.head if 0 <= m.head < len(self.sent.doc) else trigger
        cclass, dep, speaker, quoted, first, place = self._facts(p, h)
        out = [
            f"{slot}:code={cclass}",
            f"{slot}:code={cclass}|T={event}",
            f"{slot}:kind={m.kind}",
            f"{slot}:ekind={e.kind}",
            f"{slot}:sector={e.sector}",
            f"{slot}:sector={e.sector}|T={event}",
        ]
        out += [f"{slot}:dep={dep}", f"{slot}:dep={dep}|T={event}"]
        in_actor = any(_holds(f.actors, m) for f in frames)
        in_recip = any(_holds(f.recipients, m) for f in frames)
        if in_actor:
            out += [f"{slot}:fa", f"{slot}:fa|T={event}"]
        if in_recip:
            out += [f"{slot}:fr", f"{slot}:fr|T={event}"]
        if not in_actor and not in_recip:
            out.append(f"{slot}:nofr")
        up, down = self._path(h, trigger)
        out.append(f"{slot}:path={min(up, 4)}-{min(down, 4)}")
        out.append(f"{slot}:path={min(up, 4)}-{min(down, 4)}|T={event}")
        out.append(f"{slot}:side={'L' if m.char_start < self._tree()[1][trigger] else 'R'}")
        if speaker:
            out += [f"{slot}:speaker", f"{slot}:speaker|T={event}"]
        if quoted:
            out.append(f"{slot}:quoted")
        if m.antecedent is not None:
            out.append(f"{slot}:coref")
        if first:
            out.append(f"{slot}:first")
        if e.inferred:
            out.append(f"{slot}:inferred")
        if place is not None:
            out += [f"{slot}:{place}", f"{slot}:{place}|T={event}", f"{slot}:{place}|{dep}|T={event}"]
        return out

    def _facts(self, p: Party, h: int) -> tuple[str, str, bool, bool, bool, str | None]:
        """What a party's features read whatever the type, with its head at token h: its code's
        class, its head's dependency, whether it speaks, is quoted, comes first, is a place."""
        key = (id(p), h)
        if key not in self._party_facts:
            m, e = p.mention, p.entity
            head = self.sent.doc[h]
            code = e.code
            cclass = "null" if not code else ("ns" if code in self.extractor.actors.kb.non_state else "iso")
            dep = head.dep_
            if dep == "pobj":
                dep = f"pobj:{head.head.lower_}"
            place = None
            if m.rule in (PLACE_RULE, OWNER_RULE):
                place = "place" if m.rule == PLACE_RULE else "owner"
            self._party_facts[key] = (
                cclass,
                dep,
                h in self.speakers,
                any(s <= m.char_start < t for s, t in self.quoted),
                bool(self.parties) and self.parties[0].key == p.key,
                place,
            )
        return self._party_facts[key]


def sentence_views(
    doc: Doc,
    actors: ArticleActors,
    extractor: FrameExtractor,
    verbs: VerbDictionary | None = None,
    encoder: EventClassifier | None = None,
) -> list[SentenceView]:
    """One view per sentence, with its veto-free frames, its participants, its dictionary verbs
    and, given the sentence encoder, what it reads in the sentence."""
    sents = list(doc.sents)
    by_sent: list[list[Mention]] = [[] for _ in sents]
    starts = [s.start for s in sents]
    import bisect

    for m in actors.mentions():
        if m.index < 0 or not m.entities or m.head < 0:
            continue
        s = bisect.bisect_right(starts, m.head) - 1
        if 0 <= s < len(sents):
            by_sent[s].append(m)
    for s, sent in enumerate(sents):
        by_sent[s].extend(place_parties(sent, s, actors, by_sent[s]))
    # only sentences with participants can hold an event: the others are not worth the encoder's time
    encoded: list[tuple[str, ...]] = [() for _ in sents]
    if encoder is not None:
        busy = [i for i, mentions in enumerate(by_sent) if mentions]
        read = encoder.predict_sentences([sents[i].text for i in busy])
        projection = _projection(read[0].vector.shape[0]) if read and read[0].vector.size else None
        for i, reading in zip(busy, read, strict=True):
            encoded[i] = encoder_features(reading.plv, reading.penta, reading.vector, projection)
    views = []
    focus = actors.focus_country() if FOCUS_PARTIES else None
    referents = _referents(actors.mentions())
    for index, sent in enumerate(sents):
        frames = extractor.sentence_frames(sent, index, require_actors=False, speech=True)
        hits = verbs.hits(sent) if verbs is not None else ()
        view = SentenceView(
            sent,
            index,
            frames,
            by_sent[index],
            extractor,
            hits,
            focus,
            encoded[index],
            referents,
            _place(by_sent[index]),
        )
        views.append(view)
    return views


def _referents(mentions: Sequence[Mention]) -> dict[int, int]:
    """Each mention's first mention of the same referent, following the coreference links."""
    antecedent = {m.index: m.antecedent for m in mentions}
    out: dict[int, int] = {}
    for m in mentions:
        cur, seen = m.index, set()
        while (nxt := antecedent.get(cur)) is not None and nxt not in seen:
            seen.add(cur)
            cur = nxt
        out[m.index] = cur
    return out


def _owned(head: Token, owner: Token) -> bool:
    """Whether `owner` is the possessor of `head` ("Ithilen's militia") or its "of" object
    ("the ambassadors of Arnor")."""
    if owner.dep_ == "poss":
        return owner.head.i == head.i
    return owner.dep_ == "pobj" and owner.head.lower_ == "of" and owner.head.head.i == head.i


def _apposed(head: Token, other: Token) -> bool:
    """Whether `other` stands in apposition to `head`, directly or, as the parse often has it, to
    the object of `head`'s preposition ("the UN envoy for Syria, Staffan de Mistura")."""
    if other.dep_ != "appos":
        return False
    up = other.head
    if up.i == head.i:
        return True
    return up.dep_ == "pobj" and up.head.dep_ == "prep" and up.head.head.i == head.i


def place_parties(sent: Span, index: int, actors: ArticleActors, mentions: Sequence[Mention]) -> list[Mention]:
    """Named places of a sentence that no actor mention covers ("withdraw troops from Syria", "an
    airstrike on Raqqa"), as mentions of their country. The resolver reads them as where things
    happen, not who takes part; the pair model learns when a place is an event's side."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    out: list[Mention] = []
    for tok in sent:
        if tok.i not in covered and tok.dep_ in ("amod", "compound", "nmod"):
            owner = _owner_party(tok, index, actors)
            if owner is not None:  # "struck Iranian targets", "shelled Hamas positions"
                out.append(owner)
                covered.update(range(owner.start, owner.end))
                continue
        match = actors.names.get(tok.i) or actors.places.get(tok.i)
        if match is None or match.kind not in ("country", "capital", "place") or tok.i != match.end - 1:
            continue
        if not match.code or any(i in covered for i in range(match.start, match.end)):
            continue
        span = sent.doc[match.start : match.end]
        entity = Entity(code=match.code, sector=None, name=span.text, kind="country")
        out.append(_party_mention(span, tok.i, index, entity, "country", PLACE_RULE))
    return out


def _party_mention(span: Span, head: int, sentence: int, entity: Entity, kind: MentionKind, rule: str) -> Mention:
    """A participant the resolver did not report, as a mention of its own (negative index: no
    resolver mention has it)."""
    return Mention(
        index=-(head + 2),
        text=span.text,
        start=span.start,
        end=span.end,
        char_start=span.start_char,
        char_end=span.end_char,
        head=head,
        sentence=sentence,
        entities=(entity,),
        kind=kind,
        rule=rule,
    )


def _owner_party(tok: Token, index: int, actors: ArticleActors) -> Mention | None:
    """A nationality word or an actor's name modifying a noun that names no actor itself
    ("Iranian targets", "a Hamas position"): the nation or group it names, as a participant."""
    code = actors.kb.adjective_code(tok.text) if tok.pos_ == "ADJ" or tok.ent_type_ == "NORP" else None
    kind: MentionKind = "country"
    if code is not None:
        entity = Entity(code=code, sector=None, name=tok.text, kind="country")
        first = last = tok.i
    else:
        match = actors.names.get(tok.i)
        if match is None or match.kind != "actor" or tok.i != match.end - 1:
            return None
        found = [e for m in actors.resolve(tok) for e in m.entities if e.code]
        if not found:
            return None
        entity, first, last, kind = found[0], match.start, match.end - 1, "name"
    return _party_mention(tok.doc[first : last + 1], tok.i, index, entity, kind, OWNER_RULE)


VECTOR_DIMS = 64  # the sentence vector, randomly projected, as real-valued detector features
VECTOR_SEED = 2026


def _projection(dims: int) -> np.ndarray:
    """A fixed random projection of the sentence vector (seeded: the same on every machine)."""
    rng = np.random.default_rng(VECTOR_SEED)
    return rng.standard_normal((dims, VECTOR_DIMS)).astype(np.float32) / np.sqrt(VECTOR_DIMS)


def encoder_features(
    plv: dict[str, float],
    penta: Sequence[float],
    vector: np.ndarray | None = None,
    projection: np.ndarray | None = None,
) -> tuple[str, ...]:
    """The sentence encoder's reading as detector features: each PLV root it gives at least 0.1,
    and the penta class it prefers, in three probability bands. The encoder was trained on other
    sentences (the PLV and penta sets); the detector learns from in-domain articles how far to
    trust each band for each type."""

    def band(p: float) -> str:
        return "b1" if p < 0.3 else ("b2" if p < 0.6 else "b3")

    out = [f"plv={label}|{band(p)}" for label, p in plv.items() if p >= 0.1]
    if penta:
        k = max(range(len(penta)), key=lambda i: penta[i])
        out.append(f"penta={k}|{band(penta[k]) if penta[k] >= 0.1 else 'b0'}")
    if vector is not None and vector.size:
        # one projection per article, made by the caller; built here only for a lone call
        projected = vector @ (projection if projection is not None else _projection(vector.shape[0]))
        out += [f"~vec{k}={v:.4f}" for k, v in enumerate(projected)]
    return tuple(out)


def _place(mentions: Sequence[Mention]) -> str | None:
    """The country of the places a sentence names, when they all lie in one."""
    codes = {e.code for m in mentions if m.rule == PLACE_RULE for e in m.entities if e.code}
    return next(iter(codes)) if len(codes) == 1 else None


def _parties(mentions: Sequence[Mention], focus: str | None = None, place: str | None = None) -> list[Party]:
    """The sentence's participants. An uncoded person or group is also offered with a country,
    marked inferred: a group ("civilians", "local police") takes the country of the places the
    sentence names, else the article's focus country; a person takes the focus country, since
    where someone is says little about whose national they are. The pair model learns when
    that reading is the event's side."""
    out: list[Party] = []
    seen: set[tuple[str, str]] = set()
    for m in sorted(mentions, key=lambda m: m.char_start):
        entities = list(m.entities)
        # a name several known people share stays uncoded where the text does not say which: no guess
        if (
            entities
            and all(e.code is None for e in entities)
            and m.kind != "pronoun"
            and m.rule != "ambiguous-name"
        ):
            person = m.kind == "name" or any(e.kind == "person" for e in entities)
            code = focus if person else place or focus
            if code:
                entities.append(replace(entities[0], code=code, inferred=True))
        for e in entities:
            p = Party(mention=m, entity=e)
            if p.key in seen:
                continue
            seen.add(p.key)
            out.append(p)
    return out[:MAX_PARTIES]


def _nested(a: Mention, r: Mention, mutual: bool) -> bool:
    """Whether one mention lies inside the other (or is the other, for types whose listed parties
    do not act on each other)."""
    if a.index == r.index:
        return not mutual
    return (a.char_start <= r.char_start and r.char_end <= a.char_end) or (
        r.char_start <= a.char_start and a.char_end <= r.char_end
    )


def _holds(mentions: Sequence[Mention], m: Mention) -> bool:
    return any(x.index == m.index or (x.head == m.head and x.index >= 0) for x in mentions)


def _frame_of(frames: list[Frame], a: Party, r: Party | None) -> Frame | None:
    for f in frames:
        if _holds(f.actors, a.mention) and (r is None or _holds(f.recipients, r.mention)):
            return f
    return None


def ancestors(i: int, heads: Sequence[int]) -> dict[int, int]:
    """Each token above token i in the parse (itself included), with its number of steps up,
    given each token's head (-1: none). The root counts as 41 steps up whatever its distance: the
    models were trained on features read that way (climbing by `Token.head`, which at the root is
    a new Token, never `is` the root, so the climb went on in place until it gave up)."""
    up: dict[int, int] = {}
    cur, n = i, 0
    while True:
        up[cur] = n
        h = heads[cur]
        if h < 0 or n > 40:
            return up
        if h == cur:
            up[cur] = max(n, 41)
            return up
        cur, n = h, n + 1


def _path(up_a: dict[int, int], b: int, heads: Sequence[int]) -> tuple[int, int]:
    """Steps up from a (given as its `ancestors`) and from token b to their lowest common
    ancestor; (9, 9) when b's climb does not meet a's."""
    cur, n = b, 0
    while cur not in up_a:
        h = heads[cur]
        if h < 0 or n > 40 or h == cur:  # from the root, `_path` would climb on in place until it gives up
            return (9, 9)
        cur, n = h, n + 1
    return up_a[cur], n


def _quoted(sent: Span) -> list[tuple[int, int]]:
    """Character spans inside quotation marks."""
    spans = []
    opened = None
    for t in sent:
        if t.text in ("“", '"', "‘") and opened is None:
            opened = t.idx
        elif t.text in ("”", '"', "’") and opened is not None:
            spans.append((opened, t.idx))
            opened = None
    if opened is not None:
        spans.append((opened, sent.end_char))
    return spans
