"""Reading PETRARCH/TABARI actor and agent dictionaries.

The formats (PETRARCH dictionary documentation, TABARI manual chapter 5):

* Actors: a primary phrase, optionally followed by a code in brackets, then synonym lines
  starting with ``+``, then date restrictions on indented lines: ``[CODE]`` (the default),
  ``[CODE <YYMMDD]`` (on or before), ``[CODE >YYMMDD]`` (on or after), ``[CODE D1-D2]``.
  Dates are YYMMDD (00-30 read as 20YY, else 19YY) or YYYYMMDD. Words are joined by ``_`` or
  blanks; a trailing ``_`` (TABARI's "no stemming" mark) is dropped. ``CODE1/CODE2`` stands
  for several actors at once.
* Agents: ``PHRASE {PLURAL...} [~CODE]`` (the agent's code follows the actor's: a sector) or
  ``[CODE~]`` (it precedes it: "NGO~"). ``{}`` means no plural; without braces the regular
  plural is formed. ``!NAME! = A, B`` defines a substitution set used as ``!NAME!`` in phrases.
* Comments: ``#`` or ``;`` to the end of a line, and ``<!-- ... -->`` over one or more lines.

Nothing here touches the knowledge base: the parser turns text into records and a list of
problems (file:line and what is wrong); malformed lines are skipped, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

NULL_CODE = re.compile(r"^[-+#*]+$")
CODE = re.compile(r"^[A-Za-z0-9/]*[A-Za-z][A-Za-z0-9/]*$")
DATES = re.compile(r"^(?:(?P<op>[<>])\s*(?P<date>\d+)|(?P<start>\d+)\s*-\s*(?P<end>\d+))$")
AGENT_CODE = re.compile(r"^\s*(?:~\s*(?P<suffix>[A-Za-z0-9]+)|(?P<prefix>[A-Za-z0-9]+)\s*~)\s*$")
SUBSTITUTION = re.compile(r"^(?P<name>![A-Za-z0-9_]+!)\s*=\s*(?P<items>.+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A line that could not be read: where (file:line) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Restriction:
    """One bracketed code: the code(s) it gives and the dates it applies on (None = open)."""

    codes: tuple[str | None, ...]
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorRecord:
    """One actor entry: its primary phrase, synonyms and codes, in the order written."""

    name: str
    synonyms: tuple[str, ...]
    restrictions: tuple[Restriction, ...]
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentRecord:
    """One agent phrase with its plural forms and code (a suffix "~GOV" or a prefix "NGO~")."""

    phrase: str
    plurals: tuple[str, ...]
    code: str
    prefix: bool
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Parsed:
    actors: tuple[ActorRecord, ...] = ()
    agents: tuple[AgentRecord, ...] = ()
    problems: tuple[Problem, ...] = ()
    lines: int = 0


def phrase(raw: str) -> str:
    """A dictionary phrase as words: ``AL-QAEDA_`` -> ``AL-QAEDA``, ``MINAS_TIRITH`` -> ``MINAS TIRITH``."""
    return " ".join(raw.replace("_", " ").split())


def parse_date(text: str) -> dt.date:
    """YYMMDD (00-30 -> 20YY, otherwise 19YY) or YYYYMMDD; ValueError when neither."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(f"date {text!r} is neither YYMMDD nor YYYYMMDD")
    if len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"date {text!r} is not a calendar date") from None


def parse_restriction(body: str) -> Restriction:
    """The inside of one ``[...]`` block of an actor entry; ValueError when malformed."""
    code, _, rest = body.strip().partition(" ")
    rest = rest.strip()
    m = DATES.match(rest) if rest else None
    if not code or (rest and m is None):
        raise ValueError(f"code block [{body}] is not CODE, CODE <DATE, CODE >DATE or CODE DATE-DATE")
    codes = tuple(_one_code(c, body) for c in code.split("/"))
    start = end = None
    if m is None:
        pass
    elif m["op"] == "<":
        end = parse_date(m["date"])
    elif m["op"] == ">":
        start = parse_date(m["date"])
    elif m["start"] is not None:
        start, end = parse_date(m["start"]), parse_date(m["end"])
        if start > end and len(m["start"]) == 6:
            start = start.replace(year=start.year - 100)  # "320101-331108": 1932, not 2032
        if start > end:
            raise ValueError(f"code block [{body}] ends before it starts")
    return Restriction(codes=codes, start=start, end=end)


def _one_code(code: str, body: str) -> str | None:
    if NULL_CODE.match(code):
        return None
    if not CODE.match(code):
        raise ValueError(f"code block [{body}]: {code!r} is not an actor code")
    return code.upper()


def _strip_comments(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(line number, text without comments), skipping lines that are only comment or blank."""
    in_xml = False
    for n, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        out = ""
        while text:
            if in_xml:
                end = text.find("-->")
                if end < 0:
                    text = ""
                    break
                text = text[end + 3 :]
                in_xml = False
                continue
            start = text.find("<!")
            hash_at = min((i for i in (text.find("#"), text.find(";")) if i >= 0), default=-1)
            if start >= 0 and (hash_at < 0 or start < hash_at):
                out += text[:start]
                text = text[start + 2 :]
                in_xml = True
                continue
            if hash_at >= 0:
                out += text[:hash_at]
            else:
                out += text
            text = ""
        if out.strip():
            yield n, out


def parse_actors(text: str, source: str) -> Parsed:
    """Actor records of one dictionary file; malformed lines become problems and are skipped."""
    lines = text.splitlines()
    records: list[ActorRecord] = []
    problems: list[Problem] = []
    current: dict | None = None

    def close() -> None:
        nonlocal current
        if current is None:
            return
        restrictions = current["dated"] + current["default"]
        if not restrictions:
            problems.append(Problem(where=current["where"], message=f"actor {current['name']!r} has no code"))
        elif not current["name"]:
            problems.append(Problem(where=current["where"], message="actor entry without a phrase"))
        else:
            records.append(
                ActorRecord(
                    name=current["name"],
                    synonyms=tuple(current["synonyms"]),
                    restrictions=tuple(restrictions),
                    source=current["where"],
                )
            )
        current = None

    def add_codes(rest: str, where: str) -> bool:
        """Bracketed code blocks in `rest` into the current record; False (and a problem) if malformed."""
        assert current is not None
        current["coded"] = True  # even a malformed code line ends the entry's list of names
        blocks = re.findall(r"\[([^\]]*)\]", rest)
        leftover = re.sub(r"\[[^\]]*\]", "", rest).strip()
        if leftover or ("[" in rest and not blocks) or rest.count("[") != len(blocks):
            problems.append(Problem(where=where, message=f"cannot read {rest.strip()!r}"))
            return False
        parsed = []
        for body in blocks:
            try:
                parsed.append(parse_restriction(body))
            except ValueError as exc:
                problems.append(Problem(where=where, message=str(exc)))
                return False
        for r in parsed:
            (current["dated"] if r.dated else current["default"]).append(r)
        return True

    for n, raw in _strip_comments(lines):
        where = f"{source}:{n}"
        stripped = raw.strip()
        indented = raw[:1] in (" ", "\t")
        if stripped.startswith("+"):
            if current is None:
                problems.append(Problem(where=where, message="synonym before any actor entry"))
                continue
            body, _, rest = stripped[1:].partition("[")
            name = phrase(body)
            if not name:
                problems.append(Problem(where=where, message="empty synonym"))
                continue
            if rest and not add_codes("[" + rest, where):
                continue
            current["synonyms"].append(name)
            continue
        if indented and stripped.startswith("["):
            if current is None:
                problems.append(Problem(where=where, message="code block before any actor entry"))
                continue
            add_codes(stripped, where)
            continue
        body, bracket, rest = stripped.partition("[")
        name = phrase(body)
        if not name or "]" in body:
            problems.append(Problem(where=where, message=f"cannot read {stripped!r}"))
            continue
        if current is not None and not current["coded"]:
            # a primary phrase before any code: another name of the entry whose codes follow
            current["synonyms"].append(name)
            if bracket:
                add_codes("[" + rest, where)
            continue
        close()
        current = {"name": name, "synonyms": [], "dated": [], "default": [], "where": where, "coded": False}
        if bracket and not add_codes("[" + rest, where):
            current = None  # a malformed primary line: skip the whole entry
            problems.append(Problem(where=where, message=f"actor {name!r} skipped"))
            continue
    close()
    return Parsed(actors=tuple(records), problems=tuple(problems), lines=len(lines))


def regular_plural(words: str) -> str:
    """English regular plural of the last word: +S, Y -> IES, S/X/CH/SH -> +ES, MAN -> MEN."""
    head, _, last = words.rpartition(" ")
    low = last.lower()
    if low.endswith("man") and len(low) > 3:
        plural = last[:-2] + ("EN" if last.isupper() else "en")
    elif low.endswith(("s", "x", "ch", "sh")):
        plural = last + ("ES" if last.isupper() else "es")
    elif low.endswith("y") and len(low) > 2 and low[-2] not in "aeiou":
        plural = last[:-1] + ("IES" if last.isupper() else "ies")
    else:
        plural = last + ("S" if last.isupper() else "s")
    return f"{head} {plural}" if head else plural


def parse_agents(text: str, source: str) -> Parsed:
    """Agent records of one dictionary file, substitution sets expanded; problems for bad lines."""
    lines = text.splitlines()
    records: list[AgentRecord] = []
    problems: list[Problem] = []
    subs: dict[str, list[str]] = {}
    for n, raw in _strip_comments(lines):
        where = f"{source}:{n}"
        stripped = raw.strip()
        sub = SUBSTITUTION.match(stripped)
        if sub is not None and "[" not in stripped:
            items = [phrase(i) for i in sub["items"].split(",") if phrase(i)]
            if not items:
                problems.append(Problem(where=where, message=f"substitution set {sub['name']} is empty"))
            else:
                subs[sub["name"].upper()] = items
            continue
        m = re.match(r"^(?P<phrase>[^{\[]*?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]]*)\]\s*$", stripped)
        if m is None:
            problems.append(
                Problem(where=where, message=f"cannot read {stripped!r} (expected PHRASE {{PLURAL}} [~CODE])")
            )
            continue
        code = AGENT_CODE.match(m["code"])
        if code is None:
            problems.append(
                Problem(where=where, message=f"agent code [{m['code'].strip()}] is neither ~CODE nor CODE~")
            )
            continue
        raw_phrase = m["phrase"]
        if not phrase(raw_phrase):
            problems.append(Problem(where=where, message="agent entry without a phrase"))
            continue
        markers = re.findall(r"![A-Za-z0-9_]+!", raw_phrase)
        unknown = [mk for mk in markers if mk.upper() not in subs]
        if unknown:
            problems.append(Problem(where=where, message=f"substitution set {unknown[0]} is not defined"))
            continue
        variants = [raw_phrase]
        for mk in dict.fromkeys(mk.upper() for mk in markers):
            variants = [re.sub(re.escape(mk), item, v, flags=re.IGNORECASE) for v in variants for item in subs[mk]]
        # {A_B C_D}: alternatives separated by blanks or commas, words joined by "_"; {} = no plural
        explicit = None if m["plural"] is None else tuple(phrase(p) for p in re.split(r"[\s,]+", m["plural"]) if p)
        for v in variants:
            words = phrase(v)
            if markers:
                plurals: tuple[str, ...] = ()  # substituted forms are listed singular and plural already
            elif explicit is not None:
                plurals = explicit
            else:
                plurals = (regular_plural(words),)
            records.append(
                AgentRecord(
                    phrase=words,
                    plurals=plurals,
                    code=(code["suffix"] or code["prefix"]).upper(),
                    prefix=code["prefix"] is not None,
                    source=where,
                )
            )
    return Parsed(agents=tuple(records), problems=tuple(problems), lines=len(lines))
