"""The store on both backends: migrations, idempotent writes, atomic documents, syndication."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import event, inspect, select, text

import fogwatch.store.db as db
from fogwatch.api.queries import search_condition
from fogwatch.ids import claim_id
from fogwatch.ingest.syndication import signature
from fogwatch.model import Claim, Count, Document, Evidence, Segment
from fogwatch.store import Store
from fogwatch.store.schema import Base, ClaimRow

from conftest import SEEDS


def make_document(text: str, name: str = "a.txt", outlet: str = "Test Outlet") -> Document:
    from hashlib import sha256

    return Document(
        id="d-" + sha256(text.encode()).hexdigest()[:16],
        name=name,
        text=text,
        outlet=outlet,
        published=dt.date(2016, 9, 18),
        segments=[Segment(index=0, start=0, end=len(text))],
    )


def make_claim(doc: Document, n: int, killed: int = 3) -> Claim:
    return Claim(
        id=claim_id(doc.id, n),
        document=doc.name,
        segment=0,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        date=dt.date(2016, 9, 17),
        killed=Count(low=killed, high=killed),
        evidence=Evidence(text=doc.text[:20], start=0, end=20),
    )


def signatures_of(doc: Document) -> dict:
    sig = signature(doc.text)
    return {0: sig} if sig is not None else {}


def test_migrations_create_every_table(store_url):
    store = Store.open(store_url)
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    Store.open(store_url)  # reopening at head is a no-op, not an error


def test_saving_twice_is_a_noop(store_url):
    store = Store.open(store_url)
    doc = make_document("Shelling hit the town. " * 20)
    first = store.save_document(doc, [make_claim(doc, 1), make_claim(doc, 2, killed=5)])
    assert first.stored and first.claims == 2
    before = store.stats()
    again = store.save_document(doc, [make_claim(doc, 1)])
    assert not again.stored
    assert store.stats() == before
    assert before["documents"] == 1 and before["claims"] == 2 and before["segments"] == 1


def test_a_failing_document_leaves_nothing_behind(store_url):
    store = Store.open(store_url)
    doc = make_document("Clashes continued near the airport. " * 10)
    duplicate_ids = [make_claim(doc, 1), make_claim(doc, 1)]  # violates the primary key
    with pytest.raises(Exception):  # noqa: B017 - the backend's own integrity error
        store.save_document(doc, duplicate_ids)
    counts = store.stats()
    assert counts["documents"] == 0 and counts["segments"] == 0 and counts["claims"] == 0


def reword(text: str) -> str:
    """A republished copy: a new opening line and a handful of words changed."""
    swaps = {"said": "stated", "killed": "left dead", "Syrian": "Syria's", "near": "close to"}
    copy = re.sub(r"\b(said|killed|Syrian|near)\b", lambda m: swaps[m.group(1)], text, count=6)
    return "Republished with permission.\n\n" + copy


def original_copy_and_other() -> list[Document]:
    """A seed page, a reworded republication of it, and an unrelated seed page."""
    original = (SEEDS / "000_3b27e136d6f5d0a0.txt").read_text()
    other = (SEEDS / "002_2de0aa6ef8458d86.txt").read_text()
    return [
        make_document(original, "orig.txt"),
        make_document(reword(original), "copy.txt"),
        make_document(other, "other.txt"),
    ]


def test_near_duplicates_share_a_group_and_different_reports_do_not(store_url):
    store = Store.open(store_url)
    docs = original_copy_and_other()
    for doc in docs:
        store.save_document(doc, [], signatures_of(doc))
    by_name = {d["name"]: d for d in store.documents()}
    assert by_name["orig.txt"]["syndication_group"] is not None
    assert by_name["orig.txt"]["syndication_group"] == by_name["copy.txt"]["syndication_group"]
    assert by_name["other.txt"]["syndication_group"] is None


def test_unrelated_seeds_are_never_grouped(store_url):
    store = Store.open(store_url)
    for path in sorted(SEEDS.glob("*.txt")):
        doc = make_document(path.read_text(), path.name)
        store.save_document(doc, [], signatures_of(doc))
    assert all(d["syndication_group"] is None for d in store.documents())
    assert store.stats()["syndication_groups"] == 0


def test_document_detail_has_segments_and_claims(store_url):
    store = Store.open(store_url)
    doc = make_document("Airstrikes hit the village on Sunday. " * 5, "detail.txt")
    store.save_document(doc, [make_claim(doc, 1)])
    detail = store.document_detail("detail.txt")
    assert detail["id"] == doc.id
    assert detail["segments_detail"][0]["start"] == 0
    assert detail["claims"][0]["killed"]["low"] == 3
    assert store.document_detail(doc.id[:8])["name"] == "detail.txt"
    assert store.document_detail("missing") is None


def test_a_batch_writes_what_one_at_a_time_writes(store_url):
    """One transaction for many documents: a copy finds its original saved earlier in the
    same batch, and a document already stored is reported, not written twice."""
    docs = original_copy_and_other()
    batch = [(d, [make_claim(d, 1, killed=2 + i)], signatures_of(d)) for i, d in enumerate(docs)]
    store = Store.open(store_url)
    store.save_document(*batch[2])  # stored before the batch comes
    results = store.save_documents(batch)
    assert [r.stored for r in results] == [True, True, False]
    assert [r.claims for r in results] == [1, 1, 0]
    by_name = {d["name"]: d for d in store.documents()}
    assert by_name["orig.txt"]["syndication_group"] is not None
    assert by_name["orig.txt"]["syndication_group"] == by_name["copy.txt"]["syndication_group"]
    assert by_name["other.txt"]["syndication_group"] is None
    assert store.stats()["documents"] == 3 and store.stats()["claims"] == 3


def test_a_failing_document_spoils_only_itself_in_a_batch(store_url):
    """The batch rolls back and its documents are saved one by one: the others are stored
    whole, the bad one leaves nothing, and its result carries the database's reason."""
    store = Store.open(store_url)
    good = make_document("Shelling hit the town. " * 20, "good.txt")
    bad = make_document("Clashes continued near the airport. " * 10, "bad.txt")
    after = make_document("A convoy reached the besieged town at dawn. " * 5, "after.txt")
    batch = [
        (good, [make_claim(good, 1)], {}),
        (bad, [make_claim(bad, 1), make_claim(bad, 1)], {}),  # the same claim id twice
        (after, [make_claim(after, 1)], {}),
    ]
    results = store.save_documents(batch)
    assert [r.stored for r in results] == [True, False, True]
    assert results[1].error and "refused" in results[1].error and results[0].error is None
    assert sorted(d["name"] for d in store.documents()) == ["after.txt", "good.txt"]
    assert store.stats()["claims"] == 2


def test_candidates_are_found_when_their_bands_span_several_queries(store_url, monkeypatch):
    """A long live page binds more band keys than one statement may take: the lookup
    splits them over several queries and still finds the copy's original."""
    monkeypatch.setattr(db, "_BANDS_PER_QUERY", 7)  # 32 bands a segment: five queries
    store = Store.open(store_url)
    docs = original_copy_and_other()[:2]
    lookups: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if "lsh_bands" in statement and statement.lstrip().upper().startswith("SELECT"):
            lookups.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    for doc in docs:
        store.save_document(doc, [], signatures_of(doc))
    assert len(lookups) == 2 * 5  # every band key asked for, in chunks of 7
    groups = {d["name"]: d["syndication_group"] for d in store.documents()}
    assert groups["orig.txt"] is not None and groups["orig.txt"] == groups["copy.txt"]


def test_a_new_postgresql_store_has_statistics_after_its_first_batch(pg_server):
    """Planner statistics from the first save on: without them PostgreSQL scanned all of
    `lsh_bands` for each document's near-duplicate lookup. (SQLite needs none.)"""
    from sqlalchemy import text

    store = Store.open(pg_server.create_database("first_statistics"))

    def never_analyzed() -> set[str]:
        with store.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT relname FROM pg_class WHERE relname IN ('lsh_bands', 'segments', "
                    "'claims') AND reltuples < 0"
                )
            )
            return {name for (name,) in rows}

    assert never_analyzed() == {"lsh_bands", "segments", "claims"}  # a new store
    docs = [make_document(f"Shelling hit town {n}. " * 20, f"{n}.txt") for n in range(3)]
    store.save_documents([(d, [make_claim(d, 1)], signatures_of(d)) for d in docs])
    assert never_analyzed() == set()


def test_claims_written_in_several_inserts_read_back_and_are_searchable(store_url, monkeypatch):
    """SQLite writes a document's claims as multi-row INSERTs (`_insert_claims_sqlite`):
    split over several statements, every claim is stored with the values SQLAlchemy's
    types would bind and indexed for search by the trigger."""
    monkeypatch.setattr(db, "_CLAIMS_PER_INSERT", 2)
    store = Store.open(store_url)
    doc = make_document("Airstrikes hit Raqqa on Sunday, killing civilians. " * 4, "many.txt")
    claims = [make_claim(doc, n, killed=n) for n in range(1, 6)]
    assert store.save_document(doc, claims).stored
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, date, killed_low, record FROM claims ORDER BY id")
        ).all()
    assert [r.id for r in rows] == sorted(c.id for c in claims)
    assert {str(r.date) for r in rows} == {"2016-09-17"}
    assert [r.killed_low for r in rows] == [1, 2, 3, 4, 5]
    for row, claim in zip(rows, sorted(claims, key=lambda c: c.id), strict=True):
        record = row.record if isinstance(row.record, dict) else json.loads(row.record)
        assert Claim.model_validate(record) == Claim.model_validate(claim.model_dump(mode="json"))
    with store.session() as s:
        found = s.execute(select(ClaimRow.id).where(search_condition(s, "Raqqa"))).scalars()
        assert sorted(found) == sorted(c.id for c in claims)


def test_a_signature_is_the_minhash_datasketch_makes_from_scratch():
    """`signature` reuses one set of permutations; stored signatures and band keys must
    stay exactly those of a MinHash drawn afresh with seed 7 (else copies stored before
    would stop matching new ones)."""
    from datasketch import MinHash

    from fogwatch.ingest.syndication import NUM_PERM, shingles

    text = "Government aircraft struck the market in the eastern town on Sunday. " * 8
    fresh = MinHash(num_perm=NUM_PERM, seed=7)
    fresh.update_batch(list(shingles([w.lower() for w in re.findall(r"\w+", text)])))
    for _ in range(2):  # the first call draws the permutations, the second reuses them
        sig = signature(text)
        assert sig is not None
        assert sig.to_bytes() == fresh.hashvalues.astype("uint64").tobytes()


def test_a_batch_reads_its_stored_rows_once_and_writes_shared_rows_once(store_url, monkeypatch):
    """Documents, outlets, actors and places already stored, or written by an earlier
    document of the same batch, are not written again: the batch goes through in one
    transaction (no fallback to one-at-a-time saves), and a document listed twice is
    stored once."""
    from fogwatch.model import ActorRef, Location

    def claim_with_parties(doc: Document, n: int) -> Claim:
        claim = make_claim(doc, n)
        claim.perpetrators = [ActorRef(name="Military Forces of Syria")]
        claim.targets = [ActorRef(name=f"Civilians ({doc.name})")]
        claim.location = Location(name="Douma", lat=33.57, lon=36.40, gazetteer_id="g-douma")
        return claim

    store = Store.open(store_url)
    first = make_document("Shelling hit the town of Douma. " * 10, "first.txt")
    store.save_document(first, [claim_with_parties(first, 1)])  # outlet, actor, place
    docs = [make_document(f"Report {k}: air strikes hit Douma again. " * 8, f"b{k}.txt",
                          outlet="Batch Outlet") for k in range(3)]  # fmt: skip
    batch = [(d, [claim_with_parties(d, 1), claim_with_parties(d, 2)], {}) for d in docs]
    batch += [(first, [claim_with_parties(first, 1)], {}), batch[0]]  # stored; listed twice

    def no_fallback(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the batch fell back to one-at-a-time saves")

    monkeypatch.setattr(Store, "save_document", no_fallback)
    results = store.save_documents(batch)
    assert [r.stored for r in results] == [True, True, True, False, False]
    stats = store.stats()
    assert stats["documents"] == 4 and stats["claims"] == 7
    with store.engine.connect() as conn:
        outlets = conn.execute(text("SELECT count(*) FROM outlets")).scalar()
        places = conn.execute(text("SELECT count(*) FROM places")).scalar()
        actors = conn.execute(text("SELECT count(*) FROM actors")).scalar()
    assert (outlets, places, actors) == (2, 1, 1 + 4)  # one shared actor, 4 civilians
