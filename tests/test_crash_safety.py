"""SIGKILL `fogwatch ingest` part-way, again and again, and check nothing is lost or doubled.

A 500-document corpus (tests/test_reliability_corpus.py) is ingested once without
interruption on SQLite: that store is the reference. Then, on each backend, a fresh
store is ingested by a sequence of runs that are each killed with SIGKILL:

1. one kill aimed exactly between a document's save transaction and its linking
   transaction (the only window where a stored claim has no incident);
2. five kills at random points (a random number of stored documents, plus a random
   delay, so they land in extraction, in a save or in linking);

and a last run that is left to finish. The final store must equal the reference:
same documents, claim records, claim-to-incident mapping and incident records; no
claim missing, none twice. After every kill, every stored document must hold exactly
the claims the reference gives it (a document is all or nothing).

The reference is built on SQLite and compared against both backends, which also proves
the two backends store the same thing.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from fogwatch.store.db import normalise_url
from test_reliability_corpus import (
    FOGWATCH,
    check_consistent,
    cli_env,
    diff_summary,
    make_corpus,
    run_ingest,
    snapshot,
)

pytestmark = pytest.mark.slow

DOCUMENTS = 500
RANDOM_KILLS = 5
# A kill must come before the run ends by itself; each run has at most this long.
RUN_TIMEOUT = 600.0

# SIGKILLs the ingest process itself on the Nth call to link stored claims: after their
# save transactions committed, before they are linked (the "saved, not linked" window).
KILL_IN_GAP = """
import os, signal, sys
from fogwatch.incidents import linker

calls = 0
real = linker.IncidentLinker.link_document

def link_document(self, claims):
    global calls
    calls += 1
    if calls == int(os.environ["FW_KILL_AT_LINK"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, claims)

linker.IncidentLinker.link_document = link_document
from fogwatch.cli import main
sys.argv = ["fogwatch", *sys.argv[1:]]
main()
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash-corpus")
    make_corpus(root, n=DOCUMENTS)
    return root


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The store an uninterrupted run makes (SQLite)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('crash-ref') / 'ref.db'}"
    code, err = run_ingest(url, corpus, timeout=RUN_TIMEOUT)
    assert code == 0, err
    snap = snapshot(url)
    check_consistent(snap)
    assert len(snap["documents"]) == DOCUMENTS
    return snap


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crash.db'}"
    name = f"crash_{os.getpid()}_{random.randrange(1 << 30)}"
    return request.getfixturevalue("pg_server").create_database(name)


class Counter:
    """Counts stored documents and unlinked claims, without migrating or locking."""

    def __init__(self, url: str):
        self.engine = create_engine(normalise_url(url))

    def _scalar(self, sql: str) -> int:
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(text(sql)).scalar_one())
        except Exception as exc:
            message = str(exc).lower()
            if "no such table" in message or "does not exist" in message:
                return 0  # not created yet by the first run's migration
            raise

    def documents(self) -> int:
        return self._scalar("SELECT count(*) FROM documents")

    def unlinked(self) -> int:
        return self._scalar("SELECT count(*) FROM claims WHERE incident_id IS NULL")

    def close(self) -> None:
        self.engine.dispose()


def wait_for(proc: subprocess.Popen, done: Callable[[], bool], deadline: float) -> bool:
    """Poll until `done()` says so; False when the process ended first."""
    while not done():
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("an ingest made no progress before the deadline")
        time.sleep(0.05)
    return True


def kill_in_gap(url: str, corpus: Path, at_link: int, log: Path) -> int:
    """Run the ingest with SIGKILL in the save/link gap of the `at_link`th document."""
    env = {**cli_env(), "FW_KILL_AT_LINK": str(at_link)}
    with log.open("w") as err:
        proc = subprocess.run(
            [str(FOGWATCH.with_name("python")), "-c", KILL_IN_GAP, "--db", url, "-q", "ingest"]
            + [str(corpus)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            timeout=RUN_TIMEOUT,
        )
    return proc.returncode


def assert_whole_documents(url: str, reference: dict[str, Any]) -> None:
    """Each stored document holds exactly its reference claims: none half-written."""
    snap = snapshot(url)
    by_doc: dict[str, set[str]] = {}
    for cid, c in reference["claims"].items():
        by_doc.setdefault(c["document"], set()).add(cid)
    stored: dict[str, set[str]] = {d: set() for d in snap["documents"]}
    for cid, c in snap["claims"].items():
        stored[c["document"]].add(cid)
    for doc, claims in stored.items():
        assert doc in reference["documents"], f"{doc} is not a document of the corpus"
        assert claims == by_doc.get(doc, set()), f"{doc} holds a partial set of claims"
    segment_docs = {d for d, _ in snap["segments"]}
    assert segment_docs == set(snap["documents"]), "a document without segments, or vice versa"


def test_sigkill_at_random_points_then_rerun_equals_uninterrupted_run(
    corpus: Path, reference: dict[str, Any], empty_url: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("FW_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    counter = Counter(empty_url)
    kills: list[str] = []
    try:
        # 1. SIGKILL exactly between saves and their linking: at the first call to link,
        # whether linking runs per document or per batch. (A later call would find the
        # earlier calls had linked everything near them, saved-but-unlinked claims of
        # other documents included.)
        at_link = 1
        code = kill_in_gap(empty_url, corpus, at_link, tmp_path / "gap.log")
        assert code == -signal.SIGKILL, (tmp_path / "gap.log").read_text()
        gap_docs, gap_unlinked = counter.documents(), counter.unlinked()
        assert gap_unlinked > 0, f"the kill left no saved, unlinked claims ({gap_docs} docs)"
        kills.append(f"gap@link{at_link}: {gap_docs} docs, {gap_unlinked} unlinked claims")
        assert_whole_documents(empty_url, reference)

        # 2. SIGKILLs at random points of later runs, each resuming the last.
        targets = sorted(rng.sample(range(gap_docs + 10, DOCUMENTS - 20), RANDOM_KILLS))
        for target in targets:
            log = tmp_path / f"kill-{target}.log"
            with log.open("w") as err:
                proc = subprocess.Popen(
                    [str(FOGWATCH), "--db", empty_url, "-q", "ingest", str(corpus)],
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    env=cli_env(),
                )
                deadline = time.monotonic() + RUN_TIMEOUT
                reached = wait_for(proc, lambda t=target: counter.documents() >= t, deadline)
                if reached:
                    time.sleep(rng.uniform(0.0, 0.3))
                    proc.send_signal(signal.SIGKILL)
                code = proc.wait(timeout=60)
            assert reached and code == -signal.SIGKILL, (target, code, log.read_text())
            assert "Traceback" not in log.read_text()
            kills.append(f"{counter.documents()} docs, {counter.unlinked()} unlinked")
            assert_whole_documents(empty_url, reference)
    finally:
        counter.close()
        print(f"\ncrash seed {seed}; after each kill: " + " | ".join(kills), file=sys.stderr)

    # 3. The last run finishes; the store equals the uninterrupted one.
    code, err = run_ingest(empty_url, corpus, timeout=RUN_TIMEOUT)
    assert code == 0 and "Traceback" not in err, err
    final = snapshot(empty_url)
    check_consistent(final)
    assert final["documents"] == reference["documents"], diff_summary(final, reference)
    assert final["claims"] == reference["claims"], diff_summary(final, reference)
    assert final["incidents"] == reference["incidents"], diff_summary(final, reference)
    assert len(kills) == RANDOM_KILLS + 1
