"""Store-backed, incremental linking on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from hashlib import sha256

import pytest
from sqlalchemy import select

from fogwatch.ids import incident_id
from fogwatch.incidents.linker import IncidentLinker, link_claims
from fogwatch.ingest.syndication import signature
from fogwatch.model import Claim, Document, Segment
from fogwatch.store import Store
from fogwatch.store.incidents import incident_detail, link_all, list_incidents
from fogwatch.store.schema import ClaimRow, IncidentRow
from test_incidents import CLASH, DEIR, TARTUS, claim, offset

from conftest import SEEDS


def document(name: str, text: str | None = None, outlet: str = "Test Outlet") -> Document:
    text = text or f"Text of {name}. " * 10
    return Document(
        id="d-" + sha256(text.encode()).hexdigest()[:16],
        name=name,
        text=text,
        outlet=outlet,
        published=dt.date(2016, 9, 18),
        segments=[Segment(index=i, start=0, end=len(text)) for i in range(4)],
    )


def corpus() -> dict[str, list[Claim]]:
    """Documents and their claims: one strike told by three outlets, a bridge, a far event."""
    return {
        "ru.txt": [
            claim("c-ru-1", doc="ru.txt", killed=62, claimant="Russia",
                  claimant_kind="government", perps=["US-led coalition"]),
            claim("c-ru-2", doc="ru.txt", segment=1, at=TARTUS, place="Tartus"),
        ],
        "sohr.txt": [claim("c-sohr-1", doc="sohr.txt", killed=80)],
        "us.txt": [
            claim("c-us-1", doc="us.txt", at=None, stance="denies",
                  claimant="Operation Inherent Resolve", claimant_kind="military",
                  perps=["United States"]),
            claim("c-us-2", doc="us.txt", killed=3, claimant="Syrian Foreign Ministry"),
        ],
        "north.txt": [claim("c-n-1", doc="north.txt", at=offset(DEIR, 50), killed=5,
                            claimant="Local council")],
        "bridge.txt": [claim("c-b-1", doc="bridge.txt", at=offset(DEIR, 25), claimant="Z")],
    }  # fmt: skip


def save(store: Store, name: str, claims: list[Claim]) -> list[str]:
    store.save_document(document(name), claims)
    return IncidentLinker(store).link_document(claims)


def stored_partition(store: Store) -> set[frozenset[str]]:
    with store.session() as s:
        rows = s.execute(select(ClaimRow.id, ClaimRow.incident_id)).all()
    groups: dict[str, set[str]] = {}
    for cid, iid in rows:
        assert iid is not None, cid
        groups.setdefault(iid, set()).add(cid)
    return {frozenset(g) for g in groups.values()}


def memory_partition() -> set[frozenset[str]]:
    claims = [c for cs in corpus().values() for c in cs]
    link_claims(claims)
    groups: dict[str, set[str]] = {}
    for c in claims:
        groups.setdefault(c.incident, set()).add(c.id)
    return {frozenset(g) for g in groups.values()}


ORDERS = [
    ["ru.txt", "sohr.txt", "us.txt", "north.txt", "bridge.txt"],
    ["bridge.txt", "north.txt", "us.txt", "sohr.txt", "ru.txt"],
    ["north.txt", "ru.txt", "bridge.txt", "sohr.txt", "us.txt"],
]


@pytest.mark.parametrize("order", ORDERS, ids=["forward", "backward", "mixed"])
def test_incremental_linking_matches_linking_everything_at_once(store_url, order):
    store = Store.open(store_url)
    docs = corpus()
    for name in order:
        save(store, name, docs[name])
    assert stored_partition(store) == memory_partition()
    with store.session() as s:
        incident_ids = set(s.execute(select(IncidentRow.id)).scalars())
        claim_incidents = set(s.execute(select(ClaimRow.incident_id)).scalars())
    assert incident_ids == claim_incidents  # no orphan incidents left behind
    # claims as the store hands them out carry their incident (the column's, not a
    # copy inside the stored record, which stays as extracted)
    assert all(r["incident"] for r in store.claims())


def test_a_bridging_claim_merges_two_incidents_and_re_ids_them(store_url):
    store = Store.open(store_url)
    docs = corpus()
    save(store, "sohr.txt", docs["sohr.txt"])
    save(store, "north.txt", docs["north.txt"])
    assert len(stored_partition(store)) == 2  # 50 km apart: no direct link
    changed = save(store, "bridge.txt", docs["bridge.txt"])
    merged = {"c-sohr-1", "c-n-1", "c-b-1"}
    assert frozenset(merged) in stored_partition(store)
    expected = incident_id(c.id for cs in docs.values() for c in cs if c.id in merged)
    assert expected in changed
    with store.session() as s:
        assert s.get(IncidentRow, expected).record["claims"] == 3
        assert s.execute(select(IncidentRow)).scalars().all().__len__() == 1


def test_linking_again_changes_nothing(store_url):
    store = Store.open(store_url)
    for name, claims in corpus().items():
        save(store, name, claims)
    before = stored_partition(store)
    assert IncidentLinker(store).link_document(corpus()["ru.txt"]) == []
    assert link_all(store) == []
    assert stored_partition(store) == before


def test_link_all_links_claims_stored_without_incidents(store_url):
    store = Store.open(store_url)
    for name, claims in corpus().items():
        store.save_document(document(name), claims)
    changed = link_all(store)
    assert changed
    assert stored_partition(store) == memory_partition()


def test_incident_records_and_queries(store_url):
    store = Store.open(store_url)
    for name in ORDERS[0]:
        save(store, name, corpus()[name])
    rows = list_incidents(store)
    strike = next(r for r in rows if r["claims"] == 6)
    assert strike["killed"] == {"acled": 3, "low": 3, "best": 5, "high": 80}
    assert {"casualties_disagree", "denied"} <= set(strike["flags"])
    assert strike["grade"] == "contested"
    assert list_incidents(store, contested=True)[0]["id"] == strike["id"]
    assert [r["id"] for r in list_incidents(store, actor="russia")] == [strike["id"]]
    assert list_incidents(store, bbox=(35.0, 34.0, 36.5, 35.5))[0]["location"]["name"] == "Tartus"
    assert list_incidents(store, since=dt.date(2016, 9, 18)) == []
    assert len(list_incidents(store, event_type="air/drone strike")) == 2
    detail = incident_detail(store, strike["id"][:6])
    assert detail["id"] == strike["id"]
    assert len(detail["claim_records"]) == 6


def test_a_syndicated_copy_is_one_origin(store_url):
    """Two outlets publishing one text: the store's syndication group makes them one origin."""
    store = Store.open(store_url)
    text = (SEEDS / "000_3b27e136d6f5d0a0.txt").read_text()
    copy = "Republished with permission.\n\n" + text.replace("said", "stated")
    for name, body, outlet in (("orig.txt", text, "Wire"), ("copy.txt", copy, "Ledger")):
        doc = Document(
            id="d-" + sha256(body.encode()).hexdigest()[:16], name=name, text=body,
            outlet=outlet, segments=[Segment(index=0, start=0, end=len(body))],
        )  # fmt: skip
        c = claim(f"c-{name}", doc=name, outlet=outlet, claimant=outlet, claimant_kind="outlet")
        sig = signature(body)
        store.save_document(doc, [c], {0: sig} if sig is not None else {})
        IncidentLinker(store).link_document([c])
    (incident,) = list_incidents(store)
    assert incident["claims"] == 2
    assert incident["origins"] == 1
    assert "single_source" in incident["flags"]


def test_a_later_truce_flags_stored_incidents(store_url):
    store = Store.open(store_url)
    daraa = (32.6189, 36.1021)
    fight = claim("c-f", doc="f.txt", kind=("Battles", "Armed clash"), at=daraa, geo=1,
                  date="2017-05-12")  # fmt: skip
    save(store, "f.txt", [fight])
    assert "truce_violation" not in list_incidents(store)[0]["flags"]
    truce = claim("c-t", doc="t.txt", kind=("Strategic developments", "Ceasefire or truce declared"),
                  at=daraa, geo=1, date="2017-05-10",
                  evidence="A ceasefire in Daraa from 1 a.m. Thursday for 48 hours.")  # fmt: skip
    changed = save(store, "t.txt", [truce])
    fight_incident = incident_id([fight.id])
    assert fight_incident in changed
    flags = {r["id"]: r["flags"] for r in list_incidents(store)}
    assert "truce_violation" in flags[fight_incident]


def test_stored_ids_equal_in_memory_ids(store_url):
    """Ids too, not only partitions, are those of linking everything in memory."""
    store = Store.open(store_url)
    for name in ORDERS[2]:
        save(store, name, corpus()[name])
    with store.session() as s:
        stored = dict(s.execute(select(ClaimRow.id, ClaimRow.incident_id)).all())
    memory = [c for cs in corpus().values() for c in cs]
    link_claims(memory)
    assert stored == {c.id: c.incident for c in memory}


def test_linking_unsaved_claims_is_refused(store_url):
    store = Store.open(store_url)
    with pytest.raises(ValueError, match="not stored"):
        IncidentLinker(store).link_document([claim("c-ghost", doc="ghost.txt")])
    assert list_incidents(store) == []


def test_documents_linked_at_the_same_time_still_meet(store_url):
    """Two processes linking reports of one strike concurrently end with one incident."""
    import threading

    Store.open(store_url)  # migrate once
    docs = corpus()
    names = list(docs)
    for name in names:
        Store.open(store_url).save_document(document(name), docs[name])
    errors: list[Exception] = []

    def link(name: str) -> None:
        try:
            IncidentLinker(Store.open(store_url)).link_document(docs[name])
        except Exception as exc:  # reported below, so a failing thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=link, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert stored_partition(Store.open(store_url)) == memory_partition()


def truce_corpus() -> dict[str, list[Claim]]:
    """Two fights, two truces over one of them, in every order: flags must not depend on it."""
    daraa, aleppo = (32.6189, 36.1021), (36.2021, 37.1343)
    cease = ("Strategic developments", "Ceasefire or truce declared")
    return {
        "f.txt": [claim("c-f", doc="f.txt", kind=CLASH, at=daraa, geo=1, date="2017-05-12")],
        "far.txt": [claim("c-a", doc="far.txt", kind=CLASH, at=aleppo, geo=1, date="2017-05-12")],
        "t1.txt": [claim("c-t1", doc="t1.txt", kind=cease, at=daraa, geo=1, date="2017-05-10",
                         evidence="A ceasefire in Daraa from 1 a.m. Thursday for 48 hours.")],
        "t2.txt": [claim("c-t2", doc="t2.txt", kind=cease, at=daraa, geo=1, date="2017-05-11",
                         evidence="A truce in Daraa for three days.")],
    }  # fmt: skip


@pytest.mark.parametrize(
    "order",
    [
        ["f.txt", "far.txt", "t1.txt", "t2.txt"],
        ["t1.txt", "t2.txt", "f.txt", "far.txt"],
        ["t2.txt", "f.txt", "t1.txt", "far.txt"],
    ],
)
def test_truce_flags_do_not_depend_on_arrival_order(store_url, order):
    """A truce arriving after its violation flags it once; a second truce changes nothing."""
    from fogwatch.incidents.linker import build_incidents

    store = Store.open(store_url)
    changed_by = {name: save(store, name, truce_corpus()[name]) for name in order}
    stored = {r["id"]: r for r in list_incidents(store)}
    memory = {i.id: i.model_dump(mode="json") for i in build_incidents(
        [c for cs in truce_corpus().values() for c in cs])}  # fmt: skip
    assert stored == memory
    fight, far = incident_id(["c-f"]), incident_id(["c-a"])
    assert "truce_violation" in stored[fight]["flags"]
    assert "truce_violation" not in stored[far]["flags"]
    # the second truce to arrive after the fight finds it flagged already
    after_fight = order[order.index("f.txt") + 1 :]
    truces_after = [n for n in after_fight if n.startswith("t")]
    if len(truces_after) == 2:
        assert fight not in changed_by[truces_after[1]]


def test_no_reader_changes_a_cached_decoded_claim(store_url):
    """The decoded-claim cache hands out shallow copies, which is safe only while no
    reader changes a claim's nested parts (its location, counts, actors, evidence): after
    linking in every order, re-linking, a truce re-flag, incident details and the store's
    claim listing, every cached claim must still equal a fresh decode of its record."""
    from fogwatch.store import records

    records.forget()
    store = Store.open(store_url)
    docs = {**corpus(), **truce_corpus()}
    for name in docs:
        save(store, name, docs[name])
    link_all(store)
    IncidentLinker(store).link_document([c for cs in docs.values() for c in cs][:3])
    for record in list_incidents(store):
        incident_detail(store, record["id"])
    store.claims()
    cached = records.cached()
    assert len(cached) >= 10
    for text, claim_ in cached.items():
        assert claim_ == Claim.model_validate_json(text), claim_.id
