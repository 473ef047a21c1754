"""Events from an analyst's verb dictionary: a `verbs` file in a knowledge-base layer.

`dotterel kb import-petrarch --verbs FILE...` reads PETRARCH/TABARI verb dictionaries (the full
reading of `events/verbdict.py`) into the layer directory (`verbs.tsv`, recorded in the layer's
manifest). When `dotterel code --kb DIR` is given such a layer, that dictionary is authoritative
for the verbs it lists, the way PETRARCH uses its own:

* a verb its most specific pattern codes is an event with that CAMEO code, its PLOVER type from
  the ontology's CAMEO table; its source and target are read off the parse as the lexicon frames
  read theirs (subject, `by`-agent, object, the objects of `with`/`against`/`on`/...), and, when
  that finds no target, the first coded actor after the verb in its own clause (PETRARCH's reading
  of the verb phrase);
* a lexicon event at the same verb takes the dictionary's type and code (its sides stay);
* a null pattern (`[---]`), a code the ontology cannot type, or a negated verb whose pattern does
  not itself read the negation ("WILL NOT *") is no event, and removes the lexicon's;
* a paired code (`[032:033]`) adds the target's act back on the source;
* an event needs a target unless its type is one-sided in the ontology (as the lexicon's do).

Future and "about to" verbs are coded as PETRARCH codes them; their modality stays on the event.
Without a layer holding verbs nothing here runs, and the built-in CAMEO dictionary stays evidence
for the detector only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from dotterel.actors.layers import read_source
from dotterel.actors.resolve import ArticleActors
from dotterel.datafiles import parse_table
from dotterel.errors import DataFileError
from dotterel.events.cues import Cues
from dotterel.events.frames import Frame, FrameExtractor, per_actor
from dotterel.events.lexicon import Entry, Lexicon
from dotterel.events.verbdict import NULL, Hit, Pattern, VerbDictionary, parse, read_patterns, write_table
from dotterel.ontology import Ontology
from dotterel.records import Mention

VERBS_FILE = "verbs.tsv"
RULE = "dictionary"
_NOUNS = ("NOUN", "PROPN", "PRON")

HEADER = """# PETRARCH verb patterns imported by `dotterel kb import-petrarch --verbs`
# version: {version}
# Sources: {sources}
# One row per pattern (format of dotterel's data/lexicon/cameo_verbs.tsv, see events/verbdict.py):
# verbs, particle, the words needed before/after the verb, cameo ('---': no event), the pattern's
# line in its source, paired (the code of the target's act back on the source), words (how many).
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class VerbImport:
    """What importing verb dictionaries into a layer gave: patterns written, lines skipped."""

    patterns: int
    problems: tuple[str, ...]  # "file:line: why: text"


def import_verbs(directory: Path, files: Sequence[Path]) -> VerbImport:
    """Read PETRARCH verb dictionaries into the layer at `directory` (its manifest must exist)."""
    manifest_path = Path(directory) / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{manifest_path}: cannot be read ({exc})") from exc
    patterns: list[Pattern] = []
    problems: list[str] = []
    sources: list[dict[str, Any]] = []
    for path in files:
        text, digest = read_source(path, "PETRARCH verb dictionary")
        lines = text.splitlines()
        found, skipped = parse(lines, str(path), full=True)
        patterns.extend(found)
        problems.extend(f"{path}:{p.line}: {p.why}: {p.text}" for p in skipped)
        sources.append(
            {
                "file": path.name,
                "kind": "verbs",
                "sha256": digest,
                "lines": len(lines),
                "entries": len(found),
                "problems": len(skipped),
            }
        )
    version = str(manifest.get("version") or dt.date.today().isoformat())
    header = HEADER.format(version=version, sources=", ".join(path.name for path in files))
    (Path(directory) / "manifest.json").unlink(missing_ok=True)  # a half-written layer has no manifest
    write_table(patterns, Path(directory) / VERBS_FILE, header)
    manifest["files"] = {**(manifest.get("files") or {}), "verbs": VERBS_FILE}
    manifest["sources"] = [s for s in manifest.get("sources") or [] if s.get("kind") != "verbs"] + sources
    manifest["counts"] = {**(manifest.get("counts") or {}), "verb_patterns": len(patterns)}
    try:
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{manifest_path}: cannot be written ({exc.strerror or exc})") from exc
    return VerbImport(patterns=len(patterns), problems=tuple(problems))


def load_dictionary(layers: Sequence[str | Path], ontology: Ontology) -> VerbDictionary | None:
    """The verb dictionary of the given layers (None when none has verbs). A verb listed by a later
    layer takes only that layer's patterns, as a later layer's actors outrank earlier ones."""
    by_layer: list[list[Pattern]] = []
    versions: list[str] = []
    for directory in layers:
        manifest_path = Path(directory) / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DataFileError(f"{manifest_path}: cannot be read ({exc})") from exc
        name = (manifest.get("files") or {}).get("verbs") if isinstance(manifest, dict) else None
        if not name:
            continue
        path = Path(directory) / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"{path}: cannot be read ({exc})") from exc
        table = parse_table(text, str(path))
        by_layer.append(read_patterns(table.rows, str(path)))
        versions.append(f"{manifest.get('name') or Path(directory).name}-{table.version}")
    if not by_layer:
        return None
    patterns: list[Pattern] = []
    taken: set[str] = set()
    for found in reversed(by_layer):
        mine = {v for p in found for v in p.verbs}
        patterns.extend(p for p in found if not set(p.verbs) & taken)
        taken |= mine
    events = {c.code: c.event or "" for c in ontology.cameo.values()}
    return VerbDictionary.from_patterns(patterns, events, version="+".join(versions))


class DictionaryCoder:
    """Codes the verbs an analyst's dictionary knows, over the lexicon frames of a sentence."""

    def __init__(self, verbs: VerbDictionary, ontology: Ontology) -> None:
        self.verbs = verbs
        self.ontology = ontology

    def frames(
        self,
        doc: Doc,
        actors: ArticleActors,
        lexicon: Lexicon,
        cues: Cues,
        sents: Sequence[Span],
        found: Sequence[list[Frame]],
    ) -> tuple[list[list[Frame]], set[int]]:
        """Each sentence's frames with the dictionary's events: at a verb the dictionary codes, its
        event (sides read afresh, or the lexicon frame's when those are fuller); elsewhere the
        lexicon frames as they were. Also the sentences where the dictionary knows a verb (a null
        pattern included): there the analyst's reading stands, and the learned detector adds nothing."""
        # parties listed together act on each other only where a pattern says so (`%`)
        traits = replace(self.ontology.traits, mutual=frozenset())
        reader = FrameExtractor(doc, actors, lexicon, cues, keep_irrealis=True, traits=traits)
        out: list[list[Frame]] = []
        read: set[int] = set()
        for index, (sent, frames) in enumerate(zip(sents, found, strict=True)):
            hits = {h.trigger: h for h in self.verbs.hits(sent, forms=True)}
            if hits:
                read.add(index)
            coded = {i for i, h in hits.items() if h.cameo != NULL}  # events, typed or not
            # an event noun under a verb the dictionary codes is what that verb is about ("broke down a
            # treaty"): the verb's code stands for both, as PETRARCH codes verbs
            mine = [f for f in frames if f.trigger not in hits and _governing(doc[f.trigger], coded) is None]
            for trigger, hit in hits.items():
                if not self._codes(hit, reader, doc[trigger]):
                    continue  # no event here, whatever the lexicon read
                lexical = [self._retyped(f, hit) for f in frames if f.trigger == trigger]
                fresh = self._frame(reader, doc[trigger], hit, index, coded)
                if hit.compound and fresh is not None and len(_parties(fresh.actors)) > 1:
                    mine.extend(_each_other(fresh))
                    continue
                both = [f for f in lexical if f.actors and f.recipients]
                if fresh is not None and (fresh.recipients or not both):
                    mine.extend(per_actor(fresh))
                else:
                    mine.extend(lexical)
            back = [self._paired(f, hits) for f in mine if f.trigger in hits and hits[f.trigger].paired]
            mine.extend(one for f in back if f is not None for one in per_actor(f))
            kept = [f for f in mine if f.recipients or f.event in self.ontology.traits.one_sided]
            out.append(sorted(kept, key=lambda f: f.trigger))
        return out, read

    @staticmethod
    def _codes(hit: Hit, reader: FrameExtractor, tok: Token) -> bool:
        """The hit is an event: a typed code, and a negated verb only under a pattern that reads
        the negation ("did not ever clash" is coded by "&NEGATION EVER *", not by "*")."""
        return bool(hit.event) and hit.cameo != NULL and (hit.negated or not reader.is_negated(tok))

    def _mode(self, cameo: str) -> str | None:
        found = self.ontology.cameo.get(cameo)
        return found.mode if found is not None else None

    def _retyped(self, f: Frame, hit: Hit) -> Frame:
        return replace(
            f,
            event=hit.event,
            cameo=hit.cameo,
            mode=self._mode(hit.cameo),
            rule=f"{f.rule}+{RULE}:{self.verbs.version}:{hit.line}",
        )

    def _frame(
        self,
        reader: FrameExtractor,
        tok: Token,
        hit: Hit,
        index: int,
        coded: frozenset[int] | set[int] = frozenset(),
    ) -> Frame | None:
        entry = Entry(
            pos="VERB",
            lemma=tok.lemma_.lower(),
            particle=None,
            objects=frozenset(),
            event=hit.event,
            mode=self._mode(hit.cameo),
            cameo=hit.cameo,
            note="",
            line=hit.line,
        )
        frame = reader.verb_frame(tok, entry, index)
        if frame is None:
            return None
        if not frame.actors:  # "Ethiopia act on ...": a subject the parser attached as a modifier
            frame = replace(frame, actors=_misparsed_subject(reader, tok))
            if not frame.actors:
                return None
        frame = replace(frame, actors=_whole_list(reader, frame.actors))
        if not any(e.code for m in frame.recipients for e in m.entities):
            frame = replace(frame, recipients=())  # a target still to find
        if hit.target is not None:  # "- * THEIR ^ ABOUT + [162]": the target follows "about"
            target = self._target_at(reader, tok, hit.target, frame)
            if target:
                frame = replace(frame, recipients=target)
        if not frame.recipients:
            target = self._first_actor_after(reader, tok, frame) or _complement_subject(reader, tok, frame, coded)
            if target:
                frame = replace(frame, recipients=target)
        return replace(frame, rule=f"{RULE}:{self.verbs.version}:{hit.line}")

    @staticmethod
    def _target_at(reader: FrameExtractor, tok: Token, word: str, frame: Frame) -> tuple[Mention, ...]:
        """The first coded actor after the pattern's word that precedes its target slot."""
        after = sorted(_clause_after(tok), key=lambda t: t.i)
        marks = [t for t in after if t.lower_ == word] if word else [tok]
        if not marks:
            return ()
        return DictionaryCoder._first_actor_after(reader, tok, frame, after=marks[0].i)

    @staticmethod
    def _first_actor_after(
        reader: FrameExtractor, tok: Token, frame: Frame, after: int = -1
    ) -> tuple[Mention, ...]:
        """PETRARCH's target: the first coded actor after the verb in its own clause."""
        mine = {e.code for m in frame.actors for e in m.entities}
        for t in sorted(_clause_after(tok), key=lambda t: t.i):
            if t.i <= after:
                continue
            if t.pos_ not in _NOUNS:
                continue  # names inside the phrase count: "abandoned an anti-Chile parade" targets Chile
            found = tuple(
                m for m in reader.actors.resolve(t) if any(e.code and e.code not in mine for e in m.entities)
            )
            if found:
                return found
        return ()

    def _paired(self, f: Frame, hits: dict[int, Hit]) -> Frame | None:
        """[032:033]: the target's act back on the source ("left for X": X receives the visit)."""
        hit = hits[f.trigger]
        event = self.verbs.event_of(hit.paired or "")
        if not event or not f.recipients or not f.actors:
            return None
        return replace(
            f,
            event=event,
            cameo=hit.paired,
            mode=self._mode(hit.paired or ""),
            actors=f.recipients,
            recipients=f.actors,
            rule=f"{f.rule}:paired",
        )


def _complement_subject(
    reader: FrameExtractor, tok: Token, frame: Frame, coded: set[int] | frozenset[int]
) -> tuple[Mention, ...]:
    """ "Chile believes Peru and Bolivia can cope", "allowed that Peru isn't ...": with no target in
    its own clause, the verb's target is the subject of the clause it governs (PETRARCH's reading),
    unless that clause reports a coded event of its own ("X said Chile restored ties": the event
    is the restoring)."""
    mine = {e.code for m in frame.actors for e in m.entities}
    for comp in (c for c in tok.children if c.dep_ == "ccomp"):
        if any(t.i in coded and _reported(t, comp) for t in comp.subtree):
            continue
        for subj in (c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")):
            found = tuple(
                m
                for t in (subj, *subj.conjuncts)
                for m in reader.actors.resolve(t)
                if any(e.code and e.code not in mine for e in m.entities)
            )
            if found:
                return found
    return ()


def _governing(tok: Token, coded: set[int]) -> int | None:
    """The coded verb whose object (or the object of whose preposition) this noun is, if any."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    cur = tok
    for _ in range(3):
        if cur.dep_ not in ("dobj", "pobj", "prep", "nsubjpass", "attr") or cur.head is cur:
            return None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur.i if cur.i in coded else None
    return None


def _whole_list(reader: FrameExtractor, actors: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """The members of a listed subject the parse hung under one of them: "Chile, the United States
    and Peru" with "the United States" an apposition, "Chile and the evil awful Peru" with Chile a
    modifier of Peru. A member is a coded name in a coordination (it has, or is, a conjunct)."""
    have = {e.code for m in actors for e in m.entities}
    out = list(actors)
    doc = reader.doc
    stack = [doc[m.head] for m in actors if 0 <= m.head < len(doc)]
    seen: set[int] = set()
    while stack:
        t = stack.pop()
        if t.i in seen:
            continue
        seen.add(t.i)
        for c in t.children:
            if c.dep_ not in ("conj", "appos", "nmod"):
                continue
            listed = c.dep_ == "conj" or any(g.dep_ in ("cc", "conj") for g in c.children)
            if listed:
                for m in reader.actors.resolve(c):
                    new = [e for e in m.entities if e.code and e.code not in have]
                    if new:
                        out.append(replace(m, entities=tuple(new)))
                        have.update(e.code for e in new)
            stack.append(c)
    return tuple(out)


def _reported(verb: Token, clause: Token) -> bool:
    """The verb is what the clause reports: reached from the clause's head through verbs (and
    adjectives: "is about to restore") only, not through a noun ("Peru is a pleasant place to visit")."""
    cur = verb
    while cur.i != clause.i:
        if cur.pos_ not in ("VERB", "AUX", "ADJ") or cur.head is cur:  # ADJ: "is about to restore"
            return False
        cur = cur.head
    return True


def _misparsed_subject(reader: FrameExtractor, tok: Token) -> tuple[Mention, ...]:
    """A coded noun hanging before the verb as a modifier, where the parse found no subject."""
    for c in sorted((c for c in tok.children if c.i < tok.i), key=lambda c: -c.i):
        if c.pos_ in ("NOUN", "PROPN") and c.dep_ in ("compound", "npadvmod", "nmod", "dep", "amod"):
            found = tuple(m for m in reader.actors.resolve(c) if any(e.code for e in m.entities))
            if found:
                return found
    return ()


def _parties(mentions: Sequence[Mention]) -> list[str]:
    return list(dict.fromkeys(e.code for m in mentions for e in m.entities if e.code))


def _each_other(f: Frame) -> list[Frame]:
    """A `%` pattern: each party of the list subject acts on each other one ("Gondor and
    Osgiliath have postponed their meeting": both ways round)."""
    groups: dict[str, list[Mention]] = {}
    for m in f.actors:
        for e in m.entities:
            if e.code:
                groups.setdefault(e.code, []).append(replace(m, entities=(e,)))
    return [
        replace(f, actors=tuple(groups[a]), recipients=tuple(groups[b]), rule=f"{f.rule}:paired")
        for a in groups
        for b in groups
        if a != b
    ]


def _clause_after(tok: Token) -> list[Token]:
    """The tokens after the verb in its own clause (embedded clauses left out; a participle that
    describes the object stays: "cut the roads leading into Chile")."""
    stop = {"ccomp", "advcl", "relcl", "parataxis", "csubj", "conj"}
    out: list[Token] = []
    stack = [c for c in tok.children if c.i > tok.i and c.dep_ not in stop]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in stop)
    return out
