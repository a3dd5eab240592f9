"""Read the cues inside a place mention: "near X", "south of X", "X Province", "X city".

Mentions arrive as the words of the text ("the northern Hama countryside", "Khan Touman,
Aleppo"), and those words say both *which* place and *how* the event relates to it. The
cues are separated from the name here, once, so the resolver can look up the bare name
and still report "near Deir ez-Zor city" with precision 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_COMPASS = r"(?:north|south|east|west)(?:-?(?:east|west))?"
_OUTSKIRTS = r"(?:outskirts|edge|edges|environs|suburbs|vicinity|surroundings|periphery)"
_NEAR_PREFIX = re.compile(
    rf"^(?:near(?:\s+to)?|nearby|outside(?:\s+of)?|around|close\s+to|"
    rf"(?:on\s+|in\s+)?(?:the\s+)?(?:{_COMPASS}(?:ern)?\s+)?{_OUTSKIRTS}\s+of)\s+",
    re.I,
)
_DIRECTION_PREFIX = re.compile(
    rf"^(?:(?:about\s+|some\s+|around\s+)?\d+(?:\.\d+)?\s*(?:km|kms|kilometres|kilometers|miles|mi)\s+)?"
    rf"(?:to\s+the\s+)?{_COMPASS}(?:ern)?\s+of\s+",
    re.I,
)
_PART_PREFIX = re.compile(
    rf"^(?:(?:the\s+)?{_COMPASS}(?:ern)?|central|rural|downtown|greater)\s+", re.I
)
_LEAD = re.compile(r"^(?:in|at|on|into|from|across|inside|the|of)\s+", re.I)
_POSSESSIVE = re.compile(r"^(.+?)(?:'s|’s)(?:\s+(.*))?$")
_NEAR_WORDS = re.compile(rf"\b{_OUTSKIRTS}\b", re.I)
_FEATURE_SUFFIX = re.compile(
    r"\s+(provinces?|governorates?|governate|gov\.?|region|countryside|district|"
    r"sub-?district|city|town|village|neighbou?rhood|quarter|area|camp|"
    r"air\s?base|airport|military\s+airport|air\s+field|airfield|base|checkpoint)$",
    re.I,
)
_SITE_WORDS = frozenset(
    ("camp", "base", "airbase", "air base", "airport", "military airport", "air field", "airfield",
     "checkpoint")
)  # fmt: skip
_FEATURE_HINTS = {
    "province": "admin1",
    "provinces": "admin1",
    "governorate": "admin1",
    "governorates": "admin1",
    "governate": "admin1",
    "gov": "admin1",
    "gov.": "admin1",
    "region": "admin1",
    "countryside": "admin1",
    "district": "admin2",
    "subdistrict": "admin3",
    "sub-district": "admin3",
    "city": "city",
    "town": "city",
    "village": "city",
    "neighbourhood": "neighbourhood",
    "neighborhood": "neighbourhood",
    "quarter": "neighbourhood",
    "area": "area",
}


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A mention split into the name to look up and the cues around it.

    ``full`` is the text with only articles and prepositions removed ("Damascus
    countryside", "Sadr City"), tried first because some cue words are part of names.
    ``role`` is "near", "direction" or "part" when the words say so. ``feature`` is a
    feature-class hint: admin1, admin2, admin3, city, neighbourhood, area or site.
    """

    name: str
    full: str
    role: str | None = None
    feature: str | None = None
    context: tuple[str, ...] = ()


def _strip(text: str) -> str:
    return text.strip().strip('.,;:!?()[]"“”').strip()


@lru_cache(maxsize=100_000)
def parse_mention(text: str) -> ParsedName:
    """Split cues from a mention: "near Deir ez-Zor city" -> name "Deir ez-Zor",
    role "near", feature "city"; "Khan Touman, Aleppo" -> context ("Aleppo",)."""
    text = _strip(text)
    context: tuple[str, ...] = ()
    if "," in text:
        head, *rest = (p.strip() for p in text.split(","))
        text, context = head, tuple(p for p in (_strip(r) for r in rest) if p)
    role: str | None = None
    feature: str | None = None
    for _ in range(3):  # "in the northern outskirts of ..." peels in a few passes
        before = text
        text = _LEAD.sub("", text)
        if m := _NEAR_PREFIX.match(text):
            role, text = "near", text[m.end() :]
        elif m := _DIRECTION_PREFIX.match(text):
            role, text = "direction", text[m.end() :]
        if text == before:
            break
    full = text
    if m := _PART_PREFIX.match(text):
        role = role or "part"
        text = text[m.end() :]
    if m := _POSSESSIVE.match(text):  # "Aleppo's outskirts", "Hama's eastern countryside"
        text, rest = m.group(1), m.group(2) or ""
        if _NEAR_WORDS.search(rest):
            role = role or "near"
        elif "countryside" in rest.lower() or re.search(r"\bprovince\b", rest, re.I):
            role, feature = role or "part", "admin1"
    if m := _FEATURE_SUFFIX.search(text):
        word = re.sub(r"\s+", " ", m.group(1).lower())
        feature = "site" if word in _SITE_WORDS else _FEATURE_HINTS.get(word, feature)
        if word == "countryside":
            role = role or "part"
        text = text[: m.start()]
    text = _strip(text)
    return ParsedName(name=text or full, full=full, role=role, feature=feature, context=context)
