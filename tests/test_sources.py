"""Source profiles: figures against the consensus, blame, denials, sole sourcing."""

from __future__ import annotations

from fogwatch.incidents.linker import build_incidents
from fogwatch.incidents.profiles import find_profiles, profiles
from test_incidents import TARTUS, claim


def scenario():
    claims = [
        claim("a", doc="a.txt", outlet="Outlet A", claimant="Monitor", killed=80,
              perps=["Russia"]),
        claim("b", doc="b.txt", outlet="Outlet B", claimant="Ministry", claimant_kind="government",
              killed=40, perps=["United States"]),
        claim("c", doc="c.txt", outlet="Outlet B", claimant="Russia", claimant_kind="government",
              stance="denies", perps=["Russia"]),
        claim("d", doc="d.txt", outlet="Outlet A", claimant="Monitor", at=TARTUS, place="Tartus",
              killed=7, perps=["Russia"]),
    ]  # fmt: skip
    incidents = build_incidents(claims)
    return claims, incidents, {(p.role, p.name): p for p in profiles(claims, incidents)}


def test_profiles_of_claimants():
    _claims, incidents, by = scenario()
    strike = next(i for i in incidents if i.claims == 3)
    assert strike.killed.best == 40  # lower median of (40, 80)
    monitor = by[("claimant", "Monitor")]
    assert monitor.claims == 2 and monitor.incidents == 2
    assert monitor.figures_compared == 2
    assert monitor.median_ratio == 1.5  # median of 80/40 and 7/7
    assert (monitor.share_above, monitor.share_below) == (0.5, 0.0)
    assert monitor.blames == {"Russia": 2}
    assert monitor.only_source == 1 and monitor.only_source_share == 0.5
    ministry = by[("claimant", "Ministry")]
    assert ministry.median_ratio == 1.0 and ministry.share_above == 0.0
    russia = by[("claimant", "Russia")]
    assert russia.denials == 1 and russia.denial_share == 1.0 and russia.figures_compared == 0


def test_profiles_of_outlets():
    _claims, _incidents, by = scenario()
    outlet_b = by[("outlet", "Outlet B")]
    assert outlet_b.claims == 2 and outlet_b.incidents == 1 and outlet_b.denials == 1
    assert outlet_b.only_source == 0
    assert by[("outlet", "Outlet A")].only_source == 1


def test_find_profiles_prefers_exact_names():
    _claims, incidents, _by = scenario()
    found = find_profiles(profiles(_claims, incidents), "outlet a")
    assert [p.name for p in found] == ["Outlet A"]
    assert {p.name for p in find_profiles(profiles(_claims, incidents), "outlet")} == {
        "Outlet A",
        "Outlet B",
    }


def test_unresolved_phrases_are_not_counted_as_blame():
    claims = [claim("a", perps=["the air strike", "Military Forces of Russia"])]
    (p,) = [p for p in profiles(claims, build_incidents(claims)) if p.role == "claimant"]
    assert p.blames == {"Military Forces of Russia": 1}
