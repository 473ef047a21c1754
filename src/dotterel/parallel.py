"""Coding with several worker processes: every core, one ordered stream of outcomes.

    with ParallelCoder(Coder.load, workers=4) as coder:
        for outcome in coder.code_many(read_articles(paths)):
            ...   # in input order, the same outcomes as one process gives

* Each worker process loads the models once (`load`, a picklable callable returning a Coder) and codes
  units of work (`dotterel.bounded.units`: batches of short articles parsed together with
  `nlp.pipe`, or one long article in windows). Every engine cuts the input into the same units, so
  the events are exactly those of one process.
* The input is pulled lazily, never read whole; at most `ahead` units are in flight or waiting to be
  handed back in order, so memory stays bounded however long the input.
* The caller gets the outcomes in input order in its own process: a store has a single writer.
* A worker that dies (killed, out of memory, a crash in native code) or overruns the time budget by
  far (stuck where the timer cannot interrupt) is replaced; the articles it held are coded again one by
  one, and an article that brings a worker down twice is rejected with that reason. Nothing is lost
  and nothing is coded twice into the output.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, Literal

from dotterel.bounded import BoundedCoder, Limits, units
from dotterel.errors import DotterelError, InputError
from dotterel.records import Article

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext

    from dotterel.pipeline import Coder, Outcome

log = logging.getLogger(__name__)

PREFETCH = 2  # units queued per worker, so a worker never waits for the next one
GRACE = 30.0  # seconds past a unit's time budget before its worker is stopped from outside


def default_workers() -> int:
    """All the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerError(DotterelError):
    """A worker process could not start (its models did not load, or it died while loading)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Task:
    seq: int  # which unit
    offset: int  # position of the first article within the unit
    articles: tuple[Article, ...]
    alone: bool = False  # a retry of one article after its worker died


@dataclass(slots=True)
class _Worker:
    process: Any  # multiprocessing.Process (spawn context)
    tasks: Any  # multiprocessing.Queue of _Task | None
    conn: Connection
    outstanding: deque[_Task] = field(default_factory=deque)
    started: float | None = None  # when the head task was started
    ready: bool = False
    stopping: str | None = None  # why the parent stopped it


def _exit_with_parent(interval: float = 0.5) -> None:
    """End this worker when its parent is gone (killed with SIGKILL, say): an orphan would hold the
    parent's output pipes open and its memory forever."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="dotterel-parent-watch", daemon=True).start()


def _work(load: Callable[[], Coder], limits: Limits, tasks: Any, conn: Connection) -> None:
    """A worker process: load the models once, then code units until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _exit_with_parent()
    try:
        coder = BoundedCoder(load(), limits)
    except BaseException as exc:  # report why, then end: the parent turns it into an error
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", coder.versions, _peak_rss()))
    while True:
        task = tasks.get()
        if task is None:
            return
        conn.send(("started", task.seq, task.offset))
        outcomes = coder.code_unit(task.articles)
        conn.send(("done", task.seq, task.offset, outcomes, _peak_rss()))


def _peak_rss() -> int:
    """This process's peak resident memory in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _context(method: Literal["spawn", "forkserver", "fork"]) -> SpawnContext | ForkServerContext | ForkContext:
    """The multiprocessing context of a start method, typed (a context of any name has no Process)."""
    if method == "fork":
        return multiprocessing.get_context("fork")
    if method == "forkserver":
        return multiprocessing.get_context("forkserver")
    if method == "spawn":
        return multiprocessing.get_context("spawn")
    raise ValueError(f"cannot find context for {method!r}")


class ParallelCoder:
    """Codes articles with `workers` processes; outcomes come back in input order."""

    def __init__(
        self,
        load: Callable[[], Coder],
        *,
        workers: int,
        limits: Limits | None = None,
        ahead: int | None = None,
        start_method: Literal["spawn", "forkserver", "fork"] = "spawn",
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.load = load
        self.workers = workers
        self.limits = limits or Limits()
        self.ahead = ahead or max(16, 8 * workers)
        self._ctx = _context(start_method)
        self._pool: list[_Worker] = []
        self._versions: tuple[tuple[str, str], ...] | None = None
        self.peak_rss: dict[int, int] = {}  # worker pid -> peak resident memory (bytes)
        self.restarts = 0

    # ---- life cycle ----

    def __enter__(self) -> ParallelCoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (those busy are killed)."""
        for w in self._pool:
            with contextlib.suppress(Exception):
                w.tasks.put(None)
        deadline = time.monotonic() + 10
        for w in self._pool:
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            self._dispose(w)
        self._pool = []

    def _dispose(self, w: _Worker) -> None:
        with contextlib.suppress(Exception):
            w.conn.close()
        with contextlib.suppress(Exception):
            w.tasks.cancel_join_thread()
            w.tasks.close()

    def _spawn(self) -> _Worker:
        tasks = self._ctx.Queue()
        mine, theirs = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=_work, args=(self.load, self.limits, tasks, theirs), name="dotterel-worker", daemon=True
        )
        process.start()
        theirs.close()
        w = _Worker(process=process, tasks=tasks, conn=mine)
        self._pool.append(w)
        return w

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [w.process.pid for w in self._pool if w.process.pid is not None]

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        """The data and model versions the workers code with (starts a worker if none has)."""
        if self._versions is None:
            if not self._pool:
                self._spawn()
            while self._versions is None:
                self._poll(None)
        return self._versions

    # ---- coding ----

    def code_many(self, articles: Iterable[Article]) -> Iterator[Outcome]:
        """Code articles in input order: the same outcomes as `BoundedCoder.code_many` in one process."""
        source = units(articles, self.limits)
        self._slots: dict[int, list[Outcome | None]] = {}
        self._retry: deque[_Task] = deque()
        pending = 0  # units taken from the input and not yet handed back
        seq = 0
        next_out = 0
        exhausted = False
        finished = False
        lookahead: list[Article] | None = None
        try:
            while True:
                while next_out in self._slots and all(o is not None for o in self._slots[next_out]):
                    done = [o for o in self._slots.pop(next_out) if o is not None]  # all there: checked above
                    next_out += 1
                    pending -= 1
                    yield from done
                # hand out work: retries first, then new units while the window ahead has room
                while True:
                    if self._retry:
                        task = self._retry[0]
                    elif not exhausted and pending < self.ahead:
                        if lookahead is None:
                            lookahead = next(source, None)
                            if lookahead is None:
                                exhausted = True
                                break
                        task = _Task(seq=seq, offset=0, articles=tuple(lookahead))
                    else:
                        break
                    worker = self._free_worker()
                    if worker is None:
                        break
                    if self._retry:
                        self._retry.popleft()
                    else:
                        self._slots[seq] = [None] * len(task.articles)
                        lookahead = None
                        seq += 1
                        pending += 1
                    self._send(worker, task)
                if exhausted and pending == 0:
                    finished = True
                    return
                self._poll(1.0)
        finally:
            if not finished and any(w.outstanding for w in self._pool):
                self.close()  # stopped part-way: results still on their way would confuse the next run

    def _free_worker(self) -> _Worker | None:
        """An idle worker; else a new one while fewer than `workers` run; else one with room in its queue."""
        live = [w for w in self._pool if w.stopping is None]
        room = [w for w in live if len(w.outstanding) < PREFETCH]
        idle = [w for w in room if not w.outstanding]
        if idle:
            return idle[0]
        if len(live) < self.workers:
            return self._spawn()
        return min(room, key=lambda w: len(w.outstanding)) if room else None

    def _send(self, w: _Worker, task: _Task) -> None:
        w.outstanding.append(task)
        w.tasks.put(task)

    def _poll(self, timeout: float | None) -> None:
        """Wait for messages from the workers (or their end) and act on them."""
        self._watchdog()
        by_conn = {w.conn: w for w in self._pool}
        by_sentinel = {w.process.sentinel: w for w in self._pool}
        if not by_conn:
            return
        ready = wait([*by_conn, *by_sentinel], timeout)
        for item in ready:
            if item in by_conn:
                w = by_conn[item]
                if w not in self._pool:
                    continue
                try:
                    message = w.conn.recv()
                except (EOFError, OSError):
                    self._lost(w)
                    continue
                self._receive(w, message)
        for item in ready:
            ended = by_sentinel.get(item)
            if ended is not None and ended in self._pool:
                # read what it sent before it ended, then count it as lost
                while ended in self._pool and ended.conn.poll():
                    try:
                        self._receive(ended, ended.conn.recv())
                    except (EOFError, OSError):
                        break
                if ended in self._pool:
                    self._lost(ended)

    def _receive(self, w: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            w.ready = True
            if self._versions is None:
                self._versions = message[1]
            self.peak_rss[w.process.pid] = message[2]
        elif kind == "started":
            w.started = time.monotonic()
        elif kind == "done":
            _, seq, offset, outcomes, rss = message
            task = w.outstanding.popleft()
            assert (task.seq, task.offset) == (seq, offset), "worker answered out of order"
            self._fill(task, outcomes)
            w.started = None
            self.peak_rss[w.process.pid] = rss
        elif kind == "failed":
            self._pool.remove(w)
            w.process.join(5)
            self._dispose(w)
            self.close()
            raise WorkerError(f"a worker process could not load the coder: {message[1]}")

    def _fill(self, task: _Task, outcomes: list[Outcome]) -> None:
        slot = self._slots.get(task.seq)
        if slot is None:
            return
        for k, outcome in enumerate(outcomes):
            slot[task.offset + k] = outcome

    def _watchdog(self) -> None:
        """Stop a worker stuck on a unit far past its time budget (where the timer could not interrupt)."""
        timeout = self.limits.timeout
        if timeout is None:
            return
        now = time.monotonic()
        for w in self._pool:
            if w.started is None or not w.outstanding or w.stopping is not None:
                continue
            if now - w.started > timeout * len(w.outstanding[0].articles) + GRACE:
                w.stopping = (
                    f"took longer than the time budget of {timeout:g} s per article; its worker was stopped"
                )
                w.process.kill()

    def _lost(self, w: _Worker) -> None:
        """A worker ended without being asked: code its articles again, one by one."""
        self._pool.remove(w)
        w.process.join(5)
        code = w.process.exitcode
        self._dispose(w)
        if not w.ready:
            raise WorkerError(f"a worker process ended while loading the coder (exit code {code})")
        self.restarts += 1
        why = w.stopping or f"its worker process died while coding it (exit code {code})"
        log.warning("worker %s ended (%s); coding its %d unit(s) again", w.process.pid, why, len(w.outstanding))
        retry: list[_Task] = []
        for task in w.outstanding:
            if task.alone:
                from dotterel.pipeline import Outcome

                article = task.articles[0]
                self._fill(task, [Outcome(article=article, error=InputError(f"article {article.id}", why))])
            else:
                retry.extend(
                    _Task(seq=task.seq, offset=task.offset + k, articles=(a,), alone=True)
                    for k, a in enumerate(task.articles)
                )
        self._retry.extendleft(reversed(retry))
