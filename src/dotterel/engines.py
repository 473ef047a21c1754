"""Choosing how to code: in this process, with worker processes, or on a Ray cluster.

    with open_coder(Coder.load, workers=4, limits=Limits(timeout=120)) as coder:
        for outcome in coder.code_many(articles):
            ...

`open_coder` gives an `ArticleCoder` (ordered `code_many`, `versions`). The models are loaded only
when there is something to code: in this process when the whole input is one unit of work (one small
file: no process start-up to pay), in `workers` worker processes otherwise. The outcomes are the same
either way. The command line's options for this (`--workers`, `--article-timeout`, `--engine`,
`--ray-address`) are added by `add_coding_options`.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from dotterel.bounded import DEFAULT_TIMEOUT, BoundedCoder, Limits, is_long
from dotterel.parallel import ParallelCoder, default_workers
from dotterel.records import Article

if TYPE_CHECKING:
    from dotterel.pipeline import Coder, Outcome

ENGINES = ("local", "ray")


class LocalEngine:
    """Codes in this process or with worker processes, whichever the input calls for."""

    def __init__(self, load: Callable[[], Coder], *, workers: int, limits: Limits) -> None:
        self.load = load
        self.workers = workers
        self.limits = limits
        self._inline: BoundedCoder | None = None
        self._pool: ParallelCoder | None = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        if self._inline is not None:
            return self._inline.versions
        if self._pool is not None:
            return self._pool.versions
        return self._local().versions

    @property
    def peak_rss(self) -> dict[int, int]:
        """Peak resident memory of each worker process (empty when coding in this process)."""
        return dict(self._pool.peak_rss) if self._pool is not None else {}

    @property
    def restarts(self) -> int:
        """Worker processes replaced after they died or overran (0 when coding in this process)."""
        return self._pool.restarts if self._pool is not None else 0

    def _local(self) -> BoundedCoder:
        if self._inline is None:
            self._inline = BoundedCoder(self.load(), self.limits)
        return self._inline

    def code_many(self, articles: Iterable[Article]) -> Iterator[Outcome]:
        if self.workers <= 1:
            yield from self._local().code_many(articles)
            return
        stream = iter(articles)
        head = _first_unit(stream, self.limits)
        following = next(stream, None)
        if following is None:  # the whole input is one unit: no worker processes needed
            yield from self._local().code_many(head)
            return
        if self._pool is None:
            self._pool = ParallelCoder(self.load, workers=self.workers, limits=self.limits)
        yield from self._pool.code_many(itertools.chain(head, [following], stream))


def _first_unit(stream: Iterator[Article], limits: Limits) -> list[Article]:
    head: list[Article] = []
    for article in stream:
        head.append(article)
        if is_long(article, limits) or len(head) >= limits.batch_size:
            break
    return head


def open_coder(
    load: Callable[[], Coder], *, workers: int | None = None, limits: Limits | None = None
) -> LocalEngine:
    """A coder for the local engine; use it in a with block so worker processes are stopped."""
    return LocalEngine(load, workers=workers or default_workers(), limits=limits or Limits())


# ---- command line ----------------------------------------------------------------------------------


def add_coding_options(parser: argparse.ArgumentParser, *, engines: bool) -> None:
    """Add --workers and --article-timeout (and, with engines, --engine and --ray-address)."""
    g = parser.add_argument_group("speed and scale")
    g.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"code with N worker processes (default: all cores, here {default_workers()}); "
        "the output is the same as with one",
    )
    g.add_argument(
        "--article-timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"reject an article that takes longer than this to code (default: {DEFAULT_TIMEOUT:g}; 0: no limit)",
    )
    if engines:
        g.add_argument(
            "--engine",
            choices=ENGINES,
            default="local",
            help="local: this machine (default); ray: a Ray Data pipeline (needs the [ray] extra and --output DIR)",
        )
        g.add_argument(
            "--ray-address",
            metavar="ADDR",
            help="Ray cluster to join (e.g. ray://head:10001 or auto); default: a local Ray on this machine",
        )
        g.add_argument(
            "--shard-size",
            type=_positive_int,
            default=1000,
            metavar="N",
            help="--engine ray: articles per output shard, the unit that is redone after a failure (default: 1000)",
        )


def limits_from(args: argparse.Namespace) -> Limits:
    return Limits(timeout=args.article_timeout)


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _timeout(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if seconds < 0 or seconds != seconds:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds, not {value}")
    return None if seconds == 0 else seconds
