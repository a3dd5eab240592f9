"""Source profiles: how each outlet and each claimant reports, measured against incidents.

For every outlet and every claimant: how many claims it made; how its killed figures
compare with the incident consensus (the UCDP-style `best`: median ratio figure/best,
and the share of its figures above and below it); whom it blames and how often (actors
the extraction resolved, as in reconciliation); how
often it denies; and how often it is the only source of an incident. A profile is a
description of reporting, not a verdict: a monitor that counts more dead than the
median may simply count better.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from fogwatch.incidents.reconcile import claimant_name, point
from fogwatch.incidents.rules import resolved
from fogwatch.model import Claim, Incident


@dataclass
class SourceProfile:
    name: str
    role: str  # "outlet" or "claimant"
    claims: int = 0
    incidents: int = 0
    figures_compared: int = 0
    median_ratio: float | None = None
    share_above: float | None = None
    share_below: float | None = None
    blames: dict[str, int] = field(default_factory=dict)
    denials: int = 0
    denial_share: float = 0.0
    only_source: int = 0
    only_source_share: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _outlet(claim: Claim) -> str:
    return claim.outlet or claim.document


def profiles(claims: list[Claim], incidents: list[Incident]) -> list[SourceProfile]:
    """One profile per outlet and per claimant, sorted by role, then most claims first."""
    by_incident = {i.id: i for i in incidents}
    members: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if c.incident:
            members[c.incident].append(c)
    out = []
    for role, name_of in (("outlet", _outlet), ("claimant", claimant_name)):
        grouped: dict[str, list[Claim]] = defaultdict(list)
        for c in claims:
            grouped[name_of(c)].append(c)
        for name, own in grouped.items():
            out.append(_profile(name, role, own, name_of, by_incident, members))
    return sorted(out, key=lambda p: (p.role != "outlet", -p.claims, p.name))


def _profile(name, role, own, name_of, by_incident, members) -> SourceProfile:
    p = SourceProfile(name=name, role=role, claims=len(own))
    incident_ids = sorted({c.incident for c in own if c.incident})
    p.incidents = len(incident_ids)
    ratios = []
    for c in own:
        inc = by_incident.get(c.incident or "")
        figure = point(c.killed)
        if c.stance != "asserts" or inc is None or figure is None or not inc.killed.best:
            continue
        ratios.append(figure / inc.killed.best)
    if ratios:
        p.figures_compared = len(ratios)
        p.median_ratio = round(statistics.median(ratios), 3)
        p.share_above = round(sum(r > 1 for r in ratios) / len(ratios), 3)
        p.share_below = round(sum(r < 1 for r in ratios) / len(ratios), 3)
    blames = Counter(
        a.name for c in own if c.stance == "asserts" for a in c.perpetrators if resolved(a)
    )
    p.blames = dict(sorted(blames.items(), key=lambda kv: (-kv[1], kv[0])))
    p.denials = sum(c.stance == "denies" for c in own)
    p.denial_share = round(p.denials / len(own), 3) if own else 0.0
    p.only_source = sum(
        all(name_of(m) == name for m in members.get(iid, [])) for iid in incident_ids
    )
    p.only_source_share = round(p.only_source / p.incidents, 3) if p.incidents else 0.0
    return p


def find_profiles(profiles_: list[SourceProfile], name: str) -> list[SourceProfile]:
    """Profiles whose name equals NAME (ignoring case), else those containing it."""
    needle = name.lower()
    exact = [p for p in profiles_ if p.name.lower() == needle]
    return exact or [p for p in profiles_ if needle in p.name.lower()]
