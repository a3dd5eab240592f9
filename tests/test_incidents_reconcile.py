"""Reconciliation: figures (ACLED minimum, UCDP low/best/high), origins, blame, flags, grade."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.incidents.linker import build_incidents
from fogwatch.incidents.reconcile import figures, origin_of, reconcile
from fogwatch.incidents.rules import rules
from fogwatch.model import ActorRef, Location, Victims
from test_incidents import AYYASH, DEIR, claim


def one(claims, iid="i-test"):
    return reconcile(iid, claims)


@pytest.mark.parametrize(
    "tolls,disagree",
    [
        ([3, 62, 80], True),
        ([62, 80], False),
        ([1, 3], False),  # differ by 2 only
        ([24, 31], False),
        ([10, 16], True),
        ([0, 5], True),
        ([0, 2], False),
        ([100], False),
    ],
)
def test_casualty_tolerance(tolls, disagree):
    assert rules().disagree(tolls) is disagree
    claims = [claim(f"c{n}", doc=f"{n}.txt", claimant=f"Source {n}", killed=k)
              for n, k in enumerate(tolls)]  # fmt: skip
    assert ("casualties_disagree" in one(claims).flags) is disagree


def test_three_vs_62_vs_80():
    claims = [
        claim("a", doc="a.txt", killed=3, claimant="Ministry of Foreign Affairs (Syria)"),
        claim("b", doc="b.txt", killed=62, claimant="Russia"),
        claim("c", doc="c.txt", killed=80),
    ]
    inc = one(claims)
    assert inc.killed.model_dump() == {"acled": 3, "low": 3, "best": 62, "high": 80}
    assert "casualties_disagree" in inc.flags
    assert inc.origins == 3 and inc.claims == 3


def test_best_is_the_median_of_origins_with_ranges_at_their_midpoint():
    claims = [
        claim("a", doc="a.txt", killed=24, claimant="Idlib Civil Defence"),
        claim("b", doc="b.txt", killed=31, claimant="Northern Monitor"),
        claim("c", doc="c.txt", killed=(28, 33), claimant="Saraqib local council"),
    ]
    f = figures(claims, "killed")
    assert (f.acled, f.low, f.best, f.high) == (24, 24, 30, 33)


def test_an_origin_counts_once_with_its_latest_highest_toll():
    claims = [
        claim("a", segment=1, killed=10, claimant="Idlib Civil Defence"),
        claim("b", segment=4, killed=15, claimant="Idlib Civil Defence"),
        claim("c", doc="b.txt", killed=40, claimant="Northern Monitor"),
    ]
    f = figures(claims, "killed")
    assert f.acled == 10  # ACLED: lowest stated figure
    assert f.low == 15  # UCDP low: lowest of the origins' latest figures
    assert f.best == 15 and f.high == 40  # lower median of (15, 40)


def test_at_least_and_vague_figures():
    claims = [
        claim("a", killed=(80, None), claimant="SOHR"),
        claim("b", doc="b.txt", killed=12, qualifier="vague", claimant="Activists network"),
    ]
    f = figures(claims, "killed")
    assert (f.acled, f.low, f.high) == (12, 12, 80)


def test_denials_and_low_confidence_figures_do_not_count():
    claims = [
        claim("a", killed=20),
        claim("b", doc="b.txt", killed=2, stance="denies", claimant="Russia"),
        claim("c", doc="c.txt", killed=1, confidence=0.1, claimant="Someone"),
    ]
    f = figures(claims, "killed")
    assert (f.acled, f.low, f.best, f.high) == (20, 20, 20, 20)


def test_no_figures_gives_empty_figures():
    assert figures([claim("a")], "killed").model_dump() == {
        "acled": None, "low": None, "best": None, "high": None,
    }  # fmt: skip


# --------------------------------------------------------------------------- origins


def test_two_outlets_citing_one_monitor_are_one_origin():
    a = claim("a", doc="a.txt", outlet="Outlet A", claimant="Syrian Observatory for Human Rights")
    b = claim("b", doc="b.txt", outlet="Outlet B", claimant="Syrian Observatory for Human Rights")
    assert origin_of(a) == origin_of(b)
    inc = one([a, b])
    assert inc.origins == 1 and "single_source" in inc.flags and inc.grade == "weak"


def test_a_syndicated_copy_adds_no_origin():
    a = claim("a", doc="a.txt", outlet="Wire", claimant="Wire", claimant_kind="outlet", group="g1")
    b = claim("b", doc="b.txt", outlet="Ledger", claimant="Ledger", claimant_kind="outlet",
              group="g1")  # fmt: skip
    assert one([a, b]).origins == 1


def test_generic_claimants_count_once_per_outlet():
    a = claim("a", doc="a.txt", outlet="Outlet A", claimant="activists", claimant_kind="activist")
    b = claim("b", doc="b.txt", outlet="Outlet B", claimant="activists", claimant_kind="activist")
    c = claim("c", doc="c.txt", outlet="Outlet A", claimant="activists", claimant_kind="activist")
    assert origin_of(a) != origin_of(b)
    assert origin_of(a) == origin_of(c)
    inc = one([a, b, c])
    assert inc.origins == 2 and inc.grade == "fair"


# --------------------------------------------------------------------------- perpetrators


def test_parent_and_child_actors_are_one_party():
    a = claim("a", perps=["Global Coalition against Daesh"], claimant="Syrian FM")
    b = claim("b", doc="b.txt", perps=["United States"], claimant="Al-Masdar")
    inc = one([a, b])
    assert len(inc.perpetrators) == 1
    assert inc.perpetrators[0].name == "Global Coalition against Daesh"
    assert inc.perpetrators[0].claimants == ["Al-Masdar", "Syrian FM"]
    assert "perpetrator_disputed" not in inc.flags


def test_a_shared_specific_side_is_one_party_but_a_broad_camp_is_not():
    coalition = [
        claim("a", perps=[ActorRef(name="US-led coalition warplanes", side="coalition")]),
        claim("b", doc="b.txt", claimant="X",
              perps=[ActorRef(name="French air force", side="coalition")]),
    ]  # fmt: skip
    assert "perpetrator_disputed" not in one(coalition).flags
    camp = [
        claim("a", perps=[ActorRef(name="Russian jets", side="government", country="RU")]),
        claim("b", doc="b.txt", claimant="X",
              perps=[ActorRef(name="Syrian jets", side="government", country="SY")]),
    ]  # fmt: skip
    assert "perpetrator_disputed" in one(camp).flags


def test_rival_blame_and_a_denial():
    claims = [
        claim("fm", at=AYYASH, killed=3, claimant="Ministry of Foreign Affairs (Syria)",
              claimant_kind="government", perps=["Global Coalition against Daesh"]),
        claim("deny", at=DEIR, stance="denies", claimant="Operation Inherent Resolve",
              claimant_kind="military", perps=["United States"]),
        claim("ru", doc="b.txt", claimant="US military official", claimant_kind="official",
              perps=["Russia"]),
    ]  # fmt: skip
    inc = one(claims)
    by_name = {p.name: p for p in inc.perpetrators}
    assert by_name["Global Coalition against Daesh"].denied_by == ["Operation Inherent Resolve"]
    assert by_name["Global Coalition against Daesh"].claimants == [
        "Ministry of Foreign Affairs (Syria)"
    ]
    assert by_name["Russia"].claimants == ["US military official"]
    assert {"perpetrator_disputed", "denied"} <= set(inc.flags)
    assert inc.grade == "contested"


# --------------------------------------------------------------------------- grades

CIVILIANS = Victims(civilians=5)
SOLDIERS = Victims(combatants=3)

GRADES = [
    ("single origin", [claim("a", killed=5)], "weak"),
    ("two independent origins",
     [claim("a", killed=5), claim("b", doc="b.txt", claimant="Another monitor", killed=6)],
     "fair"),
    ("the perpetrator claims it",
     [claim("a", claimant="Islamic State", claimant_kind="armed_group", perps=["Islamic State"]),
      claim("b", doc="b.txt", perps=["Islamic State"])], "confirmed"),
    ("a self-claim wins over a rival accusation",
     [claim("a", claimant="Islamic State", claimant_kind="armed_group", perps=["Islamic State"]),
      claim("b", doc="b.txt", perps=["Jabhat al-Nusra"])], "confirmed"),
    ("a self-claim withdrawn by a denial is contested",
     [claim("a", claimant="Russia", claimant_kind="government", perps=["Russia"]),
      claim("b", doc="b.txt", claimant="Russia", claimant_kind="government", stance="denies",
            perps=["Russia"]),
      claim("c", doc="c.txt", perps=["Russia"])], "contested"),
    ("competing blame",
     [claim("a", perps=["United States"]), claim("b", doc="b.txt", claimant="Y", perps=["Russia"])],
     "contested"),
    ("the accused denies",
     [claim("a", perps=["Russia"], killed=5, victims=CIVILIANS),
      claim("b", doc="b.txt", claimant="Y", killed=5, victims=CIVILIANS),
      claim("c", doc="c.txt", claimant="Russian Defence Ministry", claimant_kind="government",
            stance="denies")], "contested"),
    ("a government denies the act itself",
     [claim("a", killed=5), claim("b", doc="b.txt", claimant="Y", killed=5),
      claim("c", doc="c.txt", claimant="Syrian army", claimant_kind="military",
            stance="denies")], "contested"),
    ("victims who were all soldiers do not set the grade: rival blame is contested",
     [claim("a", killed=3, victims=SOLDIERS, perps=["United States"]),
      claim("b", doc="b.txt", claimant="Y", killed=3, victims=SOLDIERS, perps=["Russia"])],
     "contested"),
    ("a battle two monitors report is fair, whoever died",
     [claim("a", killed=3, victims=SOLDIERS),
      claim("b", doc="b.txt", claimant="Y", killed=3, victims=SOLDIERS)], "fair"),
    ("refuted: two independent origins deny the act one origin asserts",
     [claim("a", killed=4),
      claim("b", doc="b.txt", claimant="Syrian army", claimant_kind="military", stance="denies"),
      claim("c", doc="c.txt", claimant="Russian Defence Ministry", claimant_kind="government",
            stance="denies")], "discounted"),
    ("one denial against one report is contested, not refuted",
     [claim("a", killed=4),
      claim("b", doc="b.txt", claimant="Syrian army", claimant_kind="military", stance="denies")],
     "contested"),
    ("two denials against two reports are contested, not refuted",
     [claim("a", killed=4), claim("a2", doc="a2.txt", claimant="Another monitor", killed=4),
      claim("b", doc="b.txt", claimant="Syrian army", claimant_kind="military", stance="denies"),
      claim("c", doc="c.txt", claimant="Russian Defence Ministry", claimant_kind="government",
            stance="denies")], "contested"),
    ("the accused denies and two origins blame another party",
     [claim("a", claimant="Local council", perps=["Russia"]),
      claim("b", doc="b.txt", claimant="Russia", claimant_kind="government", stance="denies",
            perps=["Russia"]),
      claim("c", doc="c.txt", claimant="Monitor A", perps=["Military Forces of Syria"]),
      claim("d", doc="d.txt", claimant="Monitor B", perps=["Syrian Arab Air Force"])],
     "discounted"),
]  # fmt: skip


@pytest.mark.parametrize("why,claims,grade", GRADES, ids=[g[0] for g in GRADES])
def test_grades(why, claims, grade):
    incident = one(claims)
    assert incident.grade == grade, why
    # one definition of contested: the grade, or a contradiction flag
    flagged = {"casualties_disagree", "perpetrator_disputed", "denied"} & set(incident.flags)
    assert incident.contested == (grade == "contested" or bool(flagged))


CIVILIAN_HARM = [
    ("a toll of civilians", [claim("a", killed=5, victims=CIVILIANS)], "yes"),
    ("soldiers in one report, civilians in another",
     [claim("a", killed=3, victims=SOLDIERS),
      claim("b", doc="b.txt", claimant="Y", killed=5, victims=CIVILIANS)], "yes"),
    ("every toll names combatants only",
     [claim("a", killed=3, victims=SOLDIERS),
      claim("b", doc="b.txt", claimant="Y", killed=4, victims=SOLDIERS)], "no"),
    ("a toll with no breakdown", [claim("a", killed=3)], "unknown"),
    ("no toll at all", [claim("a")], "unknown"),
]  # fmt: skip


@pytest.mark.parametrize("why,claims,harm", CIVILIAN_HARM, ids=[h[0] for h in CIVILIAN_HARM])
def test_civilian_harm_is_a_field_beside_the_grade(why, claims, harm):
    assert one(claims).civilian_harm == harm, why


# --------------------------------------------------------------------------- type, place, date


def test_type_place_and_date_rules():
    claims = [
        claim("a", kind=("Explosions/Remote violence", None), date="2016-09-18", geo=3,
              place="Deir ez-Zor Province"),
        claim("b", doc="b.txt", date="2016-09-17", geo=2, place="Deir ez-Zor"),
        claim("c", doc="c.txt", date="2016-09-17", geo=1, place="Deir ez-Zor airport",
              at=(35.285, 40.175)),
        claim("d", doc="d.txt", date="2016-09-10", precision="week", geo=2),
        claim("e", doc="e.txt", kind=("Violence against civilians", "Attack"), geo=2),
    ]  # fmt: skip
    inc = one(claims)
    assert (inc.event_type, inc.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert inc.location.name == "Deir ez-Zor airport" and inc.location.precision == 1
    assert inc.date == dt.date(2016, 9, 17) and inc.date_end is None


def test_location_ties_go_to_the_place_most_claims_use():
    claims = [
        claim("a", place="Ayyash", at=AYYASH),
        claim("b", doc="b.txt", place="Deir ez-Zor", at=DEIR),
        claim("c", doc="c.txt", place="Deir ez-Zor", at=DEIR),
    ]
    assert one(claims).location.name == "Deir ez-Zor"


def test_coarse_dates_give_a_range():
    claims = [
        claim("a", date="2016-09-01", precision="month"),
        claim("b", doc="b.txt", date="2016-09-10", precision="week"),
    ]
    inc = one(claims)
    assert inc.date == dt.date(2016, 9, 1) and inc.date_end == dt.date(2016, 9, 10)


def test_build_incidents_links_then_reconciles_everything():
    claims = [
        claim("a", killed=62, claimant="Russia", perps=["US-led coalition"]),
        claim("b", doc="b.txt", killed=80),
        claim("far", doc="c.txt", at=(34.0, 36.0), place="Elsewhere"),
    ]
    incidents = build_incidents(claims)
    assert sorted(i.claims for i in incidents) == [1, 2]
    big = next(i for i in incidents if i.claims == 2)
    assert big.killed.acled == 62 and big.killed.high == 80
    assert sorted(big.claim_ids) == ["a", "b"]
    assert all(c.incident for c in claims)


def test_reconciling_never_changes_claims():
    claims = [claim("a", killed=3), claim("b", doc="b.txt", killed=80)]
    before = [c.model_dump() for c in claims]
    one(claims)
    assert [c.model_dump() for c in claims] == before


def test_location_is_a_copy():
    c = claim("a")
    inc = one([c])
    inc.location.name = "changed"
    assert c.location.name == "Deir ez-Zor"
    assert isinstance(inc.location, Location)


# --------------------------------------------------------------------------- extraction noise


def test_unresolved_phrases_are_not_perpetrators():
    """'the air strike' or a place name in the perpetrator slot creates no dispute."""
    claims = [
        claim("a", perps=["Military Forces of Russia"]),
        claim("b", doc="b.txt", claimant="Y", perps=["the air strike"]),
        claim("c", doc="c.txt", claimant="Z", perps=[ActorRef(name="Saraqib")]),
    ]
    inc = one(claims)
    assert [p.name for p in inc.perpetrators] == ["Military Forces of Russia"]
    assert "perpetrator_disputed" not in inc.flags


def test_a_denial_naming_an_unresolved_phrase_is_the_claimants_denial():
    """'Russia's defence ministry denied its aircraft struck the town.'"""
    claims = [
        claim("a", perps=["Military Forces of Russia"], killed=20, victims=CIVILIANS),
        claim("b", doc="b.txt", claimant="Ministry of Defence (Russia)",
              claimant_kind="military", stance="denies", perps=["its aircraft"]),
    ]  # fmt: skip
    inc = one(claims)
    (russia,) = inc.perpetrators
    assert russia.denied_by == ["Ministry of Defence (Russia)"]
    assert inc.grade == "contested"


def test_a_generic_denier_names_no_party_but_still_contests():
    claims = [
        claim("a", killed=20, victims=CIVILIANS),
        claim("b", doc="b.txt", claimant="Unnamed military source", claimant_kind="military",
              stance="denies"),
    ]  # fmt: skip
    inc = one(claims)
    assert inc.perpetrators == [] and "denied" in inc.flags and inc.grade == "contested"


def test_vague_counts_without_figures_use_the_vague_table():
    from fogwatch.model import Count

    c = claim("a")
    c.killed = Count(qualifier="vague", text="Dozens of people")
    other = claim("b", doc="b.txt", claimant="Y", killed=31)
    f = figures([c, other], "killed")
    assert (f.acled, f.low, f.high) == (12, 12, 31)


def test_an_outlet_speaking_for_itself_and_as_claimant_is_one_origin():
    a = claim("a", outlet="Northern Monitor", claimant="Northern Monitor", claimant_kind="outlet")
    b = claim("b", outlet="Northern Monitor", claimant="The Northern Monitor")
    assert origin_of(a) == origin_of(b)


def test_unnamed_sources_are_generic():
    a = claim("a", outlet="A", claimant="Unnamed military source", claimant_kind="military")
    b = claim("b", outlet="B", claimant="Unnamed military source", claimant_kind="military")
    assert origin_of(a) != origin_of(b)


def test_a_province_mention_lends_no_support_to_a_same_named_city():
    """Claims placed only in Idlib province must not make a dateline's "Idlib" (the
    city) outweigh the town most sources name."""
    town, city = (35.86, 36.81), (35.93, 36.63)
    claims = [
        claim("a", place="Saraqib", at=town, geo=1),
        claim("b", doc="b.txt", claimant="Monitor B", place="Saraqib", at=town, geo=1),
        claim("c", doc="c.txt", claimant="Monitor C", place="Idlib", at=city, geo=1),
        *[
            claim(f"p{k}", doc="c.txt", claimant="Monitor C", place="Idlib", at=city, geo=3)
            for k in range(4)
        ],
    ]
    assert one(claims).location.name == "Saraqib"


def test_location_support_counts_origins_before_claims():
    """One outlet repeating a place five times is one origin; two origins naming
    another place of the same precision win."""
    town, other = (35.86, 36.81), (35.80, 36.70)
    claims = [
        *[claim(f"a{k}", place="Sarmin", at=other, geo=1) for k in range(5)],
        claim("b", doc="b.txt", claimant="Monitor B", place="Saraqib", at=town, geo=1),
        claim("c", doc="c.txt", claimant="Monitor C", place="Saraqib", at=town, geo=1),
    ]
    assert one(claims).location.name == "Saraqib"
