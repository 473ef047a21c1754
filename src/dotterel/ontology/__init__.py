"""PLOVER event types and the CAMEO codebook, loaded from packaged data files.

Everything the code knows about the ontology is read here: the types with their quad codes,
modes and traits, the CAMEO codes, and the actor codes that are not countries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dotterel.datafiles import read_table, read_text
from dotterel.errors import DataFileError

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CameoCode:
    code: str
    label: str
    goldstein: float | None
    event: str | None
    mode: str | None
    context: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PloverType:
    name: str
    quad_code: int
    modes: tuple[str, ...]
    cameo_default: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventTraits:
    """Which types have each trait that decides how their two sides are read (plover.json
    `_event_traits` says what each means)."""

    symmetric: frozenset[str] = frozenset()  # the sides are unordered: "A met B" is "B met A"
    mutual: frozenset[str] = frozenset()  # parties named together on one side act on each other
    one_sided: frozenset[str] = frozenset()  # may be coded with no recipient; the others need one

    @classmethod
    def load(cls) -> EventTraits:
        """The traits alone (for the parts of the coder that need no more of the ontology)."""
        return cls.from_plover(_read_plover())

    @classmethod
    def from_plover(cls, raw: Mapping[str, Any]) -> EventTraits:
        types = raw["event_types"]

        def having(trait: str) -> frozenset[str]:
            bad = [name for name, spec in types.items() if not isinstance(spec.get(trait), bool)]
            if bad:
                raise DataFileError(f"ontology/plover.json: event types {bad} lack a true/false {trait!r}")
            return frozenset(name for name, spec in types.items() if spec[trait])

        return cls(symmetric=having("symmetric"), mutual=having("mutual"), one_sided=having("one_sided"))


def non_state_codes(subset: Literal["record", "dictionary"] = "record") -> tuple[str, ...]:
    """Actor codes that are not countries (plover.json `non_state_codes`).

    "record": the codes an event record may carry (CONTRACT.md's order); "dictionary": those and
    the CAMEO codes only PETRARCH dictionaries use (the data file says why the two differ).
    """
    spec = _read_plover().get("non_state_codes") or {}
    record, cameo = spec.get("record"), spec.get("cameo")
    if not isinstance(record, list) or not isinstance(cameo, list):
        raise DataFileError("ontology/plover.json: non_state_codes needs the lists 'record' and 'cameo'")
    codes = record if subset == "record" else record + cameo
    return tuple(str(c) for c in codes)


def _read_plover() -> dict[str, Any]:
    try:
        raw = json.loads(read_text("ontology/plover.json"))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"data file ontology/plover.json is not JSON: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("event_types"), dict):
        raise DataFileError("data file ontology/plover.json has no event_types object")
    return raw


@dataclass(slots=True)
class Ontology:
    types: dict[str, PloverType] = field(default_factory=dict)
    cameo: dict[str, CameoCode] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    traits: EventTraits = field(default_factory=EventTraits)

    @classmethod
    def load(cls) -> Ontology:
        onto = cls()
        raw = _read_plover()
        onto.versions["plover"] = str(raw.get("version", "0"))
        onto.traits = EventTraits.from_plover(raw)
        for name, spec in raw["event_types"].items():
            onto.types[name] = PloverType(
                name=name,
                quad_code=int(spec["quad_code"]),
                modes=tuple(spec.get("modes") or ()),
                cameo_default=spec.get("cameo_default"),
            )
        missing = set(PLOVER_TYPES) - set(onto.types)
        if missing:
            raise DataFileError(f"ontology/plover.json lacks event types {sorted(missing)}")
        table = read_table("ontology/cameo.tsv")
        onto.versions["cameo"] = table.version
        for row in table.rows:
            gs = row.get("goldstein", "")
            onto.cameo[row["code"]] = CameoCode(
                code=row["code"],
                label=row.get("label", ""),
                goldstein=float(gs) if gs not in ("", "-") else None,
                event=row.get("event") or None,
                mode=row.get("mode") or None,
                context=row.get("context") or None,
            )
        return onto

    def quad(self, event: str) -> int:
        return self.types[event].quad_code

    def goldstein(self, cameo: str | None) -> float | None:
        while cameo:
            found = self.cameo.get(cameo)
            if found is not None and found.goldstein is not None:
                return found.goldstein
            cameo = cameo[:-1] if len(cameo) > 2 else None
        return None

    def context_of(self, cameo: str | None) -> tuple[str, ...]:
        found = self.cameo.get(cameo or "")
        if found is None or not found.context:
            return ()
        return tuple(c.strip() for c in found.context.replace(";", "|").split("|") if c.strip())
