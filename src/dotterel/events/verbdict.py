"""PETRARCH/TABARI verb-pattern dictionaries, read and matched against parsed sentences.

A verb dictionary (such as PETRARCH2's `CAMEO.2.0.txt`, MIT licence) lists verb blocks:

    ---  RESTORE   [---]  ---          block header with the code of the bare verb ("---": none)
    RESTORE                            a verb of the block (irregular forms in braces)
    +STIR_UP {+STIRS_UP ...}           a phrasal verb
    DISMISS [110]                      a verb with its own bare-verb code
    - * {DIPLOMATIC TIES}   [050]      a pattern: words around the verb (`*`) and the CAMEO code
    - * &FOOD (TO +)        [073]      `&NAME`: a word set defined in the file; `(PREP ...)`: a phrase

and word sets (`&NAME` followed by `+WORD` lines). dotterel keeps what a dependency parse can
check: the verb (and its particle), and the words a pattern needs inside the verb's own clause.
Slot markers (`$` source, `+` target, `^` place, `%` compound) are dropped, because the pair
model reads the roles. The matcher reports, for each verb of a sentence, the CAMEO code of its
most specific matching pattern; it is evidence for the learned detector, not an event by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Span, Token

from dotterel.datafiles import read_table
from dotterel.errors import DataFileError, InputError

_CODE = re.compile(r"\[([^\]]*)\]")
_SLOT = {"$", "+", "^", "%", "*"}
# Clause boundaries: pattern words are looked for under the verb, not in clauses it embeds.
_CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "conj", "parataxis", "csubj", "acl"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Pattern:
    """One dictionary pattern: verbs, an optional particle, the words it needs, its code.

    `before` and `after` hold one frozenset per required word, looked for before and after the
    verb in its own clause; a word matches any member of its set. `verbs` are lemmas, with a
    phrasal verb's particle after an underscore ("stir_up").
    """

    verbs: tuple[str, ...]
    particle: str | None
    before: tuple[frozenset[str], ...]
    after: tuple[frozenset[str], ...]
    cameo: str
    line: int

    @property
    def specificity(self) -> int:
        return len(self.before) + len(self.after) + bool(self.particle)


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    line: int
    text: str
    why: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """A verb of a sentence matched by the dictionary."""

    trigger: int  # token index in the document
    cameo: str
    event: str  # PLOVER type of the code
    specificity: int  # 0: the bare verb's default code


def _word(raw: str) -> str:
    return raw.strip().lower().replace("_", " ").strip()


def _verb_of(raw: str) -> tuple[str, str | None] | None:
    """'+STIR_UP' -> ('stir', 'up'); 'RESTORE' -> ('restore', None)."""
    head = raw.strip().lstrip("+")
    if not head or not re.fullmatch(r"[A-Z][A-Z_\-']*", head):
        return None
    parts = [p for p in head.lower().split("_") if p]
    return parts[0], parts[1] if len(parts) > 1 else None


def parse(lines: Iterable[str], source: str = "<verbs>") -> tuple[list[Pattern], list[Problem]]:
    """Patterns of a PETRARCH verb dictionary, and the lines that could not be read."""
    text = list(lines)
    synsets: dict[str, set[str]] = {}
    current: str | None = None
    for raw in text:
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("&"):
            current = line.strip().upper()
            synsets[current] = set()
        elif current and line.startswith("+") and " " not in line.strip():
            synsets[current].add(_word(line.strip()[1:]))
        elif line.strip():
            current = None
    patterns: list[Pattern] = []
    problems: list[Problem] = []
    verbs: list[str] = []
    default: str | None = None
    in_block = False
    for n, raw in enumerate(text, 1):
        line = raw.split("#", 1)[0].rstrip()
        stripped = line.strip()
        if stripped.startswith("&"):
            in_block = False
            continue
        if not stripped or (stripped.startswith("+") and not in_block):
            continue
        if stripped.startswith("---"):
            m = _CODE.search(stripped)
            default = _code(m.group(1)) if m else None
            verbs = []
            in_block = True
            continue
        if not in_block:
            continue
        if stripped.startswith("-"):
            if not verbs:
                problems.append(Problem(line=n, text=stripped, why="pattern before any verb of its block"))
                continue
            found = _pattern(stripped, synsets)
            if isinstance(found, str):
                problems.append(Problem(line=n, text=stripped, why=found))
                continue
            particle, before, after, code = found
            if code is not None:
                patterns.append(
                    Pattern(verbs=tuple(verbs), particle=particle, before=before, after=after, cameo=code, line=n)
                )
            continue
        # a verb line: "RESTORE", "HURRY {HURRIES ...}", "+STIR_UP {...}", "DISMISS [110]"
        head = re.sub(r"\{[^}]*\}", " ", stripped)
        m = _CODE.search(head)
        own = _code(m.group(1)) if m else None
        words = _CODE.sub(" ", head).split()
        if not words:
            continue
        verb = _verb_of(words[0])
        if verb is None:
            problems.append(Problem(line=n, text=stripped, why="not a verb"))
            continue
        name = "_".join(v for v in verb if v)
        verbs.append(name)
        code = own or default
        if code is not None:
            patterns.append(Pattern(verbs=(name,), particle=None, before=(), after=(), cameo=code, line=n))
    if not patterns:
        raise InputError(source, "no verb patterns found: not a PETRARCH verb dictionary")
    return patterns, problems


def _code(raw: str) -> str | None:
    code = raw.split(":", 1)[0].strip()
    return code if re.fullmatch(r"\d{2,4}", code) else None


Groups = tuple[frozenset[str], ...]


def _pattern(line: str, synsets: dict[str, set[str]]) -> tuple[str | None, Groups, Groups, str | None] | str:
    m = _CODE.search(line)
    if m is None:
        return "no [code]"
    code = _code(m.group(1))
    body = line[1 : m.start()]
    if "*" not in body:
        return "no verb position (*)"
    before, after = body.split("*", 1)
    particle = None
    sides: dict[str, list[frozenset[str]]] = {"before": [], "after": []}
    # "(IN ^)", "(WITH)": a preposition phrase; the first of them right after the verb may be its particle
    tokens = re.findall(r"\{[^}]*\}|\([^)]*\)|&?[A-Z][A-Z_'\-]*|[$+^%/!.]", after.upper())
    for side, toks in (("before", re.findall(r"\{[^}]*\}|&?[A-Z][A-Z_'\-]*", before.upper())), ("after", tokens)):
        for tok in toks:
            inner = tok[1:-1] if tok[0] in "{(" else tok
            words = [w for w in inner.replace("{", " ").replace("}", " ").split() if w not in _SLOT]
            groups = sides[side]
            if tok.startswith("(") and side == "after" and words and particle is None and not groups:
                particle = words[0].lower()
                words = words[1:]
            for w in words:
                if w.startswith("&"):
                    members = synsets.get(w)
                    if not members:
                        return f"unknown word set {w}"
                    groups.append(frozenset(members))
                elif re.fullmatch(r"[A-Z][A-Z_'\-]*", w):
                    groups.append(frozenset({_word(w)}))
    return particle, tuple(sides["before"]), tuple(sides["after"]), code


def _groups_text(groups: Groups) -> str:
    return " ".join("|".join(sorted(g)).replace(" ", "_") for g in groups) or "-"


def _groups_of(text: str) -> Groups:
    return () if text == "-" else tuple(frozenset(g.replace("_", " ").split("|")) for g in text.split())


def write_table(patterns: Sequence[Pattern], path: Path, header: str) -> None:
    """The patterns as the project's lexicon table (data/lexicon/cameo_verbs.tsv)."""
    rows = ["verbs\tparticle\tbefore\tafter\tcameo\tline"]
    for p in patterns:
        rows.append(
            f"{'|'.join(p.verbs)}\t{p.particle or '-'}\t{_groups_text(p.before)}\t{_groups_text(p.after)}"
            f"\t{p.cameo}\t{p.line}"
        )
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


@dataclass(slots=True)
class VerbDictionary:
    """Patterns by verb lemma, with the PLOVER type of each CAMEO code."""

    events: dict[str, str] = field(default_factory=dict)  # CAMEO code -> PLOVER type
    # per verb: patterns by one word each needs (so a verb with hundreds of patterns checks few)
    keyed: dict[str, dict[str, list[Pattern]]] = field(default_factory=dict)
    version: str = "0"

    @classmethod
    def load(cls, cameo_events: dict[str, str], relpath: str = "lexicon/cameo_verbs.tsv") -> VerbDictionary:
        """The shipped dictionary (or another table in its format), with code -> PLOVER type."""
        table = read_table(relpath)
        patterns = []
        for n, row in enumerate(table.rows, 1):
            try:
                patterns.append(
                    Pattern(
                        verbs=tuple(row["verbs"].split("|")),
                        particle=None if row["particle"] == "-" else row["particle"],
                        before=_groups_of(row["before"]),
                        after=_groups_of(row["after"]),
                        cameo=row["cameo"],
                        line=int(row["line"]),
                    )
                )
            except (KeyError, ValueError) as exc:
                raise DataFileError(f"{relpath} row {n}: {exc}") from exc
        return cls.from_patterns(patterns, cameo_events, version=table.version)

    @classmethod
    def from_patterns(
        cls, patterns: Iterable[Pattern], cameo_events: dict[str, str], version: str = "0"
    ) -> VerbDictionary:
        out = cls(events=dict(cameo_events), version=version)
        by_verb: dict[str, list[Pattern]] = {}
        for p in patterns:
            for verb in p.verbs:
                lemma, _, own = verb.partition("_")
                by_verb.setdefault(lemma, []).append(p if not own else replace(p, particle=p.particle or own))
        for verb, ps in by_verb.items():
            index: dict[str, list[Pattern]] = {}
            for p in ps:
                first = (p.after or p.before or (frozenset({""}),))[0]
                for w in first:
                    index.setdefault(w.split(" ")[0], []).append(p)
            out.keyed[verb] = index
        return out

    def event_of(self, cameo: str) -> str | None:
        while cameo:
            if cameo in self.events:
                return self.events[cameo] or None
            cameo = cameo[:-1] if len(cameo) > 2 else ""
        return None

    def hits(self, sent: Span) -> list[Hit]:
        """The sentence's verbs that a pattern (or a bare-verb code) of the dictionary codes."""
        out = []
        phrases: tuple[str, str] | None = None
        for tok in sent:
            if tok.pos_ != "VERB":
                continue
            index = self.keyed.get(tok.lemma_.lower())
            if not index:
                continue
            if phrases is None:
                # word-set phrases ("written agreement") need their words next to each other
                phrases = (
                    " " + " ".join(t.lower_ for t in sent) + " ",
                    " " + " ".join(t.lemma_.lower() for t in sent) + " ",
                )
            found = _match(tok, index, phrases)
            if found is None:
                continue
            event = self.event_of(found.cameo)
            if event:
                out.append(Hit(trigger=tok.i, cameo=found.cameo, event=event, specificity=found.specificity))
        return out


def _match(tok: Token, index: dict[str, list[Pattern]], phrases: tuple[str, str]) -> Pattern | None:
    before: set[str] = set()
    after: set[str] = set()
    for t in _clause(tok):
        side = before if t.i < tok.i else after
        side.add(t.lower_)
        side.add(t.lemma_.lower())
    text, lemmas = phrases
    seen: dict[int, Pattern] = {}
    for w in ("", *before, *after):
        for p in index.get(w, ()):
            seen[id(p)] = p
    patterns = sorted(seen.values(), key=lambda p: (-p.specificity, p.line))
    particles = {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep", "agent", "dative")}
    for p in patterns:
        if p.particle and p.particle not in particles:
            continue
        if all(any(_has(w, after, text, lemmas) for w in g) for g in p.after) and all(
            any(_has(w, before, text, lemmas) for w in g) for g in p.before
        ):
            return p
    return None


def _has(word: str, words: set[str], text: str, lemmas: str) -> bool:
    if " " in word:
        return f" {word} " in text or f" {word} " in lemmas
    return word in words


def _clause(tok: Token) -> Iterator[Token]:
    """The verb's own clause: its subtree without the clauses it embeds."""
    stack = [tok]
    while stack:
        t = stack.pop()
        yield t
        stack.extend(c for c in t.children if c.dep_ not in _CLAUSE_DEPS)
