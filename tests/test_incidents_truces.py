"""Truces: parsing the window from the evidence, and flagging violent incidents inside it."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.incidents.linker import build_incidents
from fogwatch.incidents.truces import (
    is_truce,
    parse_duration,
    parse_start,
    truce_from_claim,
)
from test_incidents import AGREEMENT, CLASH, SHELLING, claim, offset

DARAA = (32.6189, 36.1021)
CEASEFIRE = ("Strategic developments", "Ceasefire or truce declared")
DECLARATION = (
    "The Syrian army's general command on Wednesday announced a ceasefire in the southern "
    "city of Daraa from 1 a.m. Thursday for 48 hours."
)


@pytest.mark.parametrize(
    "text,hours",
    [
        ("a ceasefire for 48 hours", 48),
        ("a 72-hour truce", 72),
        ("a truce of three days", 72),
        ("a week-long halt... for a week", 168),
        ("seventy-two hours of calm", 72),
        ("a ceasefire was declared", None),
    ],
)
def test_durations(text, hours):
    assert parse_duration(text) == hours


@pytest.mark.parametrize(
    "text,start",
    [
        (DECLARATION, dt.datetime(2017, 5, 11, 1, 0)),  # Wednesday -> Thursday 01:00
        ("a truce from noon", dt.datetime(2017, 5, 10, 12, 0)),
        ("from 6:30 p.m. on Wednesday", dt.datetime(2017, 5, 10, 18, 30)),
        ("starting 2200 GMT", dt.datetime(2017, 5, 10, 22, 0)),
        ("a truce", dt.datetime(2017, 5, 10, 0, 0)),
    ],
)
def test_start(text, start):
    assert parse_start(text, dt.date(2017, 5, 10)) == start


def test_which_claims_are_truces():
    assert is_truce(claim("a", kind=CEASEFIRE, evidence="The army declared a halt."))
    assert is_truce(claim("a", kind=AGREEMENT, evidence="Both sides agreed a truce."))
    assert not is_truce(claim("a", kind=AGREEMENT, evidence="They agreed to swap prisoners."))
    assert not is_truce(claim("a", kind=SHELLING, evidence="Shelling broke the truce."))
    assert not is_truce(claim("a", kind=CEASEFIRE, stance="denies"))


def test_truce_record():
    t = truce_from_claim(
        claim("t", kind=CEASEFIRE, at=DARAA, geo=1, place="Daraa", date="2017-05-10",
              evidence=DECLARATION, perps=["Military Forces of Syria"])
    )  # fmt: skip
    assert t is not None
    assert t.start == dt.datetime(2017, 5, 11, 1) and t.end == dt.datetime(2017, 5, 13, 1)
    assert t.duration_hours == 48 and t.radius_km == 15
    assert t.parties == ["Military Forces of Syria"]


def test_a_truce_without_duration_uses_the_default_window():
    t = truce_from_claim(claim("t", kind=CEASEFIRE, date="2017-05-10", evidence="A truce."))
    assert t.end - t.start == dt.timedelta(days=7)


def flagged(clash_date: str, where=DARAA, kind=CLASH) -> bool:
    truce = claim("t", doc="truce.txt", kind=CEASEFIRE, at=DARAA, geo=1, place="Daraa",
                  date="2017-05-10", evidence=DECLARATION)  # fmt: skip
    fight = claim("f", doc="fight.txt", kind=kind, at=where, geo=1, date=clash_date)
    incidents = {i.claim_ids[0]: i for i in build_incidents([truce, fight])}
    assert "truce_violation" not in incidents["t"].flags
    return "truce_violation" in incidents["f"].flags


@pytest.mark.parametrize(
    "day,where,expected",
    [
        ("2017-05-12", DARAA, True),
        ("2017-05-11", offset(DARAA, 10), True),
        ("2017-05-13", DARAA, True),  # the window ends at 01:00 that day
        ("2017-05-10", DARAA, False),  # announced, not yet in force
        ("2017-05-14", DARAA, False),
        ("2017-05-12", offset(DARAA, 40), False),  # outside the city
    ],
)
def test_violations(day, where, expected):
    assert flagged(day, where) is expected


def test_a_non_violent_event_is_no_violation():
    assert not flagged("2017-05-12", kind=AGREEMENT)


def test_a_claimed_ceasefire_violation_is_flagged_without_a_truce_record():
    claims = [
        claim("v", kind=("Battles", "Ceasefire violation"), at=DARAA, date="2017-06-01"),
        claim("w", doc="w.txt", kind=CLASH, at=DARAA, date="2017-06-01"),
    ]
    (incident,) = build_incidents(claims)
    assert "truce_violation" in incident.flags
    (plain,) = build_incidents([claim("x", kind=CLASH, at=DARAA, date="2017-06-01")])
    assert "truce_violation" not in plain.flags
