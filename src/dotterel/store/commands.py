"""Command-line commands of the store (ingest, events, stats, export), registered by dotterel.cli."""

from __future__ import annotations

import argparse
from collections.abc import Callable

HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {}


def register(sub) -> None:  # type: ignore[no-untyped-def]
    """Add the store's sub-commands to the CLI's sub-parsers."""
