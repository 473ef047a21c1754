"""Command-line side of the analyst's view: `dotterel show` (one event in the terminal) and
`dotterel serve` (the web view). Registered by dotterel.cli; thin like the store's commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from dotterel.errors import DotterelError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `show` and `serve` to the CLI's sub-parsers."""
    sh = sub.add_parser(
        "show",
        help="one event with its evidence highlighted, provenance and sources",
        description="Print a stored event's evidence sentence with the trigger, actor, recipient, date phrase "
        "and place highlighted; where its date and place came from; the trace, confidence, modality and every "
        "merged source.",
    )
    sh.add_argument(
        "event_id", metavar="EVENT_ID", help="the event's id (as in `dotterel events --format plover`)"
    )
    sh.add_argument("--db", required=True, metavar="FILE", help="the store (an SQLite file)")
    sh.add_argument("--width", type=int, help="terminal width (default: the terminal's)")

    sv = sub.add_parser(
        "serve",
        help="the web view of a store (timeline, network, map, events with evidence)",
        description="Serve a read-only web view of the store, with a JSON API under /api/ "
        "(documented at /openapi.json). Works offline.",
    )
    sv.add_argument("--db", required=True, metavar="FILE", help="the store (an SQLite file, opened read-only)")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    sv.add_argument("--port", type=int, default=8000, help="port (default: 8000)")


def _cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from dotterel.show import render_event
    from dotterel.store.db import Store
    from dotterel.store.evidence import event_evidence

    with Store.open(args.db, readonly=True) as store:
        evidence = event_evidence(store, args.event_id)
    console = Console(file=sys.stdout, width=args.width or max(100, Console().width), highlight=False)
    console.print(render_event(evidence))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from dotterel.store.db import Store
    from dotterel.web.app import create_app

    if not 0 < args.port < 65536:
        raise DotterelError(f"--port: {args.port} is not a port number (1..65535)")
    with Store.open(args.db, readonly=True):  # a clear error now rather than on the first request
        pass
    app = create_app(args.db)
    print(f"dotterel: serving {args.db} (read-only) on http://{args.host}:{args.port}/", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {"show": _cmd_show, "serve": _cmd_serve}
