"""Linking: which claims, from any number of documents, describe one incident.

The rule is a deterministic pairwise relation plus a merge order, so the result depends
only on the set of claims, never on the order they arrive in:

1. `link_score(a, b)` says whether two claims may describe one incident (compatible types,
   dates within a window that depends on `date_precision`, places within a distance that
   depends on `location.precision`, actors that do not swap roles across event types)
   and how strongly.
2. Candidate links are sorted by strength (ties broken by claim ids) and merged greedily,
   like Kruskal's algorithm. A merge is refused when two claims of the merged group
   `conflict` (types incompatible, or further apart than the pair limit times
   `spread_factor`), so links cannot chain across a city or a week.
3. A claim without a place or date (a "floating" claim) links only inside its document
   segment or by a strong actor+date match; when its candidates conflict with each other
   it is ambiguous and joins none of them.

Incident ids are "i-" + 16 hex of a hash of the group's smallest claim id
(`fogwatch.ids.incident_id`), so the same group always gets the same id, and merged
groups are re-identified deterministically.
Competing blame (A says X struck, B says Y struck) never splits an incident: it becomes
the `perpetrator_disputed` flag in reconciliation. A denial links to what it denies.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fogwatch.ids import incident_id
from fogwatch.incidents.reconcile import point
from fogwatch.incidents.rules import (
    km_between,
    norm,
    resolved_parties,
    rules,
    surely_beyond,
    types_compatible,
)
from fogwatch.model import Claim

if TYPE_CHECKING:
    from fogwatch.model import Incident
    from fogwatch.store import Store


def claim_key(claim: Claim) -> str:
    """A claim's identity for ordering and ids (claim ids are unique per document)."""
    return f"{claim.id}@{claim.document}"


@dataclass(frozen=True)
class Facts:
    """What linking needs from one claim, computed once."""

    key: str
    claim: Claim
    start: dt.date | None
    end: dt.date | None
    window: int
    lat: float | None
    lon: float | None
    radius: float
    precision: int | None
    admin1: str | None
    perps: frozenset[str]
    targets: frozenset[str]
    kind: tuple[str | None, str | None]
    # (key, hash of every field the pair rules read): what the pair cache is keyed on
    identity: tuple[str, int]
    # fields, not properties: the pair rules read them tens of thousands of times a link
    located: bool
    dated: bool
    floating: bool  # without a place or without a date


def facts(claim: Claim) -> Facts:
    r = rules()
    loc = claim.location
    located = loc is not None and loc.lat is not None and loc.lon is not None
    start = claim.date
    end = claim.date_end if claim.date_end and start and claim.date_end >= start else start
    key = claim_key(claim)
    fields = dict(
        key=key,
        claim=claim,
        start=start,
        end=end,
        window=r.window(claim.date_precision),
        lat=loc.lat if located else None,
        lon=loc.lon if located else None,
        radius=r.radius(loc.precision if loc else None),
        precision=loc.precision if loc else None,
        admin1=(loc.admin1 or None) if loc else None,
        perps=resolved_parties(claim.perpetrators),
        targets=resolved_parties(claim.targets),
        kind=(claim.event_type, claim.sub_event_type),
    )
    read_by_rules = (claim.document, claim.segment, point(claim.killed))
    content = tuple(v for k, v in fields.items() if k not in ("key", "claim"))
    dated = start is not None
    return Facts(
        **fields,
        identity=(key, hash(content + read_by_rules)),
        located=located,
        dated=dated,
        floating=not (located and dated),
    )


# --------------------------------------------------------------------------- pair rules


def _gap_days(a: Facts, b: Facts) -> int:
    """Days between two date intervals (0 when they overlap)."""
    assert a.start and a.end and b.start and b.end
    if a.end < b.start:
        return (b.start - a.end).days
    if b.end < a.start:
        return (a.start - b.end).days
    return 0


def _distance_ok(a: Facts, b: Facts, factor: float) -> tuple[bool, float, float]:
    """(within limit, distance km, limit km) for two located claims; the distance is
    infinite when the pair is refused without measuring it.

    When either is placed only to its province (precision 3) and both name their
    province, the provinces must be the same instead.
    """
    limit = max(a.radius, b.radius)
    if 3 in (a.precision, b.precision) and a.admin1 and b.admin1:
        if norm(a.admin1) != norm(b.admin1):
            return False, math.inf, limit
        return True, km_between(a.lat, a.lon, b.lat, b.lon), limit  # type: ignore[arg-type]
    if surely_beyond(a.lat, b.lat, limit * factor):  # type: ignore[arg-type]
        return False, math.inf, limit
    d = km_between(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
    return d <= limit * factor, d, limit


def _roles_swapped(a: Facts, b: Facts) -> bool:
    """A target of one is the perpetrator of the other, in a different kind of event."""
    if a.kind == b.kind:
        return False
    return bool(a.targets & b.perps) or bool(b.targets & a.perps)


def same_segment(a: Facts, b: Facts) -> bool:
    return a.claim.document == b.claim.document and a.claim.segment == b.claim.segment


def conflict(a: Facts, b: Facts) -> bool:
    """True when two claims can never be in one incident, however they are linked."""
    if not types_compatible(*a.kind, *b.kind) or _roles_swapped(a, b):
        return True
    spread = rules().spread_factor
    if a.located and b.located and not _distance_ok(a, b, spread)[0]:
        return True
    if a.dated and b.dated:
        window = max(a.window, b.window)
        if _gap_days(a, b) > window * spread:
            return True
    return False


def link_score(a: Facts, b: Facts) -> float | None:
    """How strongly two claims look like one incident; None when they may not link."""
    if not types_compatible(*a.kind, *b.kind) or _roles_swapped(a, b):
        return None
    segment = same_segment(a, b)
    shared_perp = bool(a.perps & b.perps)
    shared_target = bool(a.targets & b.targets)
    score = 0.0
    if a.dated and b.dated:
        window = max(a.window, b.window)
        gap = _gap_days(a, b)
        if gap > window:
            return None
        score += 2.0 * (1 - gap / (window + 1))
    elif not (a.claim.document == b.claim.document and (segment or shared_perp)):
        # Undated: only by segment context, or a shared perpetrator in the same document.
        return None
    if a.located and b.located:
        ok, d, limit = _distance_ok(a, b, 1.0)
        if not ok:
            return None
        score += 3.0 * max(0.0, 1 - d / limit)
    elif not segment:
        # Without a place: segment context or a strong actor+date match.
        strong = (
            a.dated
            and b.dated
            and _gap_days(a, b) <= rules().window("day")
            and shared_perp
            and shared_target
        )
        if not strong:
            return None
    if a.kind == b.kind and a.claim.sub_event_type:
        score += 1.0
    if segment:
        score += 1.0
    elif a.claim.document == b.claim.document:
        score += 0.5
    score += 0.5 * shared_perp + 0.5 * shared_target
    ka, kb = point(a.claim.killed), point(b.claim.killed)
    if ka is not None and ka == kb:
        score += 0.5
    return round(score, 6)


class _PairCache:
    """Scores and conflicts of claim pairs, remembered across links in one process.

    Why: a feed watcher links a few new claims at a time into a dense month, and every
    link re-scores the components they join; without memory each poll pays again for
    thousands of pairs of stored claims it scored on the last poll. Entries are keyed
    on both claims' `Facts.identity` (the key and a hash of every field the pair rules
    read), so a cached answer is never used for claims whose content differs, and
    stores or tests sharing the process cannot see each other's entries. Emptied when
    it holds `limit` entries, which bounds its memory (a few hundred MB at most).
    """

    def __init__(self, limit: int = 2_000_000):
        self.limit = limit
        self.scores: dict[tuple, float | None] = {}
        self.conflicts: dict[tuple, bool] = {}

    def over(self, items: list[Facts]) -> _Pairs:
        """This cache addressed by index into `items`, which must be sorted by key."""
        return _Pairs(self, items)

    def get(self, table: dict, rule: Callable[[Facts, Facts], Any], a: Facts, b: Facts) -> Any:
        """`rule(a, b)` for a pair given in key order, computed once per pair."""
        key = (a.identity, b.identity)
        value = table.get(key, _UNSET)
        if value is _UNSET:
            if len(table) >= self.limit:
                table.clear()
            value = table[key] = rule(a, b)
        return value


class _Pairs:
    """Scores and conflicts of the pairs of one sorted list of claims, by index: index
    order is key order, so a pair is put in key order by comparing two ints."""

    def __init__(self, cache: _PairCache, items: list[Facts]):
        self.cache = cache
        self.items = items

    def score(self, i: int, j: int) -> float | None:
        a, b = (i, j) if i < j else (j, i)
        return self.cache.get(self.cache.scores, link_score, self.items[a], self.items[b])

    def conflict(self, i: int, j: int) -> bool:
        a, b = (i, j) if i < j else (j, i)
        return self.cache.get(self.cache.conflicts, conflict, self.items[a], self.items[b])


_UNSET = object()


PAIRS = _PairCache()


# --------------------------------------------------------------------------- partition


def _gridded(f: Facts) -> bool:
    """Located below province level: such a pair never links beyond the largest radius."""
    return f.located and f.precision != 3


class _CandidateIndex:
    """Which claims are worth scoring against a given one: same document, or dated claims
    near it in time and place.

    Exact, not a heuristic, and symmetric (`around(i)` holds j exactly when `around(j)`
    holds i), so a search from new claims finds every link a full scoring would:

    - time: a pair may link when the gap between its date intervals is at most the wider
      of its two windows, so claims are kept in one date-sorted pool per window size and
      each pool is searched with its own reach (a day-precise claim looks one day around
      among day-precise claims, a month around among month-precise ones);
    - type: claims of kinds `types_compatible` rejects are never paired;
    - place: `link_score` returns None for located claims (below province level) farther
      apart than the largest radius, so those are bucketed on a grid of cells at least
      that wide and paired only within the 3x3 cells around them (longitude wraps at 180
      degrees). Unlocated and province-level claims ("wild") pair with any dated claim
      in reach, and every dated claim pairs with them.
    """

    def __init__(self, items: list[Facts]):
        self.items = items
        self.by_doc: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(items):
            self.by_doc[f.claim.document].append(i)
        self.cell_of, self.lon_cells = _grid(items)
        # (cell or None for wild, window, kind) -> [(start, index)], sorted; per window
        # the longest date interval, which widens the search to the left.
        Pool = tuple[tuple[int, int] | None, int, tuple[str | None, str | None]]
        self.pools: dict[Pool, list[tuple[dt.date, int]]] = defaultdict(list)
        self.longest: dict[int, int] = defaultdict(int)
        for i, f in enumerate(items):
            if f.start is None or f.end is None:
                continue
            self.pools[(self.cell_of.get(i), f.window, f.kind)].append((f.start, i))
            self.longest[f.window] = max(self.longest[f.window], (f.end - f.start).days)
        for pool in self.pools.values():
            pool.sort()
        self.windows = sorted(self.longest)
        self.cells_in_use = {cell for cell, _, _ in self.pools}
        kinds = {kind for _, _, kind in self.pools}
        # Most candidate pairs of a busy month fail on type alone (a protest and an air
        # strike), so pools of incompatible kinds are never searched.
        self.compatible = {
            a: [b for b in kinds if types_compatible(*a, *b)] for a in {f.kind for f in items}
        }

    def around(self, i: int) -> set[int]:
        """Indices of every claim `link_score` might link with claim `i` (never `i`)."""
        f = self.items[i]
        found = set(self.by_doc[f.claim.document])
        if f.start is not None and f.end is not None:
            own_cell = self.cell_of.get(i)
            if own_cell is None:
                cells = self.cells_in_use  # wild: every cell, and the other wild claims
            else:
                ci, cj = own_cell
                cells = {
                    (ci + di, (cj + dj) % self.lon_cells) for di in (-1, 0, 1) for dj in (-1, 0, 1)
                }
                cells.add(None)  # the wild claims
            for window in self.windows:
                reach = max(f.window, window)
                lo = f.start - dt.timedelta(days=reach + self.longest[window])
                hi = f.end + dt.timedelta(days=reach)
                for cell in cells:
                    for kind in self.compatible[f.kind]:
                        pool = self.pools.get((cell, window, kind))
                        if pool:
                            found.update(_in_window(pool, lo, hi))
        found.discard(i)
        return found


def _in_window(pool: list[tuple[dt.date, int]], lo: dt.date, hi: dt.date) -> Iterable[int]:
    for s, j in pool[bisect.bisect_left(pool, (lo, -1)) :]:
        if s > hi:
            break
        yield j


def _candidate_pairs(items: list[Facts]) -> Iterable[tuple[int, int]]:
    """Every index pair worth scoring (see `_CandidateIndex`), each once, sorted."""
    index = _CandidateIndex(items)
    seen: set[tuple[int, int]] = set()
    for i in range(len(items)):
        for j in index.around(i):
            seen.add((min(i, j), max(i, j)))
    return sorted(seen)


def _grid(items: list[Facts]) -> tuple[dict[int, tuple[int, int]], int]:
    """Cells, at least the largest radius wide, of the dated claims placed below province
    level: (cell of each such claim, cells around the globe)."""
    gridded = [i for i, f in enumerate(items) if _gridded(f) and f.start is not None]
    cell_of: dict[int, tuple[int, int]] = {}
    if not gridded:
        return cell_of, 1
    reach = max(items[i].radius for i in gridded) * 1.01 + 0.01
    max_lat = max(abs(items[i].lat) for i in gridded)  # type: ignore[arg-type]
    lat_size = reach / 111.0
    widest = math.cos(math.radians(min(89.0, max_lat + lat_size)))
    lon_size = min(360.0, reach / (111.0 * max(0.05, widest)))
    lon_cells = max(1, math.floor(360.0 / lon_size))  # cells at least lon_size wide
    lon_size = 360.0 / lon_cells
    for i in gridded:
        f = items[i]
        cell_of[i] = (
            math.floor(f.lat / lat_size),  # type: ignore[operator]
            math.floor((f.lon + 180.0) / lon_size) % lon_cells,  # type: ignore[operator]
        )
    return cell_of, lon_cells


Edge = tuple[float, str, str, int, int]


def _edges(items: list[Facts]) -> list[Edge]:
    edges: list[Edge] = []
    for i, j in _candidate_pairs(items):
        score = link_score(items[i], items[j])
        if score is not None:
            edges.append((score, items[i].key, items[j].key, i, j))
    return edges


def partition(claims: list[Claim]) -> list[list[Claim]]:
    """Group claims into incidents. Depends only on the set of claims, not their order.
    Background claims (history, recaps) belong to no incident."""
    items = sorted((facts(c) for c in claims if c.role != "background"), key=lambda f: f.key)
    return _merge(items, _edges(items), range(len(items)))


def partition_around(claims: list[Claim], seeds: Iterable[str]) -> list[list[Claim]]:
    """The incidents of the claims connected to `seeds` (claim keys) by possible links.

    Claims that no chain of possible links (`link_score` not None) joins to a seed are
    left out. Merging only ever follows those links, so the groups returned are exactly
    the groups `partition(claims)` makes of the same claims, at the cost of scoring the
    seeds' connected part only: a new report in Aleppo does not re-score Daraa.
    Background claims (history, recaps) belong to no incident.
    """
    items = sorted((facts(c) for c in claims if c.role != "background"), key=lambda f: f.key)
    position = {f.key: i for i, f in enumerate(items)}
    index = _CandidateIndex(items)
    reached = {position[k] for k in seeds if k in position}
    queue = sorted(reached)
    done: set[int] = set()  # claims whose every pair has been scored
    edges: list[Edge] = []
    pairs = PAIRS.over(items)
    while queue:
        i = queue.pop()
        done.add(i)
        for j in index.around(i):
            if j in done:
                continue
            score = pairs.score(i, j)
            if score is None:
                continue
            a, b = (i, j) if i < j else (j, i)
            edges.append((score, items[a].key, items[b].key, a, b))
            if j not in reached:
                reached.add(j)
                queue.append(j)
    return _merge(items, edges, sorted(reached))


def _merge(items: list[Facts], edges: list[Edge], nodes: Iterable[int]) -> list[list[Claim]]:
    """Kruskal-like greedy merge of `nodes` along `edges`, refusing conflicting groups."""
    pairs = PAIRS.over(items)
    edges = _drop_ambiguous(items, edges, pairs)
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))

    parent = {i: i for i in nodes}
    members: dict[int, list[int]] = {i: [i] for i in parent}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _score, _ka, _kb, i, j in edges:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if any(pairs.conflict(x, y) for x in members[ri] for y in members[rj]):
            continue
        if ri > rj:
            ri, rj = rj, ri
        parent[rj] = ri
        members[ri].extend(members.pop(rj))
    groups = [[items[i].claim for i in sorted(m)] for m in members.values()]
    return sorted(groups, key=lambda g: claim_key(g[0]))


def _drop_ambiguous(items: list[Facts], edges: list[Edge], pairs: _Pairs) -> list[Edge]:
    """A floating claim whose anchored candidates conflict with each other joins none."""
    anchored_of: dict[int, set[int]] = defaultdict(set)
    for _s, _a, _b, i, j in edges:
        if items[i].floating and not items[j].floating:
            anchored_of[i].add(j)
        if items[j].floating and not items[i].floating:
            anchored_of[j].add(i)
    ambiguous = set()
    for i, anchors in anchored_of.items():
        ordered = sorted(anchors)
        if any(pairs.conflict(x, y) for n, x in enumerate(ordered) for y in ordered[n + 1 :]):
            ambiguous.add(i)
    return [
        e
        for e in edges
        if not (
            (e[3] in ambiguous and not items[e[4]].floating)
            or (e[4] in ambiguous and not items[e[3]].floating)
        )
    ]


def link_claims(claims: list[Claim]) -> list[Claim]:
    """Set `claim.incident` on every claim of one run; returns the same list, same order.

    Used by `fogwatch extract`, where claims live in memory only. Every claim but a
    background one gets an incident, a single-claim one when nothing else matches.
    """
    for group in partition(claims):
        iid = incident_id(c.id for c in group)
        for claim in group:
            claim.incident = iid
    return claims


def build_incidents(claims: list[Claim]) -> list[Incident]:
    """Reconcile each incident of these claims (linking first those not yet linked).

    Truces declared by Agreement claims in the same list flag violent incidents in
    their area and window.
    """
    from fogwatch.incidents.reconcile import reconcile
    from fogwatch.incidents.truces import truces_from_claims

    if any(c.incident is None and c.role != "background" for c in claims):
        link_claims(claims)
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.role != "background":
            groups[claim.incident or ""].append(claim)
    truces = truces_from_claims(claims)
    return [reconcile(iid, groups[iid], truces) for iid in sorted(groups)]


class IncidentLinker:
    """Store-backed, incremental linking: a new document's claims join stored incidents.

    Only the neighbourhood of the new claims is read (claims in their date window and
    bounding box, and the other claims of the incidents those belong to), partitioned
    again with the same deterministic rule, and written back: changed claims get their
    new incident id and changed incidents are rebuilt. The database is never
    re-clustered as a whole.
    """

    def __init__(self, store: Store):
        self.store = store

    def link_document(self, claims: list[Claim]) -> list[str]:
        """Link claims already saved with `Store.save_document`; returns changed incident ids.

        The claims' `incident` fields are updated in place as well. Raises ValueError
        when a claim is not in the store, rather than counting a claim nobody can read.
        """
        from fogwatch.store.incidents import relink

        return relink(self.store, claims)
