"""Bounded cost per article: long texts are coded in windows of sentences, every article has a time budget.

    coder = BoundedCoder(Coder.load(), Limits(timeout=120))
    for outcome in coder.code_many(articles):
        ...

This wraps the Coder's public API (`code_many`, `versions`, `Outcome`) and nothing else, so it keeps
working when the stages inside the Coder change.

* Windows. Parsing and coding cost grows faster than the length of one text (the parse, the actor
  index and the discourse state of a 900,000-character live blog are all held at once). A text longer
  than `Limits.window_chars` is cut at paragraph or sentence ends into windows of at most that size.
  Each window is coded as its own text, preceded by a short context: the few sentences before it (so
  "he" and "the group" can refer back) and the sentence that gave the story its current date (so
  undated events keep inheriting it). Events found in the context are dropped (the window before has
  them). Offsets, sentence numbers and event ids are shifted back so they are exact in the whole text.
* Units. Short articles are coded in batches of `Limits.batch_size` (one `nlp.pipe` batch), a long one
  alone. Every engine (one process, worker processes, Ray) cuts the input into the same units, so
  each codes exactly the same batches and gives exactly the same events.
* Time budget. An article that takes longer than `Limits.timeout` seconds is rejected with that reason
  and the run goes on. In a program's main thread a timer interrupts the work; elsewhere the budget is
  checked between windows only.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from dotterel.errors import InputError
from dotterel.records import Article, Event, Mention, TextInfo

if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

    from dotterel.pipeline import Coder, Outcome

    _Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None  # what signal.signal takes

WINDOW_CHARS = 20_000
CONTEXT_SENTENCES = 3
CONTEXT_CHARS = 2_000
DEFAULT_TIMEOUT = 120.0
BATCH_SIZE = 8
_JOIN = "\n\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How articles are cut into units of work, and how long one article may take."""

    window_chars: int = WINDOW_CHARS
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per article; None: no limit
    batch_size: int = BATCH_SIZE

    def __post_init__(self) -> None:
        if self.window_chars < 1_000:
            raise ValueError(f"window_chars must be at least 1000, not {self.window_chars}")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError(f"timeout must be positive (or None for no limit), not {self.timeout}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")


class ArticleCoder(Protocol):
    """What ingest and the command line need from a coder: ordered outcomes and the data versions."""

    @property
    def versions(self) -> tuple[tuple[str, str], ...]: ...

    def code_many(self, articles: Iterable[Article]) -> Iterator[Outcome]: ...


def is_long(article: Article, limits: Limits) -> bool:
    return isinstance(article.text, str) and len(article.text) > limits.window_chars


def units(articles: Iterable[Article], limits: Limits) -> Iterator[list[Article]]:
    """Cut a stream of articles into units of work: batches of short articles, or one long article."""
    batch: list[Article] = []
    for article in articles:
        if is_long(article, limits):
            if batch:
                yield batch
                batch = []
            yield [article]
            continue
        batch.append(article)
        if len(batch) >= limits.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---- windows ---------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen brig lt col maj capt sgt cpl adm cmdr gov sen rep rev st jr sr no gens messrs".split()
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*")
_PARAGRAPH = re.compile(r"\n\s*")


def sentence_starts(text: str) -> list[int]:
    """Where sentences start, by punctuation and line breaks (no parse; used only to place window cuts)."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == ".":
            word = text[max(0, m.start() - 8) : m.start()].rsplit(None, 1)
            if word and word[-1].lower().lstrip("(\"'“") in _ABBREVIATIONS:
                continue
        if m.end() < len(text) and m.end() > starts[-1]:
            starts.append(m.end())
    return starts


def plan_windows(text: str, size: int, starts: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """Cut `text` into consecutive spans of at most `size` characters, at a paragraph end if one lies in
    the second half of the span, else at a sentence end, else at a space, else anywhere."""
    if len(text) <= size:
        return [(0, len(text))]
    starts = sentence_starts(text) if starts is None else starts
    spans: list[tuple[int, int]] = []
    begin = 0
    while len(text) - begin > size:
        limit = begin + size
        half = begin + size // 2
        cut = None
        for m in _PARAGRAPH.finditer(text, half, limit):
            if m.end() <= limit:
                cut = m.end()
        if cut is None:
            k = bisect.bisect_right(starts, limit) - 1
            if k >= 0 and starts[k] > half:
                cut = starts[k]
        if cut is None:
            space = text.rfind(" ", half, limit)
            cut = space + 1 if space > begin else limit
        spans.append((begin, cut))
        begin = cut
    spans.append((begin, len(text)))
    return spans


@dataclass(frozen=True, slots=True)
class _Piece:
    at: int  # offset in the window text
    source: int  # offset in the article text
    length: int


@dataclass(frozen=True, slots=True)
class _Window:
    text: str
    pieces: tuple[_Piece, ...]
    context: int  # characters of context before the window's own text

    def to_article(self, offset: int) -> int:
        """An offset in the window text as an offset in the article text."""
        for piece in reversed(self.pieces):
            if offset >= piece.at:
                return piece.source + min(offset - piece.at, piece.length)
        return self.pieces[0].source


def _assemble(text: str, spans: Sequence[tuple[int, int]]) -> _Window:
    parts: list[str] = []
    pieces: list[_Piece] = []
    at = 0
    for n, (start, end) in enumerate(spans):
        if n:
            parts.append(_JOIN)
            at += len(_JOIN)
        parts.append(text[start:end])
        pieces.append(_Piece(at, start, end - start))
        at += end - start
    last = pieces[-1]
    return _Window(text="".join(parts), pieces=tuple(pieces), context=last.at)


def _context_start(starts: Sequence[int], begin: int) -> int:
    """Start of the context before a window beginning at `begin`: a few sentences, a bounded length."""
    k = bisect.bisect_left(starts, begin)
    first = starts[max(0, k - CONTEXT_SENTENCES)]
    if begin - first > CONTEXT_CHARS:
        later = bisect.bisect_left(starts, begin - CONTEXT_CHARS)
        first = starts[later] if later < k else begin
    return first


def _sentence_around(starts: Sequence[int], offset: int, length: int) -> tuple[int, int]:
    k = bisect.bisect_right(starts, offset) - 1
    start = starts[max(0, k)]
    end = starts[k + 1] if k + 1 < len(starts) else length
    return start, min(end, start + CONTEXT_CHARS)


# ---- time budget -------------------------------------------------------------------------------


class _OutOfTime(BaseException):
    """Raised by the timer inside the coder; a BaseException so that no `except Exception` swallows it."""


class _Budget:
    """A time budget: a timer interrupt in the main thread, a deadline to check everywhere."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self._previous: _Handler = None
        self._armed = False

    def __enter__(self) -> _Budget:
        if (
            self.seconds is not None
            and hasattr(signal, "setitimer")  # not on Windows: the deadline between windows only
            and threading.current_thread() is threading.main_thread()
        ):
            self._previous = signal.signal(signal.SIGALRM, _raise_out_of_time)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self._armed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            self._armed = False

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _OutOfTime


def _raise_out_of_time(signum: int, frame: object) -> None:
    raise _OutOfTime


def _too_slow(article: Article, seconds: float | None) -> InputError:
    return InputError(
        f"article {article.id}",
        f"coding took longer than the time budget of {seconds:g} s per article (--article-timeout); rejected",
    )


# ---- the wrapper ---------------------------------------------------------------------------------


class BoundedCoder:
    """A Coder with bounded cost per unit of work: windows for long texts, a time budget per article."""

    def __init__(
        self, coder: Coder, limits: Limits | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.coder = coder
        self.limits = limits or Limits()
        self._clock = clock

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        return self.coder.versions

    def code_many(self, articles: Iterable[Article]) -> Iterator[Outcome]:
        """Code articles in order (bad ones come back with their error), unit by unit."""
        for unit in units(articles, self.limits):
            yield from self.code_unit(unit)

    def code_unit(self, unit: Sequence[Article]) -> list[Outcome]:
        """Code one unit as cut by `units`: a batch of short articles or one long article.

        Strings spaCy first sees in a unit are freed after it (its memory zone), so a worker that codes
        millions of articles does not grow; the outcomes hold plain Python values only.
        """
        zone = getattr(self.coder.nlp, "memory_zone", None)
        with zone() if zone is not None else contextlib.nullcontext():
            if len(unit) == 1 and is_long(unit[0], self.limits):
                return [self._code_long(unit[0])]
            return self._code_batch(list(unit))

    # ---- short articles, in one batch ----

    def _code_batch(self, batch: list[Article]) -> list[Outcome]:
        timeout = self.limits.timeout
        out: list[Outcome] = []
        outcomes = self.coder.code_many(batch, batch_size=len(batch))
        while len(out) < len(batch):
            try:
                with _Budget(timeout):
                    outcome = next(outcomes)
            except _OutOfTime:
                # the batch is parsed together: code what is left one by one to find the slow article
                for article in batch[len(out) :]:
                    out.append(self._code_alone(article))
                return out
            out.append(outcome)
        return out

    def _code_alone(self, article: Article) -> Outcome:
        from dotterel.pipeline import Outcome

        try:
            with _Budget(self.limits.timeout):
                return next(self.coder.code_many([article], batch_size=1))
        except _OutOfTime:
            return Outcome(article=article, error=_too_slow(article, self.limits.timeout))

    # ---- a long article, window by window ----

    def _code_long(self, article: Article) -> Outcome:
        from dotterel.pipeline import Outcome, check_article

        problem = check_article(article)
        if problem is not None:
            return Outcome(article=article, error=problem)
        budget = _Budget(self.limits.timeout)
        try:
            with budget:
                return self._windows(article, budget)
        except _OutOfTime:
            return Outcome(article=article, error=_too_slow(article, self.limits.timeout))

    def _windows(self, article: Article, budget: _Budget) -> Outcome:
        from dotterel.pipeline import Outcome

        text = article.text
        starts = sentence_starts(text)
        events: list[Event] = []
        sentences: list[int] = []
        anchor: tuple[int, int] | None = None  # the sentence that set the story's current date
        for begin, end in plan_windows(text, self.limits.window_chars, starts):
            budget.check()
            if not text[begin:end].strip():
                continue
            spans: list[tuple[int, int]] = []
            if begin > 0:
                first = _context_start(starts, begin)
                if anchor is not None and anchor[1] <= first:
                    spans.append(anchor)
                if first < begin:
                    spans.append((first, begin))
            spans.append((begin, end))
            window = _assemble(text, spans)
            part = replace(article, text=window.text)
            outcome = next(self.coder.code_many([part], batch_size=1))
            if outcome.error is not None:
                return Outcome(
                    article=article,
                    error=InputError(
                        f"article {article.id}", f"{outcome.error.problem} (characters {begin}-{end})"
                    ),
                )
            skipped = sum(1 for s in outcome.sentences if s < window.context)
            base = len(sentences) - skipped
            sentences.extend(window.to_article(s) for s in outcome.sentences if s >= window.context)
            for event in outcome.events:
                if event.text_info.start < window.context:
                    continue  # in the context: the window before has it
                events.append(_shift(event, window, base, len(events), article.id))
            dated = next((e.date for e in reversed(events) if e.date is not None and e.date.char_start >= 0), None)
            if dated is not None:
                anchor = _sentence_around(starts, dated.char_start, len(text))
        return Outcome(article=article, events=tuple(events), sentences=tuple(sentences))


def _shift(event: Event, window: _Window, base: int, n: int, article_id: str) -> Event:
    """An event coded in a window, with offsets, sentence numbers and id as in the whole article."""
    to = window.to_article
    sentence = base + event.text_info.sentence
    date = event.date
    if date is not None and date.char_start >= 0:
        date = replace(date, char_start=to(date.char_start))
    loc = event.location
    if loc is not None and loc.char_start >= 0:
        loc = replace(loc, char_start=to(loc.char_start))

    def mention(m: Mention | None) -> Mention | None:
        if m is None:
            return None
        return replace(m, char_start=to(m.char_start), char_end=to(m.char_end), sentence=max(0, base + m.sentence))

    return replace(
        event,
        id=f"{article_id}-{sentence:03d}-{n:03d}",
        text_info=TextInfo(sentence=sentence, start=to(event.text_info.start), end=to(event.text_info.end)),
        date=date,
        location=loc,
        actor=tuple((mention(m), e) for m, e in event.actor),
        recipient=tuple((mention(m), e) for m, e in event.recipient),
    )
