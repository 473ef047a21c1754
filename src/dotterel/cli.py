"""Command line: parse arguments, call the library, format output. Nothing else."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import functools
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dotterel import __version__
from dotterel.errors import DotterelError, InputError

if TYPE_CHECKING:
    from rich.console import Console

    from dotterel.pipeline import Outcome
    from dotterel.records import Article, Event

FORMATS = ("plover", "table", "csv", "gdelt")


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
    from dotterel.engines import add_coding_options

    add_coding_options(code, engines=True)
    add_kb_option(code)
    code.add_argument(
        "--min-confidence",
        type=_confidence,
        default=0.0,
        metavar="X",
        help="only events whose confidence is at least X (0..1); see the README's precision-recall table",
    )

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
    ev.add_argument("task", choices=["article", "articles", "plv", "penta", "dyads"])
    ev.add_argument(
        "dirs",
        nargs="*",
        metavar="DIR",
        help="articles: folders of NAME.txt + NAME.json + NAME.gold.jsonl, coded and scored together",
    )
    ev.add_argument("--gold", help="gold events (article: JSONL; plv, penta: TSV)")
    ev.add_argument("--text", help="the article text (task article)")
    ev.add_argument("--pred", help="predictions, JSON Lines")
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

    te = sub.add_parser(
        "train-events",
        help="train the event detector and pair model on annotated articles",
        description="Train the sentence event detector and the pair model on whole annotated articles "
        "(NAME.txt, NAME.json, NAME.gold.jsonl), cross-validated by article. Never train on the "
        "development articles that measure the coder.",
    )
    te.add_argument("--articles", action="append", required=True, metavar="DIR", help="annotated article folder")
    te.add_argument("--labels", action="append", default=[], metavar="DIR", help="label folder (texts in --news)")
    te.add_argument("--news", help="JSON Lines file with the texts of --labels articles")
    te.add_argument(
        "--output", required=True, help="folder for detector.npz, pairs.npz, choice.npz, events_manifest.json"
    )
    te.add_argument(
        "--scorer",
        action="store_true",
        help="also fine-tune the option scorer (options.onnx; needs pip install -e .[train], about 35 min on 2 cores)",
    )
    te.add_argument(
        "--no-encoder",
        action="store_true",
        help="train the detector without the sentence encoder's features (faster coding, lower accuracy)",
    )

    from dotterel.actors.commands import register as register_kb
    from dotterel.store.commands import register as register_store

    register_store(sub)
    register_kb(sub)
    from dotterel.web.commands import register as register_view

    register_view(sub)
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


def _confidence(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number between 0 and 1") from None
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return x


def _cmd_code(args: argparse.Namespace) -> int:
    from dotterel.cli_output import warn
    from dotterel.engines import limits_from, open_coder
    from dotterel.export.plover import CSV_COLUMNS, to_plover, to_row
    from dotterel.inputs import read_articles
    from dotterel.pipeline import Coder, published_date

    published = published_date(args.published, "--published") if args.published else None
    if args.engine == "ray":
        from dotterel.ray_engine import run_from_args

        return run_from_args(args, published)
    load = functools.partial(Coder.load, kb_layers=tuple(args.kb or ()))
    rejected = 0
    all_events = []
    gdelt = _GdeltRows() if args.format == "gdelt" else None

    def articles() -> Iterator[Article]:
        """The input, streamed: bad items are reported as they are read, repeated ids coded once."""
        nonlocal rejected
        seen: set[str] = set()
        for item in read_articles(args.paths, published, warn=warn):
            if isinstance(item, InputError):
                _report(item)
                rejected += 1
            elif item.id in seen:
                warn(f"article {item.id!r} is given twice; coded once")
            else:
                seen.add(item.id)
                yield item

    total = None
    if not args.no_progress:
        from dotterel.store.commands import _count_inputs

        total = _count_inputs(args.paths)
    with (
        _output(args.output) as out,
        open_coder(load, workers=args.workers, limits=limits_from(args)) as coder,
    ):
        writer = None
        if args.format == "csv":
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
            writer.writeheader()
        for outcome in _with_progress(coder.code_many(articles()), total, not args.no_progress):
            if args.min_confidence > 0:
                kept = tuple(e for e in outcome.events if e.confidence >= args.min_confidence)
                outcome = dataclasses.replace(outcome, events=kept)
            if outcome.error is not None:
                _report(outcome.error)
                rejected += 1
                continue
            if gdelt is not None:
                gdelt.write(outcome, out)
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
    if gdelt is not None and gdelt.undated:
        print(
            f"dotterel: left out {gdelt.undated} events without a date (a GDELT row needs the event date)",
            file=sys.stderr,
        )
    return 1 if rejected else 0


class _GdeltRows:
    """`code --format gdelt`: one GDELT row per event (no store, so no merging: one mention each)."""

    def __init__(self) -> None:
        import datetime as dt

        from dotterel.export.gdelt import Countries

        self.countries = Countries.load()
        self.added = dt.datetime.now(dt.UTC)
        self.rows = 0
        self.undated = 0

    def write(self, outcome: Outcome, out: TextIO) -> None:
        from dotterel.export.gdelt import article_source_url, event_row
        from dotterel.lead import in_lead

        article = outcome.article
        for event in outcome.events:
            row = event_row(
                global_id=self.rows + 1,
                event=event,
                is_root=in_lead(article.text, event.text_info),
                mentions=(1, 1, 1),
                added=self.added,
                source_url=article_source_url(article),
                countries=self.countries,
            )
            if row is None:
                self.undated += 1
                continue
            out.write("\t".join(row) + "\n")
            self.rows += 1


def _with_progress(outcomes: Iterable[Outcome], total: int | None, enabled: bool) -> Iterator[Outcome]:
    if not enabled or (total is not None and total < 2):
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


def _stderr_console() -> Console:
    from dotterel.cli_output import console

    return console(sys.stderr)


def _print_table(events: Sequence[Event], out: TextIO) -> None:
    from rich.table import Table

    from dotterel.cli_output import clip, console, wide

    table = Table(title=f"{len(events)} events", show_lines=False, title_justify="left" if wide(out) else "center")
    for col in ("date", "event", "cameo", "actor", "recipient", "place", "conf", "evidence"):
        if wide(out):  # a file or a pipe: every cell whole, one row a line
            table.add_column(col, no_wrap=True, overflow="ignore")
        else:
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
            clip(e.event_text, 90, out),
        )
    shown = console(out, 120)
    shown.print(table)
    if events:
        shown.print("* date inherited from the article's context")


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

    if args.task == "articles":
        return _evaluate_articles(args)
    if not args.gold or not args.pred:
        raise DotterelError(f"evaluate {args.task} needs --gold and --pred")
    if args.task in ("plv", "penta"):
        return _evaluate_labels(args)
    if args.task == "dyads":
        from dotterel.evaluation import score_dyads

        dyads = score_dyads(load_gold(Path(args.gold)), load_predictions(Path(args.pred)))
        print(
            "dyads: "
            + " ".join(f"{k}={v:.3f}" for k, v in dyads.figures().items())
            + f" (tp={dyads.tp} fp={dyads.fp} fn={dyads.fn})"
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


def _evaluate_articles(args: argparse.Namespace) -> int:
    """Code every annotated article of the folders in one run and score them together."""
    from dotterel.evaluation import score_article, score_articles
    from dotterel.export.plover import to_plover
    from dotterel.pipeline import Coder
    from dotterel.train_events import load_examples

    if not args.dirs:
        raise DotterelError("evaluate articles needs at least one folder of annotated articles")
    examples = load_examples([Path(d) for d in args.dirs])
    if not examples:
        raise DotterelError(f"no NAME.gold.jsonl with NAME.txt and NAME.json in {', '.join(args.dirs)}")
    coder = Coder.load()
    scores = []
    for ex, outcome in zip(examples, coder.code_many([e.article for e in examples]), strict=True):
        if outcome.error is not None:
            _report(outcome.error)
        pred = [to_plover(e) for e in outcome.events]
        s = score_article(list(ex.gold), pred, ex.article.text)
        scores.append(s)
        if args.verbose:
            print(f"== {ex.article.id}")
            print("\n".join(s.details))
        figs = s.figures()
        print(
            f"{ex.article.id:48s} "
            + " ".join(f"{k}={figs[k]:.3f}" for k in ("recall", "precision", "f1", "dates", "places", "sectors"))
            + f" (required={s.required} predicted={s.predicted} matched={s.matched} false_pos={s.false_positives}"
            f" typed_matched={s.typed})"
        )
    total = score_articles(scores)
    counts = ("required", "predicted", "matched", "false_pos")
    print(
        f"articles: n={len(scores)} "
        + " ".join(f"{k}={int(total[k])}" for k in counts)
        + " "
        + " ".join(f"{k}={v:.3f}" for k, v in total.items() if k not in counts)
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


def _cmd_train_events(args: argparse.Namespace) -> int:
    from dotterel.events.scorer import SCORER_FILE
    from dotterel.ontology import Ontology
    from dotterel.pipeline import Coder
    from dotterel.train_events import load_examples, train, write

    dirs = [Path(d) for d in args.articles]
    labels = [Path(d) for d in args.labels]
    examples = load_examples(dirs, labels, Path(args.news) if args.news else None)
    coder = Coder.load(use_classifier=False, use_detector=False, use_encoder=not args.no_encoder)
    settings = None
    if args.scorer:
        from dotterel.train_scorer import ScorerSettings

        settings = ScorerSettings()
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    detector, pairs, choice, report = train(
        coder,
        examples,
        sorted(Ontology.load().types),
        scorer=settings,
        scorer_file=output / SCORER_FILE if settings else None,
    )
    write(output, detector, pairs, choice, report, [*dirs, *labels])
    print(json.dumps({k: report[k] for k in ("articles", "operating", "cv_lexicon_only", "cv_with_detector")}))
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
    from dotterel.web.commands import HANDLERS as VIEW_HANDLERS

    handlers = {
        "code": _cmd_code,
        "classify": _cmd_classify,
        "evaluate": _cmd_evaluate,
        "train": _cmd_train,
        "train-events": _cmd_train_events,
        **STORE_HANDLERS,
        **VIEW_HANDLERS,
        **KB_HANDLERS,
    }
    from dotterel.cli_output import pipe_closed

    try:
        status = handlers[args.command](args)
        sys.stdout.flush()  # inside the try: a reader that has gone away is noticed here, not at exit
        return status
    except BrokenPipeError:  # `dotterel events | head -1`: the reader has all it wanted
        return pipe_closed()
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
