"""The incidents stage on real extraction output: the seeds' links and the sample corpus.

These run the nlp stage's Extractor (the spaCy model), so they are marked slow. The seed
pages are read in place from ../shared; the sample corpus from examples/sample-corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fogwatch.incidents.linker import IncidentLinker, link_claims
from fogwatch.store import Store
from fogwatch.store.incidents import incident_detail

from conftest import SAMPLE_CORPUS, SHARED

pytestmark = pytest.mark.slow

SARAQIB_SOURCES = [
    "levant-ledger_saraqib-market-strike.txt",
    "coastal-state-news_saraqib-depot-strike.txt",
    "nmhr_saraqib-market-strike.html",
    "frontline-dispatch_live-2017-03-14.html",
    "euphrates-wire_wire-items.jsonl",
]


@pytest.fixture(scope="module")
def extractor():
    module = pytest.importorskip("fogwatch.nlp.extractor")
    return module.Extractor()


def test_seed_links_are_eight_of_eight(extractor, tmp_path):
    """Per document, as the scorer expects: every same-incident and distinct-from holds."""
    from fogwatch.nlp.score_seeds import seed_documents

    out = tmp_path / "claims.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for doc in seed_documents(SHARED):
            for c in link_claims(extractor.extract(doc)):
                f.write(json.dumps(c.model_dump(mode="json")) + "\n")
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_seeds.py"), str(out), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    links = json.loads(result.stdout)
    assert links["links"] == [8, 8], links["links_failed"]


def test_the_saraqib_strike_is_one_contested_incident(extractor, tmp_path):
    """Five outlets, tolls from 'dozens' to 33, rival blame and denials: one incident."""
    from fogwatch.ingest.options import ReadOptions
    from fogwatch.ingest.readers import read_inputs
    from fogwatch.model import IngestError
    from fogwatch.pipeline import prepare

    store = Store.open(f"sqlite:///{tmp_path / 'corpus.db'}")
    inputs = [str(SAMPLE_CORPUS / name) for name in SARAQIB_SOURCES]
    saraqib_claims = []
    for item in read_inputs(inputs, ReadOptions()):
        assert not isinstance(item, IngestError), item
        doc, signatures = prepare(item)
        claims = extractor.extract(doc)
        store.save_document(doc, claims, signatures)
        IncidentLinker(store).link_document(claims)
        saraqib_claims += [
            c
            for c in claims
            if c.location
            and c.location.name == "Saraqib"
            and str(c.date) == "2017-03-14"
            and c.sub_event_type == "Air/drone strike"
        ]
    wanted = {c.id for c in saraqib_claims}
    assert len(wanted) >= 5
    # Incident ids are read back from the store: a later document may re-id an incident.
    incident_ids = {r["incident"] for r in store.claims() if r["id"] in wanted}
    assert len(incident_ids) == 1, incident_ids
    detail = incident_detail(store, incident_ids.pop())
    documents = {c["document"] for c in detail["claim_records"]}
    assert {
        "levant-ledger_saraqib-market-strike.txt",
        "nmhr_saraqib-market-strike.html",
        "frontline-dispatch_live-2017-03-14.html",
        "coastal-state-news_saraqib-depot-strike.txt",
    } <= {d.rsplit("/", 1)[-1] for d in documents}
    assert detail["grade"] == "contested"
    assert {"casualties_disagree", "perpetrator_disputed", "denied"} <= set(detail["flags"])
    stated = {(c["killed"] or {}).get("low") for c in detail["claim_records"]} - {None}
    assert {24, 31, 28} <= stated  # every toll is kept beside the derived figures
    killed = detail["killed"]
    assert killed["low"] <= 24 and killed["high"] >= 33 and killed["low"] <= killed["best"]
    blamed = {p["name"] for p in detail["perpetrators"] if p["claimants"]}
    assert "Military Forces of Russia" in blamed and len(blamed) >= 2
    russia = next(p for p in detail["perpetrators"] if p["name"] == "Military Forces of Russia")
    assert russia["denied_by"]


def _written_records(extractor, url: str) -> list[str]:
    """Save the sample corpus into a fresh store at `url` without linking, with the
    writer's cache emptied first; the records as the store prints them."""
    from sqlalchemy import Text, cast, select

    from fogwatch.ingest.options import ReadOptions
    from fogwatch.ingest.readers import read_inputs
    from fogwatch.model import IngestError
    from fogwatch.pipeline import prepare
    from fogwatch.store import records
    from fogwatch.store.schema import ClaimRow

    records.forget()
    store = Store.open(url)
    for item in read_inputs([str(SAMPLE_CORPUS)], ReadOptions()):
        if isinstance(item, IngestError):
            continue
        doc, signatures = prepare(item)
        store.save_document(doc, extractor.extract(doc), signatures)
    with store.sessions() as s:
        stored = list(s.execute(select(cast(ClaimRow.record, Text))).scalars())
    assert len(stored) >= 50
    return stored


def test_the_writer_remembers_each_claim_under_the_text_sqlite_stores(extractor, tmp_path):
    """`store/records.py`: the linker reads the claims a run has just written from the
    writer's cache, keyed by the stored JSON text; that is sound only if the remembered
    text is the stored text and the claim under it is what decoding it gives. Saved
    without linking, so every cached entry is the writer's."""
    from fogwatch.model import Claim
    from fogwatch.store import records

    stored = _written_records(extractor, f"sqlite:///{tmp_path / 'remember.db'}")
    cached = records.cached()
    missing = [t[:80] for t in stored if t not in cached]
    assert not missing, missing[:3]
    for text in stored:
        assert cached[text] == Claim.model_validate_json(text)


def test_the_linker_finds_claims_written_to_postgresql_by_id_and_value(
    extractor, pg_server, monkeypatch
):
    """PostgreSQL's jsonb prints a record its own way, so the writer's claims are found
    by the id the printed record starts with, and used only when the stored JSON value
    equals the record written; a record with another value is decoded."""
    from fogwatch.model import Claim
    from fogwatch.store import records

    stored = _written_records(extractor, pg_server.create_database("remember_pg"))
    assert not set(stored) & set(records.cached()), "jsonb text is not json.dumps text"
    decode = Claim.model_validate_json
    expected = [decode(text) for text in stored]

    def refuse(*_args, **_kwargs):
        raise AssertionError("decoded a claim this process wrote")

    monkeypatch.setattr(Claim, "model_validate_json", refuse)
    assert [records.claim_of(text) for text in stored] == expected
    monkeypatch.setattr(Claim, "model_validate_json", decode)

    # same id, another value: decoded, not taken from the cache
    records.forget()
    first = expected[0]
    records.remember(first.model_dump(mode="json"), first, stored_as_written=False)
    tweaked = first.model_copy(update={"confidence": 0.0123})
    assert records.claim_of(json.dumps(tweaked.model_dump(mode="json"))) == tweaked


def test_how_many_documents_a_transaction_stores_changes_nothing(extractor, tmp_path):
    """The sample corpus (syndicated copies included) stored a document per transaction
    and many per transaction: the same documents, groups, claims and incidents."""
    from fogwatch.ingest.readers import ReadOptions
    from fogwatch.pipeline import ingest
    from fogwatch.store.incidents import all_incidents

    def stored(save_every: int) -> tuple:
        store = Store.open(f"sqlite:///{tmp_path / f'every-{save_every}.db'}")
        report = ingest(
            [str(SAMPLE_CORPUS)], ReadOptions(), store, extractor, save_every=save_every
        )
        documents = sorted((d["name"], d["syndication_group"]) for d in store.documents())
        incidents = sorted(i.model_dump_json() for i in all_incidents(store))
        return report.as_dict(), documents, incidents, store.stats()

    one, many = stored(1), stored(64)
    assert one == many
    assert one[0]["stored"] >= 10 and one[0]["claims"] > 0
    assert any(group for _name, group in one[1])  # the copies were grouped
