"""Two `fogwatch ingest` processes on one database at the same time, over the same files.

Both processes read the same 150 documents (one in file order, or in reverse order, so
they meet in the middle), race to save each one and link claims while the other does
the same. The store they leave must equal a single process's store: every document
once, every claim once and linked, the same incidents and the same syndication groups
(group ids name the copy stored first, so they are compared as sets of documents);
and neither process may fail
with "database is locked" (SQLite) or a serialisation error (PostgreSQL): the busy
timeout, the save retries and the linking lock (store/incidents.py) must absorb it.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fogwatch.store.db import Store
from test_reliability_corpus import (
    canonical_groups,
    check_consistent,
    diff_summary,
    make_corpus,
    run_ingest,
    snapshot,
    start_ingest,
)

pytestmark = pytest.mark.slow

DOCUMENTS = 150
TIMEOUT = 600.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_corpus(tmp_path_factory.mktemp("race-corpus"), n=DOCUMENTS)


@pytest.fixture(scope="module")
def reference(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One process, alone, on SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('race-ref') / 'ref.db'}"
    code, err = run_ingest(url, corpus[0].parent, timeout=TIMEOUT)
    assert code == 0, err
    snap = snapshot(url)
    check_consistent(snap)
    return snap


def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'race.db'}"
    name = f"race_{os.getpid()}_{random.randrange(1 << 30)}"
    return request.getfixturevalue("pg_server").create_database(name)


@pytest.mark.parametrize("order", ["same-order", "reverse-order"])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_ingests_at_once_leave_one_copy_of_everything(
    backend: str,
    order: str,
    corpus: list[Path],
    reference: dict[str, Any],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    url = fresh_url(backend, tmp_path, request)
    # Create the schema first: two first runs migrating at once is a separate matter
    # (Alembic's own locking), not what this test is about.
    Store.open(url).engine.dispose()
    second_inputs = corpus[::-1] if order == "reverse-order" else [corpus[0].parent]
    procs = [start_ingest(url, corpus[0].parent), start_ingest(url, *second_inputs)]
    results = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            pytest.fail("a concurrent ingest hung")
        results.append((proc.returncode, err))
    for code, err in results:
        assert "locked" not in err.lower() and "Traceback" not in err, err
        assert "could not serialize" not in err and "deadlock" not in err, err
        assert code == 0, err
    snap = snapshot(url)
    check_consistent(snap)
    print(f"\n{backend} {order}: {len(snap['documents'])} documents", file=sys.stderr)
    assert set(snap["documents"]) == set(reference["documents"]), diff_summary(snap, reference)
    assert set(snap["claims"]) == set(reference["claims"]), diff_summary(snap, reference)
    assert snap["incidents"] == reference["incidents"], diff_summary(snap, reference)
    # Syndication groups: the same documents grouped together, whichever copy came first.
    same, expected = canonical_groups(snap), canonical_groups(reference)
    assert same["documents"] == expected["documents"], diff_summary(same, expected)
    assert same["claims"] == expected["claims"], diff_summary(same, expected)


def test_a_shared_row_inserted_by_another_writer_mid_save_is_not_a_failure(
    store_url: str,
) -> None:
    """Two documents naming the same new actor, saved by two writers at once.

    The other writer's transaction inserts the actor row first and commits while this
    save waits on it; this save must then retry and succeed, not fail with a primary-key
    clash on the actor (on PostgreSQL), or "database is locked" (on SQLite).
    """
    import threading

    from sqlalchemy import insert

    from fogwatch.model import ActorRef, Claim, Document, Evidence, Segment
    from fogwatch.store.schema import ActorRow

    store = Store.open(store_url)
    text = "The Brand New Brigade shelled the village, killing 4 people."
    doc = Document(
        id="d-" + "a" * 16,
        name="race.txt",
        text=text,
        segments=[Segment(index=0, start=0, end=len(text))],
    )
    claim = Claim(
        id="c-race-0001",
        document="race.txt",
        segment=0,
        perpetrators=[ActorRef(name="Brand New Brigade")],
        evidence=Evidence(text=text, start=0, end=len(text)),
    )
    other = store.engine.connect()
    other.begin()
    other.execute(insert(ActorRow).values(name="Brand New Brigade"))
    outcome: dict[str, object] = {}

    def save() -> None:
        try:
            outcome["result"] = store.save_document(doc, [claim])
        except Exception as exc:  # reported below, with its type
            outcome["error"] = exc

    thread = threading.Thread(target=save)
    thread.start()
    thread.join(timeout=1.0)  # the save now waits on the other writer's row or lock
    other.commit()
    other.close()
    thread.join(timeout=60)
    assert "error" not in outcome, repr(outcome.get("error"))
    assert outcome["result"].stored
    assert store.stats()["documents"] == 1
    store.engine.dispose()
