"""The linker's spatial grid only skips pairs that could never link: partitions with it
equal partitions from scoring every pair, wherever the claims lie (antimeridian included)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fogwatch.incidents import linker
from test_incidents import CLASH, SHELLING, STRIKE, UNTYPED, claim

# Pairs of nearby points, on both sides of the antimeridian, in Syria and near the pole.
PLACES = [
    (35.34, 40.14), (35.40, 40.03), (35.60, 40.60), (36.20, 37.13),
    (-17.8, 179.95), (-17.8, -179.95), (-17.5, 179.5),
    (78.2, 15.6), (78.3, 17.0),
]  # fmt: skip

specs = st.lists(
    st.tuples(
        st.integers(0, 2),  # document
        st.sampled_from([STRIKE, SHELLING, CLASH, UNTYPED]),
        st.one_of(st.none(), st.integers(0, 40)),  # day offset, or undated
        st.sampled_from(["day", "day", "week", "month"]),
        st.one_of(st.none(), st.sampled_from(PLACES)),
        st.sampled_from([1, 2, 3]),
    ),
    min_size=2,
    max_size=16,
)


def all_pairs(items):
    return [(i, j) for i in range(len(items)) for j in range(i + 1, len(items))]


def groups(parts):
    return sorted(tuple(sorted(c.id for c in g)) for g in parts)


@settings(max_examples=200, deadline=None)
@given(specs)
def test_grid_partition_equals_all_pairs_partition(spec):
    claims = claims_of(spec)
    gridded = groups(linker.partition(claims))
    stock = linker._candidate_pairs
    linker._candidate_pairs = all_pairs
    try:
        brute = groups(linker.partition(claims))
    finally:
        linker._candidate_pairs = stock
    assert gridded == brute


def test_claims_either_side_of_the_antimeridian_still_link():
    """10 km apart across longitude 180: neighbouring grid cells wrap around."""
    a = claim("c-east", doc="east.txt", at=(-17.8, 179.95), geo=1, date="2016-09-17")
    b = claim("c-west", doc="west.txt", at=(-17.8, -179.95), geo=1, date="2016-09-17")
    far = claim("c-far", doc="far.txt", at=(35.3, 40.1), geo=1, date="2016-09-17")
    assert groups(linker.partition([a, b, far])) == [("c-east", "c-west"), ("c-far",)]


def claims_of(spec):
    out = []
    for n, (doc, kind, day, precision, place, geo) in enumerate(spec):
        date = (
            (dt.date(2016, 9, 1) + dt.timedelta(days=day)).isoformat() if day is not None else None
        )
        out.append(
            claim(f"c{n:02d}", doc=f"{doc}.txt", kind=kind, date=date, precision=precision,
                  at=place, geo=geo)
        )  # fmt: skip
    return out


@settings(max_examples=200, deadline=None)
@given(specs)
def test_candidate_index_finds_every_link_from_both_ends(spec):
    """Every pair `link_score` accepts is a candidate, found from either claim."""
    items = sorted((linker.facts(c) for c in claims_of(spec)), key=lambda f: f.key)
    index = linker._CandidateIndex(items)
    for i, j in all_pairs(items):
        assert (j in index.around(i)) == (i in index.around(j))
        if linker.link_score(items[i], items[j]) is not None:
            assert j in index.around(i), (items[i].claim, items[j].claim)


def components(items):
    """Connected parts of the graph of pairs `link_score` accepts, by brute force."""
    parent = list(range(len(items)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in all_pairs(items):
        if linker.link_score(items[i], items[j]) is not None:
            parent[find(i)] = find(j)
    return [find(i) for i in range(len(items))]


@settings(max_examples=200, deadline=None)
@given(specs, st.data())
def test_partition_around_seeds_equals_the_full_partition_there(spec, data):
    """Re-partitioning only what the seeds reach gives the full partition's groups there."""
    claims = claims_of(spec)
    seeds = data.draw(st.lists(st.sampled_from(claims), min_size=1, max_size=3))
    items = sorted((linker.facts(c) for c in claims), key=lambda f: f.key)
    part_of = dict(zip((f.key for f in items), components(items), strict=True))
    reached = {part_of[linker.claim_key(c)] for c in seeds}
    expected = [g for g in linker.partition(claims) if part_of[linker.claim_key(g[0])] in reached]
    got = linker.partition_around(claims, [linker.claim_key(c) for c in seeds])
    assert groups(got) == groups(expected)
    assert {linker.claim_key(c) for c in seeds} <= {linker.claim_key(c) for g in got for c in g}
