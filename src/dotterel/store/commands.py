"""Command-line commands of the store (ingest, events, stats, export, merge), registered by dotterel.cli.

Thin: parse arguments, call dotterel.store, format what comes back. Errors are DotterelErrors,
which dotterel.cli turns into messages.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dotterel.errors import DotterelError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table
    from rich.text import Text

    from dotterel.records import Entity, Mention
    from dotterel.store.db import Store
    from dotterel.store.ingest import IngestProgress, IngestSummary
    from dotterel.store.query import EventFilter, FilterFields, MergedEvent, StoredEvent

EVENT_FORMATS = ("table", "plover", "csv")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the store's sub-commands to the CLI's sub-parsers."""
    ing = sub.add_parser(
        "ingest",
        help="code articles into an event store (idempotent, resumable)",
        description="Code articles (.txt, .jsonl, .jsonl.gz, folders of them, or - for stdin) into the store. "
        "Articles already stored (same id, or same text under another id) are skipped; a killed run is "
        "finished by running it again. Duplicate reports of one event are merged.",
    )
    ing.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .jsonl, .jsonl.gz, a folder, or - for stdin")
    _db(ing)
    ing.add_argument("--published", help="publication date YYYY-MM-DD for .txt and stdin input")
    ing.add_argument("--recode", action="store_true", help="code stored articles again, replacing their events")
    ing.add_argument("--no-merge", action="store_true", help="do not merge duplicate events (run `merge` later)")
    ing.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    from dotterel.actors.commands import add_kb_option
    from dotterel.engines import add_coding_options

    add_coding_options(ing, engines=False)
    add_kb_option(ing)

    ev = sub.add_parser(
        "events",
        help="list events from the store",
        description="List stored events (one per report), or merged events with --merged.",
    )
    _db(ev)
    _filters(ev)
    ev.add_argument("--merged", action="store_true", help="one row per merged event, with its sources")
    ev.add_argument("--format", choices=EVENT_FORMATS, default="table", help="output format (default: table)")
    ev.add_argument("--limit", type=int, help="at most this many rows")
    ev.add_argument("--output", help="write to this file instead of standard output")

    st = sub.add_parser(
        "stats", help="counts by event type, dyad and month", description="Counts of stored articles and events."
    )
    _db(st)
    _filters(st)
    st.add_argument("--top", type=int, default=20, help="how many dyads to list (default: 20)")
    st.add_argument("--json", action="store_true", help="print the counts as JSON")

    ex = sub.add_parser(
        "export",
        help="export events: PLOVER JSONL, GDELT 2.0, CSV or Parquet",
        description="Export stored events, streamed. gdelt writes merged events as GDELT 2.0 event-table rows "
        "(61 tab-separated columns); plover, csv and parquet write one row per report (--merged: per merged event).",
    )
    _db(ex)
    ex.add_argument("--format", required=True, choices=("plover", "gdelt", "csv", "parquet"))
    ex.add_argument("--output", required=True, help="output file, or - for standard output (not for parquet)")
    ex.add_argument("--merged", action="store_true", help="plover/csv/parquet: one row per merged event")
    _filters(ex)

    mg = sub.add_parser(
        "merge",
        help="rebuild the merged events of a store",
        description="Recompute every merged event from the stored events (after `ingest --no-merge`).",
    )
    _db(mg)


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="FILE", help="the store (an SQLite file)")


def _filters(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("filters")
    g.add_argument("--since", metavar="YYYY-MM-DD", help="events dated on or after this day")
    g.add_argument("--until", metavar="YYYY-MM-DD", help="events dated on or before this day")
    g.add_argument(
        "--actor", metavar="CODE[/SECTOR]", help="an actor: IRN, IRN/GOV, /GOV, or ? for uncoded actors"
    )
    g.add_argument("--recipient", metavar="CODE[/SECTOR]", help="a recipient: IRQ, IRQ/PRM or /MIL")
    g.add_argument(
        "--event", action="append", metavar="TYPE", help="PLOVER event type(s), e.g. CONSULT (repeatable)"
    )
    g.add_argument("--cameo", metavar="CODE", help="CAMEO code or prefix, e.g. 04")
    g.add_argument("--quad", type=int, choices=(1, 2, 3, 4), help="quad code")
    g.add_argument("--source", help="the articles' source name")
    g.add_argument("--article", metavar="ID", help="one article's events")
    g.add_argument("--text", metavar="WORDS", help="words that must all occur in the evidence sentence")
    _view_filters(g)


def _view_filters(g: argparse._ArgumentGroup) -> None:
    """The analyst's filters (country, place, confidence, modality, date precision and origin)."""
    from dotterel.store.query import MODALITIES, PRECISIONS

    g.add_argument("--country", metavar="ISO3", help="events where either side or the place is this country")
    g.add_argument("--place", help="the event's place, as resolved or as written (e.g. Tehran)")
    g.add_argument("--min-confidence", type=float, metavar="X", help="confidence at least X (0..1)")
    g.add_argument(
        "--modality",
        action="append",
        metavar="|".join(MODALITIES),
        help="events with any of these modalities (repeatable or comma-separated); asserted: none of them",
    )
    g.add_argument(
        "--precision",
        action="append",
        metavar="|".join(PRECISIONS),
        help="date precision(s) (repeatable or comma-separated); none: undated",
    )
    g.add_argument(
        "--date-origin",
        choices=("own", "inherited"),
        help="own: dated by the event's own sentence; inherited: dated from the story's context",
    )
    g.add_argument("--actor-text", metavar="TEXT", help="an actor as written or by name (also uncoded actors)")
    g.add_argument("--recipient-text", metavar="TEXT", help="a recipient as written or by name")


def _view_filter_values(args: argparse.Namespace) -> FilterFields:
    """EventFilter fields from the analyst's filter options, checked (bad values are a DotterelError)."""
    from dotterel.store.query import MODALITIES, PRECISIONS

    def listed(values: list[str] | None, flag: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        out = tuple(v.strip().lower() for value in values or () for v in value.split(",") if v.strip())
        bad = [v for v in out if v not in allowed]
        if bad:
            raise DotterelError(f"{flag}: unknown value {bad[0]!r}; use {', '.join(allowed)}")
        return out

    country = getattr(args, "country", None)
    if country is not None and not (len(country.strip()) == 3 and country.strip().isalpha()):
        raise DotterelError(f"--country: {country!r} is not an ISO 3166 alpha-3 code (e.g. IRQ)")
    conf = getattr(args, "min_confidence", None)
    if conf is not None and not 0.0 <= conf <= 1.0:
        raise DotterelError(f"--min-confidence: {conf} is not between 0 and 1")
    origin = getattr(args, "date_origin", None)
    return {
        "country": country.strip().upper() if country else None,
        "place": getattr(args, "place", None) or None,
        "min_confidence": conf,
        "modality": listed(getattr(args, "modality", None), "--modality", MODALITIES),
        "precision": listed(getattr(args, "precision", None), "--precision", PRECISIONS),
        "inherited": None if origin is None else origin == "inherited",
        "actor_text": getattr(args, "actor_text", None) or None,
        "recipient_text": getattr(args, "recipient_text", None) or None,
    }


def _filter(args: argparse.Namespace, store: Store) -> EventFilter:
    """The EventFilter of the command's filter flags; unknown values are errors with suggestions."""
    from dotterel.store.filters import FilterError, Vocabulary, parse_filter

    values = {
        "since": args.since,
        "until": args.until,
        "actor": args.actor,
        "recipient": args.recipient,
        "event": args.event,
        "cameo": args.cameo,
        "quad": args.quad,
        "source": args.source,
        "article": args.article,
        "text": args.text,
        "limit": getattr(args, "limit", None),
    }
    try:
        base = parse_filter(values, Vocabulary.load(store))
    except FilterError as exc:
        raise DotterelError(exc.message(f"--{exc.field}")) from None
    return replace(base, **_view_filter_values(args))


# ---- ingest ---------------------------------------------------------------------------------


def _cmd_ingest(args: argparse.Namespace) -> int:
    from dotterel.cli_output import warn
    from dotterel.engines import limits_from, open_coder
    from dotterel.inputs import read_articles
    from dotterel.pipeline import Coder, published_date
    from dotterel.store.db import Store
    from dotterel.store.ingest import IngestInterrupted, ingest

    published = published_date(args.published, "--published") if args.published else None
    load = functools.partial(Coder.load, kb_layers=tuple(args.kb or ()))
    with (
        Store.open(args.db) as store,
        open_coder(load, workers=args.workers, limits=limits_from(args)) as coder,
    ):
        items = read_articles(args.paths, published, warn=warn)
        total = None if args.no_progress else _count_inputs(args.paths)
        with _progress(total, enabled=not args.no_progress) as on_progress:
            try:
                summary = ingest(
                    store, coder, items, recode=args.recode, merge=not args.no_merge, on_progress=on_progress
                )
            except IngestInterrupted as exc:
                _print_summary(exc.summary, sys.stderr)
                raise
    _print_summary(summary, sys.stderr)
    return 1 if summary.rejected else 0


def _count_inputs(paths: list[str]) -> int | None:
    """How many items read_articles will yield (for the progress bar); None when unknown (stdin)."""
    from dotterel.inputs import input_files

    total = 0
    for name in paths:
        if name == "-":
            return None
        path = Path(name)
        files = input_files(path) if path.is_dir() else [path]
        for file in files:
            total += _count_file(file)
    return total


def _count_file(path: Path) -> int:
    try:
        if path.name.endswith(".jsonl.gz"):
            with gzip.open(path, "rb") as f:
                return max(1, sum(1 for line in f if line.strip()))
        if path.name.endswith(".jsonl"):
            with path.open("rb") as f:
                return max(1, sum(1 for line in f if line.strip()))
    except (OSError, EOFError, ValueError):
        return 1
    return 1


class _progress:
    """A rich progress bar on stderr fed by ingest's on_progress callback (a no-op when disabled)."""

    def __init__(self, total: int | None, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Callable[[IngestProgress], None] | None:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from dotterel.cli_output import console as make_console

        console = make_console(sys.stderr)
        if not console.is_terminal:
            console.width = max(console.width, 110)
        self._bar = Progress(
            TextColumn("ingest"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rates]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._bar.start()
        self._task = self._bar.add_task("ingest", total=self.total, rates="")
        return self._update

    def _update(self, p: IngestProgress) -> None:
        rate = p.elapsed if p.elapsed > 0 else 1.0
        rates = (
            f"{p.coded / rate:.1f} articles/s {p.events / rate:.1f} events/s "
            f"skipped {p.skipped} rejected {p.rejected}"
        )
        assert self._bar is not None and self._task is not None
        self._bar.update(self._task, completed=p.seen, rates=rates)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_summary(s: IngestSummary, out: TextIO) -> None:
    print(
        f"dotterel: coded {s.coded} articles ({s.events} events) in {s.elapsed:.1f} s: "
        f"{s.articles_per_s:.2f} articles/s, {s.events_per_s:.1f} events/s"
        + (f"; {s.recoded} of them recoded, old events replaced" if s.recoded else ""),
        file=out,
    )
    parts = []
    if s.skipped_stored:
        parts.append(f"{s.skipped_stored} already in the store")
    if s.skipped_duplicate:
        parts.append(f"{s.skipped_duplicate} same text as another article")
    if s.skipped_repeated:
        parts.append(f"{s.skipped_repeated} repeated in the input")
    print(f"dotterel: skipped {s.skipped}" + (f" ({', '.join(parts)})" if parts else ""), file=out)
    print(f"dotterel: rejected {len(s.rejected)}" + (":" if s.rejected else ""), file=out)
    for r in s.rejected:
        print(f"  {r.source}: {r.reason}", file=out)


# ---- events / stats / export / merge --------------------------------------------------------------


def _cmd_events(args: argparse.Namespace) -> int:
    from dotterel.store.db import Store

    with Store.open(args.db, readonly=True) as store:
        flt = _filter(args, store)
        with _open_output(args.output) as out:
            _write_events(args, store, flt, out)
    return 0


def _write_events(args: argparse.Namespace, store: Store, flt: EventFilter, out: TextIO) -> None:
    from dotterel.store.exporting import FLAT_COLUMNS, flat_row, merged_plover_record, plover_record
    from dotterel.store.query import iter_events, iter_merged

    if args.format == "table":
        if args.merged:
            _merged_table(list(iter_merged(store, flt)), out)
        else:
            _events_table(list(iter_events(store, flt)), out)
    elif args.format == "plover":
        records = (
            (merged_plover_record(m) for m in iter_merged(store, flt))
            if args.merged
            else (plover_record(s) for s in iter_events(store, flt))
        )
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        if args.merged:
            for m in iter_merged(store, flt):
                writer.writerow(flat_row(m.representative, m))
        else:
            for s in iter_events(store, flt):
                writer.writerow(flat_row(s))


def _cmd_stats(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from dotterel.store.db import Store
    from dotterel.store.query import stats

    with Store.open(args.db, readonly=True) as store:
        st = stats(store, _filter(args, store), top=args.top)
    if args.json:
        print(json.dumps(asdict(st), indent=2))
        return 0
    from rich.table import Table

    console = _console(sys.stdout)
    console.print(
        f"articles: {st.articles_coded} coded, {st.articles_duplicate} duplicates, {st.articles_rejected} rejected"
        f" (+{st.inputs_rejected} unreadable inputs); events: {st.events}; merged events: {st.merged_events}"
    )
    for title, rows in (
        ("by event type", st.by_type),
        ("by quad code", st.by_quad),
        (f"by dyad (top {args.top})", st.by_dyad),
        ("by month", st.by_month),
    ):
        year_only = title == "by month" and any(len(c.label) == 4 for c in rows)
        caption = "YYYY: year only" if year_only else None
        table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
        table.add_column(title.split()[1] if title != "by quad code" else "quad")
        table.add_column("events", justify="right")
        for c in rows:
            table.add_row(c.label, str(c.n))
        console.print(table)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from dotterel.store.db import Store
    from dotterel.store.exporting import export

    with Store.open(args.db, readonly=True) as store:
        result = export(
            store, args.format, args.output, _filter(args, store), merged=args.merged, stream=sys.stdout
        )
    where = "standard output" if args.output == "-" else args.output
    print(f"dotterel: exported {result.rows} rows ({args.format}) to {where}", file=sys.stderr)
    if result.left_out:
        print(
            f"dotterel: left out {result.left_out} merged events without a date (a GDELT row needs the event date)",
            file=sys.stderr,
        )
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    from dotterel.store.db import Store

    with Store.open(args.db) as store:
        n = store.rebuild_merges()
    print(f"dotterel: {n} merged events", file=sys.stderr)
    return 0


class _open_output:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self._handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None or self.path == "-":
            return sys.stdout
        try:
            self._handle = open(self.path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise DotterelError(f"{self.path}: cannot write output ({exc.strerror or exc})") from exc
        return self._handle

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()


def _side(pairs: Iterable[tuple[Mention | None, Entity]]) -> str:
    return ", ".join(f"{e.code or '?'}/{e.sector or '-'}" for _, e in pairs) or "-"


def _cells(*values: str) -> list[Text]:
    """Table cells as plain text (no rich markup: evidence may hold square brackets)."""
    from rich.text import Text

    return [Text(v) for v in values]


def _console(out: TextIO) -> Console:
    from dotterel.cli_output import console

    return console(out, 140)


_NARROW = {"date", "event", "cameo", "conf", "reports", "id", "mentions", "sources", "articles"}


def _table(title: str, columns: tuple[str, ...], out: TextIO) -> Table:
    from rich.table import Table

    from dotterel.cli_output import wide

    table = Table(title=title, show_lines=False, title_justify="left" if wide(out) else "center")
    for col in columns:
        if wide(out):  # a file or a pipe: every cell whole, one row a line
            table.add_column(col, no_wrap=True, overflow="ignore")
        elif col == "evidence":
            table.add_column(col, overflow="fold", ratio=1, min_width=40)
        else:
            table.add_column(col, overflow="fold", no_wrap=col in _NARROW)
    return table


def _events_table(rows: Sequence[StoredEvent], out: TextIO) -> None:
    from dotterel.cli_output import clip

    several = len({s.event.article_id for s in rows}) > 1
    columns = ("date", "event", "cameo", "actor", "recipient", "place", "conf", "reports")
    table = _table(f"{len(rows)} events", (*columns, *(("article",) if several else ()), "evidence"), out)
    for s in rows:
        e = s.event
        date = e.date.iso() + ("*" if e.date.inherited else "") if e.date else "-"
        cells = [
            date,
            e.event + (" (hedged)" if e.modality.hedged else ""),
            e.cameo or "-",
            _side(e.actor),
            _side(e.recipient),
            e.location.resolved_place if e.location else "-",
            f"{e.confidence:.2f}",
            str(s.merge.num_articles) if s.merge else "1",
        ]
        if several:
            cells.append(e.article_id)
        cells.append(clip(e.event_text, 160, out))
        table.add_row(*_cells(*cells))
    console = _console(out)
    console.print(table)
    if rows:
        console.print(
            "* date inherited from the article's context; reports: articles reporting the (merged) event"
        )


def _merged_table(rows: Sequence[MergedEvent], out: TextIO) -> None:
    from dotterel.cli_output import clip

    columns = ("id", "date", "event", "cameo", "actor", "recipient", "place", "mentions", "sources", "articles")
    table = _table(f"{len(rows)} merged events", (*columns, "evidence"), out)
    for m in rows:
        e = m.representative.event
        table.add_row(
            *_cells(
                str(m.id),
                e.date.iso() if e.date else "-",
                e.event,
                e.cameo or "-",
                _side(e.actor),
                _side(e.recipient),
                e.location.resolved_place if e.location else "-",
                str(m.num_mentions),
                str(m.num_sources),
                str(m.num_articles),
                "\n".join(f"[{s.article_id}] {clip(s.event_text, 100, out)}" for s in m.sources),
            )
        )
    _console(out).print(table)


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": _cmd_ingest,
    "events": _cmd_events,
    "stats": _cmd_stats,
    "export": _cmd_export,
    "merge": _cmd_merge,
}
