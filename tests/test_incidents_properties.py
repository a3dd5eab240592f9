"""Properties of linking over generated claim sets: order independence and bounded spread."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from fogwatch.incidents.linker import conflict, facts, link_claims
from test_incidents import CLASH, IED, SHELLING, STRIKE, UNTYPED, claim

PLACES = [(35.34, 40.14), (35.40, 40.03), (35.60, 40.14), (36.20, 37.13), (34.73, 36.71)]
KINDS = [STRIKE, SHELLING, IED, CLASH, UNTYPED]
ACTORS = ["Military Forces of Russia", "Global Coalition against Daesh", "Islamic State"]

claim_specs = st.lists(
    st.tuples(
        st.integers(0, 3),  # document
        st.integers(0, 2),  # segment
        st.sampled_from(KINDS),
        st.one_of(st.none(), st.integers(0, 6)),  # day offset, or undated
        st.one_of(st.none(), st.sampled_from(PLACES)),
        st.sampled_from([1, 2, 3]),  # geo precision
        st.lists(st.sampled_from(ACTORS), max_size=2),
        st.sampled_from(["asserts", "asserts", "denies"]),
    ),
    min_size=1,
    max_size=14,
)


def build(specs):
    out = []
    for n, (doc, seg, kind, day, place, geo, perps, stance) in enumerate(specs):
        date = (
            (dt.date(2016, 9, 10) + dt.timedelta(days=day)).isoformat() if day is not None else None
        )
        out.append(
            claim(f"c{n:02d}", doc=f"{doc}.txt", segment=seg, kind=kind, date=date, at=place,
                  geo=geo, perps=perps, stance=stance)
        )  # fmt: skip
    return out


def partition_of(claims):
    return {c.id: c.incident for c in claims}


@settings(max_examples=150, deadline=None)
@given(claim_specs, st.randoms(use_true_random=False))
def test_any_order_gives_the_same_incidents(specs, rnd: random.Random):
    expected = partition_of(link_claims(build(specs)))
    shuffled = build(specs)
    rnd.shuffle(shuffled)
    assert partition_of(link_claims(shuffled)) == expected


@settings(max_examples=150, deadline=None)
@given(claim_specs)
def test_no_incident_holds_two_conflicting_claims(specs):
    claims = link_claims(build(specs))
    for a in claims:
        for b in claims:
            if a is not b and a.incident == b.incident:
                assert not conflict(facts(a), facts(b)), (a.id, b.id)


@settings(max_examples=25, deadline=None)
@given(claim_specs, st.randoms(use_true_random=False))
def test_incremental_store_linking_equals_linking_everything(specs, rnd: random.Random):
    """Documents stored one by one, in any order, end as one global linking would."""
    import tempfile
    from collections import defaultdict

    from sqlalchemy import select

    from fogwatch.incidents.linker import IncidentLinker
    from fogwatch.store import Store
    from fogwatch.store.schema import ClaimRow
    from test_incidents_store import document

    by_doc = defaultdict(list)
    for c in build(specs):
        by_doc[c.document].append(c)
    order = sorted(by_doc)
    rnd.shuffle(order)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/p.db")
        for name in order:
            store.save_document(document(name), by_doc[name])
            IncidentLinker(store).link_document(by_doc[name])
        with store.session() as s:
            stored = dict(s.execute(select(ClaimRow.id, ClaimRow.incident_id)).all())
        store.engine.dispose()
    assert stored == partition_of(link_claims(build(specs)))


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-89.9, 89.9),
    st.floats(-180, 180),
    st.floats(-89.9, 89.9),
    st.floats(-180, 180),
    st.floats(0.0, 3000.0),
)
def test_a_pair_refused_on_latitude_alone_is_truly_beyond_reach(lat1, lon1, lat2, lon2, km):
    """`surely_beyond` skips the haversine for the linker and the truce check: it may only
    refuse pairs the haversine itself puts farther than `km`, at any longitude."""
    from fogwatch.incidents.rules import km_between, surely_beyond

    if surely_beyond(lat1, lat2, km):
        assert km_between(lat1, lon1, lat2, lon2) > km
    # on one meridian the bound is the distance, so it refuses everything beyond reach
    # except pairs within its millimetre of slack
    if km_between(lat1, lon1, lat2, lon1) > km + 1e-3:
        assert surely_beyond(lat1, lat2, km)
