"""Event types on news phrasing (issue 22): clashes vs attacks, exchanges of fire,
riots vs protests, territory, months that are not marches."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.model import Claim, Count, Document, Evidence, Victims
from fogwatch.nlp.typing_rules import retype


@pytest.fixture(scope="module")
def extractor():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


def main_sub(extractor, text: str) -> str | None:
    doc = Document(id="t", name="t", text=text, published=dt.date(2021, 6, 3), language="en")
    claims = extractor.extract(doc)
    main = [c for c in claims if c.role == "main"] or claims
    return main[0].sub_event_type if main else None


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # two armed sides, even with artillery: a battle
        (
            "Government troops and rebels exchanged shelling near the town of Kafr Nabl.",
            "Armed clash",
        ),
        (
            "On 3 May 2021, an exchange of fire took place between the army and militants "
            "near Tal Rifaat.",
            "Armed clash",
        ),
        # a clash supported by air strikes: the clash is the event
        (
            "Army units, supported by Russian air strikes, clashed with militants near Palmyra.",
            "Armed clash",
        ),
        # ground changed hands after the fighting: the change is the event
        (
            "Government forces captured the village of Tell Hamra after clashes with rebels.",
            "Government regains territory",
        ),
        # one-sided shelling stays remote violence
        (
            "Government artillery shelled the town of Ariha on Tuesday.",
            "Shelling/artillery/missile attack",
        ),
        # a month is not a march
        ("On 7 March 2021, soldiers clashed with gunmen near the border crossing.", "Armed clash"),
    ],
)
def test_battle_types(extractor, text, sub):
    assert main_sub(extractor, text) == sub


@pytest.mark.parametrize(
    ("text", "is_territory"),
    [
        ("Rebels captured the town of Kafr Zeita on Monday.", True),
        ("Rebels captured two soldiers near the town of Kafr Zeita.", False),
        ("Militants seized a tank near the town of Kafr Zeita.", False),
        ("Rebels attacked army posts in the IS-controlled town of Kafr Zeita.", False),
        ("Rebels tried to capture the town of Kafr Zeita.", False),  # irrealis
        ("Militants launched an attempt to seize the town of Kafr Zeita.", False),
    ],
)
def test_territory_needs_ground_and_a_real_change(extractor, text, is_territory):
    doc = Document(id="t", name="t", text=text, published=dt.date(2021, 6, 3), language="en")
    subs = {c.sub_event_type for c in extractor.extract(doc)}
    territory = {"Government regains territory", "Non-state actor overtakes territory"}
    assert bool(subs & territory) is is_territory


def _claim(sub: str, text: str, victims: Victims | None = None, targets=()) -> Claim:
    return Claim(
        id="c",
        document="d",
        segment=0,
        event_type="x",
        sub_event_type=sub,
        evidence=Evidence(text=text, start=0, end=len(text)),
        victims=victims or Victims(),
        targets=list(targets),
        killed=Count(low=1, high=1),
    )


@pytest.mark.parametrize(
    ("sub", "text", "victims", "want"),
    [
        ("Attack", "Gunmen shot dead two soldiers.", Victims(combatants=2), "Armed clash"),
        ("Attack", "Gunmen shot dead two farmers.", Victims(civilians=2), "Attack"),
        ("Attack", "Gunmen shot dead a man.", Victims(), "Attack"),
        (
            "Peaceful protest",
            "Protesters threw stones at the police.",
            None,
            "Violent demonstration",
        ),
        (
            "Peaceful protest",
            "Police fired tear gas to disperse the protesters.",
            None,
            "Protest with intervention",
        ),
        (
            "Peaceful protest",
            "Hundreds marched peacefully through the capital.",
            None,
            "Peaceful protest",
        ),
        (
            "Shelling/artillery/missile attack",
            "The two sides traded fire across the river.",
            None,
            "Armed clash",
        ),
        (
            "Shelling/artillery/missile attack",
            "Troops shelled the village for 20 days.",
            None,
            "Shelling/artillery/missile attack",
        ),
    ],
)
def test_claim_level_type_rules(sub, text, victims, want):
    c = _claim(sub, text, victims)
    retype([c])
    assert c.sub_event_type == want


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Turkish and Russian troops conducted a joint patrol near the town of Darbasiyah.",
            "Change to group/activity",
        ),
        (
            "The army sent reinforcements to the town of Saraqib on Sunday.",
            "Change to group/activity",
        ),
        (
            "Turkish forces established a new military post near the village of Nayrab.",
            "Headquarters or base established",
        ),
        # a strategic word next to violence does not make the event strategic
        ("Army units deployed near the town of Saraqib clashed with rebels.", "Armed clash"),
    ],
)
def test_strategic_developments(extractor, text, sub):
    assert main_sub(extractor, text) == sub


@pytest.mark.parametrize(
    ("sub", "text", "want"),
    [
        (
            "Armed clash",
            "Residents demonstrated and clashed with police in the market.",
            "Violent demonstration",
        ),
        ("Armed clash", "Two groups clashed with sticks over a land dispute.", "Mob violence"),
        ("Armed clash", "Rebels clashed with the army near the dam.", "Armed clash"),
    ],
)
def test_crowd_and_mob_clashes(sub, text, want):
    c = _claim(sub, text)
    retype([c])
    assert c.sub_event_type == want


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # the means, not the victims, decide remote violence (cause of death follows it)
        ("US-led strikes killed 14 civilians in the village of Tokhar.", "Air/drone strike"),
        (
            "The coalition struck a school in the town of Mansoura, killing 9 civilians.",
            "Air/drone strike",
        ),
        (
            "A bombing at a market in the town of Azaz killed 6 civilians.",
            "Remote explosive/landmine/IED",
        ),
        # a shooting of civilians stays an attack
        ("Gunmen attacked a bus in the town of Nawa, killing 3 civilians.", "Attack"),
    ],
)
def test_cause_follows_the_weapon(extractor, text, sub):
    assert main_sub(extractor, text) == sub


def test_victims_named_as_members_of_an_armed_actor_make_a_clash():
    c = _claim("Attack", "Snipers killed 2 members of the Syrian army near the town.")
    c.killed = Count(low=2, high=2, text="killed 2 members of the Syrian army")
    retype([c])
    assert c.sub_event_type == "Armed clash"


def test_storming_positions_is_an_assault_not_a_capture(extractor):
    doc = Document(
        id="t",
        name="t",
        text="Militants stormed army positions near the town of Kafr Zeita on Monday.",
        published=dt.date(2021, 6, 3),
        language="en",
    )
    subs = {c.sub_event_type for c in extractor.extract(doc)}
    assert "Non-state actor overtakes territory" not in subs
    assert "Armed clash" in subs


@pytest.mark.parametrize(
    ("perp_inter", "target_inter", "want"),
    [
        (2, 2, "Armed clash"),  # one armed group detains another's fighters
        (1, 2, "Arrests"),  # a state arrests militants: an arrest
        (2, 7, "Arrests"),  # an armed group detains civilians: not a clash
    ],
)
def test_detentions_between_armed_groups(perp_inter, target_inter, want):
    from fogwatch.model import ActorRef

    c = _claim("Arrests", "The group detained three men at a checkpoint.")
    c.killed = None
    c.perpetrators = [ActorRef(name="A", inter=perp_inter)]
    c.targets = [ActorRef(name="B", inter=target_inter)]
    retype([c])
    assert c.sub_event_type == want


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "On 3 June 2021, farmers staged a demonstration demanding fuel in the town of Afrin.",
            "Peaceful protest",
        ),
        (
            "On 3 June 2021, residents blocked roads in the town of Afrin to demand water.",
            "Peaceful protest",
        ),
        (
            "Shelling and explosions were heard in both directions of the front line near Afrin.",
            "Armed clash",
        ),
    ],
)
def test_protests_and_frontline_exchanges(extractor, text, sub):
    assert main_sub(extractor, text) == sub
