"""Perpetrators from news phrasing: modifiers, agents, headlines, weapons."""

from __future__ import annotations

import pytest

from fogwatch.model import ActorRef, Claim, Document, Evidence, Location
from fogwatch.nlp.perpetrators import default_finder


@pytest.fixture(scope="module")
def finder():
    return default_finder()


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Russian airstrikes pounded rebel positions overnight.", "Military Forces of Russia"),
        ("Regime barrel bombs fell on two markets.", "Military Forces of Syria"),
        ("US-led air strikes hit an oil field near the border.", "Global Coalition against Daesh"),
        ("Nine people died in government shelling of the town.", "Military Forces of Syria"),
        ("Four were killed by regime forces at a checkpoint.", "Military Forces of Syria"),
        ("An IS suicide bomber struck a wedding party.", "Islamic State"),
        ("Rebel rocket fire hit a school in the western district.", "Opposition Rebels (Syria)"),
        ("The convoy was hit by coalition jets near the dam.", "Global Coalition against Daesh"),
    ],
)
def test_named_as_modifier_or_agent(finder, sentence, actor):
    assert [r.name for r in finder.named(sentence)][:1] == [actor]


@pytest.mark.parametrize(
    "sentence",
    [
        "An air strike hit the hospital on Sunday.",  # an act is nobody
        "No group claimed responsibility for the bombing.",
        "The army lost 20 tanks in 2016.",  # no attack noun after an actor
        "The war has killed more than 400,000 people since 2011.",
        "Civilians fled the shelling.",  # civilians are not its author
    ],
)
def test_no_actor_named(finder, sentence):
    assert finder.named(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "country", "actor"),
    [
        ("Helicopters dropped barrel bombs on the market.", "SY", "Military Forces of Syria"),
        ("Barrel bombs fell on the district.", None, "Military Forces of Syria"),
        ("Two Tomahawk missiles hit the airbase.", "SY", "Military Forces of the United States"),
        ("Barrel bombs fell on the village.", "SD", None),  # the row is for Syria
        ("A sarin attack killed dozens.", "SY", None),  # below min_confidence: disputed
        ("A car bomb exploded near the mosque.", "SY", None),  # used by many parties
    ],
)
def test_weapon_implies_actor(finder, sentence, country, actor):
    got = finder.implied(sentence, country)
    assert (got[0].name if got else None) == actor


@pytest.mark.parametrize(
    ("text", "is_actor"),
    [
        ("No group", False),
        ("an air strike", False),
        ("a bomb", False),
        ("its airstrikes", False),
        ("regime forces", True),
        ("unknown gunmen", True),
    ],
)
def test_an_event_phrase_or_weapon_is_never_an_actor(finder, text, is_actor):
    assert finder.not_an_actor(ActorRef(name=text, text=text)) is not is_actor


def _claim(text: str, role: str = "main", perps=()) -> Claim:
    return Claim(
        id="c-1",
        document="d",
        segment=0,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        location=Location(name="Aleppo", country="SY"),
        evidence=Evidence(text=text, start=0, end=len(text)),
        perpetrators=list(perps),
        role=role,
    )


def test_fill_uses_the_headline_for_the_main_claim_only(finder):
    doc = Document(id="d", name="d", text="x", title="Russian airstrikes kill 12 in Aleppo")
    main = _claim("Twelve people were killed in the strikes on Tuesday.")
    other = _claim("Twelve people were killed in the strikes on Tuesday.", role="related")
    finder.fill([main, other], doc)
    assert [p.name for p in main.perpetrators] == ["Military Forces of Russia"]
    assert other.perpetrators == []


def test_fill_replaces_a_weapon_taken_for_an_actor(finder):
    doc = Document(id="d", name="d", text="x")
    c = _claim(
        "A bomb dropped by a helicopter hit the hospital.",
        perps=[ActorRef(name="a bomb", text="a bomb")],
    )
    finder.fill([c], doc)
    assert [(p.name, p.text) for p in c.perpetrators] == [
        ("Military Forces of Syria", "helicopter")
    ]


def test_fill_keeps_a_known_perpetrator(finder):
    doc = Document(id="d", name="d", text="x", title="Russian airstrikes kill 12")
    kept = ActorRef(name="Military Forces of Syria", text="regime warplanes", side="government")
    c = _claim("Regime warplanes struck the town.", perps=[kept])
    finder.fill([c], doc)
    assert [p.name for p in c.perpetrators] == ["Military Forces of Syria"]


@pytest.mark.parametrize(
    ("headline", "actor"),
    [
        ("Kurdish forces kill 40 militants near Manbij", "Syrian Democratic Forces"),
        ("Islamic State seizes gas field east of Homs", "Islamic State"),
        ("Regime commits massacre in eastern Ghouta", "Military Forces of Syria"),
        ("Rebels attacked by government forces near Hama", "Military Forces of Syria"),
        ("Villagers killed as fighting rages near Hama", None),
    ],
)
def test_headline_subject_of_a_violent_verb(finder, headline, actor):
    got = finder.named(headline)
    assert (got[0].name if got else None) == actor


@pytest.mark.parametrize("text", ["Date of publication 12 August 2016", "Fri Apr 29 2016"])
def test_a_dateline_is_never_an_actor(finder, text):
    assert finder.not_an_actor(ActorRef(name=text, text=text))
