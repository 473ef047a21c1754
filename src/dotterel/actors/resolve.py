"""Actor mentions in a parsed article: names, titles, appositions, descriptions, coreference.

`ArticleActors` is built once per article Doc. It finds knowledge-base names in the text,
then resolves any noun-phrase head to the entities it stands for:

* names from the knowledge base, with the role valid on the article's date;
* people unknown to the knowledge base, from their title and nationality in the text
  ("Israeli Foreign Minister Gideon Saar"), or an apposition ("Esmail Qaani, commander of
  Iran's Quds Force"); later short forms ("Saar") refer back to them;
* descriptions built from sector words and country modifiers ("the Iraqi prime minister",
  "Iranian and Iraqi border guard forces", "armed groups in Iraq", "the people of Gaza");
* pronouns, resolved to the most recent compatible referent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from dotterel.actors.kb import BUILTIN_RANK, KnowledgeBase, NamedActor
from dotterel.records import Entity, EntityKind, Mention, MentionKind

if TYPE_CHECKING:
    from dotterel.actors.matcher import Hit, NameMatcher

MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
PERSONAL = MALE | FEMALE
FIRST_PERSON = {"we", "us", "our", "ours", "ourselves", "i", "me", "my", "mine", "myself"}
SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}
GENDERED_NOUNS = {
    "woman": "f",
    "mother": "f",
    "daughter": "f",
    "wife": "f",
    "sister": "f",
    "girl": "f",
    "queen": "f",
    "schoolgirl": "f",
    "grandmother": "f",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "lady": "f",
    "princess": "f",
    "man": "m",
    "father": "m",
    "son": "m",
    "husband": "m",
    "brother": "m",
    "boy": "m",
    "king": "m",
    "grandfather": "m",
    "mr": "m",
    "sir": "m",
    "prince": "m",
    "emir": "m",
    "sultan": "m",
    "ayatollah": "m",
}
PLURAL = {"they", "them", "their", "theirs", "themselves"}
NEUTER = {"it", "its", "itself"}
# Prepositions whose object is a place, not a participant.
LOCATIVE = {
    "in",
    "at",
    "near",
    "inside",
    "outside",
    "across",
    "within",
    "throughout",
    "around",
    "into",
    "from",
    "amid",
    "amidst",
    "during",
}
# Heads that stand for the organization they lead or belong to ("leaders of armed groups").
MEMBER_NOUNS = {
    "leader",
    "member",
    "head",
    "chief",
    "official",
    "representative",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "commander",
    "fighter",
    "delegation",
    "envoy",
}
# Forces that belong to whoever sends or withdraws them ("Turkey sent troops")
FORCE_SECTORS = {"MIL", "COP", "SPY", "PRM"}
SENDING_VERBS = {
    "send",
    "deploy",
    "redeploy",
    "dispatch",
    "station",
    "mass",
    "withdraw",
    "pull",
    "mobilise",
    "mobilize",
    "commit",
}
GROUP_SECTORS = {"REB", "PRM", "UAF", "CRM", "CVL", "REF", "LAB", "SOC"}
# Words for family members: individuals whose nationality is not where they happen to be.
KIN = {
    "son",
    "daughter",
    "parent",
    "mother",
    "father",
    "family",
    "wife",
    "husband",
    "brother",
    "sister",
    "relative",
    "child",
    "cousin",
    "uncle",
    "aunt",
    "grandmother",
    "grandfather",
    "widow",
    "fiance",
    "fiancee",
}
GENERIC_GROUP_NOUNS = {
    "group",
    "movement",
    "organisation",
    "organization",
    "militia",
    "faction",
    "party",
    "alliance",
    "coalition",
    "company",
    "firm",
    "agency",
    "force",
    "network",
    "outfit",
}
QUANTIFIERS = {
    "thousands",
    "hundreds",
    "dozens",
    "scores",
    "millions",
    "tens",
    "some",
    "many",
    "most",
    "all",
    "several",
    "few",
    "none",
    "each",
    "both",
    "number",
}
# Sectors whose people "in" a country are not thereby of it (foreign correspondents, refugees).
PLACE_IS_NOT_NATIONALITY = {"JRN", "REF"}


@dataclass(frozen=True, slots=True)
class NameMatch:
    start: int
    end: int
    kind: str  # actor | country | capital | place
    actors: tuple[NamedActor, ...] = ()
    code: str | None = None
    rank: int = 0  # precedence of the layer the name was read from


@dataclass(slots=True)
class Referent:
    """Something earlier in the article that a pronoun or short name can refer back to."""

    mention: Mention
    entities: tuple[Entity, ...]
    person: bool
    plural: bool
    token: int
    subject: bool
    gender: str | None = None


class ArticleActors:
    """Resolves noun-phrase heads of one article Doc to actor mentions and entities."""

    def __init__(
        self,
        doc: Doc,
        kb: KnowledgeBase,
        matcher: NameMatcher,
        when: dt.date | None,
        speech: frozenset[str] = frozenset(),
    ) -> None:
        self.doc = doc
        self.kb = kb
        self.when = when
        self.speech = speech
        self._sents = list(doc.sents)
        self._sent_starts = [sent.start for sent in self._sents]
        self.names: dict[int, NameMatch] = {}
        self.places: dict[int, NameMatch] = {}  # towns and provinces of the shipped dictionaries
        self._cache: dict[int, tuple[Mention, ...]] = {}  # a head with its conjuncts
        self._own: dict[int, tuple[Mention, ...]] = {}  # a head alone
        self._mentions: list[Mention] = []
        self.referents: list[Referent] = []
        self._referent_ids: set[int] = set()  # mention indices in referents (linear-time membership)
        self._referents_in: dict[int, list[int]] = {}  # sentence -> positions in referents
        self._persons: list[tuple[str, Mention, tuple[Entity, ...]]] = []
        self._countries: set[str] | None = None
        self._dateline = _dateline_tag(doc)
        self._matched = False
        self._match_names(matcher)
        self._matched = True
        self._prepass()

    # ---- names ---------------------------------------------------------------------------

    def _match_names(self, matcher: NameMatcher) -> None:
        hits = sorted(matcher(self.doc), key=lambda h: (-(h.end - h.start), h.start))
        taken: set[int] = set()
        for hit in hits:  # longest first, no overlaps
            if any(i in taken for i in range(hit.start, hit.end)):
                continue
            match = self._classify_name(hit)
            if match is None:
                continue
            taken.update(range(hit.start, hit.end))
            # places are kept apart: they are not actor names (the event stage reads them as places)
            target = self.places if match.kind == "place" else self.names
            for i in range(hit.start, hit.end):
                target[i] = match

    def _classify_name(self, hit: Hit) -> NameMatch | None:
        """What a matched name stands for, from the forms of the highest-precedence layer."""
        top = max(f.rank for f in hit.forms)
        forms = [f for f in hit.forms if f.rank == top]
        if top < BUILTIN_RANK:
            text = self.doc[hit.start : hit.end].text
            if self.kb.adjective_code(text) or self.kb.people_code(text):
                return None  # the project's own nationality words are read by its own rules
        places = [f.actor for f in forms if f.kind == "place" and f.actor is not None]
        if places and len(places) == len(forms):  # a town or province of the shipped dictionaries
            code = places[0].entity_on(self.when).code
            return NameMatch(hit.start, hit.end, "place", code=code, rank=top)
        actors = tuple(dict.fromkeys(f.actor for f in forms if f.kind == "actor" and f.actor is not None))
        if actors and all(a.kind == "person" for a in actors) and not self._fits_person_entity(hit, actors):
            return None
        if actors:
            if all(a.kind == "country" for a in actors):
                code = self._pick_actor(actors).entity_on(self.when).code
                return NameMatch(hit.start, hit.end, "country", actors=actors, code=code, rank=top)
            return NameMatch(hit.start, hit.end, "actor", actors=actors, rank=top)
        for kind in ("country", "capital"):
            codes = [f.code for f in forms if f.kind == kind]
            if codes:
                return NameMatch(hit.start, hit.end, kind, code=codes[0], rank=top)
        return None

    def _fits_person_entity(self, hit: Hit, actors: tuple[NamedActor, ...]) -> bool:
        """A KB name inside a longer PERSON name fits only if the given names agree:
        the KB's "Hariri" (Saad Hariri) is not "Nasr al-Hariri"."""
        ent = next(
            (e for e in self.doc.ents if e.label_ == "PERSON" and e.start <= hit.start and hit.end <= e.end), None
        )
        if ent is None or (ent.start == hit.start and ent.end == hit.end):
            return True
        first = ent[0].text.lower()
        return any(a.name.split()[0].lower() == first for a in actors)

    # ---- public API ----------------------------------------------------------------------

    def resolve(self, tok: Token | None) -> tuple[Mention, ...]:
        """Mentions (with entities) for the noun phrase headed by `tok`, conjuncts included."""
        if tok is None or tok.i in self._dateline:
            return ()
        if tok.i in self._cache:
            return self._cache[tok.i]
        self._cache[tok.i] = ()  # guard against cycles in odd parses
        out: list[Mention] = []
        heads = [tok, *[c for c in tok.conjuncts if c.i > tok.i]]
        for head in heads:
            # each head is read once, whether reached alone or as a conjunct of an earlier one
            if head.i not in self._own:
                self._own[head.i] = ()
                self._own[head.i] = tuple(self._resolve_one(head))
            out.extend(self._own[head.i])
        result = tuple(out)
        self._cache[tok.i] = result
        return result

    def mentions(self) -> list[Mention]:
        return list(self._mentions)

    def focus_country(self) -> str | None:
        """The country the article is mostly about: the most mentioned country code.

        Unnamed domestic actors ("the police", "protesters", "his parents") usually belong to it.
        """
        counts: dict[str, int] = {}
        for m in self._mentions:
            if m.kind == "pronoun" or m.antecedent is not None:
                continue
            for e in m.entities:
                if e.code and len(e.code) == 3 and e.code not in self.kb.non_state:
                    counts[e.code] = counts.get(e.code, 0) + 1
        for tok in self.doc:
            code = self.kb.adjective_code(tok.text) if tok.pos_ == "ADJ" or tok.ent_type_ == "NORP" else None
            if code and tok.i not in self.names:
                counts[code] = counts.get(code, 0) + 1
        if not counts:
            return None
        code, top = max(counts.items(), key=lambda kv: kv[1])
        # only a clear focus: a story that names many countries equally has none
        return code if top >= 2 and top >= 0.35 * sum(counts.values()) else None

    # ---- resolution ----------------------------------------------------------------------

    def _prepass(self) -> None:
        """Resolve every noun-phrase head in order, so pronouns can look back."""
        for tok in self.doc:
            if tok.dep_ in ("compound", "case", "det", "punct", "amod", "nummod"):
                continue
            if tok.pos_ in ("NOUN", "PROPN", "PRON"):
                if (
                    tok.dep_ == "pobj"
                    and tok.head.lower_ in LOCATIVE
                    and tok.i in self.names
                    and self.names[tok.i].kind in ("country", "capital")
                ):
                    continue
                mentions = self.resolve(tok)
                for m in mentions:
                    if m.entities and m.index not in self._referent_ids:
                        self._add_referent(m, tok)

    def _add_referent(self, mention: Mention, tok: Token) -> None:
        ents = mention.entities
        person = any(e.kind == "person" for e in ents) or (
            mention.kind == "description" and self._is_person_noun(self.doc[mention.head])
        )
        head = self.doc[mention.head]
        plural = head.tag_ in ("NNS", "NNPS") or (
            not person and (mention.kind == "group" or any(e.kind == "group" for e in ents))
        )
        if plural and head.tag_ in ("NNS", "NNPS"):
            person = False  # "his parents" are a "they", not a "he"
        self._referent_ids.add(mention.index)
        self._referents_in.setdefault(mention.sentence, []).append(len(self.referents))
        self.referents.append(
            Referent(
                mention=mention,
                entities=ents,
                person=person,
                plural=plural,
                token=mention.head,
                subject=tok.dep_ in ("nsubj", "nsubjpass"),
                gender=self._gender(mention) if person else None,
            )
        )

    def _gender(self, mention: Mention) -> str | None:
        """Gender a name or description signals: a known given name, a title, a gendered noun."""
        if mention.kind == "pronoun":
            word = self.doc[mention.head].lower_
            return "m" if word in MALE else "f" if word in FEMALE else None
        for tok in self.doc[mention.start : mention.end]:
            word = tok.lower_.rstrip(".")
            if word in GENDERED_NOUNS:
                return GENDERED_NOUNS[word]
            if tok.lemma_.lower() in GENDERED_NOUNS:
                return GENDERED_NOUNS[tok.lemma_.lower()]
            if tok.text in self.kb.given_names:
                return self.kb.given_names[tok.text]
        for e in mention.entities:
            first = (e.name or "").split(" ")[0]
            if first in self.kb.given_names:
                return self.kb.given_names[first]
        return None

    def _is_person_noun(self, tok: Token) -> bool:
        found = self.kb.sector_of(tok.lemma_) or self.kb.sector_of(tok.lower_)
        return bool(found and found[1] == "title") or tok.lemma_ in MEMBER_NOUNS

    def _new_mention(
        self,
        first: int,
        last: int,
        head: int,
        entities: tuple[Entity, ...],
        kind: MentionKind,
        rule: str,
        antecedent: int | None = None,
    ) -> Mention:
        span = self.doc[first : last + 1]
        sent_index = self._sentence_index(head)
        m = Mention(
            index=len(self._mentions),
            text=span.text,
            start=first,
            end=last + 1,
            char_start=span.start_char,
            char_end=span.end_char,
            head=head,
            sentence=sent_index,
            entities=entities,
            kind=kind,
            antecedent=antecedent,
            rule=rule,
        )
        self._mentions.append(m)
        return m

    def _sentence_index(self, i: int) -> int:
        """Index of the sentence holding token `i` (binary search over sentence starts)."""
        sents = self._sent_starts
        lo, hi = 0, len(sents) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if sents[mid] <= i:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _resolve_one(self, tok: Token) -> list[Mention]:
        low = tok.lower_
        if tok.pos_ == "PRON" or (
            low in PERSONAL | PLURAL | NEUTER | FIRST_PERSON | SECOND_PERSON
            and not (tok.is_upper and len(tok) > 1)
        ):  # "US" in capitals is a country, not "us"
            return self._pronoun(tok)
        name = self.names.get(tok.i)
        if name is not None:
            top = tok
            while (
                top.head.i != top.i and name.start <= top.head.i < name.end and self.names.get(top.head.i) is name
            ):
                top = top.head
            if top.i != tok.i:  # "State" in "US Secretary of State": one name, one mention
                return list(self.resolve(top))
            person = self._apposed_person(tok, name)
            return [person if person is not None else self._from_name(tok, name)]
        if tok.pos_ == "ADJ" or (tok.ent_type_ == "NORP" and tok.dep_ in ("amod", "compound")):
            code = self.kb.adjective_code(tok.text)  # "Israeli" in "Israeli air strikes"
            if code is None:
                return []
            country = self.kb.countries.get(code)
            ent = Entity(code=code, sector=None, name=country.name if country else None, kind="country")
            return [self._new_mention(tok.i, tok.i, tok.i, (ent,), "country", "nationality")]
        if low in QUANTIFIERS or tok.pos_ == "NUM":  # "thousands of protesters", "one of the militias"
            inner = [
                g
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj"
            ]
            found = [m for g in inner for m in self.resolve(g)]
            if found:
                return found
        if tok.ent_type_ == "PERSON" or (
            tok.pos_ == "PROPN"
            and (tok.ent_type_ in ("", "PERSON", "ORG", "NORP") or self._surname_match(tok) is not None)
            and self._looks_like_person(tok)
        ):
            m = self._person(tok)
            if m is not None:
                return [m]
        named = self._named_apposition(tok) or self._definite_back_reference(tok)
        if named is not None:
            return [named]
        return self._description(tok)

    def _named_apposition(self, tok: Token) -> Mention | None:
        """ "the home secretary, Sajid Javid": the named person is the referent."""
        if tok.pos_ != "NOUN":
            return None
        for appos in (c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"):
            inner = [m for m in self.resolve(appos) if m.entities and m.entities[0].code]
            if inner:
                first = self._left_bound(tok, tok.i)
                ents = inner[0].entities
                if all(e.kind == "country" for e in ents) and self._is_person_noun(tok):
                    # "Ithilen's minister, Calimehtar": a person; whose minister the text says
                    desc = [e for e in self._describe(tok) if e.code]
                    if desc:
                        ents = tuple(
                            Entity(code=e.code, sector=e.sector, name=appos.text, kind="person") for e in desc[:1]
                        )
                return self._new_mention(
                    first,
                    appos.right_edge.i,
                    tok.i,
                    ents,
                    "name",
                    "title-apposition",
                    antecedent=inner[0].index,
                )
        return None

    def _apposed_person(self, tok: Token, name: NameMatch) -> Mention | None:
        """ "The US Secretary of State, Rex Tillerson": an office of the knowledge base with a
        person's name in apposition is that person (one participant, not two)."""
        if name.kind != "actor" or not name.actors or any(a.kind == "person" for a in name.actors):
            return None
        office = self._pick_actor(name.actors).entities_on(self.when)
        if not office:
            return None
        for appos in (c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"):
            people = [m for m in self.resolve(appos) if any(e.kind == "person" for e in m.entities)]
            if people and {e.code for e in people[0].entities} <= {e.code for e in office} | {None}:
                ents = tuple(
                    Entity(
                        code=e.code or office[0].code,
                        sector=e.sector or office[0].sector,
                        name=e.name,
                        kind="person",
                    )
                    for e in people[0].entities
                )
                first, last = self._name_bounds(tok, name)
                return self._new_mention(
                    first, last, tok.i, ents, "name", "title-apposition", antecedent=people[0].index
                )
        return None

    # names from the knowledge base

    def _from_name(self, tok: Token, name: NameMatch) -> Mention:
        first, last = self._name_bounds(tok, name)
        if name.kind == "actor":
            persons = [a for a in name.actors if a.kind == "person"]
            several = len({a.name for a in name.actors}) > 1
            if (persons or several) and name.end - name.start == 1:
                prior = self._surname_match(tok)
                if prior is not None:  # the article named this person in full before
                    _, pm, ents = prior
                    return self._new_mention(first, last, tok.i, ents, "name", "short-name", antecedent=pm.index)
                undecided = False
                picked = self._surname_in_context(tok, name)
                if picked is None:  # several people of that name, nothing in the text to choose
                    ent = Entity(code=None, sector=self._title_sector(tok), name=tok.text, kind="person")
                    m = self._new_mention(first, last, tok.i, (ent,), "name", "ambiguous-name")
                    self._persons.append((tok.text, m, (ent,)))
                    return m
                ents = picked.entities_on(self.when)
            else:
                picked = self._pick_actor(name.actors)
                undecided = not picked.roles and len(name.actors) > 1
                ents = picked.entities_on(self.when)
            ent = ents[0]
            if ent.kind == "person":
                # what the text says of the person (title, nationality, apposition) outranks the KB
                own = self._own_description(tok, first)
                told = self._apposed_description(tok)
                code = (own[0] if own else None) or (told[0].code if told else None)
                sector = (own[1] if own else None) or (told[0].sector if told else None)
                if code or (sector and not ent.sector):
                    # the text's country wins; its title fills a sector the KB lacks
                    ent = Entity(code=code or ent.code, sector=ent.sector or sector, name=ent.name, kind="person")
                    ents = (ent,)
            if ent.sector is None:
                title = self._title_sector(tok)
                if title:
                    ents = tuple(Entity(code=e.code, sector=title, name=e.name, kind=e.kind) for e in ents)
            ents = self._with_agent_code(tok, ents)
            rule = "ambiguous-name" if undecided and ents[0].code is None else "kb-name"
            m = self._new_mention(first, last, tok.i, ents, "name", rule)
            if ents[0].kind == "person":
                self._persons.append((self.doc[name.start : name.end].text, m, ents))
            return m
        if name.end - name.start == 1 and tok.pos_ == "PROPN":
            prior = self._surname_match(tok)
            if prior is not None:  # "Toledo" after "Alejandro Toledo": the person, not the city
                _, pm, ents = prior
                return self._new_mention(first, last, tok.i, ents, "name", "short-name", antecedent=pm.index)
        country = self.kb.countries.get(name.code or "")
        cname = country.name if country else None
        if name.kind == "capital":
            ent = Entity(code=name.code, sector="GOV", name=cname, kind="country")
            return self._new_mention(first, last, tok.i, (ent,), "country", "capital-metonym")
        sector = self._title_sector(tok)
        if name.actors and sector and self.kb.sector_of(self._title_text(tok) or "") is not None:
            # "Ithilen's minister Calimehtar": a name used for a person with a title; the text's
            # own possessor or nationality says whose minister, over the dictionary's country
            own = self._own_description(tok, first)
            if own and own[0] and own[0] != name.code:
                ent = Entity(
                    code=own[0], sector=own[1] or sector, name=self.doc[name.start : name.end].text, kind="person"
                )
                return self._new_mention(first, last, tok.i, (ent,), "name", "person-described")
        if name.actors:  # a country entry of a layer: its dated codes, perhaps several ("the Shire")
            ents = tuple(
                Entity(code=e.code, sector=e.sector or sector, name=cname or e.name, kind="country")
                for e in self._pick_actor(name.actors).entities_on(self.when)
            )
            return self._new_mention(first, last, tok.i, self._with_agent_code(tok, ents), "country", "kb-country")
        ent = Entity(code=name.code, sector=sector, name=cname, kind="country")
        return self._new_mention(first, last, tok.i, self._with_agent_code(tok, (ent,)), "country", "kb-country")

    def _pick_actor(self, actors: tuple[NamedActor, ...]) -> NamedActor:
        """One of the entries a name stands for: those holding a role on the article's date, then,
        when they still give different codes, those of a country the article names. If the
        article does not say which, an entry with no code: the name is kept, never guessed."""
        if len(actors) == 1:
            return actors[0]
        valid = [
            a for a in actors if (r := a.role_on(self.when)) is not None and self.when and r.covers(self.when)
        ] or list(actors)
        codes = {a.entity_on(self.when).code for a in valid}
        if len(codes) <= 1:
            return valid[0]
        named = self._article_countries()
        fit = [a for a in valid if a.entity_on(self.when).code in named]
        if len({a.entity_on(self.when).code for a in fit}) == 1:
            return fit[0]
        return NamedActor(name=valid[0].name, kind=valid[0].kind, roles=())

    def _surname_in_context(self, tok: Token, name: NameMatch) -> NamedActor | None:
        """The one person a bare surname can mean here, or None when the article does not say.

        Candidates are the KB people the name form stands for and every KB person of that
        surname; those holding a role on the article's date are kept, then those whose role
        matches a title written before the name ("Prime Minister Hariri"), then those of a
        country the article names.
        """
        # people of that surname from layers at least as high as the name's own entry: the
        # project's deliberate "Erdogan" is not undone by a Phoenix "Bilal Erdogan"
        cands = list(dict.fromkeys([*name.actors, *self.kb.people_named(tok.text, min_rank=name.rank)]))
        cands = [a for a in cands if a.kind == "person"] or cands
        if len(cands) <= 1:
            return cands[0] if cands else None
        if self.when is not None:
            active = [a for a in cands if (r := a.role_on(self.when)) is not None and r.covers(self.when)]
            cands = active or cands
        if len(cands) > 1:
            title = self._title_sector(tok)
            if title:
                cands = [a for a in cands if a.entity_on(self.when).sector == title] or cands
        if len(cands) > 1:
            codes = self._article_countries()
            cands = [a for a in cands if a.entity_on(self.when).code in codes] or cands
        names = {a.name for a in cands}
        return cands[0] if len(names) == 1 else None

    def _article_countries(self) -> set[str]:
        """Country codes named anywhere in the article (by a country name or a nationality word)."""
        if self._countries is not None:
            return self._countries
        codes = {m.code for m in self.names.values() if m.kind in ("country", "capital") and m.code}
        for t in self.doc:
            if t.ent_type_ == "NORP" or t.pos_ == "ADJ":
                code = self.kb.adjective_code(t.text)
                if code:
                    codes.add(code)
        if self._matched:
            self._countries = codes
        return codes

    def _with_agent_code(self, tok: Token, ents: tuple[Entity, ...]) -> tuple[Entity, ...]:
        """An agent word that gives the code itself ("MSF Arnor" -> NGO) replaces the country code."""
        for t in [*tok.lefts, tok]:
            code = self.kb.agent_code(t.lower_) if t.dep_ in ("compound", "amod", "nmod") or t is tok else None
            if code:
                return tuple(Entity(code=code, sector=e.sector, name=e.name, kind=e.kind) for e in ents)
        return ents

    def _name_bounds(self, tok: Token, name: NameMatch) -> tuple[int, int]:
        return self._left_bound(tok, name.start), max(name.end - 1, tok.i)

    def _left_bound(self, tok: Token, first: int) -> int:
        """First token of the words written before a head: titles, nationality, determiners.

        A possessor ("Iran's Supreme Leader ...") is not part of the mention's text.
        """
        for t in tok.lefts:
            if t.dep_ in ("compound", "amod", "det", "nmod") and t.i >= tok.i - 10:
                first = min(first, t.left_edge.i)
        poss_end = max((t.right_edge.i for t in tok.lefts if t.dep_ == "poss"), default=-1)
        for t in tok.lefts:
            for g in t.subtree:
                if g.dep_ == "poss" and g.head.i != tok.i:
                    poss_end = max(poss_end, g.right_edge.i)
        if poss_end >= first:
            first = poss_end + 1
        while first < tok.i and self.doc[first].is_punct:
            first += 1
        return min(first, tok.i)

    def _title_text(self, tok: Token) -> str | None:
        """The title word written right before a name ("minister" in "evil minister Calimehtar")."""
        name = self.names.get(tok.i)
        start = name.start if name is not None else tok.i
        prev = self.doc[start - 1] if start > 0 else None
        if prev is not None and prev.pos_ in ("NOUN", "PROPN"):
            found = self.kb.sector_of(prev.lower_)
            if found and found[1] in ("title", "noun"):
                return prev.lower_
        return None

    def _title_sector(self, tok: Token) -> str | None:
        """Sector from a title written before or in apposition to a name."""
        words = [t for t in tok.lefts if t.dep_ in ("compound", "amod", "nmod") or t.ent_type_ == ""]
        # nationality words are not part of the title: "former Pakistani prime minister" is "former prime minister"
        toks = [
            t
            for t in self.doc[min((t.left_edge.i for t in words), default=tok.i) : tok.i]
            if t.dep_ != "poss"
            and t.head.dep_ != "poss"
            and not (self.kb.adjective_code(t.text) or (t.i in self.names and self.names[t.i].kind == "country"))
        ]
        for n in range(len(toks), 0, -1):
            for k in range(0, len(toks) - n + 1):
                part = toks[k : k + n]
                # "secretary - general" as tokens, and as written ("secretary-general")
                written = "".join(t.text_with_ws for t in part).strip().lower()
                for phrase in (" ".join(t.lower_ for t in part), written):
                    found = self.kb.sector_of(phrase)
                    if found and found[1] in ("title", "noun"):
                        return found[0]
        return None

    # people the knowledge base does not know

    def _looks_like_person(self, tok: Token) -> bool:
        if self._surname_match(tok) is not None:
            return True
        if tok.dep_ == "appos" and tok.head.pos_ == "NOUN" and self._is_person_noun(tok.head):
            return True  # "Russia's ambassador to the UN, Vassily Nebenzia" (even when tagged ORG)
        if self._title_through_object(tok) is not None:
            return True  # "the UN envoy for Syria, Staffan de Mistura" (tagged ORG, hung on "Syria")
        return any(c.dep_ == "appos" and self._is_person_noun(c) for c in tok.children)

    def _title_through_object(self, tok: Token) -> Token | None:
        """The title of "the UN envoy for Libya, X" when the parse hangs the name X on the
        title's object ("Libya") rather than on the title."""
        head = tok.head
        if tok.dep_ == "appos" and head.dep_ == "pobj" and head.head.dep_ == "prep":
            title = head.head.head
            if title.pos_ == "NOUN" and title.tag_ == "NN" and self._is_person_noun(title):
                return title
        return None

    def _surname_match(self, tok: Token) -> tuple[str, Mention, tuple[Entity, ...]] | None:
        text = tok.text
        for full, m, ents in reversed(self._persons):
            parts = full.replace("’", "'").split()
            if m.head != tok.i and (text == parts[-1] or full.endswith(text)) and m.char_start < tok.idx:
                return full, m, ents
        return None

    def _person(self, tok: Token) -> Mention | None:
        first = self._left_bound(tok, tok.i)
        prior = self._surname_match(tok)
        if prior is not None and not self._own_description(tok, first):
            _, m, ents = prior
            return self._new_mention(tok.i, tok.i, tok.i, ents, "name", "short-name", antecedent=m.index)
        code, sector = self._own_description(tok, first) or (None, None)
        if code is None or sector is None:
            found = self._apposed_description(tok)
            if found:
                code = code or found[0].code
                sector = sector or found[0].sector
        ent = Entity(code=code, sector=sector, name=self._person_name(tok), kind="person")
        m = self._new_mention(first, tok.i, tok.i, (ent,), "name", "person-in-text")
        self._persons.append((self._person_name(tok), m, (ent,)))
        return m

    def _apposed_description(self, tok: Token) -> tuple[Entity, ...]:
        """What an apposition says a name is: "X, Russia's UN envoy" or "the opposition's chief
        negotiator, X" (the name in apposition to a title noun)."""
        for appos in (c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN"):
            found = self._describe(appos)
            if found:
                return found
        head = tok.head
        if tok.dep_ == "appos" and head.i != tok.i and head.pos_ == "NOUN" and head.tag_ == "NN":
            return self._describe(head)
        title = self._title_through_object(tok)
        return self._describe(title) if title is not None else ()

    def _person_name(self, tok: Token) -> str:
        parts = [t for t in tok.lefts if t.dep_ == "compound" and t.ent_type_ == "PERSON"]
        start = min((t.i for t in parts), default=tok.i)
        return self.doc[start : tok.i + 1].text  # "Nasr al-Hariri", as written

    def _own_description(self, tok: Token, first: int) -> tuple[str | None, str | None] | None:
        """Country and sector written before a name: "Israeli Foreign Minister Gideon Saar"."""
        code = None
        for t in self.doc[min([first] + [c.left_edge.i for c in tok.lefts]) : tok.i]:
            if t.i in self.names and self.names[t.i].kind == "actor" and self.names[t.i] is self.names.get(tok.i):
                continue  # a word of the name itself
            c = self._country_of_token(t)
            code = code or c
        for t in tok.lefts:
            if t.dep_ == "poss":
                code = code or self._country_of_token(t)
        sector = self._title_sector(tok)
        if code is None and sector is None:
            return None
        return code, sector

    def _country_of_token(self, t: Token) -> str | None:
        name = self.names.get(t.i) or self.places.get(t.i)  # "Idlib residents": the place's country
        if name is not None:
            if name.kind in ("country", "capital", "place"):
                return name.code
            return self._pick_actor(name.actors).entity_on(self.when).code
        return self.kb.adjective_code(t.text) or self.kb.country_code(t.text)

    # descriptions

    def _description(self, tok: Token) -> list[Mention]:
        ents = self._describe(tok)
        if not ents and tok.pos_ == "NOUN":
            # "Assad's main backers, Iran and Russia": named actors in apposition are who is meant
            ents = tuple(
                e for a in tok.children if a.dep_ == "appos" for m in self.resolve(a) for e in m.entities if e.code
            )
        if not ents and tok.ent_type_ == "ORG" and tok.pos_ == "PROPN":
            org = self._unknown_org(tok)
            return [org] if org is not None else []
        if not ents:
            return []
        first = self._left_bound(tok, tok.i)
        kind: MentionKind = (
            "group" if any(e.sector in GROUP_SECTORS for e in ents) or tok.tag_ == "NNS" else "description"
        )
        if any(e.kind == "country" for e in ents) and len(ents) == 1 and ents[0].sector == "CVL":
            kind = "description"
        return [self._new_mention(first, tok.i, tok.i, ents, kind, "description")]

    def _unknown_org(self, tok: Token) -> Mention | None:
        """An organization the knowledge base does not know ("the Munich I Regional Court", "Siemens"):
        its country and sector from the words of its name, when they tell."""
        span = next((e for e in self.doc.ents if e.start <= tok.i < e.end and e.label_ == "ORG"), None)
        if span is None or span.root.i != tok.i:
            return None
        if span[0].lower_ == "operation":
            return None  # "Operation Olive Branch" names a military operation, not who takes part
        code = None
        sector = None
        for t in span:
            code = code or self.kb.adjective_code(t.text) or self.kb.country_code(t.text)
            found = self.kb.sector_of(t.lemma_.lower()) or self.kb.sector_of(t.lower_)
            if found and found[1] in ("noun", "modifier"):
                sector = found[0]
        if code is None:
            code = next(iter(self._country_modifiers(tok, group=True)), None)
        ent = Entity(code=code, sector=sector, name=span.text.removeprefix("the ").strip(), kind="org")
        first = min(span.start, self._left_bound(tok, tok.i))
        return self._new_mention(first, span.end - 1, tok.i, (ent,), "name", "org-in-text")

    def _describe(self, tok: Token) -> tuple[Entity, ...]:
        """Entities for a common-noun head: sector from the noun, country from its modifiers."""
        code = self.kb.people_code(tok.text)
        if code and tok.pos_ in ("NOUN", "PROPN"):
            return (Entity(code=code, sector="CVL", name=None, kind="country"),)
        phrase = self._sector_of_phrase(tok)
        if phrase is None:
            if tok.lemma_.lower() in MEMBER_NOUNS:  # "members of the Taliban": the group they belong to
                for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
                    for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                        found = tuple(e for m in self.resolve(pobj) for e in m.entities)
                        if found and all(e.kind != "country" for e in found):
                            return tuple(
                                Entity(code=e.code, sector=e.sector, name=e.name, kind="group") for e in found
                            )
            return ()
        sector, kind = phrase
        # "leaders of armed groups": take the group the member belongs to
        if tok.lemma_ in MEMBER_NOUNS or kind == "title" or (sector == "GOV" and tok.tag_ == "NN"):
            for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    inner = self.resolve(pobj)
                    found = tuple(e for m in inner for e in m.entities)
                    if found and tok.lemma_ in MEMBER_NOUNS and all(e.kind != "country" for e in found):
                        return tuple(
                            Entity(code=e.code, sector=e.sector or sector, name=e.name, kind="group")
                            for e in found
                        )
                    if found:
                        return tuple(Entity(code=e.code, sector=sector, name=None, kind="generic") for e in found)
            # "the Syrian opposition's chief negotiator": a person of the group that owns the title
            for poss in (c for c in tok.children if c.dep_ == "poss" and c.pos_ == "NOUN"):
                found = tuple(e for m in self.resolve(poss) for e in m.entities)
                if found and all(e.kind != "country" and e.sector for e in found):
                    person: EntityKind = "person" if kind == "title" else "generic"
                    return tuple(Entity(code=e.code, sector=e.sector, name=None, kind=person) for e in found)
        for mod in tok.children:
            if mod.dep_ == "amod":
                mod_sector = self.kb.sector_of(mod.lower_)
                if mod_sector and mod_sector[1] == "modifier":
                    sector = mod_sector[0]
        codes = self._country_modifiers(tok, group=sector not in PLACE_IS_NOT_NATIONALITY)
        if kind == "title" and len(codes) > 1:
            owner = [
                c
                for t in tok.children
                if t.dep_ == "poss" and t.pos_ != "PRON"
                if (c := self._country_of_token(t))
            ]
            codes = owner[:1] or codes
        ent_kind: EntityKind = "person" if kind == "title" or tok.lemma_.lower() in KIN else "generic"
        if not codes and (sector in GROUP_SECTORS or tok.tag_ in ("NNS", "NNPS")):
            # "militias, including Kataib Hezbollah", "some governments, including the US and Russia"
            members = self._named_members(tok)
            if members:
                return tuple(
                    Entity(code=e.code, sector=e.sector or sector, name=e.name, kind=e.kind) for e in members
                )
        own = self._agent_code_of_phrase(tok)
        if own:  # "a Valdorian relief body" coded NGO by a dictionary's prefix agent
            return (Entity(code=own, sector=sector, name=None, kind=ent_kind),)
        if not codes and kind == "title":
            # "a humanitarian adviser to the UN": a title held in an organisation, not a country
            for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("to", "at", "for")):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    found = tuple(e for m in self.resolve(pobj) for e in m.entities if e.code)
                    if found and all(e.kind not in ("country", "place") for e in found):
                        return tuple(Entity(code=e.code, sector=sector, name=None, kind=ent_kind) for e in found)
        if not codes and sector in FORCE_SECTORS:
            codes = self._sender_codes(tok)  # "Turkey sent troops into Syria": Turkey's troops
        if not codes:
            return (Entity(code=None, sector=sector, name=None, kind=ent_kind),)
        return tuple(Entity(code=c, sector=sector, name=None, kind=ent_kind) for c in codes)

    def _sender_codes(self, tok: Token) -> list[str]:
        """The codes of whoever sends, deploys or withdraws these forces (the verb's subject)."""
        verb = tok.head
        if tok.dep_ != "dobj" or verb.lemma_.lower() not in SENDING_VERBS:
            return []
        codes: list[str] = []
        for subj in (c for c in verb.children if c.dep_ == "nsubj"):
            for m in self.resolve(subj):
                codes += [e.code for e in m.entities if e.code and e.code not in codes]
        return codes

    def _named_members(self, tok: Token) -> tuple[Entity, ...]:
        """ "militias, including Kataib Hezbollah and ...": the named members speak for the group."""
        out: list[Entity] = []
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("including", "like", "such")):
            for pobj in (g for g in prep.subtree if g.dep_ == "pobj"):
                for m in self.resolve(pobj):
                    out.extend(e for e in m.entities if e.code)
        for appos in (c for c in tok.children if c.dep_ == "appos"):
            for m in self.resolve(appos):
                out.extend(e for e in m.entities if e.code)
        return tuple(out)

    def _agent_code_of_phrase(self, tok: Token) -> str | None:
        """The code an agent phrase gives by itself ("relief body" -> NGO in a dictionary that says so)."""
        if not self.kb.agent_codes:
            return None
        words = [t for t in tok.lefts if t.dep_ in ("compound", "amod") and t.i >= tok.i - 4]
        toks = self.doc[min((t.i for t in words), default=tok.i) : tok.i + 1]
        for k in range(len(toks)):
            for last in (tok.lower_, tok.lemma_.lower()):
                code = self.kb.agent_code(" ".join([t.lower_ for t in toks[k:-1]] + [last]))
                if code:
                    return code
        return None

    def _sector_of_phrase(self, tok: Token) -> tuple[str | None, str] | None:
        words = [t for t in tok.lefts if t.dep_ in ("compound", "amod") and t.i >= tok.i - 4]
        first = min((t.i for t in words), default=tok.i)
        toks = self.doc[first : tok.i + 1]
        for k in range(len(toks)):
            phrase = " ".join(t.lower_ for t in toks[k:])
            found = self.kb.sector_of(phrase)
            if found:
                return found
            lemma_phrase = " ".join([t.lower_ for t in toks[k:-1]] + [tok.lemma_.lower()])
            found = self.kb.sector_of(lemma_phrase)
            if found:
                return found
        return None

    def _country_modifiers(self, tok: Token, group: bool) -> list[str]:
        codes: list[str] = []

        def add(c: str | None) -> None:
            if c and c not in codes:
                codes.append(c)

        for child in tok.children:
            if child.dep_ in ("amod", "compound", "nmod", "npadvmod"):
                if self._is_sponsor(child):
                    continue
                for t in [child, *child.conjuncts]:
                    add(self._country_of_token(t))
            elif child.dep_ == "poss":
                for t in [child, *child.conjuncts]:
                    if t.pos_ in ("PRON", "NOUN") and t.i not in self.names:
                        ents = [e for m in self.resolve(t) for e in m.entities]
                        for e in ents:
                            add(e.code)
                    else:
                        add(self._country_of_token(t))
        if not codes:
            # "a Russian Su-25 fighter jet": the nationality word may modify a modifier of the head
            for child in (c for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i):
                for g in (g for g in child.children if g.dep_ in ("amod", "compound") and g.i < child.i):
                    if not self._is_sponsor(g):
                        add(self._country_of_token(g))
        if not codes:
            # "Lawmakers and officials in Fornost and Gondor": the phrase may hang on a conjunct
            for head in [tok, *tok.conjuncts]:
                for prep in (c for c in head.children if c.dep_ == "prep"):
                    if prep.lower_ == "of" or (group and prep.lower_ in ("in", "from")):
                        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                            for t in [pobj, *pobj.conjuncts]:
                                add(self._country_of_token(t))
                if codes:
                    break
        return codes

    def _is_sponsor(self, t: Token) -> bool:
        """ "Iran-backed", "pro-Iran": a sponsor, not the group's own country."""
        if t.lower_ in ("pro", "-", "anti"):
            return True
        nxt = self.doc[t.i + 1] if t.i + 1 < len(self.doc) else None
        after = self.doc[t.i + 2] if t.i + 2 < len(self.doc) else None
        if (
            nxt is not None
            and nxt.text == "-"
            and after is not None
            and after.lemma_
            in ("back", "support", "sponsor", "allied", "aligned", "led", "fund", "arm", "affiliate")
        ):
            return True
        prev = self.doc[t.i - 1] if t.i > 0 else None
        return bool(
            prev is not None and prev.text == "-" and t.i >= 2 and self.doc[t.i - 2].lower_ in ("pro", "anti")
        )

    # pronouns

    def _pronoun(self, tok: Token) -> list[Mention]:
        low = tok.lower_
        if low in FIRST_PERSON or low in SECOND_PERSON:
            other = self._speaker(tok) if low in FIRST_PERSON else self._addressee(tok)
            if other is None:
                return []
            found = [m for m in self.resolve(other) if m.entities]
            rule = "speaker" if low in FIRST_PERSON else "addressee"
            return [
                self._new_mention(tok.i, tok.i, tok.i, m.entities, "pronoun", f"coref-{rule}", antecedent=m.index)
                for m in found[:1]
            ]
        if low in PERSONAL:
            want = "person"
        elif low in PLURAL:
            want = "plural"
        elif low in NEUTER:
            want = "neuter"
        else:
            return []
        ref = self._antecedent(tok, want)
        if ref is None:
            return []
        return [
            self._new_mention(
                tok.i, tok.i, tok.i, ref.entities, "pronoun", f"coref-{want}", antecedent=ref.mention.index
            )
        ]

    def _coordinated_subject(self, before: list[Referent], sent: int, at: int) -> Referent | None:
        """A subject list of the pronoun's own sentence ("Iran and Iraq ... their"), as one referent."""
        here = {r.token: r for r in before if r.mention.sentence == sent}
        for r in reversed(list(here.values())):
            if not r.subject:
                continue
            members = [r] + [here[c.i] for c in self.doc[r.token].conjuncts if c.i in here and c.i < at]
            if len(members) > 1:
                entities = tuple(e for m in members for e in m.entities)
                return replace(r, entities=entities, plural=True)
        return None

    def _collective(self, r: Referent) -> bool:
        return self.doc[r.token].tag_ not in ("NNS", "NNPS") and any(
            e.kind in ("group", "org") for e in r.entities
        )

    def _definite_back_reference(self, tok: Token) -> Mention | None:
        """ "the group", "the movement", "the militia": the last group or organization named before."""
        if tok.lemma_.lower() not in GENERIC_GROUP_NOUNS or tok.tag_ != "NN":
            return None
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children):
            return None
        if any(c.dep_ in ("amod", "compound", "prep") for c in tok.children):
            return None
        sent = self._sentence_index(tok.i)
        for r in reversed(self._referents_near(sent, 3)):
            if r.token < tok.i and sent - r.mention.sentence <= 3 and self._collective(r):
                return self._new_mention(
                    self._left_bound(tok, tok.i),
                    tok.i,
                    tok.i,
                    r.entities,
                    "description",
                    "coref-definite",
                    antecedent=r.mention.index,
                )
        return None

    def _speech_verbs(self, tok: Token) -> list[Token]:
        """Verbs of saying in this sentence, then in the previous one (a quote may run on)."""
        sents = self._sentences()
        k = self._sentence_index(tok.i)
        out = []
        for idx in (k, k - 1):
            if idx < 0:
                continue
            verbs = [t for t in sents[idx] if t.lemma_.lower() in self.speech and t.pos_ == "VERB"]
            out.extend(sorted(verbs, key=lambda t: abs(t.i - tok.i)))
        return out

    def _sentences(self) -> list[Span]:
        return self._sents

    def _speaker(self, tok: Token) -> Token | None:
        """ "We" in a quote is whoever says it."""
        for verb in self._speech_verbs(tok):
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.lower_ not in FIRST_PERSON | SECOND_PERSON and subj.i != tok.i:
                return subj
        return None

    def _addressee(self, tok: Token) -> Token | None:
        """ "You" in a quote is whom it is said to: "told X", "in a letter to X"."""
        for verb in self._speech_verbs(tok):
            stack = [c for c in verb.children if c.dep_ not in ("ccomp", "nsubj", "parataxis")]
            while stack:
                cur = stack.pop()
                if cur.dep_ in ("dative", "dobj") and cur.head.i == verb.i and cur.pos_ in ("PROPN", "NOUN"):
                    return cur
                if cur.dep_ == "pobj" and cur.head.lower_ == "to":
                    return cur
                stack.extend(c for c in cur.children if c.dep_ not in ("ccomp", "relcl"))
        return None

    def _referents_near(self, sent: int, back: int) -> list[Referent]:
        """Referents of sentences sent-back..sent, in the order they were found (bounded, not a scan of all)."""
        spots = sorted(p for s in range(sent - back, sent + 1) for p in self._referents_in.get(s, ()))
        return [self.referents[p] for p in spots]

    def _antecedent(self, tok: Token, want: str) -> Referent | None:
        sent = self._sentence_index(tok.i)
        before = [r for r in self._referents_near(sent, 2) if r.token < tok.i]
        if want == "person":
            gender = "m" if tok.lower_ in MALE else "f"
            cands = [r for r in before if r.person and r.gender in (None, gender)]
        elif want == "plural":
            joint = self._coordinated_subject(before, sent, tok.i)
            if joint is not None:
                return joint  # "Iran and Iraq agreed to protect their border"
            cands = [r for r in before if r.plural or len(r.entities) > 1]
            # object pronouns prefer the object of the governing clause ("addressed leaders ..., urging them")
            if tok.dep_ in ("dobj", "pobj", "dative"):
                objs = [r for r in cands if r.mention.sentence == sent and not r.subject]
                if objs:
                    return objs[-1]
        else:
            # "it": a country, organization or armed group named before (groups are often "it")
            cands = [r for r in before if not r.person and (not r.plural or self._collective(r))]
        if not cands:
            return None
        # prefer subjects of the previous or same sentence
        same_or_prev = [r for r in cands if sent - r.mention.sentence <= 1]
        subj = [r for r in same_or_prev if r.subject]
        # a person, or a subject "it"/"they", continues the subject of the sentence before
        # ("Russia blocked the resolution at the UN. It has vetoed ...": Russia, not the UN)
        if subj and (want == "person" or tok.dep_ in ("nsubj", "nsubjpass")):
            return subj[-1]
        return (same_or_prev or cands)[-1]


def _dateline_tag(doc: Doc) -> set[int]:
    """Tokens of the news agency's tag that opens wire copy ("(Reuters)", "LONDON (AFP) -",
    "THURMONT, Md. (AP) -", "(MENAFN)"): the source of the text, never a participant of its events.
    A tag is a short bracketed name at the very start, after a dateline place in capitals, or
    followed by a dash near the start."""
    for opening in (t.i for t in doc[:30] if t.text == "("):
        closing = next((t.i for t in doc[opening + 1 : opening + 5] if t.text == ")"), None)
        if closing is None:
            continue
        inner = doc[opening + 1 : closing]
        if not len(inner) or not all(t.is_alpha and (t.is_upper or t.is_title) for t in inner):
            continue
        lead = all(t.is_upper or t.is_punct or t.is_space for t in doc[:opening])
        dash = closing + 1 < len(doc) and doc[closing + 1].text in ("-", "–", "—")
        if lead or dash:
            return {t.i for t in inner}
    return set()
