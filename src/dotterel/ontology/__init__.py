"""PLOVER event types and the CAMEO codebook, loaded from packaged data files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

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


@dataclass(slots=True)
class Ontology:
    types: dict[str, PloverType] = field(default_factory=dict)
    cameo: dict[str, CameoCode] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Ontology:
        onto = cls()
        try:
            raw = json.loads(read_text("ontology/plover.json"))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"data file ontology/plover.json is not JSON: {exc}") from exc
        onto.versions["plover"] = str(raw.get("version", "0"))
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
