"""Claim roles: the headline's event is main, history and recaps are background."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.incidents.linker import build_incidents, link_claims
from fogwatch.model import ActorRef, Claim, Count, Document, Evidence, Location
from fogwatch.nlp.lexicon import default_lexicon
from fogwatch.nlp.roles import assign_roles, title_numbers, title_types

PUBLISHED = dt.date(2016, 5, 10)


def claim(
    n: int,
    text: str,
    *,
    killed: int | None = None,
    etype: str | None = "Explosions/Remote violence",
    sub: str | None = "Air/drone strike",
    place: str | None = None,
    date: dt.date | None = PUBLISHED,
    precision: str = "day",
    perps: tuple[str, ...] = (),
    start: int | None = None,
) -> Claim:
    return Claim(
        id=f"c-{n}",
        document="d",
        segment=0,
        event_type=etype,
        sub_event_type=sub,
        date=date,
        date_precision=precision,
        killed=Count(low=killed, high=killed) if killed is not None else None,
        location=Location(name=place, lat=36.2, lon=37.1) if place else None,
        perpetrators=[ActorRef(name=p, text=p) for p in perps],
        evidence=Evidence(
            text=text, start=start if start is not None else n * 100, end=n * 100 + 50
        ),
    )


def doc(title: str | None = None) -> Document:
    return Document(id="d", name="d", text="x", title=title, published=PUBLISHED)


@pytest.mark.parametrize(
    "sentence",
    [
        "More than 250,000 people have been killed in Syria since the conflict began.",
        "The war has killed more than 400,000 people and displaced millions.",
        "Syria's civil war, which has so far killed over 300,000 people, is in its sixth year.",
        "At least 100 people have died since the start of the uprising in March 2011.",
        "Thousands have been killed in the province since 2011.",
        "Activists marked the anniversary of the attack that killed 1,400 people.",
        "The overall death toll of the war stands at 280,000.",
    ],
)
def test_recaps_are_background(sentence):
    c = claim(1, sentence, killed=1000)
    assign_roles([c], doc())
    assert c.role == "background"


@pytest.mark.parametrize(
    "sentence",
    [
        "Government warplanes struck the town on Monday, killing 12 people.",
        "Since Sunday, shelling has killed 30 civilians in the besieged district.",
        "The strike in 2016 killed 9 people, the monitor said.",  # a year is no recap
        "Rebels said they had begun an offensive on the city.",
    ],
)
def test_news_is_not_background(sentence):
    c = claim(1, sentence, killed=9)
    assign_roles([c], doc())
    assert c.role != "background"


def test_an_event_dated_years_before_publication_is_background():
    old = claim(1, "A sarin attack killed hundreds.", date=dt.date(2013, 1, 1), precision="year")
    this_year = claim(2, "Strikes killed 4.", date=dt.date(2016, 1, 1), precision="year")
    last_week = claim(3, "Strikes killed 5.", date=dt.date(2016, 5, 3))
    assign_roles([old, this_year, last_week], doc())
    assert old.role == "background"
    assert this_year.role != "background" and last_week.role != "background"


def test_title_picks_the_main_event_over_a_larger_recap_and_other_news():
    title = "Barrel bomb attack kills 11 children in Aleppo"
    other = claim(
        1,
        "In Idlib, clashes killed 3 fighters.",
        killed=3,
        etype="Battles",
        sub="Armed clash",
        place="Idlib",
    )
    main = claim(
        2, "Helicopters dropped barrel bombs, killing 11 children.", killed=11, place="Aleppo"
    )
    recap = claim(3, "The war has killed 400,000 people.", killed=400000)
    assign_roles([other, main, recap], doc(title))
    assert [other.role, main.role, recap.role] == ["related", "main", "background"]


def test_without_a_title_the_lead_sentence_is_main():
    a = claim(1, "Clashes broke out in the village, killing 2.", killed=2, start=0)
    b = claim(2, "Separately, a mine killed 5 shepherds.", killed=5, start=60)
    assign_roles([a, b], doc())
    assert (a.role, b.role) == ("main", "related")


def test_title_that_agrees_with_nothing_falls_back_to_the_lead():
    a = claim(1, "Troops shelled the town.", killed=None, start=0)
    b = claim(2, "Later, 3 died.", killed=3, start=40)
    assign_roles([a, b], doc("Opinion: why peace talks keep failing"))
    assert a.role == "main"


@pytest.mark.parametrize(
    ("title", "numbers"),
    [
        ("Suicide bomber kills 4 in Homs", {4}),
        ("Twelve dead in Idlib air raid", {12}),
        ("Five years on, 2011 still haunts Deraa", {5}),  # the year is no figure
        ("1,200 displaced after shelling", {1200}),
    ],
)
def test_title_numbers(title, numbers):
    assert title_numbers(title) == numbers


@pytest.mark.parametrize(
    ("title", "types"),
    [
        ("Russian airstrikes hit rebel-held town", {"Explosions/Remote violence"}),
        ("Car bomb kills six in Azaz", {"Explosions/Remote violence"}),
        ("Rebels clash with army near Hama", {"Battles"}),
        ("Peace talks resume in Geneva", set()),
    ],
)
def test_title_types(title, types):
    assert types <= title_types(title, default_lexicon())
    if not types:
        assert "Explosions/Remote violence" not in title_types(title, default_lexicon())


def test_background_claims_are_not_linked_into_incidents():
    news = claim(1, "Warplanes hit the town, killing 4.", killed=4, place="Aleppo")
    recap = claim(2, "The war has killed 400,000 people.", killed=400000, place="Aleppo")
    assign_roles([news, recap], doc())
    link_claims([news, recap])
    assert news.incident is not None and recap.incident is None
    incidents = build_incidents([news, recap])
    assert [i.claim_ids for i in incidents] == [["c-1"]]


@pytest.fixture(scope="module")
def extractor():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


def test_extracted_article_headline_is_main_and_recap_background(extractor):
    text = (
        "Government helicopters dropped barrel bombs on the town of Maarat al-Numan on "
        "Tuesday, killing 14 civilians, a monitoring group said.\n\n"
        "In a separate incident, rebels shelled an army checkpoint near Hama, killing 2 "
        "soldiers.\n\n"
        "More than 300,000 people have been killed in Syria since the conflict began."
    )
    document = Document(
        id="t1",
        name="t1",
        title="Barrel bombs kill 14 civilians in Maarat al-Numan",
        text=text,
        published=dt.date(2016, 5, 10),
        outlet="Test Wire",
    )
    claims = extractor.extract(document)
    by_figure = {c.killed.low: c.role for c in claims if c.killed}
    assert by_figure[14] == "main"
    assert by_figure[300000] == "background"
    assert by_figure.get(2, "related") == "related"


@pytest.mark.parametrize(
    ("sentence", "main_sub"),
    [
        # a clash with supporting strikes is a battle
        ("Troops clashed with militants, supported by air strikes.", "Armed clash"),
        # strikes "targeting" militants show no fighting: the strike is the event
        ("Warplanes carried out air strikes targeting militants.", "Air/drone strike"),
    ],
)
def test_lead_sentence_precedence(sentence, main_sub):
    strike = claim(1, sentence, start=0)
    clash = claim(2, sentence, etype="Battles", sub="Armed clash", start=0)
    assign_roles([strike, clash], doc())
    assert [c.sub_event_type for c in (strike, clash) if c.role == "main"] == [main_sub]
