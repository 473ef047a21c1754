"""The knowledge base: countries, sector words, organizations and named actors with dated roles.

Loaded once from the packaged data files (see data/README.md) and passed to the stages that
need it; nothing here is module-level state. It is layered: the shipped Phoenix layer under
the project's own files, `--kb` layers over both (see actors/layers.py); every name form keeps
the precedence of the layer it came from, and the resolver reads the highest one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dotterel.actors.layers import Layer, Role, read_layer
from dotterel.datafiles import read_jsonl, read_table, split_list
from dotterel.errors import DataFileError
from dotterel.ontology import non_state_codes
from dotterel.records import Entity

SHIPPED_RANK = 0  # the converted Phoenix dictionaries: under everything the project writes itself
BUILTIN_RANK = 10
USER_RANK = 20  # --kb layers, later ones over earlier ones
SHIPPED_LAYER = "kb/phoenix"
# The entity kind for a named actor's kind; any other kind is an org.
_ENTITY_KINDS: dict[str, Literal["person", "group", "org", "country"]] = {
    "person": "person",
    "group": "group",
    "org": "org",
    "country": "country",
}
# Words that may be written in lower case inside a name ("al-Qaeda", "Bank of England").
NAME_PARTICLES = frozenset(
    {
        "al",
        "el",
        "ad",
        "as",
        "an",
        "ash",
        "at",
        "az",
        "ar",
        "bin",
        "ibn",
        "bint",
        "abu",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "van",
        "von",
        "y",
        "e",
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "'s",
        "-",
        "&",
        "'",
        "’s",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NamedActor:
    name: str
    kind: str
    roles: tuple[Role, ...]

    def role_on(self, when: dt.date | None) -> Role | None:
        """The role held on `when`; else the latest role that started before it; else the latest."""
        if not self.roles:
            return None
        if when is not None:
            for role in self.roles:
                if role.covers(when):
                    return role
            before = [r for r in self.roles if r.start is None or r.start <= when]
            if before:
                return max(before, key=lambda r: r.start or dt.date.min)
        return max(self.roles, key=lambda r: r.start or dt.date.min)

    def entity_on(self, when: dt.date | None) -> Entity:
        role = self.role_on(when)
        kind = _ENTITY_KINDS.get(self.kind, "org")
        if role is None:
            return Entity(code=None, sector=None, name=self.name, kind=kind)
        return Entity(code=role.code, sector=role.sector, name=self.name, kind=kind)

    def entities_on(self, when: dt.date | None) -> tuple[Entity, ...]:
        """The entity, and any further ones the entry stands for on `when` ("LORIEN [ELR/GAL]")."""
        first = self.entity_on(when)
        role = self.role_on(when)
        if role is None or not role.also:
            return (first,)
        return (first, *(Entity(code=c, sector=s, name=self.name, kind=first.kind) for c, s in role.also))


@dataclass(frozen=True, slots=True)
class NameForm:
    """One way of writing a name the coder can match in text.

    `key` is the name's lower-case tokens joined by blanks ("" until the matcher tokenizes it);
    `rank` the precedence of the layer it comes from (higher wins); `case` says how the text
    must be written: "exact" (built-in forms, spelt as news writes them), "caps" (imported
    upper-case dictionaries: every word capitalised, name particles aside) or "upper" (an
    abbreviation: all capitals in the text).
    """

    text: str
    key: str
    kind: str  # actor | country | capital | place
    actor: NamedActor | None
    code: str | None
    rank: int
    case: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Country:
    iso3: str
    name: str


def _date(value: str | None, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DataFileError(f"{where}: bad date {value!r}") from exc


def _plurals(word: str) -> set[str]:
    """English plural forms of the last word of a term ("militia" -> "militias")."""
    head, _, last = word.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last.endswith(("s", "x", "ch", "sh")):
        forms = {last + "es"}
    elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        forms = {last[:-1] + "ies"}
    elif last.endswith("man"):
        forms = {last[:-3] + "men"}
    else:
        forms = {last + "s"}
    return {prefix + f for f in forms}


@dataclass(slots=True)
class KnowledgeBase:
    """Lookups from surface forms to countries, sectors and named actors."""

    countries: dict[str, Country] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    adjectives: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    actors: dict[str, list[NamedActor]] = field(default_factory=dict)
    given_names: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    forms: list[NameForm] = field(default_factory=list)
    agent_codes: dict[str, str] = field(default_factory=dict)
    layers: list[Layer] = field(default_factory=list)
    layer_rank: dict[int, int] = field(default_factory=dict)
    layer_names: dict[int, str] = field(default_factory=lambda: {BUILTIN_RANK: "built-in"})
    _surnames: dict[str, list[tuple[NamedActor, int]]] | None = None
    builtin_counts: dict[str, int] = field(default_factory=dict)
    # codes of actors that are not countries (the record codes: UNO, EUR, IGO, ...)
    non_state: frozenset[str] = field(default_factory=lambda: frozenset(non_state_codes()))

    @classmethod
    def load(cls, layers: Sequence[Path | str] = (), *, shipped: bool = True) -> KnowledgeBase:
        """The built-in KB, under it the shipped Phoenix layer, over it each `layers` directory in order."""
        kb = cls._load_builtin()
        if shipped:
            kb.add_layer(read_shipped_layer(), rank=SHIPPED_RANK, shipped=True)
        for n, path in enumerate(layers):
            kb.add_layer(read_layer(Path(path)), rank=USER_RANK + n)
        return kb

    @classmethod
    def _load_builtin(cls) -> KnowledgeBase:
        kb = cls()
        countries = read_table("kb/countries.tsv")
        kb.versions["countries"] = countries.version
        for row in countries.rows:
            iso3 = row["iso3"].upper()
            kb.countries[iso3] = Country(iso3=iso3, name=row["name"])
            for name in [row["name"], *split_list(row.get("aliases", ""))]:
                kb.country_names.setdefault(name, iso3)
            for adj in split_list(row.get("adjectives", "")):
                kb.adjectives.setdefault(adj, iso3)
            for noun in split_list(row.get("people", "")):
                kb.people.setdefault(noun, iso3)
            for cap in split_list(row.get("capitals", "")):
                kb.capitals.setdefault(cap, iso3)
        sectors = read_table("kb/sectors.tsv")
        kb.versions["sectors"] = sectors.version
        for row in sectors.rows:
            term = row["term"].lower()
            value = (row["sector"].upper(), row.get("kind", "noun") or "noun")
            kb.sectors.setdefault(term, value)
            if value[1] != "modifier":
                for plural in _plurals(term):
                    kb.sectors.setdefault(plural, value)
        orgs = read_table("kb/organizations.tsv")
        kb.versions["organizations"] = orgs.version
        for row in orgs.rows:
            actor = NamedActor(
                name=row["name"],
                kind="org",
                roles=(
                    Role(
                        code=row["code"].upper(), sector=row.get("sector") or None, role="", start=None, end=None
                    ),
                ),
            )
            for alias in [row["name"], *split_list(row.get("aliases", ""))]:
                kb.actors.setdefault(alias, []).append(actor)
        names = read_table("kb/given_names.tsv")
        kb.versions["given_names"] = names.version
        kb.given_names = {row["name"]: row["gender"].lower() for row in names.rows if row.get("gender")}
        version, objects = read_jsonl("kb/actors.jsonl")
        kb.versions["actors"] = version
        for n, obj in enumerate(objects, 1):
            where = f"kb/actors.jsonl entry {n}"
            try:
                roles = tuple(
                    Role(
                        code=str(r["code"]).upper(),
                        sector=r.get("sector") or None,
                        role=r.get("role") or "",
                        start=_date(r.get("start"), where),
                        end=_date(r.get("end"), where),
                    )
                    for r in obj.get("roles") or []
                )
                actor = NamedActor(name=obj["name"], kind=obj.get("kind") or "person", roles=roles)
            except (KeyError, TypeError) as exc:
                raise DataFileError(f"{where}: {exc}") from exc
            for alias in [obj["name"], *(obj.get("aliases") or [])]:
                kb.actors.setdefault(alias, []).append(actor)
        kb.builtin_counts = {
            "actors": len(objects) + len(orgs.rows),
            "countries": len(countries.rows),
            "sector words": len(sectors.rows),
        }
        for text, actors in kb.actors.items():
            for actor in actors:
                kb.forms.append(NameForm(text, "", "actor", actor, None, BUILTIN_RANK, "exact"))
        for text, iso3 in kb.country_names.items():
            kb.forms.append(NameForm(text, "", "country", None, iso3, BUILTIN_RANK, "exact"))
        for text, iso3 in kb.capitals.items():
            kb.forms.append(NameForm(text, "", "capital", None, iso3, BUILTIN_RANK, "exact"))
        return kb

    def add_layer(self, layer: Layer, *, rank: int, shipped: bool = False) -> None:
        """Put a layer's actors and agents into the KB at precedence `rank`."""
        self.layers.append(layer)
        self.layer_rank[id(layer)] = rank
        self.layer_names[rank] = layer.name
        self.versions[f"layer.{layer.name}"] = layer.version
        forms = self.forms
        for a in layer.actors:
            actor = NamedActor(name=a.name, kind=a.kind, roles=a.roles)
            keys = a.keys or ("",) * (1 + len(a.aliases))
            texts = (a.name, *a.aliases)
            for n, (text, key) in enumerate(zip(texts, keys, strict=True)):
                case = _alias_case(text, a.kind, self, primary=n == 0) if shipped else "caps"
                if case is None:
                    continue
                kind = "actor"
                if shipped and a.kind == "country" and n > 0 and not _names_the_country(text, a.name):
                    kind = "place"  # "Aleppo", "Helmand": a place of the country, not the country acting
                forms.append(NameForm(text, key, kind, actor, None, rank, case))
        builtin = rank < BUILTIN_RANK
        for g in layer.agents:
            keys = g.keys or ()
            terms = {g.term, *g.plurals, *keys, *(t.replace("-", " - ") for t in (g.term, *g.plurals))}
            for term in terms:
                term = " ".join(term.split())
                old = self.sectors.get(term)
                if old is not None and builtin:
                    continue  # the project's own sector words outrank the shipped dictionaries
                kind = old[1] if old is not None else "noun"
                self.sectors[term] = (g.sector if g.sector or old is None else old[0], kind)
                if g.code:
                    self.agent_codes[term] = g.code
                elif term in self.agent_codes and not builtin:
                    del self.agent_codes[term]

    # ---- lookups -------------------------------------------------------------------------

    def country_code(self, text: str) -> str | None:
        """ISO3 for a country name or alias as written ("Iran", "the U.S.")."""
        text = _clean(text)
        return self.country_names.get(text) or self.country_names.get(_strip_the(text))

    def adjective_code(self, text: str) -> str | None:
        text = _clean(text)
        code = self.adjectives.get(text)
        if code is None and "-" in text:
            # "pro-Iran", "Iran-backed" are not nationality; callers handle those.
            return None
        return code

    def people_code(self, text: str) -> str | None:
        return self.people.get(_clean(text))

    def sector_of(self, term: str) -> tuple[str | None, str] | None:
        """(sector, kind) of a lower-case word or phrase, singular or plural."""
        return self.sectors.get(term.lower().strip())

    def named(self, text: str) -> list[NamedActor]:
        text = _clean(text)
        return self.actors.get(text) or self.actors.get(_strip_the(text)) or []

    def people_named(self, surname: str, min_rank: int = 0) -> list[NamedActor]:
        """KB people whose name ends with `surname` ("Hariri": Saad Hariri, Rafik Hariri, ...),
        from layers of precedence `min_rank` or higher."""
        if self._surnames is None:
            index: dict[str, list[tuple[NamedActor, int]]] = {}
            for f in self.forms:
                a = f.actor
                if a is not None and a.kind == "person" and f.text == a.name:
                    entry = index.setdefault(a.name.split()[-1].lower(), [])
                    if all(a is not b for b, _ in entry):
                        entry.append((a, f.rank))
            self._surnames = index
        return [a for a, rank in self._surnames.get(surname.lower().replace("’", "'"), ()) if rank >= min_rank]

    def layer_name(self, rank: int) -> str:
        return self.layer_names.get(rank, str(rank))

    def entries(self, name: str) -> list[NameForm]:
        """Every name form written `name` (case and blanks ignored), of every layer."""
        want = " ".join(name.lower().split())
        return [f for f in self.forms if " ".join(f.text.lower().split()) == want]

    def search(self, text: str, limit: int = 50) -> list[NameForm]:
        """Name forms containing `text` (case-insensitive), highest precedence first, then shortest."""
        want = text.lower().strip()
        found = [f for f in self.forms if want in f.text.lower()]
        found.sort(key=lambda f: (-f.rank, len(f.text), f.text))
        return found[:limit]

    def describe(self, form: NameForm, when: dt.date | None) -> tuple[str | None, str | None, str | None]:
        """(code, sector, canonical name) a name form gives on `when`."""
        if form.actor is not None:
            e = form.actor.entity_on(when)
            return e.code, e.sector, e.name
        country = self.countries.get(form.code or "")
        return form.code, "GOV" if form.kind == "capital" else None, country.name if country else None

    def agent_code(self, term: str) -> str | None:
        """The code an agent word gives by itself ("MSF" -> NGO), if any."""
        return self.agent_codes.get(term.lower().strip())


_QUOTES = re.compile(r"[’`]")


def _clean(text: str) -> str:
    text = _QUOTES.sub("'", text.strip())
    if text.endswith("'s") or text.endswith("s'"):
        text = text[:-2] if text.endswith("'s") else text[:-1]
    return text.strip()


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def read_shipped_layer() -> Layer:
    """The converted Phoenix dictionaries in package data (see data/kb/phoenix/README.md)."""
    from importlib import resources

    path = resources.files("dotterel").joinpath("data", SHIPPED_LAYER)
    return read_layer(Path(str(path)), trusted=True)


NATIONALITY_ENDINGS = ("an", "ian", "ese", "i", "ish", "ic", "ch", "ot", "ene", "iote", "er")


def _names_the_country(alias: str, name: str) -> bool:
    """An alias that names the country itself (a spelling, an official name, a nationality word)
    rather than one of its places: shares the name's first letters, contains it, or ends like
    a nationality adjective ("Afganistan", "Islamic Republic of Afghanistan", "Afghan")."""
    a, n = alias.lower(), name.lower()
    if n in a or a[:4] == n[:4]:
        return True
    return len(alias.split()) == 1 and a.endswith(NATIONALITY_ENDINGS)


def _alias_case(text: str, kind: str, kb: KnowledgeBase, primary: bool = False) -> str | None:
    """How a name of the shipped dictionaries may match, or None when it is too risky to use.

    A one-word alias of a person is a bare surname that stands for many people (the article's
    own context resolves surnames instead); a one-word alias of a group or organization
    matches only as an abbreviation in capitals ("ANSF", not "Youth"); a one-word alias that is
    a sector word ("government") or a given name is not a name of this actor at all.
    """
    words = text.split()
    if len(words) > 1:
        return "caps"
    word = words[0]
    if word.lower() in kb.sectors or word.title() in kb.given_names:
        return None
    if kind == "person":
        return None  # a one-word name of a person (also a primary one: "Hassan") names many
    if kind in ("group", "org"):
        return "caps" if primary else "upper"
    return "caps"


def read_table_map(relpath: str, key: str, value: str) -> dict[str, str]:
    """Two columns of a packaged TSV file as a mapping (key upper-cased)."""
    return {row[key].upper(): row[value].upper() for row in read_table(relpath).rows}
