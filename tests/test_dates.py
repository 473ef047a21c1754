import datetime as dt

import pytest

from dotterel.dates import DateResolver

PUB = dt.date(2025, 1, 10)


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("January 9", "2025-01-09", "day"),
        ("on January 6", "2025-01-06", "day"),
        ("November", "2024-11", "month"),
        ("March 2023", "2023-03", "month"),
        ("a November 2022", "2022-11", "month"),
        ("2015", "2015", "year"),
        ("Jan. 9", "2025-01-09", "day"),
        ("last month", "2024-12", "month"),
        ("yesterday", "2025-01-09", "day"),
    ],
)
def test_date_expressions_resolve_against_the_publication_date(text, iso, precision):
    ref = DateResolver(PUB).resolve(text)
    assert ref is not None
    assert (ref.iso(), ref.precision) == (iso, precision)


def test_month_later_than_publication_means_last_year():
    assert DateResolver(PUB).resolve("In November").iso() == "2024-11"


def test_weekday_is_the_latest_such_day_up_to_publication():
    friday = dt.date(2019, 2, 22)
    assert DateResolver(friday).resolve("Thursday").iso() == "2019-02-21"
    assert DateResolver(friday).resolve("On Friday").iso() == "2019-02-22"


@pytest.mark.parametrize("text", ["one-day", "the past two years", "five minutes", "every week", "Five years"])
def test_durations_and_habits_are_not_event_dates(text):
    assert DateResolver(PUB).resolve(text) is None


def test_earlier_this_week_gives_the_month():
    ref = DateResolver(dt.date(2019, 2, 22)).resolve("Earlier this week")
    assert ref is not None and ref.iso() == "2019-02" and ref.precision == "month"


def test_bare_modal_may_is_not_a_month():
    assert DateResolver(PUB).resolve("may") is None
