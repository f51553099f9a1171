"""Date expressions in releases, resolved against the publication date.

Releases date events relative to the day they are published ("today", "yesterday",
"on Tuesday") or give a day and month without the year. Plain regexes handle these
forms more predictably than a general-purpose parser: every result here can be traced
to the words it came from, and a year-less date always resolves to the most recent
such day on or before publication.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
DAY_MONTH_RE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b"
)
MONTH_DAY_RE = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?"
)
RELATIVE_RE = re.compile(
    r"\b(?P<word>today|this morning|earlier today|(?:earlier|later) in the day|yesterday|"
    r"(?:(?:on|last)\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.IGNORECASE,
)
#: Relative expressions that do not tell the day: a signing "last week" has no date.
VAGUE_RE = re.compile(
    r"\b(?:(?:last|this|earlier this|later this|next) (?:week|month|year)|recently|"
    r"(?:over|at|on|during) the weekend|(?:last|this) weekend|"
    r"in recent (?:days|weeks)|earlier this (?:week|month|year))\b",
    re.IGNORECASE,
)
RANGE_BEFORE_RE = re.compile(r"(?<!\d)\d{1,2}(?:st|nd|rd|th)?\s*(?:and|to|-|–|—|−|&)\s*$")
RANGE_AFTER_RE = re.compile(r"^\s*(?:and|to|-|–|—|−|&)\s*\d")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
#: "on Wednesday and Thursday", "Monday to Wednesday": two days, neither the signing's.
WEEKDAY_RANGE_AFTER_RE = re.compile(rf"^\s*(?:and|to|through|-|–|—|&)\s*(?:on\s+)?{_WEEKDAY}\b")
WEEKDAY_RANGE_BEFORE_RE = re.compile(rf"\b{_WEEKDAY}\s*(?:and|to|through|-|–|—|&)\s*(?:on\s+)?$")


#: What joins the two ends of a span of days.
SPAN_JOIN_RE = re.compile(r"\s*(?:to|through|until|till|-|–|—|−)\s*")


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the text."""

    start: int
    end: int
    quote: str
    value: dt.date | None  # None when the expression is ambiguous (a range of days)
    relative: bool


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _resolve_yearless(month: int, day: int, published_on: dt.date) -> dt.date | None:
    """The most recent such day on or before publication (releases report the past)."""
    candidate = _safe_date(published_on.year, month, day)
    if candidate and candidate > published_on:
        candidate = _safe_date(published_on.year - 1, month, day)
    return candidate


def find_dates(text: str, start: int, end: int, published_on: dt.date) -> list[DateMention]:
    """All date expressions in ``text[start:end]``, resolved against ``published_on``."""
    chunk = text[start:end]
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, value: dt.date | None, relative: bool) -> None:
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        found.append(DateMention(start + s, start + e, chunk[s:e], value, relative))

    for regex in (DAY_MONTH_RE, MONTH_DAY_RE):
        for m in regex.finditer(chunk):
            month = MONTHS[m.group("month").lower().rstrip(".")]
            day = int(m.group("day"))
            ambiguous = bool(
                (
                    regex is DAY_MONTH_RE
                    and RANGE_BEFORE_RE.search(chunk[max(0, m.start() - 12) : m.start()])
                )
                or (
                    regex is MONTH_DAY_RE
                    and not m.group("year")
                    and RANGE_AFTER_RE.match(chunk[m.end() : m.end() + 12])
                )
            )
            if m.group("year"):
                value = _safe_date(int(m.group("year")), month, day)
            else:
                value = _resolve_yearless(month, day, published_on)
            add(m.start(), m.end(), None if ambiguous else value, relative=False)
    for m in RELATIVE_RE.finditer(chunk):
        word = m.group("word").lower()
        if m.group("weekday"):
            target = WEEKDAYS.index(m.group("weekday").lower())
            back = (published_on.weekday() - target) % 7
            value = published_on - dt.timedelta(days=back)
            if not m.group("weekday")[:1].isupper():
                continue  # a bare weekday is a date only when written as one
            s = m.start("weekday") if word.startswith("on") else m.start()
            if WEEKDAY_RANGE_AFTER_RE.match(chunk, m.end()) or WEEKDAY_RANGE_BEFORE_RE.search(
                chunk[max(0, m.start() - 20) : m.start()]
            ):
                add(s, m.end(), None, relative=True)  # a span of days names no one day
                continue
            add(s, m.end(), value, relative=True)
        elif word == "yesterday":
            add(m.start(), m.end(), published_on - dt.timedelta(days=1), relative=True)
        else:
            add(m.start(), m.end(), published_on, relative=True)
    for m in VAGUE_RE.finditer(chunk):
        add(m.start(), m.end(), None, relative=True)
    found.sort(key=lambda d: d.start)
    # "from September 30 to October 2": two ends of a span, no one day
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if not (a.relative or b.relative) and SPAN_JOIN_RE.fullmatch(text, a.end, b.start):
            found[i] = DateMention(a.start, a.end, a.quote, None, a.relative)
            found[i + 1] = DateMention(b.start, b.end, b.quote, None, b.relative)
    return found
