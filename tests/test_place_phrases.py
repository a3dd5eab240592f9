"""Reading location phrases, end to end: sentence -> claim location.

Each row is a sentence written for this test, the place the event happened at (a true
position to about 0.03 degree, or None when only an area can be given), how far off the
point may be, and the precision (ACLED geo_precision) the claim must carry.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.model import Document
from fogwatch.pipeline import prepare
from fogwatch.places.resolver import haversine_km

# (sentence, expected lat, lon, max km, precision or None for "any")
PHRASES = [
    # X in rural Y in Z / X in the Z countryside / X of Z
    ("Regime jets bombed Kafr Nabl in rural Idlib, killing four fighters.", 35.61, 36.56, 8, 1),
    ("Clashes killed three fighters in Tell Halaf in the Hasakah countryside.", 36.83, 40.03, 8, 1),
    ("Gunmen killed two soldiers in Tall Salhab of Hama.", 35.31, 36.38, 8, 1),
    # a village named the same in two governorates: the one in the governorate named
    (
        "Shelling killed two civilians in Suran in the northern Hama countryside.",
        35.29,
        36.74,
        10,
        1,
    ),
    ("Shelling killed two civilians in Suran in the Aleppo countryside.", 36.58, 37.05, 15, 1),
    # X, south of Y / N km east of X
    ("An explosion killed five people 10 km east of Manbij on Monday.", 36.53, 37.95, 20, 2),
    ("Two fighters were killed in clashes south of Saraqib.", 35.86, 36.80, 15, 2),
    # between X and Y / the X-Y road: half-way, precision 2
    (
        "Gunmen killed a soldier on the road between Saraqib and Maarat al-Numan.",
        35.75,
        36.72,
        15,
        2,
    ),
    (
        "Rebels ambushed an army convoy on the Hama-Salamiyah road, killing six.",
        35.07,
        36.92,
        15,
        2,
    ),
    # the X front / axis, camps, airbases, checkpoints
    (
        "Three fighters were killed on the Kabani front in the Latakia countryside.",
        None,
        None,
        0,
        None,
    ),
    ("Two guards were killed in clashes inside al-Hol camp.", 36.38, 41.15, 10, None),
    ("Drones attacked the Hmeimim airbase, killing two Russian soldiers.", 35.41, 35.95, 10, 2),
    ("Gunmen killed a soldier at a checkpoint near Tal Tamr.", 36.65, 40.37, 10, 2),
]


@pytest.fixture(scope="module")
def ex():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


def located(ex, text: str):
    doc = prepare(Document(id="d-t", name="t", text=text, published=dt.date(2020, 3, 3)))[0]
    claims = ex.extract(doc)
    assert claims, f"no claim read from {text!r}"
    return claims[0].location


@pytest.mark.parametrize(("text", "lat", "lon", "km", "precision"), PHRASES)
def test_location_phrase(ex, text, lat, lon, km, precision) -> None:
    loc = located(ex, text)
    assert loc is not None and loc.lat is not None, text
    if lat is not None:
        d = haversine_km(loc.lat, loc.lon, lat, lon)
        assert d <= km, f"{text!r} -> {loc.name} ({loc.lat}, {loc.lon}) is {d:.0f} km off"
    if precision is not None:
        assert loc.precision == precision, (text, loc)


def test_front_is_placed_in_the_governorate_the_text_names(ex) -> None:
    loc = located(ex, "Three fighters were killed on the Kabani front in the Latakia countryside.")
    assert loc.admin1 == "Latakia"


# ---------------------------------------------------------------------------- roles


def test_origin_is_not_the_event_place(ex) -> None:
    """A victim's home town is not where he was killed."""
    loc = located(ex, "A colonel from Qardaha was killed in clashes in Busra al-Harir.")
    assert haversine_km(loc.lat, loc.lon, 32.84, 36.34) < 10


def test_dateline_is_not_the_event_place(ex) -> None:
    from fogwatch.model import PlaceMention
    from fogwatch.nlp.pipeline import build_nlp
    from fogwatch.nlp.places import mentions_in
    from fogwatch.places.resolver import PlaceResolver

    doc = build_nlp()("QAMISHLI, Syria, March 2 (Wire) - Clashes killed four fighters in Saraqib.")
    roles = {m.text: m.role for s in doc.sents for m in mentions_in(doc, s)}
    assert roles.get("QAMISHLI") == "dateline"
    loc = PlaceResolver.default().resolve(
        [
            PlaceMention(text="QAMISHLI", start=0, end=8, role="dateline"),
            PlaceMention(text="Saraqib", start=60, end=67, role="in"),
        ]
    )
    assert loc is not None and loc.text == "Saraqib"


def test_origin_is_used_when_nothing_else_is_named(ex) -> None:
    loc = located(ex, "Five fighters from Saraqib were killed.")
    assert loc is not None and haversine_km(loc.lat, loc.lon, 35.86, 36.80) < 10


def test_unknown_village_falls_back_to_its_holder(ex) -> None:
    """An unknown village gives way to the place the text says holds it, precision 2+."""
    loc = located(ex, "Rebels killed four soldiers in Zorbanat village in the Ariha countryside.")
    assert loc is not None and loc.precision >= 2 and loc.text.startswith("Zorbanat")
    assert haversine_km(loc.lat, loc.lon, 35.81, 36.61) < 15


def test_claims_carry_districts_from_the_polygons(ex) -> None:
    loc = located(ex, "Regime jets bombed Kafr Nabl in rural Idlib, killing four fighters.")
    assert loc.admin1 == "Idlib" and loc.admin2 and loc.admin3
