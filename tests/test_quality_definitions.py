"""The quality harness's definitions (issue 22): main claim, fatalities, governorate,
actor category. They decide the reported figures, so they are tested like code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fogwatch.model import ActorRef, Claim, Count, Evidence

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import quality  # noqa: E402


def claim(n: int, low=None, high=None, role="related", perps=(), loc=None) -> Claim:
    killed = Count(low=low, high=high) if low is not None or high is not None else None
    return Claim(
        id=f"c-{n}",
        document="d",
        segment=0,
        evidence=Evidence(text="x", start=0, end=1),
        killed=killed,
        role=role,
        perpetrators=list(perps),
        location=loc,
    )


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ([], None),
        ([claim(1), claim(2)], "c-1"),  # no figures: the first
        ([claim(1, 3), claim(2, 7), claim(3, 7)], "c-2"),  # largest, ties to the first
        ([claim(1, None, 12), claim(2, 10)], "c-1"),  # high when there is no low
        ([claim(1, 300, role="related"), claim(2, 4, role="main")], "c-2"),  # main first
        ([claim(1, 300, role="background"), claim(2)], "c-1"),  # no main: all claims
    ],
)
def test_main_claim(claims, expected):
    got = quality.main_claim(claims)
    assert (got.id if got else None) == expected


def test_killed_figure_is_the_largest_over_all_claims_zero_when_none():
    assert quality.killed_figure([]) == 0
    assert quality.killed_figure([claim(1), claim(2, None, 9), claim(3, 4)]) == 9


def test_actor_category_by_side_and_by_name():
    m = quality.load_mappings()
    gov = ActorRef(name="Military Forces of Syria", side="government")
    ru = ActorRef(name="Military Forces of Russia", side="russia")
    tfsa = ActorRef(name="Hamza Division", side="turkey")
    tr = ActorRef(name="Military Forces of Turkey", side="turkey")
    assert quality.actor_category(gov, m) == "syrian government or russian troops"
    assert quality.actor_category(ru, m) == "syrian government or russian troops"
    assert quality.actor_category(tfsa, m) == "armed opposition groups"
    assert quality.actor_category(tr, m) is None


def test_cause_mapping_follows_the_issue():
    cause = quality.load_mappings()["cause"]
    assert cause["Air/drone strike"] == cause["Shelling/artillery/missile attack"] == "shelling"
    assert cause["Suicide bomb"] == cause["Grenade"] == "explosion"
    assert cause["Attack"] == cause["Armed clash"] == "shooting"
    assert "Arrests" not in cause


@pytest.mark.skipif(not quality.SUBDISTRICTS.exists(), reason="needs ../shared gazetteer")
def test_governorate_from_nearest_subdistrict_within_60_km():
    find = quality.governorate_finder(quality.load_mappings())
    assert find(36.20, 37.15) == "aleppo"  # Aleppo city
    assert find(33.57, 36.40) == "damascus"  # Douma, Rural Damascus
    assert find(35.33, 40.14) == "deir ezzor"
    assert find(30.0, 30.0) is None  # far outside Syria


def test_subset_limit_and_sample_are_deterministic():
    rows = list(range(100))
    assert quality.subset(rows, 5, None) == [0, 1, 2, 3, 4]
    assert quality.subset(rows, None, 10) == quality.subset(rows, None, 10)
    assert len(set(quality.subset(rows, None, 10))) == 10
