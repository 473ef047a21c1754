"""Ingest: code articles into the store, idempotent and resumable.

    summary = ingest(store, coder, read_articles(paths), on_progress=show)

- An article already in the store (same id, or the same text under another id) is skipped
  before it is coded; `recode=True` codes articles already there again and replaces their events.
  A stored id given again with a different text is rejected (the stored article is kept), unless
  `recode=True`: an id never silently stands for two texts.
- Each article is written in one transaction, so a run killed at any point (even SIGKILL)
  is finished by running it again: what was stored is skipped, the rest is coded.
- Rejected inputs (unreadable files, bad JSON lines, texts the coder refuses) are recorded in the
  store with their reason and counted in the summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dotterel.errors import InputError
from dotterel.records import Article
from dotterel.store.db import Store, StoreError, content_hash
from dotterel.store.query import Rejection

if TYPE_CHECKING:
    from dotterel.bounded import ArticleCoder


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestProgress:
    """Counts so far, for a progress display."""

    seen: int
    coded: int
    skipped: int
    rejected: int
    events: int
    elapsed: float


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestSummary:
    coded: int  # articles coded and stored in this run (recoded ones included)
    recoded: int  # of those, articles that replaced earlier events
    events: int  # raw events stored in this run
    skipped_stored: int  # already in the store under the same id
    skipped_duplicate: int  # same text as another article (stored, or earlier in this run)
    skipped_repeated: int  # the same id twice in this run's input
    rejected: tuple[Rejection, ...]
    elapsed: float

    @property
    def skipped(self) -> int:
        return self.skipped_stored + self.skipped_duplicate + self.skipped_repeated

    @property
    def articles_per_s(self) -> float:
        return self.coded / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def events_per_s(self) -> float:
        return self.events / self.elapsed if self.elapsed > 0 else 0.0


class IngestInterrupted(StoreError):
    """Writing to the store failed part-way; `summary` says what was stored before."""

    def __init__(self, message: str, summary: IngestSummary) -> None:
        super().__init__(message)
        self.summary = summary


@dataclass(slots=True)
class _Tally:
    start: float
    seen: int = 0
    coded: int = 0
    recoded: int = 0
    events: int = 0
    stored: int = 0
    duplicate: int = 0
    repeated: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def progress(self, now: float) -> IngestProgress:
        return IngestProgress(
            seen=self.seen,
            coded=self.coded,
            skipped=self.stored + self.duplicate + self.repeated,
            rejected=len(self.rejected),
            events=self.events,
            elapsed=now - self.start,
        )

    def summary(self, now: float) -> IngestSummary:
        return IngestSummary(
            coded=self.coded,
            recoded=self.recoded,
            events=self.events,
            skipped_stored=self.stored,
            skipped_duplicate=self.duplicate,
            skipped_repeated=self.repeated,
            rejected=tuple(self.rejected),
            elapsed=now - self.start,
        )


def _not_unicode(article: Article) -> str | None:
    """Why an article's text, id or metadata cannot be stored (an unpaired surrogate), or None."""
    for name in ("text", "id", "title", "url", "source"):
        value = getattr(article, name)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"'{name}' holds an unpaired surrogate at character {exc.start}: not valid Unicode"
    return None


def ingest(
    store: Store,
    coder: ArticleCoder,
    items: Iterable[Article | InputError],
    *,
    recode: bool = False,
    merge: bool = True,
    on_progress: Callable[[IngestProgress], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> IngestSummary:
    """Code and store every article of `items` not already stored; see the module docstring."""
    tally = _Tally(start=clock())
    in_run_ids: set[str] = set()
    in_run_hashes: dict[str, str] = {}
    digests: dict[str, str] = {}
    replacing: set[str] = set()

    def tick() -> None:
        if on_progress is not None:
            on_progress(tally.progress(clock()))

    def to_code() -> Iterator[Article]:
        for item in items:
            tally.seen += 1
            if isinstance(item, InputError):
                store.save_rejected_input(item.source, item.problem)
                tally.rejected.append(Rejection(source=item.source, reason=item.problem))
                tick()
                continue
            article = item
            bad = _not_unicode(article)
            if bad is not None:
                source = f"article {article.id!r}"
                store.save_rejected_input(source, bad)
                tally.rejected.append(Rejection(source=source, reason=bad))
                tick()
                continue
            if article.id in in_run_ids:
                tally.repeated += 1
                tick()
                continue
            digest = content_hash(article.text) if isinstance(article.text, str) else ""
            state = store.article_state(article.id)
            if state is not None and state.status in ("coded", "duplicate"):
                if not recode and digest and state.content_hash != digest:
                    reason = (
                        f"article id {article.id!r} is already stored with a different text; not stored "
                        "(give --recode to replace the stored article, or give this one another id)"
                    )
                    store.save_rejected_input(f"article {article.id}", reason)
                    tally.rejected.append(Rejection(source=f"article {article.id}", reason=reason))
                    tick()
                    continue
                if not recode or (state.status == "duplicate" and state.content_hash == digest):
                    tally.stored += 1
                    tick()
                    continue
                replacing.add(article.id)
            elif digest:
                other = in_run_hashes.get(digest) or store.coded_with_hash(digest, other_than=article.id)
                if other is not None:
                    store.save_duplicate(article, other, digest=digest)
                    tally.duplicate += 1
                    tick()
                    continue
            in_run_ids.add(article.id)
            if digest:
                in_run_hashes[digest] = article.id
            digests[article.id] = digest
            yield article

    try:
        for outcome in coder.code_many(to_code()):
            article = outcome.article
            digest = digests.pop(article.id, None)
            if outcome.error is not None:
                store.save_rejected(article, outcome.error.problem, digest=digest)
                tally.rejected.append(Rejection(source=f"article {article.id}", reason=outcome.error.problem))
            else:
                store.save_coded(
                    article, outcome.events, versions=coder.versions, merge_events=merge, digest=digest
                )
                tally.coded += 1
                tally.events += len(outcome.events)
                if article.id in replacing:
                    tally.recoded += 1
            tick()
    except StoreError as exc:
        raise IngestInterrupted(
            f"{exc} (stored before the error: {tally.coded} articles; run the same command again to finish)",
            tally.summary(clock()),
        ) from exc
    return tally.summary(clock())
