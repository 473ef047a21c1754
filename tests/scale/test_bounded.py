"""Long articles in windows, and the time budget per article (dotterel.bounded)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import replace

import pytest

from dotterel.bounded import BoundedCoder, Limits, plan_windows, sentence_starts, units
from dotterel.records import Article

FILLER = " ".join(
    f"The market in the old town sold {w} and bread to families."
    for w in "apples pears plums figs dates grapes melons lemons limes olives nuts beans rice salt tea".split()
)


def test_windows_are_bounded_cover_the_text_and_end_at_sentence_ends():
    text = FILLER + "\n\n" + FILLER + " " + FILLER
    spans = plan_windows(text, 1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(end - start <= 1000 for start, end in spans)
    starts = set(sentence_starts(text))
    assert all(start in starts for start, _ in spans)


def test_no_sentence_cut_after_a_title():
    text = "Brig. Gen. Esmail Qaani met Mr. Smith. Then he left."
    assert sentence_starts(text) == [0, text.index("Then")]


def test_long_articles_are_units_of_their_own_and_short_ones_come_in_batches():
    short = [Article(id=f"s{n}", text="Iran met Iraq.") for n in range(10)]
    long = Article(id="long", text="x " * 20_000)
    got = [[a.id for a in unit] for unit in units([*short[:3], long, *short[3:]], Limits())]
    assert got == [["s0", "s1", "s2"], ["long"], ["s3", "s4", "s5", "s6", "s7", "s8", "s9"]]


def test_short_articles_are_coded_exactly_as_by_the_coder(coder, seed_text):
    article = Article(id="seed", text=seed_text, published=dt.date(2025, 1, 10))
    [outcome] = BoundedCoder(coder).code_many([article])
    assert outcome.events == tuple(coder.code(article))


def test_a_long_article_coded_in_windows_keeps_offsets_sentences_and_ids_of_the_whole_text(coder, seed_text):
    text = "\n\n".join([seed_text] * 4)
    article = Article(id="long", text=text, published=dt.date(2025, 1, 10))
    whole = coder.code(article)
    [outcome] = BoundedCoder(coder, Limits(window_chars=2500, timeout=None)).code_many([article])
    assert outcome.error is None
    windowed = outcome.events
    assert len({e.id for e in windowed}) == len(windowed)
    for e in windowed:
        assert text[e.text_info.start : e.text_info.end] == e.event_text
        assert e.id == f"long-{e.text_info.sentence:03d}-{windowed.index(e):03d}"
        for mention, _ in e.actor + e.recipient:
            if mention is not None:
                assert text[mention.char_start : mention.char_end] == mention.text
    sentence_of = {e.text_info.start: e.text_info.sentence for e in whole}
    assert all(sentence_of.get(e.text_info.start, e.text_info.sentence) == e.text_info.sentence for e in windowed)
    same = {(e.text_info.start, e.event) for e in whole} & {(e.text_info.start, e.event) for e in windowed}
    assert len(same) >= 0.8 * len(whole)


def test_undated_events_in_a_later_window_keep_the_story_date(coder):
    text = (
        "On January 8, Iranian President Masoud Pezeshkian met Iraqi Prime Minister Mohammed Shia al-Sudani "
        f"in Tehran. {FILLER}\n\n{FILLER}\n\n{FILLER}\n\nPezeshkian also praised Iraq."
    )
    article = Article(id="carry", text=text, published=dt.date(2025, 1, 10))
    [outcome] = BoundedCoder(coder, Limits(window_chars=1200, timeout=None)).code_many([article])
    praise = [e for e in outcome.events if e.event == "SUPPORT"]
    assert praise and praise[0].date is not None and praise[0].date.iso() == "2025-01-08"
    assert praise[0].actor[0][1].code == "IRN"  # "Pezeshkian" still refers back to the full name


def test_a_long_article_over_the_character_limit_is_still_rejected(coder):
    article = Article(id="huge", text="Iran met Iraq. " * 70_000)
    [outcome] = BoundedCoder(coder).code_many([article])
    assert outcome.error is not None and "limit" in outcome.error.problem


class _Slow:
    """The real coder, made to dawdle on chosen articles (to test the budget without a slow machine)."""

    def __init__(self, coder, slow_ids: set[str], seconds: float) -> None:  # type: ignore[no-untyped-def]
        self.coder = coder
        self.nlp = coder.nlp
        self.versions = coder.versions
        self.slow_ids = slow_ids
        self.seconds = seconds

    def code_many(self, articles, batch_size=8):  # type: ignore[no-untyped-def]
        articles = list(articles)
        for outcome in self.coder.code_many(articles, batch_size=batch_size):
            if outcome.article.id.split("#")[0] in self.slow_ids:
                time.sleep(self.seconds)
            yield outcome


def test_an_article_past_its_time_budget_is_rejected_and_the_others_are_coded(coder):
    arts = [
        Article(id=n, text="Iran and Iraq signed a security agreement on Monday.", published=dt.date(2025, 1, 10))
        for n in ("a", "slow", "b")
    ]
    started = time.monotonic()
    got = list(BoundedCoder(_Slow(coder, {"slow"}, 60), Limits(timeout=1.0)).code_many(arts))
    assert time.monotonic() - started < 30
    assert [o.article.id for o in got] == ["a", "slow", "b"]
    assert got[0].error is None and got[0].events and got[2].error is None and got[2].events
    assert got[1].error is not None and "time budget of 1 s" in got[1].error.problem


def test_outside_the_main_thread_the_budget_is_checked_between_windows(coder, seed_text):
    text = "\n\n".join([seed_text] * 4)
    article = Article(id="long", text=text, published=dt.date(2025, 1, 10))
    coder_ = BoundedCoder(_Slow(coder, {"long"}, 0.6), Limits(window_chars=2500, timeout=1.0))
    got = []
    thread = threading.Thread(target=lambda: got.extend(coder_.code_many([article])))
    thread.start()
    thread.join(120)
    assert got and got[0].error is not None and "time budget" in got[0].error.problem


def test_limits_refuse_nonsense():
    with pytest.raises(ValueError):
        Limits(timeout=0)
    with pytest.raises(ValueError):
        replace(Limits(), window_chars=10)
