"""Read a number written in digits or words: "13", "1,500", "Sixty-two", "a hundred".

Kept in-house (no text2num dependency) because casualty figures need only integers
up to the millions, and the tokens come already split by spaCy; vague quantities
("dozens", "scores of") are not numbers and live in `vague_quantities.yaml`.
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES) | {"a", "an", "and", "-"}

_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")


def parse_digits(text: str) -> int | None:
    """'1,500' -> 1500; '13' -> 13; anything else (decimals, '5th') -> None."""
    t = text.strip().rstrip("+")
    if _DIGITS.match(t):
        return int(t.replace(",", ""))
    return None


def parse_words(words: list[str]) -> int | None:
    """['Sixty', '-', 'two'] -> 62; ['a', 'hundred'] -> 100; None if not a number."""
    total, current, seen = 0, 0, False
    for raw in words:
        w = raw.lower()
        if w in ("-", "and"):
            continue
        if w in ("a", "an") and not seen:
            current = 1
            continue
        d = parse_digits(w)
        if d is not None:
            current += d
            seen = True
        elif w in UNITS:
            current += UNITS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w in SCALES:
            scale = SCALES[w]
            current = max(current, 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def is_number_word(text: str) -> bool:
    w = text.lower()
    return w in UNITS or w in TENS or w in SCALES or parse_digits(w) is not None
