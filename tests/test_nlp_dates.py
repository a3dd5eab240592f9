"""Date resolution against the story's own date. No model needed for most cases."""

from __future__ import annotations

import datetime as dt

import pytest

from fogwatch.nlp.dates import resolve

MONDAY = dt.date(2016, 3, 14)

CASES = [
    # (text, base, date, date_end, precision)
    ("on Sunday", MONDAY, dt.date(2016, 3, 13), None, "day"),
    ("Sunday night", MONDAY, dt.date(2016, 3, 13), None, "day"),
    ("on Monday", MONDAY, MONDAY, None, "day"),  # said on a Monday: that day
    ("last Monday", MONDAY, dt.date(2016, 3, 7), None, "day"),
    ("last Tuesday", MONDAY, dt.date(2016, 3, 8), None, "day"),
    ("yesterday", MONDAY, dt.date(2016, 3, 13), None, "day"),
    ("yesterday’s", MONDAY, dt.date(2016, 3, 13), None, "day"),
    ("today", MONDAY, MONDAY, None, "day"),
    ("On Thursday 3 March", MONDAY, dt.date(2016, 3, 3), None, "day"),
    ("Feb.9", MONDAY, dt.date(2016, 2, 9), None, "day"),
    ("December 28", MONDAY, dt.date(2015, 12, 28), None, "day"),  # never after publication
    ("since February 2", MONDAY, dt.date(2016, 2, 2), MONDAY, "day"),
    ("in early 2013", MONDAY, dt.date(2013, 1, 1), None, "year"),
    ("in July", MONDAY, dt.date(2015, 7, 1), None, "month"),
    ("late January", MONDAY, dt.date(2016, 1, 1), None, "month"),
    ("earlier this week", dt.date(2016, 3, 17), dt.date(2016, 3, 14), dt.date(2016, 3, 17), "week"),
]


@pytest.mark.parametrize("text,base,date,date_end,precision", CASES)
def test_resolve(text, base, date, date_end, precision):
    r = resolve(text, base)
    assert r is not None
    assert (r.date, r.date_end, r.precision) == (date, date_end, precision)


@pytest.mark.parametrize(
    "text", ["22 days", "1400 GMT", "6:30 a.m.", "the morning", "three years", "48 hours"]
)
def test_not_dates(text):
    assert resolve(text, MONDAY) is None


def test_never_after_publication():
    for text in ("on Friday", "March 20", "in April", "2017"):
        r = resolve(text, MONDAY)
        assert r is None or r.date <= MONDAY


@pytest.mark.slow
def test_claim_dates_inherit_and_default():
    from fogwatch.nlp.extractor import Extractor
    from test_nlp_helpers import claims_of

    ex = Extractor()
    text = (
        "On Saturday, warplanes bombed a market in Idlib, killing 11 people. "
        "Rescuers said 20 others were wounded in the raid.\n\n"
        "Activists say mortar fire hit Jisr al-Shughur, killing two civilians."
    )
    claims = claims_of(ex, text)
    first = [c for c in claims if c.killed and c.killed.low == 11]
    assert first and first[0].date == dt.date(2016, 3, 12)
    second = [c for c in claims if c.injured and c.injured.low == 20]
    assert second and second[0].date == dt.date(2016, 3, 12)  # inherited from the story
    third = [c for c in claims if c.killed and c.killed.low == 2]
    assert third and third[0].date == dt.date(2016, 3, 12)


@pytest.mark.slow
def test_segment_dateline_is_the_base():
    from fogwatch.model import Segment
    from fogwatch.nlp.extractor import Extractor
    from test_nlp_helpers import make_doc

    text = "Rebels shelled Nubl on Sunday, killing six people."
    doc = make_doc(text, published=dt.date(2016, 5, 12))
    doc.segments = [Segment(index=0, start=0, end=len(text), time="May 4", kind="dateline")]
    (c,) = [c for c in Extractor().extract(doc) if c.killed]
    assert c.date == dt.date(2016, 5, 1)  # the Sunday before the story's own date
