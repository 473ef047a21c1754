"""Command line: parse arguments, call the library, format output. Nothing else."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from dotterel import __version__
from dotterel.errors import DotterelError, InputError

FORMATS = ("plover", "table", "csv")


def build_parser() -> argparse.ArgumentParser:
    from dotterel.actors.commands import add_kb_option

    parser = argparse.ArgumentParser(
        prog="dotterel",
        description="Political event data from news text (PLOVER with CAMEO alongside), offline on a CPU.",
    )
    parser.add_argument("--version", action="version", version=f"dotterel {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    code = sub.add_parser(
        "code",
        help="code articles into events",
        description="Code articles (.txt, .jsonl, or - for stdin) into PLOVER/CAMEO events.",
    )
    code.add_argument("paths", nargs="+", metavar="PATH", help=".txt file, .jsonl file, or - for standard input")
    code.add_argument("--published", help="publication date YYYY-MM-DD for .txt and stdin input")
    code.add_argument("--format", choices=FORMATS, default="plover", help="output format (default: plover)")
    code.add_argument("--output", help="write to this file instead of standard output")
    code.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_kb_option(code)

    cls = sub.add_parser(
        "classify",
        help="classify sentences (with optional actor/recipient spans)",
        description="Classify sentences: the PLOVER event the actor directs at the recipient, "
        "or the sentence's main event.",
    )
    cls.add_argument("input", metavar="INPUT.jsonl")
    cls.add_argument("--output", help="write to this file instead of standard output")

    ev = sub.add_parser(
        "evaluate",
        help="score coded events against gold events",
        description="Score an article's predicted events against gold events "
        "(matching rules of shared/gold/README.md).",
    )
    ev.add_argument("task", choices=["article", "plv", "penta", "dyads"])
    ev.add_argument("--gold", required=True, help="gold events (article: JSONL; plv, penta: TSV)")
    ev.add_argument("--text", help="the article text (task article)")
    ev.add_argument("--pred", required=True, help="predictions, JSON Lines")
    ev.add_argument("--verbose", action="store_true", help="matches, misses and false positives / confusions")
    tr = sub.add_parser(
        "train",
        help="train the learned event classifier (needs the [train] extra)",
        description="Train, export and quantize the event classifier (pip install -e .[train]).",
    )
    tr.add_argument("--data", required=True, help="directory with dev/ and synthetic/ (like ../shared/data)")
    tr.add_argument("--output", required=True, help="directory for classifier.onnx, tokenizer, labels, manifest")
    tr.add_argument("--seed", type=int, default=13)
    tr.add_argument("--epochs", type=int, help="training epochs (default: the tuned number)")
    tr.add_argument(
        "--synthetic",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also train on the synthetic stories (default: the tuned choice)",
    )

    from dotterel.actors.commands import register as register_kb
    from dotterel.store.commands import register as register_store

    register_store(sub)
    register_kb(sub)
    return parser


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise DotterelError(f"{path}: cannot write output ({exc.strerror or exc})") from exc
    with handle:
        yield handle


def _report(err: InputError) -> None:
    print(f"dotterel: rejected {err}", file=sys.stderr)


def _cmd_code(args: argparse.Namespace) -> int:
    from dotterel.export.plover import CSV_COLUMNS, to_plover, to_row
    from dotterel.inputs import read_articles
    from dotterel.pipeline import Coder, published_date

    published = published_date(args.published, "--published") if args.published else None
    coder = Coder.load(kb_layers=args.kb)
    rejected = 0
    all_events = []
    items = list(read_articles(args.paths, published))
    good = []
    for item in items:
        if isinstance(item, InputError):
            _report(item)
            rejected += 1
        else:
            good.append(item)
    with _output(args.output) as out:
        writer = None
        if args.format == "csv":
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
            writer.writeheader()
        for outcome in _with_progress(coder.code_many(good), len(good), not args.no_progress):
            if outcome.error is not None:
                _report(outcome.error)
                rejected += 1
                continue
            for event in outcome.events:
                if args.format == "plover":
                    out.write(json.dumps(to_plover(event), ensure_ascii=False) + "\n")
                elif writer is not None:
                    writer.writerow(to_row(event))
                else:
                    all_events.append(event)
        if args.format == "table":
            _print_table(all_events, out)
    return 1 if rejected else 0


def _with_progress(outcomes, total: int, enabled: bool):  # type: ignore[no-untyped-def]
    if not enabled or total < 2:
        yield from outcomes
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("coding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr_console(),
        transient=False,
    ) as progress:
        task = progress.add_task("coding", total=total)
        for outcome in outcomes:
            progress.advance(task)
            yield outcome


def _stderr_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(file=sys.stderr)


def _print_table(events, out: TextIO) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(events)} events", show_lines=False)
    for col in ("date", "event", "cameo", "actor", "recipient", "place", "conf", "evidence"):
        table.add_column(col, overflow="fold")
    for e in events:
        date = e.date.iso() + ("*" if e.date.inherited else "") if e.date else "-"
        actor = ", ".join(f"{x.code or '?'}/{x.sector or '-'}" for _, x in e.actor)
        recip = ", ".join(f"{x.code or '?'}/{x.sector or '-'}" for _, x in e.recipient) or "-"
        place = e.location.resolved_place if e.location else "-"
        hedge = " (hedged)" if e.modality.hedged else ""
        table.add_row(
            date,
            e.event + hedge,
            e.cameo or "-",
            actor,
            recip,
            place,
            f"{e.confidence:.2f}",
            e.event_text[:90] + ("…" if len(e.event_text) > 90 else ""),
        )
    console = Console(file=out, width=max(120, Console().width if out is sys.stdout else 160))
    console.print(table)
    if events:
        console.print("* date inherited from the article's context")


def _cmd_classify(args: argparse.Namespace) -> int:
    from dotterel.events.classify import Item, classify
    from dotterel.pipeline import Coder

    path = Path(args.input)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DotterelError(f"{path}: cannot be read ({exc})") from exc
    items: list[Item | InputError] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(InputError(where, f"invalid JSON ({exc.msg})"))
            continue
        if (
            not isinstance(obj, dict)
            or obj.get("id") is None
            or not isinstance(obj.get("text"), str)
            or not obj["text"].strip()
        ):
            items.append(InputError(where, "needs an object with 'id' and non-empty 'text'"))
            continue
        items.append(
            Item(
                id=str(obj["id"]),
                text=obj["text"],
                actor=obj.get("actor") or None,
                recipient=obj.get("recipient") or None,
            )
        )
    coder = Coder.load()
    rejected = 0
    with _output(args.output) as out:
        for answer in classify(coder, items):
            if isinstance(answer, InputError):
                _report(answer)
                rejected += 1
                continue
            out.write(
                json.dumps(
                    {
                        "id": answer.id,
                        "event": [answer.event] if answer.event else [],
                        "cameo": answer.cameo,
                        "confidence": answer.confidence,
                        "rule": answer.rule,
                    }
                )
                + "\n"
            )
    return 1 if rejected else 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from dotterel.evaluation import load_gold, load_predictions, score_article

    if args.task in ("plv", "penta"):
        return _evaluate_labels(args)
    if args.task == "dyads":
        from dotterel.evaluation import score_dyads

        result = score_dyads(load_gold(Path(args.gold)), load_predictions(Path(args.pred)))
        print(
            "dyads: "
            + " ".join(f"{k}={v:.3f}" for k, v in result.figures().items())
            + f" (tp={result.tp} fp={result.fp} fn={result.fn})"
        )
        return 0
    if not args.text:
        raise DotterelError("evaluate article needs --text ARTICLE.txt")
    text = Path(args.text).read_text(encoding="utf-8")
    result = score_article(load_gold(Path(args.gold)), load_predictions(Path(args.pred)), text)
    if args.verbose:
        for line in result.details:
            print(line)
    print(
        "article: "
        + " ".join(f"{k}={v:.3f}" for k, v in result.figures().items())
        + f" (matched={result.matched} false_pos={result.false_positives})"
    )
    return 0


def _evaluate_labels(args: argparse.Namespace) -> int:
    from dotterel.evaluation import load_predictions, score_penta, score_plv

    gold_path = Path(args.gold)
    pred = load_predictions(Path(args.pred))
    with gold_path.open(encoding="utf-8", errors="replace") as f:
        if args.task == "plv":
            result = score_plv(list(csv.DictReader(f, delimiter="\t")), pred)
        else:
            labels = [int(line.rstrip("\r\n").rsplit("\t", 1)[1]) for line in f if line.strip()]
            result = score_penta(labels, pred)
    if args.verbose:
        for label, f1 in result.per_class().items():
            print(f"  F1 {label:<10} {f1:.3f}")
        for g, p, n in result.confusions():
            print(f"  {n:4d} gold {g:<10} predicted {p}")
    print(f"{args.task}: accuracy={result.accuracy():.3f} macro_f1={result.macro_f1():.3f} (n={len(result.gold)})")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from dotterel.train import train

    options: dict = {"seed": args.seed}
    if args.epochs is not None:
        options["epochs"] = args.epochs
    if args.synthetic is not None:
        options["use_synthetic"] = args.synthetic
    manifest = train(Path(args.data), Path(args.output), **options)
    print(json.dumps(manifest.get("validation", {}), indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from dotterel.actors.commands import HANDLERS as KB_HANDLERS
    from dotterel.store.commands import HANDLERS as STORE_HANDLERS

    handlers = {
        "code": _cmd_code,
        "classify": _cmd_classify,
        "evaluate": _cmd_evaluate,
        "train": _cmd_train,
        **STORE_HANDLERS,
        **KB_HANDLERS,
    }
    try:
        return handlers[args.command](args)
    except DotterelError as exc:
        print(f"dotterel: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"dotterel: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
