"""Coding on a Ray cluster: a Ray Data pipeline of shards, resumable shard by shard.

    dotterel code --engine ray --ray-address auto --output OUT/ feed/*.jsonl archive.parquet

* Plan. The input (JSON Lines or Parquet files, on storage every node can read) is cut into shards
  of `shard_size` articles: line ranges of a JSONL file (found by one streaming scan, never read
  whole), row ranges of a Parquet file. The plan is deterministic and written to OUT/_plan.json;
  running again with the same input and output resumes it, other input is refused.
* Code. The shards not yet done form a Ray Dataset; `map_batches` hands each to an actor of
  `ShardCoder`, a callable class that loads the coder once (one `BoundedCoder` per actor: windows
  and a time budget, exactly as the local engine) and codes the shard's articles in order.
* Write. Each shard's events go to OUT/events/shard-NNNNN.parquet and OUT/plover/shard-NNNNN.jsonl,
  then its record (counts, rejections, versions) to OUT/shards/shard-NNNNN.json. Every file is written
  under a temporary name and renamed into place, the record last: a shard is done exactly when its
  record exists. A worker killed mid-shard leaves no record, Ray restarts the actor and the shard is
  coded again from the start, replacing any file it had begun: nothing lost, nothing doubled. A run
  stopped altogether is finished by running the same command again.

Reading the shards in order (shard-00000, shard-00001, ...) gives the events in input order, the
same events the local engine writes for the same input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotterel.bounded import BoundedCoder, Limits
from dotterel.errors import DotterelError, InputError
from dotterel.records import Article

if TYPE_CHECKING:
    from dotterel.pipeline import Coder

log = logging.getLogger(__name__)

SHARD_SIZE = 1000
PLAN_VERSION = 1
PARQUET_EXTRA = ("sentence", "published", "source", "url", "title")


class RayEngineError(DotterelError):
    """The Ray engine cannot run: Ray missing, bad input or output, a failed run."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Shard:
    """One unit of output: a range of lines of a JSONL file or of rows of a Parquet file."""

    id: str
    path: str
    kind: str  # "jsonl" | "parquet"
    start: int  # JSONL: byte offset; Parquet: first row
    stop: int  # JSONL: byte offset (exclusive); Parquet: row (exclusive)
    line: int  # JSONL: number of the first line (for messages); Parquet: first row


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    shards: int
    shards_done_before: int
    articles: int
    events: int
    rejected: tuple[tuple[str, str], ...]  # (source, reason)
    elapsed: float


# ---- plan ------------------------------------------------------------------------------------------


def plan(paths: list[str], shard_size: int = SHARD_SIZE) -> list[Shard]:
    """Cut the input files into shards of at most `shard_size` articles, in input order."""
    if shard_size < 1:
        raise RayEngineError(f"shard size must be at least 1, not {shard_size}")
    shards: list[Shard] = []
    for name in _input_files(paths):
        if name.endswith(".parquet"):
            spans = _parquet_spans(name, shard_size)
            kind = "parquet"
        else:
            spans = _jsonl_spans(name, shard_size)
            kind = "jsonl"
        for start, stop, line in spans:
            shards.append(
                Shard(id=f"shard-{len(shards):05d}", path=name, kind=kind, start=start, stop=stop, line=line)
            )
    return shards


def _input_files(paths: list[str]) -> list[str]:
    files: list[str] = []
    for name in paths:
        path = Path(name)
        if name == "-":
            raise RayEngineError("the Ray engine reads files every node can read, not standard input")
        if path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.name.endswith((".jsonl", ".parquet"))
            )
            if not found:
                raise RayEngineError(f"{path}: contains no .jsonl or .parquet files")
            files.extend(found)
        elif not path.is_file():
            raise RayEngineError(f"{path}: no such file")
        elif not name.endswith((".jsonl", ".parquet")):
            raise RayEngineError(
                f"{path}: the Ray engine reads .jsonl and .parquet files (use --engine local for .txt and .jsonl.gz)"
            )
        else:
            files.append(str(path.resolve()))
    return [str(Path(f).resolve()) for f in files]


def _jsonl_spans(name: str, size: int) -> list[tuple[int, int, int]]:
    """Byte ranges holding `size` non-empty lines each (one streaming pass)."""
    spans: list[tuple[int, int, int]] = []
    try:
        with open(name, "rb") as f:
            start, first, count, offset = 0, 1, 0, 0
            for n, raw in enumerate(f, 1):
                if count == 0:
                    start, first = offset, n
                offset += len(raw)
                if raw.strip():
                    count += 1
                if count >= size:
                    spans.append((start, offset, first))
                    count = 0
            if count:
                spans.append((start, offset, first))
    except OSError as exc:
        raise RayEngineError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    return spans


def _parquet_spans(name: str, size: int) -> list[tuple[int, int, int]]:
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(name).metadata.num_rows
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise RayEngineError(f"{name}: not a readable Parquet file ({exc})") from exc
    return [(start, min(start + size, rows), start) for start in range(0, rows, size)]


# ---- reading one shard -----------------------------------------------------------------------------


def read_shard(shard: Shard) -> Iterator[Article | InputError]:
    """The articles of one shard, in order; bad records come back as errors naming file and line/row."""
    from dotterel.inputs import article_from_json, article_from_record

    if shard.kind == "jsonl":
        with open(shard.path, "rb") as f:
            f.seek(shard.start)
            chunk = f.read(shard.stop - shard.start)
        for n, raw in enumerate(chunk.splitlines(), shard.line):
            if not raw.strip():
                continue
            where = f"{shard.path}:{n}"
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield InputError(where, f"is not UTF-8 text (byte {exc.start} of the line)")
                continue
            yield article_from_json(line, where)
        return
    import pyarrow.parquet as pq

    table = pq.read_table(shard.path).slice(shard.start, shard.stop - shard.start)
    for k, row in enumerate(table.to_pylist(), shard.start):
        for key in ("published",):
            value = row.get(key)
            if isinstance(value, dt.datetime):
                row[key] = value.date().isoformat()
            elif isinstance(value, dt.date):
                row[key] = value.isoformat()
        yield article_from_record(row, f"{shard.path}: row {k}")


# ---- coding one shard (inside a Ray actor) ---------------------------------------------------------


class ShardCoder:
    """A Ray Data callable class: one loaded coder per actor, one shard per batch row."""

    def __init__(self, load: Callable[[], Coder], limits: Limits, output: str) -> None:
        self.coder = BoundedCoder(load(), limits)
        self.output = Path(output)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"shard": [], "articles": [], "events": [], "rejected": []}
        for k in range(len(batch["id"])):
            shard = Shard(**{f: _plain(batch[f][k]) for f in ("id", "path", "kind", "start", "stop", "line")})
            record = code_shard(self.coder, shard, self.output)
            out["shard"].append(shard.id)
            out["articles"].append(record["articles"])
            out["events"].append(record["events"])
            out["rejected"].append(len(record["rejected"]))
        return out


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def code_shard(coder: BoundedCoder, shard: Shard, output: Path) -> dict[str, Any]:
    """Code one shard and write its files, the record last. Returns the record."""
    from dotterel.export.parquet import write_parquet
    from dotterel.export.plover import to_plover, to_row

    started = time.monotonic()
    running = output / "running" / f"{shard.id}.{os.getpid()}"
    running.write_text(json.dumps(asdict(shard)), encoding="utf-8")
    rejected: list[tuple[str, str]] = []
    articles_ok: list[Article] = []
    order: list[Article | InputError] = list(read_shard(shard))
    for item in order:
        if isinstance(item, InputError):
            rejected.append((item.source, item.problem))
        else:
            articles_ok.append(item)
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    n_articles = 0
    for outcome in coder.code_many(articles_ok):
        if outcome.error is not None:
            rejected.append((f"article {outcome.article.id}", outcome.error.problem))
            continue
        n_articles += 1
        art = outcome.article
        for event in outcome.events:
            lines.append(json.dumps(to_plover(event), ensure_ascii=False) + "\n")
            row = to_row(event)
            row.update(
                sentence=str(event.text_info.sentence),
                published=art.published,
                source=art.source,
                url=art.url,
                title=art.title,
            )
            rows.append(row)
    _atomic(output / "events" / f"{shard.id}.parquet", lambda p: write_parquet(rows, parquet_columns(), p))
    _atomic(output / "plover" / f"{shard.id}.jsonl", lambda p: p.write_text("".join(lines), encoding="utf-8"))
    record = {
        "shard": asdict(shard),
        "articles": n_articles,
        "events": len(lines),
        "rejected": rejected,
        "versions": dict(coder.versions),
        "seconds": round(time.monotonic() - started, 3),
        "worker": os.getpid(),
    }
    _atomic(output / "shards" / f"{shard.id}.json", lambda p: p.write_text(json.dumps(record), encoding="utf-8"))
    running.unlink(missing_ok=True)
    return record


def parquet_columns() -> tuple[str, ...]:
    """Columns of the events Parquet files: the `--format csv` columns, then the article's."""
    from dotterel.export.plover import CSV_COLUMNS

    return (*CSV_COLUMNS, *PARQUET_EXTRA)


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write a file under a temporary name, then rename it into place (readers never see half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


# ---- the run -----------------------------------------------------------------------------------------


def run(
    paths: list[str],
    output: str | Path,
    *,
    load: Callable[[], Coder],
    limits: Limits | None = None,
    address: str | None = None,
    actors: int | None = None,
    shard_size: int = SHARD_SIZE,
    progress: bool = False,
    num_cpus: int | None = None,
) -> RunSummary:
    """Code the input on Ray into `output` (resuming what is there); see the module docstring."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayEngineError("the Ray engine needs Ray: pip install 'dotterel[ray]'") from exc
    started = time.monotonic()
    limits = limits or Limits()
    out = Path(output)
    shards = plan(paths, shard_size)
    _prepare(out, shards, shard_size)
    todo = [s for s in shards if not (out / "shards" / f"{s.id}.json").exists()]
    done_before = len(shards) - len(todo)
    if todo:
        started_here = not ray.is_initialized()
        if started_here:
            _init(ray, address, num_cpus)
        try:
            _execute(ray, todo, out, load=load, limits=limits, actors=actors, progress=progress)
        finally:
            if started_here:
                ray.shutdown()
    return _summarize(out, shards, done_before, time.monotonic() - started)


def _init(ray: Any, address: str | None, num_cpus: int | None) -> None:
    options: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": True}
    if address:
        options["address"] = address
    else:
        options["include_dashboard"] = False
        if num_cpus is not None:
            options["num_cpus"] = num_cpus
    try:
        ray.init(**options)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError for a bad address
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise RayEngineError(f"cannot start or join {where}: {exc}") from exc


def _execute(
    ray: Any,
    todo: list[Shard],
    out: Path,
    *,
    load: Callable[[], Coder],
    limits: Limits,
    actors: int | None,
    progress: bool,
) -> None:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = progress
    logging.getLogger("ray.data").setLevel(logging.INFO if progress else logging.WARNING)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    size = max(1, min(actors or cpus, cpus, len(todo)))
    ds = ray.data.from_items([asdict(s) for s in todo], override_num_blocks=len(todo))
    coded = ds.map_batches(
        ShardCoder,
        fn_constructor_kwargs={"load": load, "limits": limits, "output": str(out)},
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=size),
        num_cpus=1,
    )  # Ray Data restarts a dead actor and retries its shard (max_restarts and max_task_retries are -1)
    try:
        for row in coded.iter_rows():
            log.info("%s: %s articles, %s events", row["shard"], row["articles"], row["events"])
    except Exception as exc:  # a shard that fails for good (not a killed worker: those are retried)
        raise RayEngineError(
            f"the Ray run stopped: {exc}; shards done so far are kept, run the same command to go on"
        ) from exc
    missing = [s.id for s in todo if not (out / "shards" / f"{s.id}.json").exists()]
    if missing:
        raise RayEngineError(f"shards not written: {', '.join(missing[:10])}; run the same command to go on")


def _prepare(out: Path, shards: list[Shard], shard_size: int) -> None:
    """Create the output folders and the plan; refuse a folder that holds a run over other input."""
    plan_path = out / "_plan.json"
    wanted = {
        "plan_version": PLAN_VERSION,
        "shard_size": shard_size,
        "inputs": sorted({s.path for s in shards}),
        "shards": [asdict(s) for s in shards],
    }
    try:
        out.mkdir(parents=True, exist_ok=True)
        if plan_path.exists():
            try:
                have = json.loads(plan_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise RayEngineError(f"{plan_path}: unreadable ({exc}); use a new --output folder") from exc
            if have != wanted:
                raise RayEngineError(
                    f"{out}: holds a run over other input (or another shard size); use a new --output folder"
                )
        elif any(out.iterdir()):
            raise RayEngineError(
                f"{out}: not empty and not a dotterel Ray output folder; use a new --output folder"
            )
        for sub in ("events", "plover", "shards", "running"):
            (out / sub).mkdir(exist_ok=True)
        # left by a run that was stopped: markers of shards in flight, files half written
        for stale in [
            *(out / "running").iterdir(),
            *(out / "events").glob(".*.tmp"),
            *(out / "plover").glob(".*.tmp"),
        ]:
            stale.unlink(missing_ok=True)
        if not plan_path.exists():
            _atomic(plan_path, lambda p: p.write_text(json.dumps(wanted, indent=1), encoding="utf-8"))
    except OSError as exc:
        raise RayEngineError(f"{out}: cannot write the output folder ({exc.strerror or exc})") from exc


def _summarize(out: Path, shards: list[Shard], done_before: int, elapsed: float) -> RunSummary:
    articles = events = 0
    rejected: list[tuple[str, str]] = []
    for s in shards:
        record = json.loads((out / "shards" / f"{s.id}.json").read_text(encoding="utf-8"))
        articles += record["articles"]
        events += record["events"]
        rejected.extend((src, why) for src, why in record["rejected"])
    return RunSummary(
        shards=len(shards),
        shards_done_before=done_before,
        articles=articles,
        events=events,
        rejected=tuple(rejected),
        elapsed=elapsed,
    )


def read_plover(output: str | Path) -> Iterator[dict[str, Any]]:
    """The PLOVER records of a finished run, in input order."""
    out = Path(output)
    have = json.loads((out / "_plan.json").read_text(encoding="utf-8"))
    for s in have["shards"]:
        with open(out / "plover" / f"{s['id']}.jsonl", encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


# ---- command line ----------------------------------------------------------------------------------


def run_from_args(args: argparse.Namespace, published: dt.date | None) -> int:
    """`dotterel code --engine ray ...`: returns the exit status (1 if anything was rejected)."""
    from dotterel.engines import limits_from
    from dotterel.pipeline import Coder

    if not args.output:
        raise RayEngineError("--engine ray needs --output DIR (a folder every Ray node can write)")
    if args.format != "plover":
        raise RayEngineError("--engine ray writes Parquet and PLOVER JSON Lines; --format does not apply")
    if published is not None:
        raise RayEngineError("--published applies to .txt and stdin input, which the Ray engine does not read")
    summary = run(
        args.paths,
        args.output,
        load=Coder.load,
        limits=limits_from(args),
        address=args.ray_address,
        actors=args.workers,
        shard_size=args.shard_size,
        progress=not args.no_progress,
    )
    for source, reason in summary.rejected:
        print(f"dotterel: rejected {source}: {reason}", file=sys.stderr)
    print(
        f"dotterel: {summary.shards} shards ({summary.shards_done_before} done before this run), "
        f"{summary.articles} articles, {summary.events} events, {len(summary.rejected)} rejected "
        f"in {summary.elapsed:.1f} s; events in {args.output}/events/*.parquet and {args.output}/plover/*.jsonl",
        file=sys.stderr,
    )
    return 1 if summary.rejected else 0
