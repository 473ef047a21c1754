"""The event trigger lexicon (data/lexicon/events.tsv)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dotterel.datafiles import read_table, split_list
from dotterel.errors import DataFileError


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    pos: str
    lemma: str
    particle: str | None
    objects: frozenset[str]
    event: str | None  # None: an explicit non-event ("decline to comment")
    mode: str | None
    cameo: str | None
    note: str
    line: int

    @property
    def specificity(self) -> int:
        return 2 * bool(self.objects) + bool(self.particle)

    @property
    def key(self) -> str:
        parts = [self.pos.lower(), self.lemma]
        if self.particle:
            parts.append(self.particle)
        if self.objects:
            parts.append("+".join(sorted(self.objects)))
        return ":".join(parts)


@dataclass(slots=True)
class Lexicon:
    entries: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    version: str = "0"

    @classmethod
    def load(cls, relpath: str = "lexicon/events.tsv") -> Lexicon:
        table = read_table(relpath)
        lex = cls(version=table.version)
        for n, row in enumerate(table.rows, 1):
            try:
                pos = row["pos"].upper()
                lemma = row["lemma"].lower()
            except KeyError as exc:
                raise DataFileError(f"{relpath} row {n}: missing column {exc}") from exc
            event = row.get("event", "").upper()
            entry = Entry(
                pos=pos,
                lemma=lemma,
                particle=None if row.get("particle", "-") in ("", "-") else row["particle"].lower(),
                objects=frozenset(o.lower() for o in split_list(row.get("object", "")) if o != "-"),
                event=None if event in ("", "NONE", "-") else event,
                mode=None if row.get("mode", "-") in ("", "-") else row["mode"],
                cameo=None if row.get("cameo", "-") in ("", "-") else row["cameo"],
                note=row.get("note", ""),
                line=n,
            )
            lex.entries.setdefault((pos, lemma), []).append(entry)
        for entries in lex.entries.values():
            entries.sort(key=lambda e: -e.specificity)
        return lex

    def candidates(self, pos: str, lemma: str) -> list[Entry]:
        """Entries for a trigger, most specific first."""
        return self.entries.get((pos, lemma.lower()), [])
