"""Ids never collide, and a store that refuses one document loses no other (issue 16).

Every text here is written for the tests.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from fogwatch.cli import main
from fogwatch.ids import claim_id, document_hex, group_id, incident_id
from fogwatch.ingest.readers import document_id
from fogwatch.model import Claim, Count, Document, Evidence, Segment
from fogwatch.pipeline import ingest_documents
from fogwatch.store import Store
from fogwatch.store.schema import ClaimRow, DocumentRow

STRIKE = "An air strike killed {n} people in the village of {place} on Tuesday, medics said."


# --------------------------------------------------------------------------- the id functions


def test_a_million_documents_claims_and_incidents_get_distinct_ids():
    """Through the real id functions: 32-bit ids would collide about 116 times here."""
    n = 1_000_000
    documents, claims, incidents, groups = set(), set(), set(), set()
    for i in range(n):
        doc = document_id(f"Report number {i}: shelling hit a market in a northern town.")
        cid = claim_id(doc, 1 + i % 7)
        documents.add(doc)
        claims.add(cid)
        incidents.add(incident_id([cid]))
        groups.add(group_id(doc, i % 3))
    assert len(documents) == len(claims) == len(incidents) == len(groups) == n


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=80),
    st.text(min_size=1, max_size=80),
    st.integers(min_value=1, max_value=20_000),
    st.integers(min_value=1, max_value=20_000),
)
def test_claim_ids_differ_whenever_their_documents_do(text_a, text_b, i, j):
    a, b = document_id(text_a), document_id(text_b)
    if a != b:
        assert claim_id(a, i) != claim_id(b, j)
    assert claim_id(a, i) == claim_id(a, i)  # stable across runs
    assert (claim_id(a, i) == claim_id(a, j)) == (i == j)


def test_claim_ids_carry_the_whole_64_bit_document_id():
    doc = document_id("Two rockets fell on a school yard, a local council said.")
    assert claim_id(doc, 7) == f"c-{doc[2:]}-0007"
    assert len(document_hex(doc)) == 16
    # any other id a caller gives (a record id) is hashed to 64 bits, not truncated
    assert len(document_hex("record-42")) == 16
    assert document_hex("record-42") != document_hex("record-43")


def texts_sharing_an_id_prefix(hex_chars: int = 9) -> tuple[str, str]:
    """Two distinct reports whose document ids agree on their first `hex_chars` hex
    characters: found by a birthday search (about 2**18 texts for 9 characters)."""
    seen: dict[str, str] = {}
    for i in itertools.count():
        report = STRIKE.format(n=3 + i % 40, place=f"Tell {i:x}")
        head = document_id(report)[2 : 2 + hex_chars]
        if head in seen:
            return seen[head], report
        seen[head] = report
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- through the store


class ThreeClaims:
    """Extraction stand-in: three claims per document through the extractor's own id
    rule, so these tests are about ids and storing, not about reading."""

    def extract(self, document: Document) -> list[Claim]:
        return [
            Claim(
                id=claim_id(document.id, n),
                document=document.name,
                segment=0,
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                date=dt.date(2016, 9, 17),
                killed=Count(low=n, high=n),
                evidence=Evidence(text=document.text[:20], start=0, end=20),
            )
            for n in (1, 2, 3)
        ]


def documents_of(texts: dict[str, str]) -> list[Document]:
    return [
        Document(
            id=document_id(body),
            name=name,
            text=body,
            outlet="Test Wire",
            published=dt.date(2016, 9, 18),
            segments=[Segment(index=0, start=0, end=len(body))],
        )
        for name, body in texts.items()
    ]


def counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        return (
            s.scalar(select(func.count()).select_from(DocumentRow)),
            s.scalar(select(func.count()).select_from(ClaimRow)),
        )


def test_two_reports_whose_ids_share_a_long_prefix_are_both_stored(store_url):
    first, second = texts_sharing_an_id_prefix()
    assert document_id(first)[:11] == document_id(second)[:11] and first != second
    store = Store.open(store_url)
    report = ingest_documents(
        documents_of({"first.txt": first, "second.txt": second}), store, ThreeClaims()
    )
    assert not report.errors and report.stored == 2
    assert counts(store) == (2, 6)


@pytest.mark.slow
def test_numbered_file_names_with_one_prefix_store_every_claim(tmp_path):
    """Numbered exports (`003_…`) share prefixes; claim ids must not come from them."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "003_original.txt").write_text(STRIKE.format(n=4, place="Kafr Amin"))
    (folder / "003_reworded_copy.txt").write_text(
        "Medics said four people died when an air strike hit the village of Kafr Amin."
    )
    (folder / "003_other.txt").write_text(STRIKE.format(n=9, place="Ain Basal"))
    db_path = tmp_path / "fw.db"
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "ingest", "--published", "2016-09-18", str(folder)]
    )
    assert result.exit_code == 0, result.output
    store = Store.open(str(db_path))
    with store.session() as s:
        rows = s.execute(
            select(ClaimRow.document_id, func.count()).group_by(ClaimRow.document_id)
        ).all()
        per_document = {doc: n for doc, n in rows}
    assert counts(store)[0] == 3
    assert len(per_document) == 3 and all(n >= 1 for n in per_document.values())


# --------------------------------------------------------------------------- a refused document


def refuse_documents_named(store: Store, name: str) -> None:
    """A real refusal by the database itself: a trigger that aborts one document's row."""
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_one BEFORE INSERT ON documents "
                    f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'refused for a test'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.name = '{name}' THEN RAISE EXCEPTION 'refused for a test'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_one BEFORE INSERT ON documents "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_one()"
                )
            )


def stop_refusing(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "DROP TRIGGER refuse_one"
                + ("" if store.engine.dialect.name == "sqlite" else " ON documents")
            )
        )


def batch_of_32() -> dict[str, str]:
    return {f"{i:03d}_report.txt": STRIKE.format(n=i + 1, place=f"Qaryat {i}") for i in range(32)}


def test_one_refused_document_in_a_batch_of_32_loses_no_other(store_url):
    store = Store.open(store_url)
    refuse_documents_named(store, "017_report.txt")
    docs = documents_of(batch_of_32())
    report = ingest_documents(docs, store, ThreeClaims(), save_every=32)
    assert report.stored == 31 and report.skipped == 0
    assert [e.source for e in report.errors] == ["017_report.txt"]
    assert "refused for a test" in report.errors[0].reason
    assert "\n" not in report.errors[0].reason and "INSERT" not in report.errors[0].reason
    assert counts(store) == (31, 93)

    # the cause gone, a re-run stores what failed and duplicates nothing
    stop_refusing(store)
    again = ingest_documents(documents_of(batch_of_32()), store, ThreeClaims(), save_every=32)
    assert again.stored == 1 and again.skipped == 31 and not again.errors
    assert counts(store) == (32, 96)


@pytest.mark.postgres
def test_a_lost_connection_loses_only_the_document_in_flight(pg_server):
    """PostgreSQL: the server ends the session that writes one document; the batch is
    written again one document at a time on fresh connections."""
    store = Store.open(pg_server.create_database("lost_connection"))
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION drop_me() RETURNS trigger AS $$ BEGIN "
                "IF NEW.name = '005_report.txt' THEN PERFORM pg_terminate_backend(pg_backend_pid()); "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER drop_me BEFORE INSERT ON documents "
                "FOR EACH ROW EXECUTE FUNCTION drop_me()"
            )
        )
    report = ingest_documents(documents_of(batch_of_32()), store, ThreeClaims(), save_every=32)
    assert [e.source for e in report.errors] == ["005_report.txt"]
    assert report.stored == 31
    assert counts(store) == (31, 93)


def test_the_cli_reports_a_refused_document_in_one_line_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, body in list(batch_of_32().items())[:5]:
        (folder / name).write_text(body)
    db_path = tmp_path / "fw.db"
    store = Store.open(str(db_path))
    refuse_documents_named(store, "002_report.txt")
    args = ["--db", str(db_path), "ingest", "--no-extract", "--published", "2016-09-18"]
    result = CliRunner().invoke(main, [*args, str(folder)])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "002_report.txt" in ln]
    assert len(lines) == 1 and "refused for a test" in lines[0]
    assert "Traceback" not in result.output
    assert counts(store)[0] == 4
    stop_refusing(store)
    result = CliRunner().invoke(main, [*args, str(folder)])
    assert result.exit_code == 0 and counts(store)[0] == 5


# --------------------------------------------------------------------------- stores of older ids


def test_a_store_with_older_ids_keeps_working(tmp_path):
    """Claims stored under the short ids of earlier versions stay as they are, new ones
    join their incidents, and short prefixes still find incidents (decision 17)."""
    from fogwatch.incidents.linker import IncidentLinker
    from fogwatch.model import Location
    from fogwatch.store.incidents import AmbiguousId, incident_detail, list_incidents

    store = Store.open(str(tmp_path / "old.db"))
    old_doc, new_doc, far_doc = documents_of(
        {
            "001_old.txt": STRIKE.format(n=4, place="Kafr Amin"),
            "001_new.txt": "Four people died in an air strike on Kafr Amin, a monitor said.",
            "002_far.txt": STRIKE.format(n=2, place="Tell Rafi"),
        }
    )
    near, far = (
        Location(name="Kafr Amin", lat=35.9, lon=36.6),
        Location(name="Far", lat=33.5, lon=36.3),
    )
    batches = []
    for doc, where in ((old_doc, near), (new_doc, near), (far_doc, far)):
        claim = ThreeClaims().extract(doc)[0]
        claim.location = where
        batches.append((doc, [claim]))
    batches[0][1][0].id = "c-001-0001"  # as a numbered file name gave it before
    for doc, claims in batches:
        store.save_documents([(doc, claims, {})])
        IncidentLinker(store).link_document(claims)
    incidents = {tuple(sorted(i["claim_ids"])): i["id"] for i in list_incidents(store)}
    joined = tuple(sorted(["c-001-0001", batches[1][1][0].id]))
    assert joined in incidents and len(incidents) == 2
    detail = incident_detail(store, incidents[joined][:10])
    assert detail is not None and detail["id"] == incidents[joined]
    with pytest.raises(AmbiguousId):
        incident_detail(store, "i-")  # the start of both incidents' ids
