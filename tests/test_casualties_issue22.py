"""Casualty figures on news phrasing (issue 22): singular victims, parts and sums,
vague 'unknown number', and never a year, date or clock time."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.model import Document


@pytest.fixture(scope="module")
def extractor():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


def killed(extractor, text: str) -> list[tuple]:
    doc = Document(id="t", name="t", text=text, published=dt.date(2021, 6, 3), language="en")
    return [
        (c.killed.low, c.killed.high, c.killed.qualifier)
        for c in extractor.extract(doc)
        if c.killed is not None
    ]


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # singular victims
        ("Unknown gunmen assassinated a police captain near the town of Nawa.", (1, 1, "exact")),
        ("Masked men shot dead a teacher in the village of Tafas.", (1, 1, "exact")),
        ("Militants executed a shepherd outside the town of Sukhnah.", (1, 1, "exact")),
        ("A detainee died under torture in a prison in Homs.", (1, 1, "exact")),
        ("Gunmen shot and killed a local commander near the town of Jasim.", (1, 1, "exact")),
        (
            "Gunmen stopped a car near the town of Jasim and shot the driver, killing him.",
            (1, 1, "exact"),
        ),
        ("A soldier's body was found near the town of Mayadin, killed by gunmen.", (1, 1, "exact")),
        ("Clashes near the town of Jisr al-Shughur left 1 rebel fighter dead.", (1, 1, "exact")),
        # ranges and bounds
        ("Between 8 and 11 people were killed in shelling on the town of Ariha.", (8, 11, "range")),
        # parts of one event add up
        (
            "Clashes near the town of Kafr Nabl killed 4 rebel fighters and at least 9 "
            "government soldiers.",
            (13, None, "at_least"),
        ),
        (
            "Fighting near the village of Tell Hamra killed 3 rebel and 5 army fighters.",
            (8, 8, "exact"),
        ),
        # an unknown number is ACLED's convention, recorded as vague
        (
            "Clashes in the village of Tell Hamra left an unknown number of fighters dead.",
            (10, 10, "vague"),
        ),
    ],
)
def test_killed_figures(extractor, text, figure):
    assert figure in killed(extractor, text)


@pytest.mark.parametrize(
    "text",
    [
        "In 2019, the army shelled the town of Ariha.",  # a year
        "Shelling hit the town of Ariha at 1400 GMT on 12 May.",  # a clock time, a date
        "Rebels destroyed 20 tanks near the town of Ariha.",  # not people
        "Unknown fatalities coded as 10.",  # a coder's note, not a report
        "Casualties unknown after clashes in the village of Tell Hamra.",
        "The body of the truck was damaged in a blast in the town of Azaz.",
    ],
)
def test_no_figure(extractor, text):
    assert killed(extractor, text) == []


def test_including_fills_victims_not_a_second_count(extractor):
    doc = Document(
        id="t",
        name="t",
        text="An air strike on the town of Ariha killed 15 people, including 4 children.",
        published=dt.date(2021, 6, 3),
        language="en",
    )
    claims = [c for c in extractor.extract(doc) if c.killed]
    assert [(c.killed.low, c.victims.children) for c in claims] == [(15, 4)]


def test_history_sentence_is_background_not_the_toll(extractor):
    doc = Document(
        id="t",
        name="t",
        title="Air strike kills 6 in Ariha",
        text=(
            "An air strike killed 6 people in the town of Ariha on Monday.\n\n"
            "The war has killed more than 350,000 people since it began in 2011."
        ),
        published=dt.date(2021, 6, 3),
        language="en",
    )
    claims = extractor.extract(doc)
    roles = {c.killed.low: c.role for c in claims if c.killed}
    assert roles == {6: "main", 350000: "background"}
