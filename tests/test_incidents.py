"""Linking claims into incidents: the pairwise rule, ambiguity, ids and order independence.

Hand-built claims, table-driven. `claim()` is the factory the other incident tests import.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fogwatch.ids import incident_id
from fogwatch.incidents.linker import link_claims, partition
from fogwatch.model import ActorRef, Claim, Claimant, Count, Evidence, Location, Victims

# Reference points (lat, lon): Deir ez-Zor city, Ayyash (12 km NW), Tartus, Hasakah, Homs.
DEIR = (35.3359, 40.1408)
AYYASH = (35.40, 40.03)
TARTUS = (34.889, 35.8866)
HASAKAH = (36.5024, 40.7477)
HOMS = (34.7308, 36.7094)
ALEPPO = (36.2021, 37.1343)

STRIKE = ("Explosions/Remote violence", "Air/drone strike")
SHELLING = ("Explosions/Remote violence", "Shelling/artillery/missile attack")
IED = ("Explosions/Remote violence", "Remote explosive/landmine/IED")
CLASH = ("Battles", "Armed clash")
AGREEMENT = ("Strategic developments", "Agreement")
UNTYPED = (None, None)


def offset(point: tuple[float, float], km_north: float = 0, km_east: float = 0):
    """A point `km_north` and `km_east` of `point` (good enough below 200 km)."""
    import math

    lat = point[0] + km_north / 111.0
    lon = point[1] + km_east / (111.0 * math.cos(math.radians(point[0])))
    return (lat, lon)


def claim(
    cid: str,
    doc: str = "a.txt",
    segment: int = 0,
    kind: tuple[str | None, str | None] = STRIKE,
    date: str | None = "2016-09-17",
    precision: str = "day",
    at: tuple[float, float] | None = DEIR,
    geo: int = 2,
    admin1: str | None = None,
    place: str = "Deir ez-Zor",
    killed: int | tuple[int | None, int | None] | None = None,
    injured: int | None = None,
    claimant: str | None = "Syrian Observatory for Human Rights",
    claimant_kind: str = "monitor",
    stance: str = "asserts",
    perps: list[str | ActorRef] | None = None,
    targets: list[str | ActorRef] | None = None,
    outlet: str | None = "Test Outlet",
    group: str | None = None,
    victims: Victims | None = None,
    evidence: str = "Evidence sentence.",
    confidence: float = 0.8,
    qualifier: str = "exact",
) -> Claim:
    """A claim with sensible defaults: an air strike at Deir ez-Zor on 2016-09-17."""

    def actors(items):
        return [a if isinstance(a, ActorRef) else ActorRef(name=a) for a in items or []]

    def count(value):
        if value is None:
            return None
        low, high = value if isinstance(value, tuple) else (value, value)
        q = qualifier if not isinstance(value, tuple) else "range"
        return Count(low=low, high=high, qualifier=q)

    return Claim(
        id=cid,
        document=doc,
        segment=segment,
        event_type=kind[0],
        sub_event_type=kind[1],
        date=dt.date.fromisoformat(date) if date else None,
        date_precision=precision if date else None,
        location=Location(name=place, lat=at[0], lon=at[1], precision=geo, admin1=admin1)
        if at
        else None,
        perpetrators=actors(perps),
        targets=actors(targets),
        killed=count(killed),
        injured=count(injured),
        victims=victims or Victims(),
        claimant=Claimant(name=claimant, kind=claimant_kind) if claimant else None,
        outlet=outlet,
        stance=stance,
        evidence=Evidence(text=evidence, start=0, end=len(evidence)),
        confidence=confidence,
        syndication_group=group,
    )


def linked(a: Claim, b: Claim) -> bool:
    link_claims([a, b])
    return a.incident == b.incident


PAIRS = [
    # (why, claim a, claim b, same incident?)
    ("two outlets, one strike, different tolls",
     claim("a", killed=62), claim("b", doc="b.txt", killed=80), True),
    ("same day, 200 km apart", claim("a"), claim("b", doc="b.txt", at=offset(DEIR, 200)), False),
    ("an agreement never merges with an attack",
     claim("a", kind=AGREEMENT), claim("b", doc="b.txt"), False),
    ("strike and shelling are compatible sub-types",
     claim("a"), claim("b", doc="b.txt", kind=SHELLING), True),
    ("strike and IED are not", claim("a"), claim("b", doc="b.txt", kind=IED), False),
    ("strike and armed clash are different types",
     claim("a"), claim("b", doc="b.txt", kind=CLASH), False),
    ("an untyped claim links with a violent one",
     claim("a", kind=UNTYPED), claim("b", doc="b.txt"), True),
    ("an untyped claim does not link with an agreement",
     claim("a", kind=UNTYPED), claim("b", doc="b.txt", kind=AGREEMENT), False),
    ("day precision, one day apart",
     claim("a"), claim("b", doc="b.txt", date="2016-09-18"), True),
    ("day precision, three days apart",
     claim("a"), claim("b", doc="b.txt", date="2016-09-20"), False),
    ("week precision, five days apart",
     claim("a", precision="week"), claim("b", doc="b.txt", date="2016-09-22"), True),
    ("month precision, twenty days apart",
     claim("a", precision="month", date="2016-09-01"), claim("b", doc="b.txt"), True),
    ("precision 1, 30 km apart",
     claim("a", geo=1), claim("b", doc="b.txt", geo=1, at=offset(DEIR, 30)), False),
    ("precision 2, 30 km apart",
     claim("a"), claim("b", doc="b.txt", at=offset(DEIR, 30)), True),
    ("precision 3, same province, 80 km apart",
     claim("a", geo=3, admin1="Deir ez-Zor"),
     claim("b", doc="b.txt", geo=3, admin1="Deir ez-Zor", at=offset(DEIR, 0, 80)), True),
    ("precision 3, 130 km apart in different provinces",
     claim("a", geo=3, admin1="Deir ez-Zor"),
     claim("b", doc="b.txt", geo=3, admin1="Al-Hasakah", at=offset(DEIR, 130)), False),
    ("competing blame is one incident",
     claim("a", perps=["United States"]), claim("b", doc="b.txt", perps=["Russia"]), True),
    ("target of one is perpetrator of the other, different sub-types",
     claim("a", kind=SHELLING, perps=["Islamic State"], targets=["Russia"]),
     claim("b", doc="b.txt", perps=["Russia"], targets=["Syrian Democratic Forces"]), False),
    ("a denial without a place links inside its segment",
     claim("a"), claim("b", at=None, stance="denies", perps=["United States"]), True),
    ("a claim without a place in another document, without shared actors",
     claim("a"), claim("b", doc="b.txt", at=None), False),
    ("a claim without a place: same perpetrator and target on the same day",
     claim("a", perps=["Russia"], targets=["Syrian Democratic Forces"]),
     claim("b", doc="b.txt", at=None, perps=["Russia"], targets=["Syrian Democratic Forces"]), True),
    ("an undated claim in the same segment and place",
     claim("a"), claim("b", date=None), True),
    ("an undated claim in another document", claim("a"), claim("b", doc="b.txt", date=None), False),
    ("an undated claim in another segment, same perpetrator",
     claim("a", perps=["Russia"]), claim("b", segment=3, date=None, perps=["Russia"]), True),
]  # fmt: skip


@pytest.mark.parametrize("why,a,b,same", PAIRS, ids=[p[0] for p in PAIRS])
def test_pairwise_rule(why, a, b, same):
    assert linked(a, b) is same, why


def test_pairs_are_symmetric():
    for _why, a, b, same in PAIRS:
        a2, b2 = a.model_copy(deep=True), b.model_copy(deep=True)
        link_claims([b2, a2])
        assert (a2.incident == b2.incident) is same


def test_a_summary_claim_between_two_events_joins_neither():
    """'Six bombings killed 40' in a segment about Hasakah and Tartus stays apart."""
    hasakah = claim("h", at=HASAKAH, place="Al-Hasakah", kind=IED, date="2016-09-05", killed=5)
    tartus = claim("t", at=TARTUS, place="Tartus", kind=IED, date="2016-09-05", killed=30)
    total = claim("x", at=None, kind=IED, date="2016-09-05", killed=40)
    link_claims([hasakah, tartus, total])
    assert len({hasakah.incident, tartus.incident, total.incident}) == 3


def test_one_summary_claim_with_one_event_joins_it():
    hasakah = claim("h", at=HASAKAH, kind=IED, date="2016-09-05", killed=5)
    total = claim("x", at=None, kind=IED, date="2016-09-05", killed=5)
    link_claims([hasakah, total])
    assert hasakah.incident == total.incident


def test_links_do_not_chain_across_days():
    """Daily shelling of one city: day 1 and day 3 are never one incident."""
    days = [
        claim(f"d{n}", doc=f"{n}.txt", kind=SHELLING, at=ALEPPO, date=f"2016-09-{n:02d}")
        for n in range(1, 6)
    ]
    link_claims(days)
    for a in days:
        for b in days:
            if a.incident == b.incident:
                assert abs((a.date - b.date).days) <= 1


def test_links_do_not_chain_across_a_region():
    """Strikes every 35 km along a road: the ends are never one incident."""
    points = [offset(DEIR, 35 * n) for n in range(6)]
    claims = [claim(f"p{n}", doc=f"{n}.txt", at=p) for n, p in enumerate(points)]
    link_claims(claims)
    groups = {}
    for c in claims:
        groups.setdefault(c.incident, []).append(int(c.id[1:]))
    assert len(groups) >= 3
    assert all(max(g) - min(g) <= 1 for g in groups.values())


def test_every_claim_gets_an_incident_and_ids_are_stable():
    lone = claim("zz-1", doc="z.txt", at=TARTUS)
    link_claims([lone])
    assert lone.incident == incident_id([lone.id])
    assert lone.incident.startswith("i-") and len(lone.incident) == 2 + 16  # 64 bits


def test_the_id_is_that_of_the_smallest_claim():
    a, b = claim("c-2"), claim("c-1", doc="b.txt")
    link_claims([a, b])
    assert a.incident == b.incident == incident_id([b.id])


def ayyash_and_more() -> list[Claim]:
    """A mixed set: the Ayyash strike told four ways, the Deir airport strike, and others."""
    return [
        claim("fm", segment=2, at=AYYASH, place="Ayyash", date="2015-12-06", killed=3,
              injured=13, claimant="Ministry of Foreign Affairs (Syria)",
              claimant_kind="government", perps=["Global Coalition against Daesh"],
              targets=["Military Forces of Syria"]),
        claim("pro", segment=5, at=AYYASH, place="Ayyash", date="2015-12-06", killed=1,
              injured=6, claimant="pro-regime outlets", claimant_kind="outlet",
              perps=["United States"]),
        claim("deny", segment=1, at=DEIR, date="2015-12-06", stance="denies",
              claimant="Operation Inherent Resolve", claimant_kind="military",
              perps=["United States"]),
        claim("russia", segment=1, at=AYYASH, place="Ayyash", date=None,
              claimant="US military official", claimant_kind="official", perps=["Russia"]),
        claim("latakia", segment=7, kind=CLASH, at=(35.53, 35.79), date="2015-12-06"),
        claim("aleppo", segment=3, at=ALEPPO, date="2015-12-07", perps=["Russia"]),
        claim("deir-ru", doc="b.txt", date="2016-09-17", killed=62, claimant="Russia",
              claimant_kind="government", perps=["US-led coalition"]),
        claim("deir-sohr", doc="c.txt", date="2016-09-17", killed=80),
        claim("deir-sohr-copy", doc="d.txt", date="2016-09-18", killed=80),
        claim("homs", doc="c.txt", kind=IED, at=HOMS, date="2016-09-05", killed=4),
        claim("tartus", doc="c.txt", kind=IED, at=TARTUS, date="2016-09-05"),
        claim("total", doc="c.txt", kind=IED, at=None, date="2016-09-05", killed=40),
        claim("truce", doc="e.txt", kind=AGREEMENT, at=ALEPPO, date="2016-05-04"),
        claim("camp", doc="e.txt", at=(36.18, 36.72), date="2016-05-05", killed=(30, 40)),
    ]  # fmt: skip


def as_partition(claims: list[Claim]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for c in claims:
        groups.setdefault(c.incident, set()).add(c.id)
    return {frozenset(g) for g in groups.values()}


def test_ayyash_is_one_incident_and_latakia_another():
    claims = link_claims(ayyash_and_more())
    by_id = {c.id: c.incident for c in claims}
    assert by_id["fm"] == by_id["pro"] == by_id["deny"] == by_id["russia"]
    assert by_id["latakia"] != by_id["fm"]
    assert by_id["aleppo"] != by_id["fm"]
    assert by_id["deir-ru"] == by_id["deir-sohr"] == by_id["deir-sohr-copy"]
    assert by_id["homs"] != by_id["tartus"]


@pytest.mark.parametrize("seed", range(8))
def test_partition_does_not_depend_on_order(seed):
    reference = link_claims(ayyash_and_more())
    expected_partition = as_partition(reference)
    expected_ids = {c.id: c.incident for c in reference}
    shuffled = ayyash_and_more()
    random.Random(seed).shuffle(shuffled)
    link_claims(shuffled)
    assert as_partition(shuffled) == expected_partition
    assert {c.id: c.incident for c in shuffled} == expected_ids


def test_link_claims_returns_the_same_list_in_order():
    claims = ayyash_and_more()
    ids = [c.id for c in claims]
    out = link_claims(claims)
    assert out is claims and [c.id for c in out] == ids


def test_partition_groups_are_sorted_and_complete():
    claims = ayyash_and_more()
    groups = partition(claims)
    assert sorted(c.id for g in groups for c in g) == sorted(c.id for c in claims)


def test_a_ceasefire_violation_takes_the_type_of_its_violence():
    violation = ("Explosions/Remote violence", "Ceasefire violation")
    assert linked(claim("a"), claim("b", doc="b.txt", kind=violation))
    assert not linked(claim("a", kind=CLASH), claim("b", doc="b.txt", kind=violation))


def test_unresolved_phrases_do_not_count_as_shared_actors():
    """Two undated claims naming 'the warplanes' in different segments stay apart."""
    a = claim("a", date=None, perps=["the warplanes"])
    b = claim("b", segment=2, date=None, perps=["the warplanes"])
    assert not linked(a, b)


TYPE_PAIRS = [
    (("Protests", "Peaceful protest"), ("Protests", "Protest with intervention"), True),
    (("Protests", "Peaceful protest"), ("Protests", None), True),
    (("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"), True),
    (("Protests", "Peaceful protest"), ("Battles", "Armed clash"), False),
    (("Strategic developments", "Agreement"), ("Strategic developments", None), False),
    (("Strategic developments", "Agreement"), ("Strategic developments", "Arrests"), False),
    (("Strategic developments", "Agreement"), ("Strategic developments", "Agreement"), True),
    (("Explosions/Remote violence", None), ("Explosions/Remote violence", "Grenade"), True),
    (("Explosions/Remote violence", "Air/drone strike"), ("Violence against civilians", "Attack"),
     True),
    ((None, None), ("Strategic developments", "Arrests"), False),
    ((None, "Air/drone strike"), (None, "Shelling/artillery/missile attack"), True),
    ((None, "Air/drone strike"), (None, "Grenade"), False),
]  # fmt: skip


@pytest.mark.parametrize("a,b,ok", TYPE_PAIRS)
def test_type_compatibility_table(a, b, ok):
    from fogwatch.incidents.rules import types_compatible

    assert types_compatible(*a, *b) is ok
    assert types_compatible(*b, *a) is ok
