"""The incidents stage's rules, read once from `fogwatch/data/incident_rules.yaml`.

Numbers that decide what counts as one incident, when figures disagree or where a truce
holds are data, not code, so they can be read, argued about and changed in one place.
This module gives them types and a few helpers that every incidents module shares
(distance, type compatibility, actor parties).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

import yaml

from fogwatch.model import ActorRef

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "incident_rules.yaml"


def norm(text: str | None) -> str:
    """Lower case, punctuation folded to spaces, a leading "the" dropped: for name matching."""
    if not text:
        return ""
    return _norm(text)


@lru_cache(maxsize=1 << 16)
def _norm(text: str) -> str:
    # cached: reconciling an incident normalises the same few actor names many times
    text = re.sub(r"[^\w]+", " ", text.lower()).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True)
class Rules:
    """Typed view of incident_rules.yaml; see that file for the reason behind each value."""

    date_window_days: dict[str, int]
    distance_km: dict[int, float]
    spread_factor: float
    violent_types: frozenset[str]
    sub_type_groups: tuple[frozenset[str], ...]
    cross_type_pairs: frozenset[frozenset[str]]
    non_violent_sub_types: frozenset[str]
    wildcard_sub_types: frozenset[str]
    heterogeneous_types: frozenset[str]
    generic_claimants: frozenset[str]
    generic_kinds: frozenset[str]
    disagree_ratio: float
    disagree_absolute: int
    min_confidence: float
    parent_of: dict[str, str] = field(default_factory=dict)
    broad_sides: frozenset[str] = frozenset()
    truce_words: tuple[str, ...] = ()
    truce_radius_km: dict[int, float] = field(default_factory=dict)
    truce_default_days: int = 7
    reference_date_days: int = 1
    acled_sub_types: dict[str, str] = field(default_factory=dict)
    refuted_min_denials: int = 2

    # ------------------------------------------------------------------ helpers

    @cached_property
    def group_names(self) -> frozenset[str]:
        """Names of the parent groups and their members (`resolved` asks for every actor
        of every claim the linker reads)."""
        return frozenset(self.parent_of) | frozenset(self.parent_of.values())

    def window(self, precision: str | None) -> int:
        """Date tolerance in days for one claim's date precision (None counts as day)."""
        return self.date_window_days.get(precision or "day", self.date_window_days["day"])

    def radius(self, precision: int | None) -> float:
        """Distance tolerance in km for one claim's location precision (None counts as 2)."""
        return self.distance_km.get(precision or 2, self.distance_km[2])

    def party(self, name: str) -> str:
        """The top-level party an actor name belongs to (itself when it has no parent).

        Follows the actor table's `parent` chain (fogwatch/data/actors.yaml) first, then
        the `actors.parents` groups of incident_rules.yaml.
        """
        return self._yaml_party(_actor_roots().get(name, name))

    def _yaml_party(self, name: str) -> str:
        key = norm(name)
        for _ in range(8):  # parents nest a few levels at most; the bound stops cycles
            parent = self.parent_of.get(key)
            if parent is None or parent == key:
                break
            key = parent
        return key

    def disagree(self, figures: list[int]) -> bool:
        """True when the figures differ beyond the documented casualty tolerance."""
        if len(figures) < 2:
            return False
        low, high = min(figures), max(figures)
        if high - low < self.disagree_absolute:
            return False
        return low == 0 or high / low > self.disagree_ratio


@cache
def rules(path: Path = RULES_PATH) -> Rules:
    """Load the rules file (cached: the linker asks for it per claim pair)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    link, types, cas = data["linking"], data["types"], data["casualties"]
    parent_of: dict[str, str] = {}
    for parent, children in (data.get("actors", {}).get("parents") or {}).items():
        for child in children:
            parent_of[norm(child)] = norm(parent)
    truces = data.get("truces", {})
    return Rules(
        date_window_days={str(k): int(v) for k, v in link["date_window_days"].items()},
        distance_km={int(k): float(v) for k, v in link["distance_km"].items()},
        spread_factor=float(link["spread_factor"]),
        violent_types=frozenset(types["violent"]),
        sub_type_groups=tuple(frozenset(g) for g in types["compatible_sub_types"]),
        cross_type_pairs=frozenset(frozenset(p) for p in types["compatible_across_types"]),
        non_violent_sub_types=frozenset(types["non_violent_sub_types"]),
        wildcard_sub_types=frozenset(types.get("wildcard_sub_types") or []),
        heterogeneous_types=frozenset(types.get("heterogeneous_types") or []),
        generic_claimants=frozenset(norm(n) for n in data["origins"]["generic_claimants"]),
        generic_kinds=frozenset(data["origins"]["generic_kinds"]),
        disagree_ratio=float(cas["disagree_ratio"]),
        disagree_absolute=int(cas["disagree_absolute"]),
        min_confidence=float(cas["min_confidence"]),
        parent_of=parent_of,
        broad_sides=frozenset(norm(s) for s in data.get("actors", {}).get("broad_sides") or []),
        truce_words=tuple(w.lower() for w in truces.get("words") or []),
        truce_radius_km={int(k): float(v) for k, v in (truces.get("radius_km") or {}).items()},
        truce_default_days=int(truces.get("default_days", 7)),
        reference_date_days=int(data.get("reference", {}).get("date_days", 1)),
        acled_sub_types=dict(data.get("reference", {}).get("acled_sub_types") or {}),
        refuted_min_denials=int((data.get("grades") or {}).get("refuted_min_denials", 2)),
    )


@dataclass(frozen=True)
class KnownActors:
    """What the nlp stage's actor table (fogwatch/data/actors.yaml) says about names."""

    names: frozenset[str] = frozenset()  # canonical names, normalised
    generic: frozenset[str] = frozenset()  # catch-alls: activists, state media, ...
    roots: dict[str, str] = field(default_factory=dict)  # canonical name -> root name

    @property
    def loaded(self) -> bool:
        return bool(self.names)


@cache
def known_actors() -> KnownActors:
    """The actor table, read once; empty when it cannot be loaded (YAML rules still apply)."""
    try:
        from fogwatch.nlp.actors import default_actor_table

        table = default_actor_table()  # the extractor's copy when it runs in this process
    except Exception:  # the actor table belongs to another stage; linking works without it
        return KnownActors()
    roots = {}
    for info in table:
        root = table.root(info)
        if root is not None and root.name != info.name:
            roots[info.name] = root.name
    return KnownActors(
        names=frozenset(norm(a.name) for a in table),
        generic=frozenset(norm(a.name) for a in table if getattr(a, "generic", False)),
        roots=roots,
    )


def _actor_roots() -> dict[str, str]:
    return known_actors().roots


def resolved(actor: ActorRef) -> bool:
    """An actor the extraction identified, not a bare phrase ("the air strike", "Saraqib").

    Known when it carries a side, an inter code or a country, or its name is in the
    actor table or the rules' parent groups. Without an actor table everything counts.
    """
    return _resolved_name(actor.name, _attributed(actor))


def _attributed(actor: ActorRef) -> bool:
    """The extraction gave the actor a side, an inter code or a country."""
    return bool(actor.side or actor.inter or actor.country)


@lru_cache(maxsize=1 << 16)
def _resolved_name(name: str, attributed: bool) -> bool:
    # cached: the linker asks this for every actor of every claim it reads, every link
    if attributed:
        return True
    known = known_actors()
    if not known.loaded:
        return True
    key = norm(name)
    return key in known.names or key in rules().group_names


def resolved_parties(actors: Iterable[ActorRef]) -> frozenset[str]:
    """The parties (`Rules.party`) of the resolved actors among these."""
    return frozenset(_party_if_resolved(a.name, _attributed(a)) for a in actors) - {None}


@lru_cache(maxsize=1 << 16)
def _party_if_resolved(name: str, attributed: bool) -> str | None:
    return rules().party(name) if _resolved_name(name, attributed) else None


EARTH_RADIUS_KM = 6371.0
# No two points are closer than their difference in latitude times this (the meridian
# arc between their parallels), so a pair far apart north-south needs no haversine.
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180.0


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine; good to a few metres at these scales)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def surely_beyond(lat1: float, lat2: float, km: float) -> bool:
    """True when two points at these latitudes are more than `km` apart whatever their
    longitudes: the cheap test before `km_between` (the linker and the truce check ask
    it of tens of thousands of pairs a link, most of them far apart). The millimetre of
    slack keeps a pair whose haversine rounds to exactly `km` on the near side."""
    return abs(lat1 - lat2) * KM_PER_DEGREE_LAT > km + 1e-6


def is_violent(event_type: str | None, sub_event_type: str | None) -> bool:
    """Violent unless typed as a non-violent development (an untyped claim counts as violent)."""
    r = rules()
    if sub_event_type in r.non_violent_sub_types:
        return False
    return event_type is None or event_type in r.violent_types


@lru_cache(maxsize=4096)  # a few dozen kinds; the linker asks per claim pair
def types_compatible(
    type_a: str | None, sub_a: str | None, type_b: str | None, sub_b: str | None
) -> bool:
    """Whether two claims' event types can describe one incident (see incident_rules.yaml)."""
    r = rules()
    if type_a is None and type_b is None:
        return sub_a is None or sub_b is None or sub_a == sub_b or _same_group(sub_a, sub_b)
    if type_a is None or type_b is None:
        typed, sub = (type_b, sub_b) if type_a is None else (type_a, sub_a)
        return is_violent(typed, sub)
    if sub_a in r.wildcard_sub_types:
        sub_a = None
    if sub_b in r.wildcard_sub_types:
        sub_b = None
    if type_a != type_b:
        return frozenset((type_a, type_b)) in r.cross_type_pairs and all(
            s not in r.non_violent_sub_types for s in (sub_a, sub_b)
        )
    if sub_a is None or sub_b is None or sub_a == sub_b:
        if sub_a is not None and sub_b is not None:
            return True
        # "Strategic developments" gathers unrelated things: there a sub-type must match.
        return type_a not in r.heterogeneous_types or (sub_a is None and sub_b is None)
    return _same_group(sub_a, sub_b)


def _same_group(a: str, b: str) -> bool:
    return any(a in g and b in g for g in rules().sub_type_groups)
