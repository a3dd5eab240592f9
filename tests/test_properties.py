"""Property tests (hypothesis) for the parsers every claim goes through.

- numbers: any text is safe; every integer 0..10^6 spelled out in words, as spaCy
  splits it ("forty", "-", "two"), reads back as itself, and so do digits with commas;
- casualties: any sentence is safe, and every figure found has 0 <= low <= high;
- dates: any text is safe, and a resolved date is never after the reference date
  (nor its end), and never ends before it starts;
- place keys: any text is safe; the exact-fold key is idempotent. The loose key is
  *not* idempotent by design (it writes digraphs as capitals, "sh" -> "S", which fold
  to "s" when keyed again), so instead it must ignore case, spaces versus hyphens,
  accents and a leading "al-".

Example counts are moderate so the file runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogwatch.nlp.dates import resolve
from fogwatch.nlp.numbers import parse_digits, parse_words
from fogwatch.places.keys import ARTICLES, fold, fold_key, place_key

UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
]
UNITS += ["fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell_below_1000(n: int, *, hyphen: bool, use_and: bool) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [UNITS[hundreds], "hundred"]
        if rest and use_and:
            words.append("and")
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(TENS[tens])
        if unit:
            words += (["-"] if hyphen else []) + [UNITS[unit]]
    elif rest or not words:
        words.append(UNITS[rest])
    return words


def spell(n: int, *, hyphen: bool = True, use_and: bool = True) -> list[str]:
    """English words for 0 <= n <= 10^6, as tokens ("forty", "-", "two")."""
    if n == 1_000_000:
        return ["one", "million"]
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += spell_below_1000(thousands, hyphen=hyphen, use_and=use_and) + ["thousand"]
    if rest or not words:
        if thousands and rest < 100 and use_and:
            words.append("and")
        words += spell_below_1000(rest, hyphen=hyphen, use_and=use_and)
    return words


def test_speller_sanity() -> None:
    assert spell(42) == ["forty", "-", "two"]
    assert spell(1_305) == ["one", "thousand", "three", "hundred", "and", "five"]
    assert spell(0) == ["zero"]


# --------------------------------------------------------------------------- numbers


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, 1_000_000),
    st.booleans(),
    st.booleans(),
    st.sampled_from([str.lower, str.capitalize, str.upper]),
)
def test_number_words_round_trip(n: int, hyphen: bool, use_and: bool, case) -> None:
    words = spell(n, hyphen=hyphen, use_and=use_and)
    words[0] = case(words[0])
    assert parse_words(words) == n, words


@given(st.integers(0, 10**12))
def test_digits_round_trip(n: int) -> None:
    assert parse_digits(str(n)) == n
    assert parse_digits(f"{n:,}") == n
    assert parse_words([f"{n:,}"]) == n


@given(st.text(max_size=60))
def test_number_parsers_never_fail(text: str) -> None:
    value = parse_digits(text)
    assert value is None or value >= 0
    words = parse_words(text.split())
    assert words is None or words >= 0


# --------------------------------------------------------------------------- casualties

NUMBERS = st.one_of(
    st.integers(0, 10**7).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
    st.integers(0, 1_000_000).map(lambda n: " ".join(spell(n)).replace(" - ", "-")),
    st.sampled_from(["dozens of", "scores of", "a dozen", "hundreds of", "tens of", "1e309"]),
    st.sampled_from(["99999999999999999999", "-5", "3.5", "5th", "1400 GMT", "½"]),
)
PHRASES = st.sampled_from(
    [
        "at least", "more than", "up to", "about", "between", "and", "to", "nearly", "killed",
        "were killed", "wounded", "injured", "died", "dead", "civilians", "people", "children",
        "soldiers", "fighters", "in", "Homs", "on Monday", "the monitor said", ",", ".", "-",
        "rockets", "hit", "the", "a", "of", "toll", "rose to", "including", "women",
    ]
)  # fmt: skip
SENTENCES = st.lists(st.one_of(NUMBERS, PHRASES), min_size=1, max_size=14).map(" ".join)


@pytest.fixture(scope="module")
def nlp():
    from fogwatch.nlp.pipeline import build_nlp

    return build_nlp()


@pytest.mark.slow
@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(SENTENCES, st.text(max_size=120)))
def test_casualty_figures_are_ordered_and_never_negative(nlp, text: str) -> None:
    with nlp.select_pipes(disable=["fogwatch_claims"]):
        doc = nlp(text)
    for figure in doc._.fw_figures:
        for value in (figure.low, figure.high):
            assert value is None or value >= 0, (text, figure)
        if figure.low is not None and figure.high is not None:
            assert figure.low <= figure.high, (text, figure)


# --------------------------------------------------------------------------- dates

DATE_WORDS = st.sampled_from(
    [
        "on", "last", "this", "next", "since", "early", "late", "mid", "ago", "two", "days",
        "weeks", "week", "earlier", "yesterday", "today", "tonight", "night", "morning",
        "Monday", "Sunday", "Saturday", "January", "February", "March", "September",
        "December", "31", "29", "30", "1", "12th", "2014", "2016", "2017", "2030", "1899",
        "31 February", "the", "of", "in", "at", "1400 GMT", "Feb.", "Jan.12", ",", "-",
    ]
)  # fmt: skip
DATE_TEXT = st.lists(DATE_WORDS, min_size=1, max_size=6).map(" ".join)
BASES = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))


@settings(max_examples=250, deadline=None)
@given(text=st.one_of(DATE_TEXT, st.text(max_size=40)), base=BASES)
def test_resolved_dates_are_never_after_the_reference_date(text: str, base: dt.date) -> None:
    found = resolve(text, base)
    if found is None:
        return
    assert found.date <= base, (text, base, found)
    if found.date_end is not None:
        assert found.date <= found.date_end <= base, (text, base, found)
    assert found.precision in ("day", "week", "month", "year")


@pytest.mark.parametrize("text", ["31 February", "on 31 February 2016", "February 30", "0 May"])
def test_impossible_calendar_days_are_not_dates(text: str) -> None:
    found = resolve(text, dt.date(2016, 3, 10))
    assert (
        found is None or found.precision != "day" or found.date.month != 2 or (found.date.day <= 29)
    )


# --------------------------------------------------------------------------- place keys

SYLLABLES = st.sampled_from(
    ["dar", "deir", "zor", "ma", "arrat", "num", "an", "shay", "khun", "ra", "qqa", "bab",
     "jisr", "shu", "ghur", "ha", "ma", "dou", "ma", "sa", "raqib", "mi", "nbij", "tad", "mur"]
)  # fmt: skip
WORD = st.lists(SYLLABLES, min_size=1, max_size=3).map("".join)
NAME = st.lists(WORD, min_size=1, max_size=3).filter(lambda ws: not set(ws) & ARTICLES)


@given(st.text(max_size=40))
def test_fold_key_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert fold_key(text) == once


def test_loose_key_is_not_idempotent_by_design() -> None:
    assert place_key("Sheikh") != place_key(place_key("Sheikh"))


def _accent(word: str) -> str:
    """Put a combining acute on each vowel: 'deir' -> 'déír' (decomposed, then NFC)."""
    marked = "".join(ch + "\u0301" if ch in "aeiou" else ch for ch in word)
    return unicodedata.normalize("NFC", marked)


@settings(max_examples=200)
@given(NAME, st.sampled_from([" ", "-", "  ", " - "]))
def test_loose_key_ignores_spelling_noise(words: list[str], separator: str) -> None:
    plain = " ".join(words)
    key = place_key(plain)
    assert place_key(separator.join(words)) == key
    assert place_key(plain.upper()) == key
    assert place_key(plain.title()) == key
    assert place_key(" ".join(_accent(w) for w in words)) == key
    assert place_key("al-" + plain) == key
    assert place_key("Al " + plain) == key
