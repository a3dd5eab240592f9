"""Resolve the date words of a claim against the date the story was written.

"on Sunday" means the Sunday before the story, not before today; dateparser does
most of the work given that reference date (RELATIVE_BASE, past preference), and
this module handles what it gets wrong or leaves out (see NOTES.md):

- a weekday said on that same weekday is that day ("on Monday" in a Monday update),
  and "last Monday" is the week before;
- "earlier this week" / "this week" / "last week" -> week precision;
- "early 2014", "in July", "late September" -> year or month precision;
- "since April 21" -> a range: date April 21, date_end the reference date;
- durations and clock times ("22 days", "1400 GMT", "the morning") are not dates;
- nothing resolves after the reference date: a future answer drops a year or is refused.

Precision is "day", "week", "month" or "year" as in CLAIMS.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import dateparser

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_STEMS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_MONTH_RE = _MONTH_STEMS + r"[a-z]*\.?"
_DURATION = re.compile(
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many|\d+-)"
    r"[\s-]*(hours?|days?|weeks?|months?|years?|minutes?)\b(?!\s+ago)",
    re.I,
)
_CLOCK = re.compile(
    r"^\s*(\d{1,2}[:.]\d{2}\s*(gmt|utc|a\.?m\.?|p\.?m\.?)?|\d{4}\s*(gmt|utc|hrs|hours))\s*$", re.I
)
_PARTS_OF_DAY = re.compile(
    r"\b(morning|afternoon|evening|night|midnight|dawn|noon|overnight)\b", re.I
)


@dataclass(frozen=True)
class ResolvedDate:
    date: dt.date
    date_end: dt.date | None
    precision: str


def _clean(text: str) -> str:
    t = text.strip().strip("“”\"'’,.:;()")
    t = re.sub(r"’s$|'s$", "", t)
    t = re.sub(r"(?i)^(on|in|at|by|from|during|of)\s+", "", t)
    t = re.sub(r"(?i)\b(" + _MONTH_STEMS + r"[a-z]*)\.(\d)", r"\1 \2", t)  # Jan.12
    return re.sub(r"\s+", " ", t).strip()


def _weekday(text: str, base: dt.date) -> ResolvedDate | None:
    low = text.lower()
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", low):
            back = (base.weekday() - i) % 7
            if re.search(r"\blast\b", low) or (back == 0 and re.search(r"\bprevious\b", low)):
                back = back or 7
            return ResolvedDate(base - dt.timedelta(days=back), None, "day")
    return None


def warm_up() -> None:
    """Build dateparser's English tables now (about 0.7 s on first use), so the first
    document of a run or the first feed item of a watcher does not pay for them."""
    resolve.__wrapped__("5 March 2016", dt.date(2016, 3, 14))


@lru_cache(maxsize=4096)
def resolve(text: str, base: dt.date) -> ResolvedDate | None:
    """Resolve one date expression against `base` (the story's own date)."""
    t = _clean(text)
    if not t:
        return None
    low = t.lower()
    if _CLOCK.match(t) or _DURATION.search(t) and not re.search(r"\bago\b|\blast\b", low):
        return None
    if re.fullmatch(r"(this|the|that|in the)?\s*(morning|afternoon|evening|night|day)", low):
        return None
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening)\b", low):
        return ResolvedDate(base, None, "day")
    if re.search(r"\bday before yesterday\b", low):
        return ResolvedDate(base - dt.timedelta(days=2), None, "day")
    if re.search(r"\byesterday\b|\blast night\b", low):
        return ResolvedDate(base - dt.timedelta(days=1), None, "day")
    if re.search(r"\b(earlier|later)? ?this week\b", low):
        monday = base - dt.timedelta(days=base.weekday())
        return ResolvedDate(monday, base, "week")
    if re.search(r"\blast week\b|\bprevious week\b", low):
        monday = base - dt.timedelta(days=base.weekday() + 7)
        return ResolvedDate(monday, monday + dt.timedelta(days=6), "week")
    since = re.match(r"(?i)^since\s+(.*)$", t)
    if since:
        inner = resolve(since.group(1), base)
        if inner is None:
            return None
        return ResolvedDate(
            inner.date, base, inner.precision if inner.precision != "day" else "day"
        )
    has_day_number = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", low)) and bool(
        re.search(_MONTH_RE, low)
    )
    if not has_day_number:
        wd = _weekday(t, base)
        if wd is not None:
            return wd
    year_only = re.fullmatch(
        r"(?i)(early|late|mid|mid-|the end of|the start of|spring|summer|"
        r"autumn|fall|winter)?\s*-?\s*(\d{4})",
        low,
    )
    if year_only:
        year = int(year_only.group(2))
        if year > base.year or year < 1900:
            return None
        return ResolvedDate(dt.date(year, 1, 1), None, "year")
    month_only = re.fullmatch(
        r"(?i)(early|late|mid|mid-|the end of|the start of|the beginning of|the first week of)?"
        r"\s*-?\s*(" + "|".join(MONTHS) + r")(\s+(\d{4}))?",
        low,
    )
    if month_only:
        month = MONTHS.index(month_only.group(2)) + 1
        year = int(month_only.group(4)) if month_only.group(4) else base.year
        if not month_only.group(4) and (year, month) > (base.year, base.month):
            year -= 1
        first = dt.date(year, month, 1)
        if first > base:
            return None
        prec = "week" if month_only.group(1) and "week" in month_only.group(1) else "month"
        return ResolvedDate(first, None, prec)
    # strip a weekday that comes with an explicit date ("Monday 5 September")
    t2 = re.sub(r"(?i)\b(" + "|".join(WEEKDAYS) + r")\b,?\s*", "", t) if has_day_number else t
    t2 = _PARTS_OF_DAY.sub("", t2).strip(" ,")
    if not re.search(r"\d|" + _MONTH_RE, t2.lower()):
        return None
    parsed = dateparser.parse(
        t2,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(base, dt.time(12)),
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["month"],
        },
    )
    if parsed is None:
        return None
    d = parsed.date()
    if d > base:
        try:
            d = d.replace(year=d.year - 1)
        except ValueError:
            return None
    if d > base:
        return None
    prec = "day" if re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", t2) else "month"
    if prec == "month":
        d = d.replace(day=1)
    return ResolvedDate(d, None, prec)
