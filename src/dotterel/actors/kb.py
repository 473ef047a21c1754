"""The knowledge base: countries, sector words, organizations and named actors with dated roles.

Loaded once from the packaged data files (see data/README.md) and passed to the stages that
need it; nothing here is module-level state.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dotterel.datafiles import read_jsonl, read_table, split_list
from dotterel.errors import DataFileError
from dotterel.records import Entity


@dataclass(frozen=True, slots=True, kw_only=True)
class Role:
    code: str
    sector: str | None
    role: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, when: dt.date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


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
        kind = self.kind if self.kind in ("person", "group", "org") else "org"
        if role is None:
            return Entity(code=None, sector=None, name=self.name, kind=kind)  # type: ignore[arg-type]
        return Entity(code=role.code, sector=role.sector, name=self.name, kind=kind)  # type: ignore[arg-type]


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
    sectors: dict[str, tuple[str, str]] = field(default_factory=dict)
    actors: dict[str, list[NamedActor]] = field(default_factory=dict)
    given_names: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> KnowledgeBase:
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
        return kb

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

    def capital_code(self, text: str) -> str | None:
        return self.capitals.get(_clean(text))

    def sector_of(self, term: str) -> tuple[str, str] | None:
        """(sector, kind) of a lower-case word or phrase, singular or plural."""
        return self.sectors.get(term.lower().strip())

    def named(self, text: str) -> list[NamedActor]:
        text = _clean(text)
        return self.actors.get(text) or self.actors.get(_strip_the(text)) or []

    def all_surface_forms(self) -> set[str]:
        """Every name the knowledge base can match in text."""
        return set(self.actors) | set(self.country_names) | set(self.capitals)


_QUOTES = re.compile(r"[’`]")


def _clean(text: str) -> str:
    text = _QUOTES.sub("'", text.strip())
    if text.endswith("'s") or text.endswith("s'"):
        text = text[:-2] if text.endswith("'s") else text[:-1]
    return text.strip()


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text
