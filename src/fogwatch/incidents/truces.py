"""Truces: ceasefires declared in the claims, and the violent incidents inside them.

A truce comes from an Agreement-type claim: sub-type "Ceasefire or truce declared", or
"Agreement" with a truce word in its evidence (rules: truces.words). Its area is the
claim's point with a radius by location precision (truces.radius_km); its window starts
at the claim's date, moved to a stated weekday and hour ("from 1 a.m. Thursday"), and
lasts the stated duration ("48 hours", "72-hour", "three days", "a week"), else
truces.default_days. A violent incident dated inside the window and located inside the
area gets the `truce_violation` flag; the truce's own incident never does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from fogwatch.incidents.rules import is_violent, km_between, norm, rules, surely_beyond
from fogwatch.model import Claim, Incident, Location

TRUCE_SUB_TYPES = frozenset({"Ceasefire or truce declared"})

WORD_NUMBERS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "ten": 10, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "thirty-six": 36, "forty-eight": 48,
    "seventy-two": 72, "ninety-six": 96,
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUM = r"(\d+|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"
_DURATION = re.compile(_NUM + r"[\s-]+(hours?|days?|weeks?|months?)\b", re.IGNORECASE)
_UNIT_HOURS = {"hour": 1, "day": 24, "week": 168, "month": 720}
_CLOCK = re.compile(
    r"\b(?:(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)|(\d{2})(\d{2})\s*(?:GMT|local time)"
    r"|(midnight|noon|midday))",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
# Where the start is stated: "from 1 a.m. Thursday", "starting at noon", "as of Monday".
_START = re.compile(r"\b(from|starting|beginning|as of|effective|takes effect)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Truce:
    """A declared ceasefire: where, between whom, and from when to when."""

    claim_id: str
    document: str
    location: Location | None
    radius_km: float
    start: dt.datetime
    end: dt.datetime
    duration_hours: int | None
    parties: list[str] = field(default_factory=list)
    evidence: str = ""
    # the window's first and last day, for the date test every incident runs first
    start_day: dt.date = field(init=False, repr=False, compare=False)
    end_day: dt.date = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_day", self.start.date())  # frozen: set once here
        object.__setattr__(self, "end_day", self.end.date())

    def as_dict(self) -> dict:
        return {
            "claim": self.claim_id,
            "document": self.document,
            "location": self.location.model_dump(mode="json") if self.location else None,
            "radius_km": self.radius_km,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "duration_hours": self.duration_hours,
            "parties": self.parties,
            "evidence": self.evidence,
        }


def is_truce(claim: Claim) -> bool:
    """A ceasefire declaration, or an Agreement whose evidence speaks of a truce."""
    if claim.stance != "asserts":
        return False
    if claim.sub_event_type in TRUCE_SUB_TYPES:
        return True
    if claim.sub_event_type != "Agreement":
        return False
    text = claim.evidence.text.lower()
    return any(re.search(r"\b" + re.escape(w) + r"\b", text) for w in rules().truce_words)


def parse_duration(text: str) -> int | None:
    """Hours of a stated duration: "48 hours", "72-hour", "three days", "a week"."""
    m = _DURATION.search(text)
    if not m:
        return None
    raw = m.group(1).lower()
    n = int(raw) if raw.isdigit() else WORD_NUMBERS[raw]
    return n * _UNIT_HOURS[m.group(2).lower().rstrip("s")]


def parse_start(text: str, day: dt.date) -> dt.datetime:
    """The truce's start: a weekday on or after `day`, at a stated hour, else midnight.

    Looks first right after a start word ("from 1 a.m. Thursday"), so the day a truce
    was announced on ("on Wednesday announced ...") is not taken for its start.
    """
    anchor = _START.search(text)
    if anchor:
        span = text[anchor.start() : anchor.start() + 60]
        if _WEEKDAY.search(span) or _CLOCK.search(span):
            text = span
    m = _WEEKDAY.search(text)
    if m:
        wanted = WEEKDAYS.index(m.group(1).lower())
        day = day + dt.timedelta(days=(wanted - day.weekday()) % 7)
    hour, minute = 0, 0
    c = _CLOCK.search(text)
    if c:
        if c.group(1):
            hour, minute = int(c.group(1)) % 12, int(c.group(2) or 0)
            if c.group(3).lower().startswith("p"):
                hour += 12
        elif c.group(4):
            hour, minute = int(c.group(4)), int(c.group(5))
        elif c.group(6).lower() in ("noon", "midday"):
            hour = 12
    return dt.datetime.combine(day, dt.time(min(hour, 23), min(minute, 59)))


def truce_from_claim(claim: Claim) -> Truce | None:
    """The truce a claim declares, or None when it declares none or has no date."""
    if not is_truce(claim) or claim.date is None:
        return None
    r = rules()
    text = claim.evidence.text
    start = parse_start(text, claim.date)
    hours = parse_duration(text)
    end = start + dt.timedelta(hours=hours if hours else r.truce_default_days * 24)
    precision = claim.location.precision if claim.location else None
    radius = r.truce_radius_km.get(precision or 2, r.truce_radius_km.get(2, 40.0))
    parties = sorted({a.name for a in claim.perpetrators + claim.targets})
    return Truce(
        claim_id=claim.id,
        document=claim.document,
        location=claim.location,
        radius_km=radius,
        start=start,
        end=end,
        duration_hours=hours,
        parties=parties,
        evidence=text,
    )


def truces_from_claims(claims: list[Claim]) -> list[Truce]:
    return [t for t in (truce_from_claim(c) for c in claims) if t is not None]


def _in_area(truce: Truce, location: Location) -> bool:
    """Whether a place falls inside a truce's area (its window is tested by the caller)."""
    t = truce.location
    if t is None:
        return False
    if (
        location.lat is not None
        and t.lat is not None
        and not surely_beyond(location.lat, t.lat, truce.radius_km)
        and km_between(location.lat, location.lon, t.lat, t.lon) <= truce.radius_km  # type: ignore[arg-type]
    ):
        return True
    coarse = 3 in (location.precision, t.precision)
    return coarse and bool(t.admin1) and norm(t.admin1) == norm(location.admin1)


def violated_truces(incident: Incident, truces: list[Truce]) -> list[Truce]:
    """The truces a violent incident falls inside (never the incident's own truce)."""
    if not is_violent(incident.event_type, incident.sub_event_type):
        return []
    day, location = incident.date, incident.location
    if day is None or location is None:
        return []
    own = set(incident.claim_ids)
    # the day test first: a month's link checks each violent incident against every
    # truce of the month, and few share its days
    return [
        t
        for t in truces
        if t.start_day <= day <= t.end_day and t.claim_id not in own and _in_area(t, location)
    ]
