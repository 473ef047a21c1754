"""Errors the library raises; the CLI and web turn them into messages."""

from __future__ import annotations


class DotterelError(Exception):
    """Base class of every error dotterel raises on purpose."""


class InputError(DotterelError):
    """An input (file, line, field) that cannot be coded. Names the input and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # rebuilt from (source, problem) when sent between processes (worker processes, Ray)
        return (type(self), (self.source, self.problem))


class DataFileError(DotterelError):
    """A packaged data file (lexicon, knowledge base, ontology) is missing or malformed."""


class ModelError(DotterelError):
    """The spaCy model (or another model) cannot be loaded."""
