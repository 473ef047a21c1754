"""Date expressions resolved against the publication date, with their precision.

spaCy finds DATE entities; `dateparser` resolves them with the publication date as the
reference and a preference for the past (news reports what happened). The precision is read
off the expression itself: a day number or weekday gives a day, a month name a month, a bare
year a year. Durations ("one-day visit", "two years") are not dates of events.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dotterel.records import DateRef, Precision

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|few|many|some)"
_DURATION = re.compile(
    rf"^(?:the\s+)?(?:past|last|next|first|coming|previous|following|over)?\s*{_NUMBER}[\s-]+"
    r"(?:day|week|month|year|hour|minute|decade|century|night)s?\b(?!\s+(?:ago|earlier|before|later))",
    re.I,
)
_HABITUAL = re.compile(r"\b(?:every|each|daily|weekly|monthly|annual|annually|yearly|decades?|centuries)\b", re.I)
_LEADING = re.compile(
    r"^(?:on|in|since|by|from|until|till|during|as of|earlier|later|late|early|mid|the)\b[\s,-]*", re.I
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAYNUM = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
_MAY = re.compile(r"\bmay\s+\d|\d\s+may\b|\bmay\s+(?:19|20)\d\d|\b(?:in|early|late|mid|since)\s+may\b")
_WEEK = re.compile(r"\b(?:this|last|past|previous)\s+week\b|\bweekend\b", re.I)
_MONTH_REL = re.compile(r"\b(this|last|previous)\s+month\b", re.I)
_YEAR_REL = re.compile(r"\b(this|last|previous)\s+year\b", re.I)


@dataclass(slots=True)
class DateResolver:
    """Resolves date expressions of one article against its publication date."""

    published: dt.date | None

    def resolve(self, text: str, char_start: int = -1) -> DateRef | None:
        raw = " ".join(text.split())
        if not raw or _DURATION.search(raw) or _HABITUAL.search(raw):
            return None
        cleaned = raw
        while True:
            stripped = _LEADING.sub("", cleaned).strip()
            if stripped == cleaned:
                break
            cleaned = stripped
        cleaned = cleaned.rstrip(".,;:")
        if not cleaned or re.fullmatch(r"\d{1,3}", cleaned):
            return None  # "Ahmed Hassan, 32,": an age or a count, not a date
        found = self._resolve_clean(cleaned)
        if found is None:
            return None
        day, precision = found
        return DateRef(date=day, precision=precision, text=raw, char_start=char_start)

    def _resolve_clean(self, text: str) -> tuple[dt.date, Precision] | None:
        low = text.lower()
        base = self.published
        if text.islower() and low in _MONTHS:  # "may", "march" as words, not months
            return None
        words = re.findall(r"[a-z]+", low)
        month = next((_MONTHS[w] for w in words if w in _MONTHS and (w != "may" or _MAY.search(low))), None)
        year_m = _YEAR.search(low)
        year = int(year_m.group(1)) if year_m else None
        weekday = next((_WEEKDAYS[w] for w in words if w in _WEEKDAYS), None)
        day_m = _DAYNUM.search(_YEAR.sub(" ", low)) if month else None
        day = int(day_m.group(1)) if day_m and 1 <= int(day_m.group(1)) <= 31 else None
        if month:
            if year is None:
                if base is None:
                    return None
                year = base.year
                # news reports the past: "in November" read in January is last November
                if month > base.month or (month == base.month and day is not None and day > base.day):
                    year -= 1
            try:
                if day:
                    return dt.date(year, month, day), "day"
                return dt.date(year, month, 1), "month"
            except ValueError:
                return None
        if year is not None and len(words) <= 2 and not any(w in ("ago", "before") for w in words):
            return dt.date(year, 1, 1), "year"
        if base is None:
            return None
        if weekday is not None:
            delta = (base.weekday() - weekday) % 7
            return base - dt.timedelta(days=delta), "day"
        if "today" in words or "tonight" in words:
            return base, "day"
        if "yesterday" in words:
            return base - dt.timedelta(days=1), "day"
        if _WEEK.search(low):
            monday = base - dt.timedelta(days=base.weekday())
            if re.search(r"\b(?:last|past|previous)\s+week", low):
                monday -= dt.timedelta(days=7)
            return monday, "month"
        rel = _MONTH_REL.search(low)
        if rel:
            first = base.replace(day=1)
            if rel.group(1) != "this":
                first = (first - dt.timedelta(days=1)).replace(day=1)
            return first, "month"
        rel = _YEAR_REL.search(low)
        if rel:
            return dt.date(base.year - (rel.group(1) != "this"), 1, 1), "year"
        return self._dateparser(text)

    def _dateparser(self, text: str) -> tuple[dt.date, Precision] | None:
        import dateparser

        settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
        if self.published is not None:
            settings["RELATIVE_BASE"] = dt.datetime.combine(self.published, dt.time())
        try:
            parsed = dateparser.parse(text, languages=["en"], settings=settings)
        except Exception:  # dateparser raises assorted errors on odd strings
            return None
        if parsed is None:
            return None
        low = text.lower()
        if "ago" in low and ("year" in low):
            return parsed.date(), "year"
        if "ago" in low and ("month" in low):
            return parsed.date(), "month"
        return parsed.date(), "day"
