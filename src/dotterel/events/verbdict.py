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

`parse(..., full=True)` reads a dictionary an analyst supplies (`dotterel kb import-petrarch
--verbs`), whose codes are events (events/dictframes.py): it keeps null patterns (`[---]`: this
use of the verb is no event), the second code of a paired code (`[032:033]`: the target's act
back on the source), codes with a letter (`[174K]`), words joined by `_` as phrases (synsets
inside them expanded), and reports codes that are not CAMEO codes (`[###]`) as problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Span, Token

from dotterel.datafiles import read_table
from dotterel.errors import DataFileError, InputError

_CODE = re.compile(r"\[([^\]]*)\]")
_SLOT = {"$", "+", "^", "%", "*"}
# Clause boundaries: pattern words are looked for under the verb, not in clauses it embeds.
_CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "conj", "parataxis", "csubj", "acl"}
NULL = "---"
NEGATIONS = frozenset({"not", "n't", "never", "no"})
_FULL_CODE = re.compile(r"\d{2,4}[A-Z]?")
_MAX_PHRASES = 2000  # alternatives of one joined phrase with word sets inside


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
    cameo: str  # "---": a null pattern (full dictionaries only)
    line: int
    paired: str | None = None  # [032:033]: the code of the target's act back on the source
    words: int = 0  # words the pattern needs, phrases counted word by word (0: one per group)
    compound: bool = False  # `%`: the parties of a list subject act on each other
    target: str | None = None  # `WORD +`: the target follows this word after the verb

    @property
    def specificity(self) -> int:
        return (self.words or len(self.before) + len(self.after)) + bool(self.particle) + self.compound

    @property
    def negated(self) -> bool:
        """The pattern itself reads a negation ("WILL NOT *"): it codes the negated verb."""
        return any(NEGATIONS & set(w.split()) for g in (*self.before, *self.after) for w in g)


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
    paired: str | None = None
    line: int = 0
    negated: bool = False  # the pattern reads the verb's negation
    compound: bool = False
    target: str | None = None


def _word(raw: str) -> str:
    return raw.strip().lower().replace("_", " ").strip()


def _verb_of(raw: str, full: bool = False) -> tuple[str, str | None] | None:
    """'+STIR_UP' -> ('stir', 'up'); 'RESTORE' -> ('restore', None); in full reading, the verb of
    a compound marked with '+' ('WIRE_+TAP' -> ('tap', None))."""
    head = raw.strip().lstrip("+")
    if full and "+" in head:
        head = head.split("+", 1)[1]
    if not head or not re.fullmatch(r"[A-Z][A-Z_\-']*", head):
        return None
    parts = [p for p in head.lower().split("_") if p]
    return parts[0], parts[1] if len(parts) > 1 else None


def parse(
    lines: Iterable[str], source: str = "<verbs>", *, full: bool = False
) -> tuple[list[Pattern], list[Problem]]:
    """Patterns of a PETRARCH verb dictionary, and the lines that could not be read.

    `full`: read everything a dictionary whose codes are events needs (see the module docstring);
    without it, the reading that converts CAMEO.2.0 into the detector's evidence table.
    """
    text = list(lines)
    synsets = _synsets(text, full)
    patterns: list[Pattern] = []
    problems: list[Problem] = []
    verbs: list[str] = []
    default: str | None = None
    default_paired: str | None = None
    in_block = False
    for n, raw in enumerate(text, 1):
        line = raw.split("#", 1)[0].rstrip()
        stripped = line.strip()
        if stripped.startswith("&"):
            in_block = False
            continue
        if not stripped or (stripped.startswith("+") and not in_block) or (full and stripped.startswith("<")):
            continue
        if stripped.startswith("---"):
            m = _CODE.search(stripped)
            found_code = _codes(m.group(1), full) if m else (None, None)
            if isinstance(found_code, str):
                problems.append(Problem(line=n, text=stripped, why=found_code))
                found_code = (None, None)
            default, default_paired = found_code
            verbs = []
            in_block = True
            continue
        if not in_block:
            continue
        if stripped.startswith("-"):
            if not verbs:
                problems.append(Problem(line=n, text=stripped, why="pattern before any verb of its block"))
                continue
            found = _pattern(stripped, synsets, full)
            if isinstance(found, str):
                problems.append(Problem(line=n, text=stripped, why=found))
                continue
            particle, before, after, (code, paired), words, compound, target = found
            if code is not None:
                patterns.append(
                    Pattern(
                        verbs=tuple(verbs),
                        particle=particle,
                        before=before,
                        after=after,
                        cameo=code,
                        line=n,
                        paired=paired,
                        words=words,
                        compound=compound,
                        target=target,
                    )
                )
            continue
        # a verb line: "RESTORE", "HURRY {HURRIES ...}", "+STIR_UP {...}", "DISMISS [110]"
        head = re.sub(r"\{[^}]*\}", " ", stripped)
        m = _CODE.search(head)
        own = _codes(m.group(1), full) if m else (None, None)
        if isinstance(own, str):
            problems.append(Problem(line=n, text=stripped, why=own))
            continue
        words_ = _CODE.sub(" ", head).split()
        if not words_:
            continue
        verb = _verb_of(words_[0], full)
        if verb is None:
            problems.append(Problem(line=n, text=stripped, why="not a verb"))
            continue
        name = "_".join(v for v in verb if v)
        names = [name]
        if full:  # the forms in braces, looked up as written ("CORDONED_OFF", which no lemmatizer undoes)
            for form in re.findall(r"\{([^}]*)\}", stripped.split("#", 1)[0]):
                for raw_form in form.split():
                    found_form = _verb_of(raw_form, full)
                    if found_form is not None:
                        names.append("_".join(v for v in found_form if v))
            names = list(dict.fromkeys(names))
        verbs.extend(names)
        code, paired = own if own[0] is not None else (default, default_paired)
        if code is not None:
            patterns.append(
                Pattern(verbs=tuple(names), particle=None, before=(), after=(), cameo=code, line=n, paired=paired)
            )
    if not patterns:
        raise InputError(source, "no verb patterns found: not a PETRARCH verb dictionary")
    return patterns, problems


def _synsets(text: Sequence[str], full: bool) -> dict[str, set[str]]:
    """The word sets (`&NAME` then `+WORD` lines); in full reading, sets inside sets expanded."""
    synsets: dict[str, set[str]] = {}
    current: str | None = None
    for raw in text:
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("&"):
            current = _set_name(line.strip(), full)
            synsets[current] = set()
        elif current and line.startswith("+") and (full or " " not in line.strip()):
            synsets[current].add(_word(line.strip()[1:]) if not full else " ".join(line.strip()[1:].split()))
        elif line.strip():
            current = None
    if not full:
        return synsets
    out: dict[str, set[str]] = {}
    for name in synsets:
        out[name] = {_word(w) for w in _expand(name, synsets, set())}
    return out


def _expand(name: str, synsets: dict[str, set[str]], seen: set[str]) -> set[str]:
    found: set[str] = set()
    for member in synsets.get(name, ()):
        if member.startswith("&"):
            inner = _set_name(member, True)
            if inner not in seen:
                found |= _expand(inner, synsets, seen | {name})
        else:
            found.add(member)
    return found


def _set_name(raw: str, full: bool) -> str:
    name = raw.split()[0].upper() if full else raw.upper()
    return name.rstrip("_") if full else name


def _codes(raw: str, full: bool) -> tuple[str | None, str | None] | str:
    """(code, paired code) of a `[...]` code; in full reading, a problem for what is no CAMEO code."""
    if not full:
        return _code(raw), None
    first, _, second = raw.partition(":")
    out: list[str | None] = []
    for part in (first.strip(), second.strip()):
        if part in ("", NULL):
            out.append(NULL if part == NULL or second else None)
        elif _FULL_CODE.fullmatch(part.upper()):
            out.append(part.upper())
        else:
            return f"[{raw}] is not a CAMEO code"
    code, paired = out
    return (code or NULL), (paired if paired != NULL else None)


def _code(raw: str) -> str | None:
    code = raw.split(":", 1)[0].strip()
    return code if re.fullmatch(r"\d{2,4}", code) else None


Groups = tuple[frozenset[str], ...]


def _pattern(
    line: str, synsets: dict[str, set[str]], full: bool = False
) -> tuple[str | None, Groups, Groups, tuple[str | None, str | None], int, bool, str | None] | str:
    m = _CODE.search(line)
    if m is None:
        return "no [code]"
    codes = _codes(m.group(1), full)
    if isinstance(codes, str):
        return codes
    body = line[1 : m.start()]
    if "*" not in body:
        return "no verb position (*)"
    if full:
        found = _full_pattern(body, synsets)
        if isinstance(found, str):
            return found
        particle, before_groups, after_groups, count, target = found
        return particle, before_groups, after_groups, codes, count, "%" in body.split("*", 1)[0], target
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
    return particle, tuple(sides["before"]), tuple(sides["after"]), codes, 0, False, None


def _full_pattern(
    body: str, synsets: dict[str, set[str]]
) -> tuple[str | None, Groups, Groups, int, str | None] | str:
    """Both sides of a pattern of a full dictionary: words joined by `_` are one phrase (its word
    sets expanded into alternatives), `{...}` a phrase, `(PREP ...)` a phrase whose preposition,
    right after the verb, is the verb's particle; slot markers dropped."""
    before, after = body.replace("*", " * ", 1).split(" * ", 1)
    particle = None
    target: str | None = None
    last: str | None = None
    sides: list[list[frozenset[str]]] = [[], []]
    count = 0
    for k, part in enumerate((before, after)):
        for tok in re.findall(r"\{[^}]*\}|\([^)]*\)|[^\s{}()]+", part.upper()):
            inner = tok[1:-1] if tok[0] in "{(" else tok
            pieces = [w for w in re.split(r"[\s_]+", inner) if w and w not in _SLOT]
            if tok.startswith("(") and k == 1 and pieces and particle is None and not sides[1]:
                particle, pieces = pieces[0].lower(), pieces[1:]
                last = particle
            if k == 1 and "+" in re.split(r"[\s_]+", inner) and target is None:
                target = (pieces[-1].lower() if pieces and not pieces[-1].startswith("&") else last) or ""
            alternatives = [""]
            for w in pieces:
                if w.startswith("&"):
                    members = synsets.get(w.rstrip("_"))
                    if not members:
                        return f"unknown word set {w}"
                    options = sorted(members)
                elif re.fullmatch(r"[A-Z][A-Z'\-.]*", w):
                    options = [w.lower()]
                else:
                    continue  # a slot marker glued to a word ("IN_$")
                alternatives = [f"{a} {o}".strip() for a in alternatives for o in options][:_MAX_PHRASES]
                count += 1
                last = w.lower()
            if alternatives != [""]:
                sides[k].append(frozenset(alternatives))
    return particle, tuple(sides[0]), tuple(sides[1]), count, target


def _target_text(target: str | None) -> str:
    return "-" if target is None else (target or "*")  # "*": right after the verb


def _target_of(cell: str) -> str | None:
    return None if cell in ("", "-") else ("" if cell == "*" else cell)


def _groups_text(groups: Groups) -> str:
    return " ".join("|".join(sorted(g)).replace(" ", "_") for g in groups) or "-"


def _groups_of(text: str) -> Groups:
    return () if text == "-" else tuple(frozenset(g.replace("_", " ").split("|")) for g in text.split())


def write_table(patterns: Sequence[Pattern], path: Path, header: str) -> None:
    """The patterns as the project's lexicon table (data/lexicon/cameo_verbs.tsv); a full
    dictionary's table also has the columns `paired` and `words`."""
    full = any(p.paired or p.words or p.compound or p.target is not None for p in patterns)
    rows = ["verbs\tparticle\tbefore\tafter\tcameo\tline" + ("\tpaired\twords\tcompound\ttarget" if full else "")]
    for p in patterns:
        rows.append(
            f"{'|'.join(p.verbs)}\t{p.particle or '-'}\t{_groups_text(p.before)}\t{_groups_text(p.after)}"
            f"\t{p.cameo}\t{p.line}"
            + (f"\t{p.paired or '-'}\t{p.words}\t{int(p.compound)}\t{_target_text(p.target)}" if full else "")
        )
    try:
        path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be written ({exc.strerror or exc})") from exc


def read_patterns(rows: Iterable[Mapping[str, str]], where: str) -> list[Pattern]:
    """The patterns of a table written by `write_table`."""
    patterns = []
    for n, row in enumerate(rows, 1):
        try:
            paired = row.get("paired", "-")
            patterns.append(
                Pattern(
                    verbs=tuple(row["verbs"].split("|")),
                    particle=None if row["particle"] == "-" else row["particle"],
                    before=_groups_of(row["before"]),
                    after=_groups_of(row["after"]),
                    cameo=row["cameo"],
                    line=int(row["line"]),
                    paired=None if paired in ("", "-") else paired,
                    words=int(row.get("words") or 0),
                    compound=row.get("compound", "0") == "1",
                    target=_target_of(row.get("target", "-")),
                )
            )
        except (KeyError, ValueError) as exc:
            raise DataFileError(f"{where} row {n}: {exc}") from exc
    return patterns


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
        return cls.from_patterns(read_patterns(table.rows, relpath), cameo_events, version=table.version)

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

    def hits(self, sent: Span, *, forms: bool = False) -> list[Hit]:
        """The sentence's verbs that a pattern (or a bare-verb code) of the dictionary codes.

        `forms` (a full dictionary's reading): a verb is also looked up as written ("LEFT [032:033]"
        before "LEAVE [012]"), any verb tag counts, and null patterns and codes without a PLOVER
        type are reported too (their `event` is empty): they say what the verb is not.
        """
        out = []
        phrases: tuple[str, str] | None = None
        for tok in sent:
            if forms:
                if not tok.tag_.startswith("VB") or tok.lemma_ in ("be", "have", "do"):
                    continue
                index = self.keyed.get(tok.lower_) or self.keyed.get(tok.lemma_.lower())
            elif tok.pos_ != "VERB":
                continue
            else:
                index = self.keyed.get(tok.lemma_.lower())
            if not index:
                continue
            if phrases is None:
                # word-set phrases ("written agreement") need their words next to each other
                phrases = (
                    " " + " ".join(t.lower_ for t in sent) + " ",
                    " " + " ".join(t.lemma_.lower() for t in sent) + " ",
                )
            # a full dictionary's phrases ("REALLY_PLEASANT") are looked for in the whole sentence, as
            # PETRARCH reads them; single words still in the verb's own clause
            found = _match(tok, index, phrases, sentence=phrases[0].split() + phrases[1].split() if forms else ())
            if found is None:
                continue
            event = self.event_of(found.cameo) if found.cameo != NULL else None
            if event or forms:
                out.append(
                    Hit(
                        trigger=tok.i,
                        cameo=found.cameo,
                        event=event or "",
                        specificity=found.specificity,
                        paired=found.paired,
                        line=found.line,
                        negated=found.negated,
                        compound=found.compound,
                        target=found.target,
                    )
                )
        return out


def _match(
    tok: Token, index: dict[str, list[Pattern]], phrases: tuple[str, str], sentence: Sequence[str] = ()
) -> Pattern | None:
    before: set[str] = set()
    after: set[str] = set()
    for t in _clause(tok):
        side = before if t.i < tok.i else after
        side.add(t.lower_)
        side.add(t.lemma_.lower())
    text, lemmas = phrases
    ahead: tuple[str, str] = (text, lemmas)
    behind: tuple[str, str] = (text, lemmas)
    if sentence:  # a full dictionary's phrases are looked for on their own side of the verb
        sent = tok.sent
        first, rest = sent[: tok.i - sent.start], sent[tok.i - sent.start + 1 :]
        ahead = (_joined(first, False), _joined(first, True))
        behind = (_joined(rest, False), _joined(rest, True))
    seen: dict[int, Pattern] = {}
    for w in ("", *before, *after, *sentence):
        for p in index.get(w, ()):
            seen[id(p)] = p
    patterns = sorted(seen.values(), key=lambda p: (-p.specificity, p.line))
    particles = {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep", "agent", "dative")}
    for p in patterns:
        if p.particle and p.particle not in particles:
            continue
        if all(any(_has(w, after, *behind) for w in g) for g in p.after) and all(
            any(_has(w, before, *ahead) for w in g) for g in p.before
        ):
            return p
    return None


def _joined(span: Span, lemma: bool) -> str:
    return " " + " ".join(t.lemma_.lower() if lemma else t.lower_ for t in span) + " "


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
