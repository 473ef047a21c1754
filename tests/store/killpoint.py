"""Run a dotterel command that SIGKILLs itself at a chosen point: a test harness for crash safety.

    python -m tests.store.killpoint POINT:N ingest FOLDER --db FILE --no-progress

The command is the real CLI in a real process; only the moment of death is chosen. POINT is where,
N the how-manieth time this run passes there:

    coding          starting to code an article (nothing of it written yet)
    event-insert    inserting an event row (inside the article's transaction, some events written)
    cleared         after an article's old events were deleted (inside the transaction; --recode)
    before-commit   merging the article's events (all rows written, the transaction not committed)
    after-commit    right after an article's transaction committed
    rejected-input  recording an unreadable input (inside its transaction)
    duplicate       recording a duplicate article (inside its transaction)

If the run never reaches the point, it ends normally and the caller sees an exit status other than -9.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(owner: object, name: str, n: int, *, after: bool = False) -> None:
    original: Callable = getattr(owner, name)
    calls = 0

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == n and not after:
            _die()
        result = original(*args, **kwargs)
        if calls == n and after:
            _die()
        return result

    setattr(owner, name, wrapper)


def arm(point: str, n: int) -> None:
    from dotterel.pipeline import Coder
    from dotterel.store import merge
    from dotterel.store.db import Store

    targets = {
        "coding": (Coder, "_code_doc", False),
        "event-insert": (Store, "_insert_event", False),
        "cleared": (Store, "_clear_article", True),
        "before-commit": (merge, "refresh", False),
        "after-commit": (Store, "save_coded", True),
        "rejected-input": (Store, "save_rejected_input", False),
        "duplicate": (Store, "save_duplicate", False),
    }
    owner, name, after = targets[point]
    if point == "before-commit":  # refresh also runs for rejected and duplicate articles: count coded ones
        _arm_refresh_in_save_coded(n)
        return
    _arm(owner, name, n, after=after)


def _arm_refresh_in_save_coded(n: int) -> None:
    from dotterel.store import merge
    from dotterel.store.db import Store

    original_save = Store.save_coded
    original_refresh = merge.refresh
    saves = 0

    def save_coded(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal saves
        saves += 1
        return original_save(self, *args, **kwargs)

    def refresh(*args, **kwargs):  # type: ignore[no-untyped-def]
        if saves == n:
            _die()
        return original_refresh(*args, **kwargs)

    Store.save_coded = save_coded  # type: ignore[method-assign]
    merge.refresh = refresh  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    point, _, n = argv[0].partition(":")
    arm(point, int(n or 1))
    from dotterel.cli import main as cli_main

    return cli_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
