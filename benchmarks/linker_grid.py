"""A proposal for `fogwatch.incidents.linker._candidate_pairs` (owned by the incidents
stage; not installed anywhere), with a check that it changes nothing.

    python benchmarks/linker_grid.py sqlite:///some.db     # a store with claims

Why: on the benchmark corpus linking takes about half the end-to-end time, and most of
it is `link_score` on pairs that can never link. `_candidate_pairs` pairs every dated
claim with every claim inside its date window (widened by the longest date range in
the pool, so one month-precision claim makes the pool quadratic); places are checked
only inside `link_score`.

Exact: `partition` only keeps pairs whose link_score is not None, so any superset of
those gives the same edges and the same groups. Two located claims further apart than
max(radius) (outside province-level precision) always score None, so located claims
are bucketed on a grid of cells at least that wide and paired only with the 3x3 cells
around them; unlocated and province-level claims keep the date-only sweep.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict

from fogwatch.incidents import linker
from fogwatch.incidents.linker import Facts


def candidate_pairs(items: list[Facts]):
    seen: set[tuple[int, int]] = set()
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(items):
        by_doc[f.claim.document].append(i)
    for members in by_doc.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                seen.add((min(i, j), max(i, j)))
    dated = sorted((f.start, i) for i, f in enumerate(items) if f.start is not None)
    starts = [s for s, _ in dated]
    longest = max(((f.end - f.start).days for f in items if f.start and f.end), default=0)

    def gridded(f: Facts) -> bool:
        return f.located and f.precision != 3

    grid_items = [i for i, f in enumerate(items) if gridded(f) and f.start is not None]
    cells: dict[tuple[int, int], list[tuple[dt.date, int]]] = defaultdict(list)
    wild = sorted(
        (f.start, i) for i, f in enumerate(items) if f.start is not None and not gridded(f)
    )
    if grid_items:
        reach = max(items[i].radius for i in grid_items) * 1.01 + 0.01
        max_lat = max(abs(items[i].lat) for i in grid_items)
        cs_lat = reach / 111.0
        cs_lon = reach / (111.0 * max(0.05, math.cos(math.radians(min(89.0, max_lat + cs_lat)))))
        cell_of = {}
        for i in grid_items:
            f = items[i]
            c = (math.floor(f.lat / cs_lat), math.floor(f.lon / cs_lon))
            cell_of[i] = c
            cells[c].append((f.start, i))
        for c in cells:
            cells[c].sort()
    for i, f in enumerate(items):
        if f.start is None or f.end is None:
            continue
        lo = f.start - dt.timedelta(days=f.window + longest)
        hi = f.end + dt.timedelta(days=f.window)
        if gridded(f):
            ci, cj = cell_of[i]
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    lst = cells.get((ci + di, cj + dj))
                    if not lst:
                        continue
                    a = bisect.bisect_left(lst, (lo, -1))
                    for s, j in lst[a:]:
                        if s > hi:
                            break
                        if j != i:
                            seen.add((min(i, j), max(i, j)))
            a = bisect.bisect_left(wild, (lo, -1))
            for s, j in wild[a:]:
                if s > hi:
                    break
                seen.add((min(i, j), max(i, j)))
        else:
            for _, j in dated[bisect.bisect_left(starts, lo) : bisect.bisect_right(starts, hi)]:
                if j != i:
                    seen.add((min(i, j), max(i, j)))
    return sorted(seen)


def install() -> None:
    linker._candidate_pairs = candidate_pairs


def main() -> None:
    import sys
    import time

    from sqlalchemy import select

    from fogwatch.store import Store
    from fogwatch.store.incidents import _claims_from_rows
    from fogwatch.store.schema import ClaimRow

    store = Store.open(sys.argv[1])
    with store.session() as s:
        claims = _claims_from_rows(s, s.execute(select(ClaimRow)).scalars())
    stock = linker._candidate_pairs
    t = time.perf_counter()
    before = linker.partition(claims)
    t_stock = time.perf_counter() - t
    install()
    try:
        t = time.perf_counter()
        after = linker.partition(claims)
        t_grid = time.perf_counter() - t
    finally:
        linker._candidate_pairs = stock

    def groups(parts: list) -> list:
        return sorted(tuple(sorted(c.id for c in g)) for g in parts)

    same = groups(before) == groups(after)
    print(
        f"{len(claims)} claims: stock partition {t_stock:.2f} s, gridded {t_grid:.2f} s; "
        f"same incidents: {same}"
    )


if __name__ == "__main__":
    main()
