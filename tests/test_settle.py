"""Who speaks and who acts, settled with the outlet and the country (nlp/settle.py).
Every phrase here is written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.ingest.segment import segment_document
from fogwatch.model import ActorRef, Claim, Claimant, Evidence, Location
from fogwatch.nlp.settle import Settler, fold, speaks_for_outlet

OUTLET = "Northern Monitor for Human Rights"


@pytest.fixture(scope="module")
def settler():
    return Settler()


def claim(claimant=None, perps=(), country="SY") -> Claim:
    return Claim(
        id="c-1",
        document="d.txt",
        segment=0,
        date=dt.date(2017, 3, 2),
        location=Location(name="Saraqib", lat=35.86, lon=36.8, country=country)
        if country
        else None,
        claimant=claimant,
        perpetrators=[ActorRef(name=p, text=p) for p in perps],
        evidence=Evidence(text="x", start=0, end=1),
    )


@pytest.mark.parametrize(
    "words,outlet,own",
    [
        ("our researchers", OUTLET, True),
        ("Our correspondent", "Levant Ledger", True),
        ("two of our observers in the area", OUTLET, True),
        ("this agency", "Euphrates Wire", True),
        ("the Monitor's sources", OUTLET, True),
        ("the Monitor's sources", "Levant Ledger", False),  # another outlet's monitor
        ("our town's council", OUTLET, False),
        ("local researchers", OUTLET, False),
        ("the Syrian Observatory", OUTLET, False),
    ],
)
def test_the_outlets_own_people_speak_for_it(words, outlet, own):
    assert speaks_for_outlet(words, outlet) == own


CLAIMANTS = [
    # (claimant as the parse left it, country, settled name or None for "the outlet")
    (Claimant(name="Our researchers", text="Our researchers", kind="other"), "SY", None),
    (Claimant(name="The Northern Monitor for Human Rights", kind="monitor"), "SY", None),
    (Claimant(name="No group", text="No group", kind="armed_group"), "SY", None),
    (Claimant(name="Terrorist rocket attack", kind="other"), "SY", None),
    (Claimant(name="Army", text="Army", kind="military"), "SY", "Military Forces of Syria"),
    (Claimant(name="the army", text="the army", kind="military"), "IQ", "Military Forces of Iraq"),
    (Claimant(name="Army", text="Army", kind="military"), None, None),
    (Claimant(name="Civilians (Syria)", text="Residents", kind="other"), "SY", "Residents"),
    (Claimant(name="the Raqqa Civil Council", kind="other"), "SY", "Raqqa Civil Council"),
    (Claimant(name="Syrian Observatory for Human Rights", kind="monitor"), "SY",
     "Syrian Observatory for Human Rights"),
]  # fmt: skip


@pytest.mark.parametrize("given,country,settled", CLAIMANTS)
def test_claimants(settler, given, country, settled):
    (c,) = settler.settle_claims([claim(given, country=country)], [OUTLET])
    if settled is None:
        assert c.claimant.name == OUTLET and c.claimant.kind == "outlet"
    else:
        assert c.claimant.name == settled


def test_residents_who_speak_are_witnesses_not_the_victim_actor(settler):
    given = Claimant(name="Civilians (Syria)", text="residents", kind="other")
    (c,) = settler.settle_claims([claim(given)], [OUTLET])
    assert c.claimant.kind == "witness" and "Civilians" not in c.claimant.name


PERPETRATORS = [
    # (phrases as the parse left them, claimant, country, settled names)
    (["army units"], None, "SY", ["Military Forces of Syria"]),
    (["army units"], None, None, []),
    (["No group"], None, "SY", []),
    (["the shelling", "an air strike"], None, "SY", []),
    (["artillery"], None, "SY", []),
    (["HAMA"], None, "SY", []),
    (["Our researchers"], None, "SY", []),
    (["its aircraft"], Claimant(name="Ministry of Defence (Russia)", kind="government"), "SY",
     ["Military Forces of Russia"]),
    (["its aircraft"], Claimant(name=OUTLET, kind="outlet"), "SY", []),
    (["Turkish drones"], None, "SY", ["Military Forces of Turkey"]),
    (["Islamic State"], None, "SY", ["Islamic State"]),
    (["civilians"], None, "SY", []),
    (["army units", "the Syrian army"], None, "SY", ["Military Forces of Syria"]),  # once
    (["Government media"], None, "SY", []),  # those who report do not strike
    (["Syrian Observatory for Human Rights"], None, "SY", []),
    (["state television", "Islamic State"], None, "SY", ["Islamic State"]),
]  # fmt: skip


@pytest.mark.parametrize("phrases,claimant,country,names", PERPETRATORS)
def test_perpetrators_are_actors_never_events_weapons_or_victims(
    settler, phrases, claimant, country, names
):
    (c,) = settler.settle_claims([claim(claimant, phrases, country)], [OUTLET])
    assert [p.name for p in c.perpetrators] == names


def test_a_bare_army_follows_the_country_most_of_the_document_is_in(settler):
    located = claim(None, ["regime forces"])
    unlocated = claim(None, ["army units"], country=None)
    settler.settle_claims([located, unlocated], [OUTLET, OUTLET])
    assert [p.name for p in unlocated.perpetrators] == ["Military Forces of Syria"]


def test_fold_ignores_article_case_and_punctuation():
    assert fold("The Northern Monitor for Human Rights") == fold(
        "northern monitor for human rights"
    )
    assert fold("the Monitor's") == fold("Monitor s")


def test_a_byline_is_an_author_and_an_outlet_line_is_a_source():
    text = (
        "Market hit twice in one week\n\nBy Hana Qassem\n\n"
        "Shelling hit the covered market of the old city on Monday, residents said.\n"
    )
    (seg,) = [s for s in segment_document(text, outlet="Levant Ledger") if s.author]
    assert seg.author == "Hana Qassem"
    relayed = segment_document(
        "Source: Euphrates Wire\n\nA car bomb exploded near a checkpoint on Sunday.\n"
    )
    assert all(s.author is None for s in relayed)
