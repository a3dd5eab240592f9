"""Who makes a claim, and whether they assert or deny it. Sentences written for the tests."""

from __future__ import annotations

import pytest

from test_nlp_helpers import claims_of, mentions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ex():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


def claimant_words(c) -> str:
    cl = c.claimant
    return " ".join([cl.name, cl.text or "", *cl.aliases]).lower() if cl else ""


CLAIMANT_CASES = [
    # (text, a word the claimant of the violent claim must contain, stance)
    (
        "The Syrian Observatory for Human Rights says 14 fighters were killed in clashes near "
        "Raqqa.",
        "observatory",
        "asserts",
    ),
    (
        "Nine civilians were killed in an air strike on Maarat al-Numan, according to local "
        "activists.",
        "activists",
        "asserts",
    ),
    (
        "The Russian Defence Ministry said in a statement that its jets struck militant "
        "positions near Palmyra.",
        "russia",
        "asserts",
    ),
    (
        "A military source told the news agency that rebels shelled the outskirts of Hama.",
        "source",
        "asserts",
    ),
    (
        "Pro-regime outlets reported that a car bomb exploded in Jableh, killing six.",
        "pro-regime",
        "asserts",
    ),
    ("The Pentagon denied that American jets hit a hospital near Manbij.", "pentagon", "denies"),
    ("Moscow rejected claims that Russian warplanes bombed a school in Idlib.", "moscow", "denies"),
    (
        "The coalition dismissed reports that its aircraft struck a bakery in Raqqa.",
        "coalition",
        "denies",
    ),
]


@pytest.mark.parametrize("text,word,stance", CLAIMANT_CASES)
def test_claimant_and_stance(ex, text, word, stance):
    claims = [c for c in claims_of(ex, text) if c.event_type]
    assert claims, "no claim"
    assert any(word in claimant_words(c) and c.stance == stance for c in claims), [
        (c.claimant, c.stance) for c in claims
    ]


def test_no_source_means_the_outlet(ex):
    (c,) = [
        c for c in claims_of(ex, "Shelling killed three children in Daraa on Sunday.") if c.killed
    ]
    assert c.claimant.kind == "outlet"
    assert c.claimant.name == "Test Wire"


def test_first_person_denial_belongs_to_the_speaker(ex):
    text = (
        "Major Tom Reilly, the task force spokesman, said the coalition carried out two "
        "strikes near Tabqa on Friday.\n\n"
        "We did not strike any civilian buildings."
    )
    claims = claims_of(ex, text)
    denial = [c for c in claims if c.stance == "denies"]
    assert denial
    assert "reilly" in claimant_words(denial[0]) or "coalition" in claimant_words(denial[0])


def test_claimant_carries_to_the_ministry(ex):
    text = (
        "The Iraqi Defence Ministry says that five soldiers were wounded in the mortar "
        "attack on Baiji.\n\n"
        "The Ministry claimed that militants fired twenty shells at the refinery."
    )
    claims = claims_of(ex, text)
    second = [c for c in claims if "refinery" in c.evidence.text]
    assert second and "defence ministry" in claimant_words(second[0])


def test_colon_frame_keeps_the_speaker(ex):
    text = (
        "Ahmad Saleh, a paramedic in Douma, described the attack. He continued:\n\n"
        "The jets came back twice and hit the clinic. Eleven people died under the "
        "rubble."
    )
    claims = [c for c in claims_of(ex, text) if c.killed]
    assert claims and "saleh" in claimant_words(claims[0])


def test_quote_continues_the_speaker(ex):
    text = (
        "“Our fighters repelled an assault on the hill,” the rebel commander said. "
        "“Fourteen attackers were killed in the fighting.”"
    )
    claims = [c for c in claims_of(ex, text) if c.killed]
    assert claims and "commander" in claimant_words(claims[0])


def test_blame_names_the_perpetrator(ex):
    text = (
        "A barrel bomb killed seven people in Anadan on Monday.\n\n"
        "The opposition council blamed the regime for the attack."
    )
    claims = claims_of(ex, text)
    blamed = [c for c in claims if "council" in claimant_words(c)]
    assert blamed and mentions(blamed[0].perpetrators, "regime")


def test_responsibility_is_a_perpetrator_claim(ex):
    text = (
        "An official said Ankara is certain that Kurdish militants were responsible for "
        "the deadly bombing in Suruc."
    )
    claims = claims_of(ex, text)
    assert any(
        mentions(c.perpetrators, "kurdish") and "official" in claimant_words(c) for c in claims
    )


def test_denial_keeps_the_perpetrator(ex):
    text = "The US military denied that American aircraft hit the Syrian army near Tabqa."
    (c,) = [c for c in claims_of(ex, text) if c.stance == "denies"]
    assert mentions(c.perpetrators, "american") or mentions(c.perpetrators, "united states")
    assert c.sub_event_type == "Air/drone strike"
