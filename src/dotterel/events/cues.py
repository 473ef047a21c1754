"""Cue words for modality and reported-speech evaluation (data/lexicon/cues.tsv)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dotterel.datafiles import read_table


@dataclass(slots=True)
class Cues:
    words: dict[str, frozenset[str]] = field(default_factory=dict)
    version: str = "0"

    @classmethod
    def load(cls, relpath: str = "lexicon/cues.tsv") -> Cues:
        table = read_table(relpath)
        groups: dict[str, set[str]] = {}
        for row in table.rows:
            groups.setdefault(row["kind"].strip().lower(), set()).add(row["word"].strip().lower())
        return cls(words={k: frozenset(v) for k, v in groups.items()}, version=table.version)

    def of(self, kind: str) -> frozenset[str]:
        return self.words.get(kind, frozenset())
