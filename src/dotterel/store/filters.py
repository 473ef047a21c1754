"""Filter values from people (command-line flags, web query parameters) checked and turned into an EventFilter.

    vocabulary = Vocabulary.load(store)
    flt = parse_filter({"event": ["ASSAULT"], "actor": "IRN/MIL", "since": "2024-11"}, vocabulary)

An unknown value is an error, never an empty answer: `--event ASSUALT` matching nothing would look
like "no assaults". FilterError names the field and the value and suggests the closest valid
values, for the CLI and the web API alike.

Valid values come from the package data (the 16 PLOVER types, quad codes 1-4, the CAMEO codebook,
PLOVER sectors, the knowledge base's country and organization codes) and, for codes, sectors and
CAMEO codes that a store holds from another knowledge base (`--kb`), from the store itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dotterel.datafiles import read_table, read_text
from dotterel.errors import DotterelError
from dotterel.ontology import PLOVER_TYPES, non_state_codes
from dotterel.store.query import ActorSpec, EventFilter, fts_query

if TYPE_CHECKING:
    from dotterel.store.db import Store

FIELDS = ("since", "until", "actor", "recipient", "event", "cameo", "quad", "source", "article", "text", "limit")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CODE = re.compile(r"^[A-Z]{3}$")


class FilterError(DotterelError):
    """A filter value that is not valid: which field, which value, why, and the closest valid values."""

    def __init__(
        self, field: str, value: str, problem: str, suggestions: Sequence[str] = (), valid: str = ""
    ) -> None:
        self.field = field
        self.value = value
        self.problem = problem
        self.suggestions = tuple(suggestions)
        self.valid = valid  # the valid values in words, when they are few enough to list
        super().__init__(self.message())

    def message(self, name: str | None = None) -> str:
        """The message, naming the field as `name` (the CLI says "--event", the web API "event")."""
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        valid = f" (valid: {self.valid})" if self.valid else ""
        return f"{name or self.field} {self.value!r}: {self.problem}{hint}{valid}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Vocabulary:
    """The values filters accept. `in_store(kind, value)` answers for values only a store knows."""

    events: tuple[str, ...]
    cameo: frozenset[str]
    sectors: frozenset[str]
    codes: frozenset[str]
    names: Mapping[str, str]  # lower-case country and organization names -> code ("iran" -> IRN)
    in_store: Callable[[str, str], bool] | None = None

    @classmethod
    def load(cls, store: Store | None = None) -> Vocabulary:
        """Valid values from the package data, and from `store` (a dotterel.store.db.Store) when given."""
        plover = json.loads(read_text("ontology/plover.json"))
        names: dict[str, str] = {}
        for table, column in (("kb/countries.tsv", "iso3"), ("kb/organizations.tsv", "code")):
            for row in read_table(table).rows:
                for name in (row["name"], *(row.get("aliases") or "").split("|")):
                    if name.strip():
                        names.setdefault(name.strip().lower(), row[column].upper())
        codes = set(names.values())
        return cls(
            names=names,
            events=PLOVER_TYPES,
            cameo=frozenset(row["code"] for row in read_table("ontology/cameo.tsv").rows),
            sectors=frozenset(s.upper() for s in plover.get("sectors", {})),
            codes=frozenset(codes | set(non_state_codes())),
            in_store=_store_lookup(store) if store is not None else None,
        )

    def stored(self, kind: str, value: str) -> bool:
        return self.in_store is not None and self.in_store(kind, value)


def _store_lookup(store: Store) -> Callable[[str, str], bool]:
    queries = {
        "code": "SELECT 1 FROM entities WHERE code = ? LIMIT 1",
        "sector": "SELECT 1 FROM entities WHERE sector = ? LIMIT 1",
        "cameo": "SELECT 1 FROM events WHERE cameo LIKE ? || '%' LIMIT 1",
    }

    def lookup(kind: str, value: str) -> bool:
        return store.connection.execute(queries[kind], (value,)).fetchone() is not None

    return lookup


def parse_filter(values: Mapping[str, object], vocabulary: Vocabulary) -> EventFilter:
    """An EventFilter from raw values keyed by FIELDS (other keys are not read; None means not given).

    `event` may be a list of types or one comma-separated string. Dates are YYYY, YYYY-MM or
    YYYY-MM-DD: since takes the first day of the period, until its last.
    Raises FilterError for the first value that is not valid.
    """

    def text(name: str) -> str | None:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(value).strip()

    since = _date(text("since"), "since", last=False)
    until = _date(text("until"), "until", last=True)
    if since and until and since > until:
        raise FilterError("since", text("since") or "", f"after until {text('until')!r}: no date can match")
    words = text("text")
    if words is not None:
        try:
            fts_query(words)
        except DotterelError as exc:
            raise FilterError("text", words, str(exc)) from None
    return EventFilter(
        since=since,
        until=until,
        actor=_actor(text("actor"), "actor", vocabulary),
        recipient=_actor(text("recipient"), "recipient", vocabulary),
        events=_events(values.get("event"), vocabulary),
        cameo=_cameo(text("cameo"), vocabulary),
        quad=_quad(text("quad")),
        source=text("source"),
        article=text("article"),
        text=words,
        limit=_limit(text("limit")),
    )


def _close(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The valid values closest to a wrong one (difflib's similarity, a shared beginning counting extra:
    IRX suggests IRN and IRQ before VIR)."""

    def score(choice: str) -> float:
        shared = len(os.path.commonprefix([value, choice]))
        return difflib.SequenceMatcher(None, value, choice).ratio() + 0.1 * shared

    ranked = sorted(((score(c), c) for c in choices), key=lambda sc: (-sc[0], sc[1]))
    return [c for sc, c in ranked[:n] if sc >= 0.6]


def _date(value: str | None, name: str, *, last: bool) -> dt.date | None:
    if value is None:
        return None
    found = _DATE.match(value)
    try:
        if found is None:
            raise ValueError
        year, month, day = int(found[1]), int(found[2] or 0), int(found[3] or 0)
        if not month:
            return dt.date(year, 12, 31) if last else dt.date(year, 1, 1)
        if not day:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1)
        return dt.date(year, month, day)
    except ValueError:
        raise FilterError(name, value, "not a date", valid="YYYY-MM-DD, YYYY-MM or YYYY") from None


def _events(value: object, vocabulary: Vocabulary) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        given: list[object] = [value]
    elif isinstance(value, Iterable):
        given = list(value)
    else:
        raise FilterError("event", str(value), "not an event type nor a list of them")
    types: list[str] = []
    for item in given:
        for name in str(item).split(","):
            name = name.strip().upper()
            if not name:
                continue
            if name not in vocabulary.events:
                raise FilterError(
                    "event",
                    name,
                    "not a PLOVER event type",
                    _close(name, vocabulary.events),
                    ", ".join(vocabulary.events),
                )
            types.append(name)
    return tuple(types)


def _actor(value: str | None, name: str, vocabulary: Vocabulary) -> ActorSpec | None:
    if value is None:
        return None
    spec = value.upper()
    code, _, sector = spec.partition("/")
    code = "" if code == "*" else code
    if (code and not _CODE.match(code)) or (sector and not _CODE.match(sector)) or not (code or sector):
        named = vocabulary.names.get(value.partition("/")[0].strip().lower())
        raise FilterError(
            name,
            value,
            "not an actor",
            [f"{named}{'/' + sector if sector else ''}"] if named else [],
            "a code (IRN), code/sector (IRN/GOV) or /sector (/GOV)",
        )
    if code and code not in vocabulary.codes and not vocabulary.stored("code", code):
        raise FilterError(
            name,
            value,
            f"{code} is not a known actor code",
            _close(code, vocabulary.codes),
            f"ISO 3166 alpha-3 country codes, {', '.join(non_state_codes())}",
        )
    if sector and sector not in vocabulary.sectors and not vocabulary.stored("sector", sector):
        raise FilterError(
            name,
            value,
            f"{sector} is not a PLOVER sector",
            _close(sector, vocabulary.sectors),
            ", ".join(sorted(vocabulary.sectors)),
        )
    return ActorSpec(code=code or None, sector=sector or None)


def _cameo(value: str | None, vocabulary: Vocabulary) -> str | None:
    if value is None:
        return None
    if not value.isdigit() or not value.isascii():
        raise FilterError("cameo", value, "not a CAMEO code", valid="digits, such as 04 or 042")
    if not any(code.startswith(value) for code in vocabulary.cameo) and not vocabulary.stored("cameo", value):
        roots = sorted({code[:2] for code in vocabulary.cameo})
        raise FilterError(
            "cameo",
            value,
            f"no CAMEO code starts with {value}",
            _close(value, vocabulary.cameo if len(value) > 2 else roots),
            f"codes of the CAMEO codebook, root codes {roots[0]} to {roots[-1]}",
        )
    return value


def _quad(value: str | None) -> int | None:
    if value is None:
        return None
    if value not in ("1", "2", "3", "4"):
        raise FilterError(
            "quad",
            value,
            "not a quad code",
            valid="1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict",
        )
    return int(value)


def _limit(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or int(value) < 1:
        raise FilterError("limit", value, "not a number of rows", valid="a whole number, 1 or more")
    return int(value)
