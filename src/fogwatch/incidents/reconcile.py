"""Reconciliation: one incident's figures, blame, flags and grade, derived from its claims.

Nothing here overwrites a claim. Every derived value says which rule made it:

* killed/injured `acled`: ACLED's conservative minimum, the lowest figure any credible
  asserting claim states (vague words already carry the vague-quantity table's figure).
* `low`/`high`: the lowest and highest figure of the independent origins' latest
  statements (an origin that revised its toll counts with its highest figure; `high`
  takes a range's upper end).
* `best`: the median of the origins' point figures (lower median for an even count; a
  range counts as its midpoint), clamped to [low, high] - UCDP's "most reliable" figure
  without pretending to judge sources.
* origins: claims count once per independent origin (see `origin_of`).
* flags and grade: see `flags_for` and `grade_for`; docs/incidents.md has the tables.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from fogwatch.incidents.rules import known_actors, norm, resolved, rules
from fogwatch.model import ActorRef, Claim, Count, Figures, Incident, Location, PerpetratorClaim

# Claimant kinds that speak for a party: their denial of the act is the party's denial.
PARTY_KINDS = frozenset({"government", "military", "armed_group", "official"})

# Grade precedence, first match wins (see grade_for).
GRADE_ORDER = ("discounted", "confirmed", "contested", "fair", "weak")

# Flags that say the sources contradict each other. An incident with one of them, or
# graded contested, is "contested" for every reader: the CLI, the API and the exports
# all read the `contested` this module stores (`is_contested`).
CONTRADICTION_FLAGS = frozenset({"casualties_disagree", "perpetrator_disputed", "denied"})


def is_contested(grade: str | None, flags: Iterable[str]) -> bool:
    """The one definition of "contested" (docs/incidents.md, "Grades and flags")."""
    return grade == "contested" or bool(CONTRADICTION_FLAGS & set(flags))


def claimant_name(claim: Claim) -> str:
    """Who makes the claim, for display: the claimant, else the outlet, else the document."""
    if claim.claimant is not None:
        return claim.claimant.name
    return claim.outlet or claim.document


def is_generic_claimant(claim: Claim) -> bool:
    """A claimant that names no one source: none, the outlet itself, "activists"..."""
    r = rules()
    cl = claim.claimant
    if cl is None or cl.kind in r.generic_kinds:
        return True
    name = norm(cl.name)
    return (
        name in r.generic_claimants
        or name in known_actors().generic
        or name.startswith(("unnamed ", "an unnamed ", "a "))
    )


def origin_of(claim: Claim) -> str:
    """The independent origin of a claim's information.

    * A named, specific claimant (a ministry, a monitor) is the origin, whichever outlet
      carries it: two outlets citing SOHR are one origin, SOHR.
    * The outlet speaking for itself is tied to where it was published: the syndication
      group when the text is a near-duplicate of another, else the outlet (so an outlet
      that is also a named claimant, like a monitor's own site, is one origin), else
      the document. A syndicated copy therefore adds no origin.
    * A generic claimant ("activists", "a military source") is counted once per place
      of publication: two outlets citing "activists" may cite different people.
    """
    cl = claim.claimant
    source = claim.syndication_group or norm(claim.outlet) or claim.document
    if not is_generic_claimant(claim):
        return norm(cl.name)  # type: ignore[union-attr]
    if cl is None or cl.kind == "outlet":
        return source
    return f"{norm(cl.name)}|{source}"


def origins(claims: Iterable[Claim]) -> set[str]:
    return {origin_of(c) for c in claims}


# --------------------------------------------------------------------------- figures


def point(count: Count | None) -> int | None:
    """The figure a claim states: its lower bound, else its upper bound.

    A vague count stated without a figure ("dozens", low and high empty) takes its
    value from the vague-quantity table (fogwatch/data/vague_quantities.yaml).
    """
    if count is None:
        return None
    if count.low is not None:
        return count.low
    if count.high is not None:
        return count.high
    return vague_value(count.text) if count.qualifier == "vague" else None


VAGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "vague_quantities.yaml"


@cache
def _vague_terms() -> tuple[tuple[str, int], ...]:
    try:
        data = yaml.safe_load(VAGUE_PATH.read_text(encoding="utf-8")) or {}
    except OSError:
        return ()
    terms = [(str(k).lower(), int(v["value"])) for k, v in (data.get("terms") or {}).items()]
    return tuple(sorted(terms, key=lambda kv: -len(kv[0])))


def vague_value(text: str | None) -> int | None:
    """The table's figure for the longest vague phrase in `text`, if any."""
    words = f" {norm(text)} "
    for phrase, value in _vague_terms():
        if f" {norm(phrase)} " in words:
            return value
    return None


def _midpoint(count: Count) -> int | None:
    if count.low is not None and count.high is not None:
        return (count.low + count.high) // 2
    return point(count)


def credible(claim: Claim) -> bool:
    """Asserting, and confident enough to count (rules: casualties.min_confidence)."""
    return claim.stance == "asserts" and claim.confidence >= rules().min_confidence


def origin_points(claims: list[Claim], attr: str) -> dict[str, tuple[int, int, int]]:
    """Per origin: (low, point, high) of its latest (highest) credible statement."""
    per: dict[str, tuple[int, int, int]] = {}
    for claim in claims:
        count: Count | None = getattr(claim, attr)
        p = point(count)
        if p is None or not credible(claim):
            continue
        assert count is not None
        mid = _midpoint(count) or p
        high = count.high if count.high is not None else p
        origin = origin_of(claim)
        if origin not in per or mid > per[origin][1]:
            per[origin] = (p, mid, high)
    return per


def figures(claims: list[Claim], attr: str) -> Figures:
    """ACLED minimum and UCDP low/best/high for 'killed' or 'injured' (see module doc)."""
    stated = [point(getattr(c, attr)) for c in claims if credible(c)]
    stated = [p for p in stated if p is not None]
    per = origin_points(claims, attr)
    if not stated or not per:
        return Figures()
    low = min(v[0] for v in per.values())
    high = max(v[2] for v in per.values())
    best = int(statistics.median_low(sorted(v[1] for v in per.values())))
    return Figures(acled=min(stated), low=low, best=min(max(best, low), high), high=high)


def figures_disagree(claims: list[Claim]) -> bool:
    """Killed (or injured) figures of independent origins differ beyond the tolerance."""
    r = rules()
    return any(
        r.disagree([v[1] for v in origin_points(claims, attr).values()])
        for attr in ("killed", "injured")
    )


# --------------------------------------------------------------------------- actors


@dataclass
class _Party:
    names: Counter = field(default_factory=Counter)
    keys: set[str] = field(default_factory=set)
    claimants: set[str] = field(default_factory=set)
    claimant_keys: set[str] = field(default_factory=set)
    denied_by: set[str] = field(default_factory=set)
    denier_keys: set[str] = field(default_factory=set)
    side: str | None = None
    country: str | None = None


def actor_keys(actor: ActorRef | None) -> set[str]:
    """Every normalised name an actor goes by, and its top-level party."""
    if actor is None:
        return set()
    return set(_actor_keys(actor.name, tuple(actor.aliases), actor.text))


@lru_cache(maxsize=1 << 14)
def _actor_keys(name: str, aliases: tuple[str, ...], text: str | None) -> frozenset[str]:
    # cached: a month's link reconciles hundreds of incidents naming the same few actors,
    # each with a dozen aliases
    r = rules()
    keys = {norm(name), r.party(name)}
    keys |= {norm(a) for a in aliases} | {r.party(a) for a in aliases}
    if text:
        keys.add(norm(text))
    return frozenset(k for k in keys if k)


def claimant_keys(claim: Claim) -> set[str]:
    cl = claim.claimant
    if cl is None or norm(cl.name) in rules().generic_claimants:
        return set()
    return actor_keys(ActorRef(name=cl.name, aliases=cl.aliases))


def _same_party(a: _Party, b: _Party) -> bool:
    if a.keys & b.keys:
        return True
    broad = rules().broad_sides
    side_a, side_b = norm(a.side), norm(b.side)
    if side_a and side_a == side_b and side_a not in broad:
        return a.country is None or b.country is None or a.country == b.country
    return False


def parties(claims: list[Claim]) -> list[_Party]:
    """Perpetrators named by the claims, merged into parties (names, aliases, parents, side)."""
    found: list[_Party] = []

    def party_for(actor: ActorRef, weight: int) -> _Party:
        p = _Party(keys=actor_keys(actor), side=actor.side, country=actor.country)
        p.names[actor.name] += weight  # a name used to blame outranks one used to deny
        for other in found:
            if _same_party(other, p):
                other.names.update(p.names)
                other.keys |= p.keys
                other.side = other.side or p.side
                other.country = other.country or p.country
                return other
        found.append(p)
        return p

    for claim in sorted(claims, key=lambda c: (c.document, c.id)):
        named = [a for a in claim.perpetrators if resolved(a)]
        if claim.stance == "asserts":
            for actor in named:
                party = party_for(actor, 2)
                party.claimants.add(claimant_name(claim))
                party.claimant_keys |= claimant_keys(claim)
        else:
            denied = named
            if (
                not denied
                and claim.claimant is not None
                and claim.claimant.kind in PARTY_KINDS
                and not is_generic_claimant(claim)
            ):
                denied = [ActorRef(name=claim.claimant.name, aliases=claim.claimant.aliases)]
            for actor in denied:
                party = party_for(actor, 1)
                party.denied_by.add(claimant_name(claim))
                party.denier_keys |= claimant_keys(claim)
    return _merge_parties(found)


def _merge_parties(found: list[_Party]) -> list[_Party]:
    """Parties created before a linking alias appeared may still be one: merge them."""
    merged: list[_Party] = []
    for p in found:
        for q in merged:
            if _same_party(q, p):
                q.names.update(p.names)
                q.keys |= p.keys
                q.claimants |= p.claimants
                q.claimant_keys |= p.claimant_keys
                q.denied_by |= p.denied_by
                q.denier_keys |= p.denier_keys
                break
        else:
            merged.append(p)
    return merged


def _display_name(p: _Party) -> str:
    """The party's top-level name when a claim used it, else its most used name."""
    r = rules()
    tops = {r.party(n) for n in p.names}

    def rank(kv: tuple[str, int]) -> tuple:
        return (norm(kv[0]) not in tops, -kv[1], len(kv[0]), kv[0])

    return sorted(p.names.items(), key=rank)[0][0]


def perpetrator_claims(found: list[_Party]) -> list[PerpetratorClaim]:
    """Each party blamed or denied (`parties` of the claims), with who blames it and who
    denies it."""
    out = [
        PerpetratorClaim(
            name=_display_name(p), claimants=sorted(p.claimants), denied_by=sorted(p.denied_by)
        )
        for p in found
    ]
    return sorted(out, key=lambda p: (-len(p.claimants), p.name))


# --------------------------------------------------------------------------- flags, grade


def flags_for(
    claims: list[Claim], found: list[_Party], n_origins: int, in_truce: bool = False
) -> list[str]:
    """The contradiction flags of an incident (`found`: the claims' `parties`), in a
    fixed order."""
    blamed = [p for p in found if p.claimants]
    flags = []
    if figures_disagree(claims):
        flags.append("casualties_disagree")
    if len(blamed) > 1:
        flags.append("perpetrator_disputed")
    if any(c.stance == "denies" for c in claims):
        flags.append("denied")
    if n_origins == 1:
        flags.append("single_source")
    if in_truce:
        flags.append("truce_violation")
    return flags


def _civilians_named(claim: Claim) -> bool:
    v = claim.victims
    if (v.civilians or 0) + (v.children or 0) + (v.women or 0) > 0:
        return True
    return any((t.side or "").lower() == "civilians" for t in claim.targets)


def civilian_harm(claims: list[Claim]) -> str:
    """ "yes" when a credible asserting claim names civilian victims, "no" when every
    credible toll names combatants only, else "unknown". Who the victims were is a fact
    the claims state, shown beside the grade; it never sets the grade."""
    asserting = [c for c in claims if credible(c)]
    if any(_civilians_named(c) for c in asserting):
        return "yes"
    tolls = [c for c in asserting if point(c.killed) or point(c.injured)]
    if tolls and all(c.victims.combatants for c in tolls):
        return "no"
    return "unknown"


def _refuted(claims: list[Claim]) -> bool:
    """The act itself is denied by more independent origins than assert it, and by at
    least `grades.refuted_min_denials` of them (incident_rules.yaml)."""
    denials = {
        origin_of(c)
        for c in claims
        if c.stance == "denies" and not c.perpetrators and not is_generic_claimant(c)
    }
    asserting = origins(c for c in claims if credible(c))
    return len(denials) >= rules().refuted_min_denials and len(denials) > len(asserting)


def _another_party_responsible(claims: list[Claim], blamed: list[_Party]) -> bool:
    """An accused party denies, only one origin accuses it, and >= 2 blame one other party."""
    by_party_origins = []
    for p in blamed:
        accusers = {
            origin_of(c)
            for c in claims
            if c.stance == "asserts"
            and not (claimant_keys(c) & p.keys)
            and any(actor_keys(a) & p.keys for a in c.perpetrators)
        }
        by_party_origins.append((p, accusers))
    for p, accusers in by_party_origins:
        if not p.denied_by or len(accusers) != 1:
            continue
        for q, others in by_party_origins:
            if q is not p and len(others) >= 2:
                return True
    return False


def grade_for(claims: list[Claim], found: list[_Party], n_asserting_origins: int) -> str:
    """Airwars-style grade; precedence: discounted > confirmed > contested > fair > weak.

    The grade says how far the sources bear the incident out, and means the same for a
    battle as for a strike on a market: who the victims were is `civilian_harm`.

    * discounted (Airwars: refuted, or another party most likely responsible): the act is
      denied by more independent origins than assert it (at least two); or an accused
      party denies, a single origin accuses it and at least two independent origins
      blame one other party.
    * confirmed: a party is blamed by its own claimant (it accepts responsibility) and
      that party does not also deny.
    * contested: competing parties are blamed, or an accused party denies, or a
      government, military or armed-group claimant denies the act itself.
    * fair: two or more independent asserting origins.
    * weak: one origin.
    """
    blamed = [p for p in found if p.claimants]
    if _refuted(claims) or _another_party_responsible(claims, blamed):
        return "discounted"
    for p in blamed:
        if p.claimant_keys & p.keys and not p.denied_by:
            return "confirmed"
    act_denied = any(
        c.stance == "denies"
        and not c.perpetrators
        and c.claimant is not None
        and c.claimant.kind in PARTY_KINDS
        for c in claims
    )
    if len(blamed) > 1 or any(p.denied_by for p in blamed) or act_denied:
        return "contested"
    if n_asserting_origins >= 2:
        return "fair"
    return "weak"


# --------------------------------------------------------------------------- type, place, date


def _type(claims: list[Claim]) -> tuple[str | None, str | None]:
    """Majority event type; within it the majority sub-type, a named one over none."""
    types = Counter(c.event_type for c in claims if c.event_type)
    if not types:
        subs = Counter(c.sub_event_type for c in claims if c.sub_event_type)
        return None, (sorted(subs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if subs else None)
    event_type = sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    subs = Counter(c.sub_event_type for c in claims if c.event_type == event_type)
    ranked = sorted(subs.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))
    return event_type, ranked[0][0] if ranked else None


def _location(claims: list[Claim]) -> Location | None:
    """The most precise well-supported location: precision 1 over 2 over 3, and among
    places of one precision the one the most independent origins name (then the most
    claims). A town named by eight claims beats the province capital a dateline names,
    and a province-level mention never lends its support to a same-named city."""
    located = [c for c in claims if c.location and c.location.lat is not None]
    if not located:
        named = [c.location for c in claims if c.location and c.location.name]
        return named[0].model_copy() if named else None

    def place_key(loc: Location) -> tuple:
        return (loc.precision or 3, loc.name or "", round(loc.lat or 0, 4), round(loc.lon or 0, 4))

    origins_of: dict[tuple, set[str]] = defaultdict(set)
    uses: Counter = Counter()
    for c in located:
        key = place_key(c.location)  # type: ignore[arg-type]
        origins_of[key].add(origin_of(c))
        uses[key] += 1
    best = min(
        (c.location for c in located),
        key=lambda loc: (
            loc.precision or 3,  # type: ignore[union-attr]
            -len(origins_of[place_key(loc)]),  # type: ignore[arg-type]
            -uses[place_key(loc)],  # type: ignore[arg-type]
            place_key(loc),  # type: ignore[arg-type]
        ),
    )
    return best.model_copy()  # type: ignore[union-attr]


def _dates(claims: list[Claim]):
    day = [c.date for c in claims if c.date and (c.date_precision in (None, "day"))]
    if day:
        return min(day), None
    dated = [c for c in claims if c.date]
    if not dated:
        return None, None
    start = min(c.date for c in dated)
    end = max((c.date_end or c.date) for c in dated)
    return start, (end if end != start else None)


def reconcile(incident_id: str, claims: list[Claim], truces: list | None = None) -> Incident:
    """Build one incident from its claims; `truces` (from truces.py) may flag a violation."""
    from fogwatch.incidents.truces import violated_truces

    claims = sorted(claims, key=lambda c: (c.document, c.id))
    event_type, sub_event_type = _type(claims)
    date, date_end = _dates(claims)
    n_origins = len(origins(claims))
    asserting = len(origins(c for c in claims if credible(c)))
    found = parties(claims)  # read (not changed) by the perpetrators, the grade and the flags
    incident = Incident(
        id=incident_id,
        event_type=event_type,
        sub_event_type=sub_event_type,
        date=date,
        date_end=date_end,
        location=_location(claims),
        claims=len(claims),
        origins=n_origins,
        killed=figures(claims, "killed"),
        injured=figures(claims, "injured"),
        perpetrators=perpetrator_claims(found),
        grade=grade_for(claims, found, asserting),
        claim_ids=[c.id for c in claims],
    )
    called_violation = any(
        c.sub_event_type in rules().wildcard_sub_types and c.stance == "asserts" for c in claims
    )
    in_truce = called_violation or (bool(truces) and bool(violated_truces(incident, truces or [])))
    incident.flags = flags_for(claims, found, n_origins, in_truce)
    incident.contested = is_contested(incident.grade, incident.flags)
    incident.civilian_harm = civilian_harm(claims)
    return incident


def group_by_incident(claims: Iterable[Claim]) -> dict[str, list[Claim]]:
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.incident:
            groups[claim.incident].append(claim)
    return dict(groups)
