"""The reference check: does a claim agree with a trusted dataset? (FA-KES, done openly.)

Each claim is matched to reference events: within the claim's precision distance (the
linking distances; precision 3 also by admin1), within `reference.date_days` days, and
of a compatible type. Labels:

* consistent      - a matching event exists, and (when the claim gives a killed figure)
                    the figure agrees with the closest event's deaths or with the sum of
                    the matching events', within the casualty tolerance; or, against a
                    table of counts, the figure is not far above the count for its place
                    and day (a count sums every event, so lower is fine).
* inconsistent    - the figures disagree ("claim 80 vs reference 3"), or the claim denies
                    an event the reference records.
* not_in_reference - nothing matches (or the claim has no date or place to match on).

A document's score is the share of its matched claims that are consistent, reported
with its coverage (matched / all claims) and the reasons, so a reader can see why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from fogwatch.incidents.reconcile import point
from fogwatch.incidents.rules import km_between, norm, rules, types_compatible
from fogwatch.model import Claim
from fogwatch.store.db import Store
from fogwatch.store.reference import counts_for, events_in_admin1, events_near


@dataclass
class ClaimCheck:
    claim: str
    document: str
    label: str
    reason: str
    claim_killed: int | None = None
    reference_killed: int | None = None
    reference: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class DocumentScore:
    document: str
    claims: int
    consistent: int
    inconsistent: int
    not_in_reference: int
    score: float | None
    coverage: float
    reasons: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def _agree(a: int, b: int) -> bool:
    return not rules().disagree([a, b])


def check_claim(claim: Claim, session) -> ClaimCheck:
    """Label one claim against the reference tables open in `session`."""
    r = rules()
    figure = point(claim.killed)
    base = {"claim": claim.id, "document": claim.document, "claim_killed": figure}
    loc = claim.location
    if claim.date is None or loc is None:
        return ClaimCheck(label="not_in_reference", reason="no date or place to match", **base)
    lo = claim.date - dt.timedelta(days=r.reference_date_days)
    hi = (claim.date_end or claim.date) + dt.timedelta(days=r.reference_date_days)
    events = []
    if loc.lat is not None and loc.lon is not None:
        limit = r.radius(loc.precision)
        events = [
            e
            for e in events_near(session, lo, hi, loc.lat, loc.lon, limit)
            if km_between(loc.lat, loc.lon, e.lat, e.lon) <= limit
        ]
    if loc.precision == 3 and loc.admin1:
        events += [e for e in events_in_admin1(session, lo, hi, loc.admin1) if e not in events]
    events = [
        e
        for e in events
        if types_compatible(claim.event_type, claim.sub_event_type, e.event_type, e.sub_event_type)
    ]
    if events:
        return _against_events(claim, figure, events, base)
    places = {p for p in (norm(loc.name), norm(loc.admin1)) if p}
    counts = counts_for(session, lo, hi, places)
    if counts:
        return _against_counts(claim, figure, counts, base)
    return ClaimCheck(label="not_in_reference", reason="no reference event matches", **base)


def _describe(e) -> str:
    return f"{e.source_id} {e.date} {e.place or ''} deaths={e.deaths}".strip()


def _against_events(claim: Claim, figure: int | None, events: list, base: dict) -> ClaimCheck:
    ids = [_describe(e) for e in events]
    if claim.stance == "denies":
        return ClaimCheck(
            label="inconsistent",
            reason=f"denies an event the reference records ({ids[0]})",
            reference=ids,
            **base,
        )
    if figure is None:
        return ClaimCheck(
            label="consistent",
            reason=f"reference records the event ({ids[0]})",
            reference=ids,
            **base,
        )
    with_deaths = [e for e in events if e.deaths is not None]
    if not with_deaths:
        return ClaimCheck(
            label="consistent",
            reason="reference records the event without a toll",
            reference=ids,
            **base,
        )
    closest = min(with_deaths, key=lambda e: (abs(e.deaths - figure), e.source_id or ""))
    total = sum(e.deaths for e in with_deaths)
    if _agree(figure, closest.deaths) or _agree(figure, total):
        ref = closest.deaths if _agree(figure, closest.deaths) else total
        return ClaimCheck(
            label="consistent",
            reason=f"claim {figure} vs reference {ref}",
            reference_killed=ref,
            reference=ids,
            **base,
        )
    return ClaimCheck(
        label="inconsistent",
        reason=f"claim {figure} vs reference {closest.deaths}",
        reference_killed=closest.deaths,
        reference=ids,
        **base,
    )


def _against_counts(claim: Claim, figure: int | None, counts: dict, base: dict) -> ClaimCheck:
    wanted = {norm(claim.event_type), norm(claim.sub_event_type)} - {""}
    best_place, best_total, best_day = None, None, None
    for place, rows in sorted(counts.items()):
        by_day: dict[dt.date, int] = defaultdict(int)
        for row in rows:
            if wanted and row.cause and norm(row.cause) not in wanted:
                continue
            by_day[row.date] += row.deaths or 0
        if not by_day:
            by_day = defaultdict(int)
            for row in rows:
                by_day[row.date] += row.deaths or 0
        day, total = max(by_day.items(), key=lambda kv: (kv[1], kv[0]))
        if best_total is None or total > best_total:
            best_place, best_total, best_day = place, total, day
    ref = [f"count {best_place} {best_day} deaths={best_total}"]
    if claim.stance == "denies" or figure is None:
        return ClaimCheck(
            label="consistent", reason=f"documented count exists ({ref[0]})", reference=ref, **base
        )
    r = rules()
    far_above = figure > best_total and r.disagree([figure, best_total])  # type: ignore[list-item]
    return ClaimCheck(
        label="inconsistent" if far_above else "consistent",
        reason=f"claim {figure} vs documented {best_total} for {best_place} on {best_day}",
        reference_killed=best_total,
        reference=ref,
        **base,
    )


def check_claims(store: Store, claims: list[Claim]) -> list[ClaimCheck]:
    with store.session() as s:
        return [check_claim(c, s) for c in claims]


def score_documents(checks: list[ClaimCheck]) -> list[DocumentScore]:
    """Per document: share of matched claims that are consistent, coverage and reasons."""
    by_doc: dict[str, list[ClaimCheck]] = defaultdict(list)
    for c in checks:
        by_doc[c.document].append(c)
    out = []
    for doc, items in sorted(by_doc.items()):
        n_ok = sum(c.label == "consistent" for c in items)
        n_bad = sum(c.label == "inconsistent" for c in items)
        n_none = len(items) - n_ok - n_bad
        out.append(
            DocumentScore(
                document=doc,
                claims=len(items),
                consistent=n_ok,
                inconsistent=n_bad,
                not_in_reference=n_none,
                score=round(n_ok / (n_ok + n_bad), 3) if n_ok + n_bad else None,
                coverage=round((n_ok + n_bad) / len(items), 3) if items else 0.0,
                reasons=[f"{c.claim}: {c.label}: {c.reason}" for c in items],
            )
        )
    return out
