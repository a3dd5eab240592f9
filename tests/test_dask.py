"""`ingest --dask`: two Dask workers (separate processes, loopback) writing to one
PostgreSQL give the same claims and incidents as a plain ingest of the same documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from fogwatch.ingest.options import ReadOptions
from fogwatch.store import Store
from fogwatch.store.schema import ClaimRow, IncidentRow

pytest.importorskip("distributed")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import generate  # noqa: E402


def corpus_file(tmp_path: Path, n: int = 6) -> Path:
    """Short generated stories, no syndicated copies (their group ids depend on order)."""
    arts = [a for a in generate(60, seed=3) if a.kind != "syndicated" and a.words < 450][:n]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(a.as_record()) + "\n" for a in arts), encoding="utf-8")
    return path


def snapshot(store: Store) -> tuple[set, set]:
    """Claims (id, type, date, killed, place, incident) and incidents (id, members)."""
    with store.session() as s:
        claims = {
            (r.id, r.event_type, r.date, r.killed_low, r.place, r.incident_id)
            for r in s.execute(select(ClaimRow)).scalars()
        }
        incidents = {
            (r.id, tuple(sorted(r.record.get("claim_ids") or [])), r.grade)
            for r in s.execute(select(IncidentRow)).scalars()
        }
    return claims, incidents


def test_partitions_balance_text():
    from fogwatch.model import Document
    from fogwatch.scale.cluster import partitions

    docs = [Document(id=f"d{i}", name=f"{i}", text="x" * (100 * (i + 1))) for i in range(9)]
    parts = partitions(docs, 3)
    assert sorted(d.id for p in parts for d in p) == sorted(d.id for d in docs)
    sizes = [sum(len(d.text) for d in p) for p in parts]
    assert max(sizes) - min(sizes) <= 900


def test_dask_ingest_equals_plain_ingest(tmp_path, pg_server):
    from fogwatch.cli import shared_extractor
    from fogwatch.pipeline import ingest
    from fogwatch.scale.cluster import ingest_on_dask

    path = corpus_file(tmp_path)
    plain_url = pg_server.create_database("dask_plain")
    dask_url = pg_server.create_database("dask_cluster")

    plain = Store.open(plain_url)
    report = ingest([str(path)], ReadOptions(), plain, shared_extractor())
    assert report.stored == 6 and report.claims > 0

    dask_report = ingest_on_dask([str(path)], ReadOptions(), dask_url, "local", workers=2)
    assert dask_report.stored == 6 and dask_report.claims == report.claims

    assert snapshot(Store.open(dask_url)) == snapshot(plain)
