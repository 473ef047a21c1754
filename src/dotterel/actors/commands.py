"""`dotterel kb ...`: import PETRARCH dictionaries, list, search, show and override actors.

Thin: arguments in, library calls, text out. Registered by cli.py through `register(sub)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotterel.errors import DotterelError

if TYPE_CHECKING:
    from dotterel.actors.kb import KnowledgeBase


def add_kb_option(parser: argparse.ArgumentParser) -> None:
    """`--kb DIR` (repeatable): knowledge-base layers over the built-in one, later over earlier."""
    parser.add_argument(
        "--kb",
        action="append",
        default=[],
        metavar="DIR",
        help="knowledge-base layer directory over the built-in one (repeatable; later ones win)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = sub.add_parser(
        "kb",
        help="knowledge base: import PETRARCH dictionaries, list, search, show, add entries",
        description="Maintain actor dictionaries: import PETRARCH/TABARI dictionaries into a layer, "
        "list the layers, search and show entries, add or override entries in a layer of your own.",
    )
    kbsub = kb.add_subparsers(dest="kb_command", required=True)

    imp = kbsub.add_parser(
        "import-petrarch",
        help="convert PETRARCH/TABARI actor, agent and verb dictionaries into a layer",
        description="Read PETRARCH/TABARI-format actor, agent and verb dictionaries into a knowledge-base "
        "layer directory for `dotterel code --kb DIR`. Malformed lines are reported (file:line) and skipped. "
        "A layer's verb dictionary is authoritative: the verbs it lists are coded with its codes.",
    )
    imp.add_argument("--actors", nargs="+", default=[], metavar="FILE", help="actor dictionaries")
    imp.add_argument("--agents", nargs="+", default=[], metavar="FILE", help="agent dictionaries")
    imp.add_argument(
        "--verbs", nargs="+", default=[], metavar="FILE", help="verb dictionaries (patterns with CAMEO codes)"
    )
    imp.add_argument("--output", required=True, metavar="DIR", help="layer directory to write")
    imp.add_argument("--name", help="layer name (default: the output directory's name)")
    imp.add_argument("--compress", action="store_true", help="write the layer's files gzip-compressed")
    imp.add_argument("--licence", help="licence of the dictionaries, recorded in the manifest (e.g. MIT)")
    imp.add_argument("--attribution", help="attribution of the dictionaries, recorded in the manifest")
    imp.add_argument(
        "--iso3",
        action="store_true",
        help="map CAMEO country codes that differ from ISO 3166 (USR -> SUN, TMP -> TLS; regions -> none)",
    )

    ls = kbsub.add_parser("list", help="the layers in use, with counts", description="List knowledge-base layers.")
    add_kb_option(ls)

    se = kbsub.add_parser(
        "search",
        help="find names containing some text",
        description="Names (of every layer) that contain TEXT, case-insensitively, with the code each gives.",
    )
    se.add_argument("text")
    se.add_argument("--date", help="date YYYY-MM-DD for dated roles (default: today)")
    se.add_argument("--limit", type=int, default=50)
    add_kb_option(se)

    sh = kbsub.add_parser(
        "show",
        help="every entry a name matches, layer by layer, and which one codes it",
        description="Show every entry written NAME (any layer), its roles with dates, and the one that wins.",
    )
    sh.add_argument("name")
    sh.add_argument("--date", help="date YYYY-MM-DD (default: today)")
    sh.add_argument("--json", action="store_true", help="JSON instead of text")
    add_kb_option(sh)

    add = kbsub.add_parser(
        "add",
        help="add or override an actor in a layer of your own",
        description="Append an actor to a layer directory (created if missing). Use the layer with --kb: "
        "its entries outrank the built-in knowledge base, so this overrides a wrong or stale code.",
    )
    add.add_argument("--layer", required=True, metavar="DIR")
    add.add_argument("--name", required=True)
    add.add_argument("--alias", action="append", default=[])
    add.add_argument("--code", help="ISO3 or UNO/EUR/IGO/NGO/IMG/MNC/ISM; omit for a known unknown")
    add.add_argument("--sector", help="PLOVER sector (GOV, MIL, REB, ...)")
    add.add_argument("--kind", default="person", choices=["person", "group", "org", "country"])
    add.add_argument("--start", help="role starts YYYY-MM-DD")
    add.add_argument("--end", help="role ends YYYY-MM-DD")


def _date(value: str | None, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DotterelError(f"{what} {value!r} is not YYYY-MM-DD") from None


def _cmd_kb(args: argparse.Namespace) -> int:
    return {
        "import-petrarch": _import,
        "list": _list,
        "search": _search,
        "show": _show,
        "add": _add,
    }[args.kb_command](args)


def _import(args: argparse.Namespace) -> int:
    from dotterel.actors.layers import import_petrarch_to

    if not args.actors and not args.verbs:
        raise DotterelError("give --actors FILE... or --verbs FILE... (or both)")
    for path in [*args.actors, *args.agents, *args.verbs]:
        if not Path(path).is_file():
            raise DotterelError(f"{path}: no such dictionary file")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise DotterelError(f"{out}: exists and is not a directory")
    extra = {k: v for k, v in (("licence", args.licence), ("attribution", args.attribution)) if v}
    result = import_petrarch_to(
        out,
        [Path(p) for p in args.actors],
        [Path(p) for p in args.agents],
        name=args.name,
        iso3=args.iso3,
        compress=args.compress,
        extra=extra,
    )
    for problem in result.problems:
        print(f"dotterel: skipped {problem}", file=sys.stderr)
    counts = result.layer.manifest["counts"]
    problems = len(result.problems)
    verbs = ""
    if args.verbs:
        from dotterel.events.dictframes import import_verbs

        imported = import_verbs(out, [Path(p) for p in args.verbs])
        for line in imported.problems:
            print(f"dotterel: skipped {line}", file=sys.stderr)
        problems += len(imported.problems)
        verbs = f", {imported.patterns} verb patterns"
    print(
        f"{out}: {counts['actors']} actors ({counts['names']} names), {counts['agents']} agent phrases{verbs}; "
        f"{problems} problems reported (those lines skipped)"
    )
    return 0


def _load_kb(args: argparse.Namespace) -> KnowledgeBase:
    from dotterel.actors.kb import KnowledgeBase

    return KnowledgeBase.load(getattr(args, "kb", []) or [])


def _list(args: argparse.Namespace) -> int:
    kb = _load_kb(args)
    print(f"{'layer':<24} {'version':<12} {'actors':>8} {'agents':>8}  precedence / path")
    n = kb.builtin_counts
    print(f"{'built-in':<24} {kb.versions.get('actors', '?'):<12} {n['actors']:>8} {n['sector words']:>8}  10")
    for layer in kb.layers:
        rank = kb.layer_rank.get(id(layer), 0)
        print(
            f"{layer.name:<24} {layer.version:<12} {len(layer.actors):>8} {len(layer.agents):>8}  "
            f"{rank} {layer.path}"
        )
    return 0


def _search(args: argparse.Namespace) -> int:
    kb = _load_kb(args)
    when = _date(args.date, "--date") or dt.date.today()
    rows = kb.search(args.text, limit=args.limit)
    for form in rows:
        code, sector, name = kb.describe(form, when)
        print(f"{form.text:<40} {code or '-':<4} {sector or '-':<4} {name or '-':<36} {kb.layer_name(form.rank)}")
    if not rows:
        print(f"no name contains {args.text!r}", file=sys.stderr)
        return 1
    return 0


def _show(args: argparse.Namespace) -> int:
    kb = _load_kb(args)
    when = _date(args.date, "--date") or dt.date.today()
    entries = kb.entries(args.name)
    if not entries:
        print(f"{args.name!r} is not a name in the knowledge base", file=sys.stderr)
        return 1
    winner = max(f.rank for f in entries)
    out: list[dict[str, Any]] = []  # JSON objects
    for form in sorted(entries, key=lambda f: -f.rank):
        code, sector, name = kb.describe(form, when)
        item: dict[str, Any] = {
            "written": form.text,
            "layer": kb.layer_name(form.rank),
            "kind": form.actor.kind if form.actor else form.kind,
            "name": name,
            "code": code,
            "sector": sector,
            "codes_it": form.rank == winner,
            "roles": [
                {
                    "code": r.code,
                    "sector": r.sector,
                    "start": r.start.isoformat() if r.start else None,
                    "end": r.end.isoformat() if r.end else None,
                    "note": r.role or None,
                    "also": [c for c, _ in r.also] or None,
                }
                for r in (form.actor.roles if form.actor else ())
            ],
        }
        out.append(item)
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    for item in out:
        mark = "*" if item["codes_it"] else " "
        print(
            f"{mark} {item['written']}  [{item['layer']}] {item['kind']}: {item['name'] or '-'} -> "
            f"{item['code'] or 'null'}/{item['sector'] or '-'} on {when.isoformat()}"
        )
        for r in item["roles"]:
            span = f"{r['start'] or '…'} to {r['end'] or '…'}"
            print(f"      {r['code'] or 'null'}/{r['sector'] or '-'}  {span}  {r['note'] or ''}")
    top = {item["name"] for item in out if item["codes_it"]}
    if len(top) > 1:
        print("* entries of the highest-precedence layer; which one codes the name depends on the article's date")
        print("  and the countries it names (none of them if it names none that decides)")
    else:
        print("* the entry that codes this name (highest-precedence layer)")
    return 0


def _add(args: argparse.Namespace) -> int:
    from dotterel.actors.layers import add_actor

    start, end = _date(args.start, "--start"), _date(args.end, "--end")
    if start and end and start > end:
        raise DotterelError("--start is after --end")
    path = add_actor(
        Path(args.layer),
        name=args.name,
        aliases=args.alias,
        code=args.code,
        sector=args.sector,
        kind=args.kind,
        start=start,
        end=end,
    )
    print(f"{path}: added {args.name!r}; code with --kb {args.layer}")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {"kb": _cmd_kb}
