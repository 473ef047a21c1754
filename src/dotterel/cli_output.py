"""How the command line writes: warnings, tables for people, and a quiet end when a pipe closes.

A table on a terminal fits the window and shortens long evidence; written to a file or a pipe
(`dotterel events > f`, `| less -S`, `| grep`) it keeps every cell whole, one row a line, because
nobody reads it through a window there and cut text is lost text.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

PIPE_CLOSED = 141  # the status a shell reports for a command ended by SIGPIPE (128 + 13), as `yes | head` gives
_FILE_WIDTH = 100_000  # wide enough that no cell is folded or cut in a file


def warn(message: str) -> None:
    print(f"dotterel: warning: {message}", file=sys.stderr)


def is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def clip(text: str, width: int, out: TextIO) -> str:
    """A table cell: shortened to `width` characters on a terminal, whole elsewhere (white space runs as one)."""
    text = " ".join(text.split())
    if not is_terminal(out) or len(text) <= width:
        return text
    return text[:width] + "…"


def console(out: TextIO, min_width: int | None = None, **options: Any) -> Console:
    """A rich Console for `out`: the window's width (at least min_width) on a terminal, unbounded elsewhere
    (with min_width None: rich's own choice)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit with status 1; let the CLI end it like any command
            self.quiet = True
            raise BrokenPipeError

    if min_width is None:
        return _Console(file=out, **options)
    if is_terminal(out):
        return _Console(file=out, width=max(min_width, Console(file=out).width), **options)
    return _Console(file=out, width=_FILE_WIDTH, color_system=None, soft_wrap=False, **options)


def wide(out: TextIO) -> bool:
    """Whether table columns should keep their text on one line (output is not a terminal)."""
    return not is_terminal(out)


def pipe_closed() -> int:
    """After a BrokenPipeError: point stdout and stderr at /dev/null (Python flushes them at exit,
    which would fail again and print a traceback) and return the status of a command ended by SIGPIPE."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass
    os.close(devnull)
    return PIPE_CLOSED
