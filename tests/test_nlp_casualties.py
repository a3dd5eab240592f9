"""Casualty figures: numbers in digits and words, bounds, vague quantities, and the
figures that do not count people. Sentences are written for these tests."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    from fogwatch.nlp.pipeline import build_nlp

    return build_nlp()


def figures(nlp, text):
    with nlp.select_pipes(disable=["fogwatch_claims"]):
        doc = nlp(text)
    return [(f.kind, f.low, f.high, f.qualifier) for f in doc._.fw_figures]


CASES = [
    # (sentence, expected figures (kind, low, high, qualifier))
    ("Forty-one people were killed when the market was shelled.", [("killed", 41, 41, "exact")]),
    (
        "Four soldiers were killed and 17 injured near the checkpoint.",
        [("killed", 4, 4, "exact"), ("injured", 17, 17, "exact")],
    ),
    ("At least 80 civilians died in the raid.", [("killed", 80, None, "at_least")]),
    (
        "More than 2,300 people have been killed since the offensive began.",
        [("killed", 2300, None, "at_least")],
    ),
    ("Up to 300 residents may have lost their lives.", [("killed", None, 300, "at_most")]),
    ("About 60 fighters were killed overnight.", [("killed", 60, 60, "about")]),
    ("Between 10 and 15 guards were wounded.", [("injured", 10, 15, "range")]),
    ("Officials said 20 to 25 people died.", [("killed", 20, 25, "range")]),
    ("Dozens of civilians were wounded in the strikes.", [("injured", 12, 12, "vague")]),
    ("Scores of people were killed in the siege.", [("killed", 20, 20, "vague")]),
    ("Hundreds of fighters have died this year.", [("killed", 100, 100, "vague")]),
    ("A dozen workers were injured by the blast.", [("injured", 12, 12, "about")]),
    (
        "The shelling killed 6 and wounded 11 in the old town.",
        [("killed", 6, 6, "exact"), ("injured", 11, 11, "exact")],
    ),
    (
        "The bomb went off at the gate, martyring 9 and injuring 30.",
        [("killed", 9, 9, "exact"), ("injured", 30, 30, "exact")],
    ),
    ("Medics recovered the bodies of 14 men from the rubble.", [("killed", 14, 14, "exact")]),
    ("The monitor recorded 52 deaths on Friday.", [("killed", 52, 52, "exact")]),
    ("The toll rose as 8 more people died in hospital.", [("killed", 8, 8, "exact")]),
    ("The village chief, Omar Haddad, was killed by a sniper.", [("killed", 1, 1, "exact")]),
    # numbers that do not count victims
    ("Jets fired twelve rockets and destroyed 15 tanks.", []),
    ("The district has an estimated 80,000 residents.", []),
    ("The convoy travelled 500 metres before stopping at 1400 GMT.", []),
    ("The truce will last 22 days, starting in 2016.", []),
    ("Seven missiles hit the base but nobody was hurt.", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_figures(nlp, text, expected):
    assert figures(nlp, text) == expected


def test_breakdown_goes_to_victims(nlp):
    with nlp.select_pipes(disable=["fogwatch_claims"]):
        doc = nlp(
            "The group counted 45 dead across the country, including 12 children and seven women."
        )
    (fig,) = doc._.fw_figures
    assert (fig.low, fig.high) == (45, 45)
    assert fig.victims == {"children": 12, "women": 7}


def test_killed_and_injured_make_one_claim():
    from fogwatch.nlp.extractor import Extractor
    from test_nlp_helpers import claims_of

    ex = Extractor()
    claims = claims_of(
        ex,
        "The ministry says four soldiers were killed and 17 injured in the "
        "air raid on the barracks near Hama.",
    )
    with_figures = [c for c in claims if c.killed or c.injured]
    assert len(with_figures) == 1
    c = with_figures[0]
    assert (c.killed.low, c.killed.high) == (4, 4)
    assert (c.injured.low, c.injured.high) == (17, 17)
    assert c.victims.combatants == 4
