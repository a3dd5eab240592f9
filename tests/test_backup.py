"""`fogwatch backup` / `fogwatch restore` on both backends: a round trip loses nothing.

The store is filled with the API test corpus (documents, claims, incidents, a token;
no spaCy model needed), backed up through the CLI, restored into a fresh store of the
same backend, and compared: stats, every claim record, every incident record, the
token hashes, and full-text search (its index and triggers must come back too).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import text

from fogwatch.api.app import create_app
from fogwatch.cli import Context, main
from fogwatch.model import Document, Segment
from fogwatch.store.backup import BackupError, backup, restore
from fogwatch.store.cli import COMMANDS
from fogwatch.store.db import Store
from fogwatch.store.incidents import all_incidents
from fogwatch.store.tokens import create_token, verify_token
from test_api_fixtures import build_corpus


def cli(url: str, *args: str) -> Result:
    """Run `fogwatch --db URL ARGS`, registered or not yet registered on the main group."""
    if "backup" in main.commands:
        return CliRunner().invoke(main, ["--db", url, *args])
    command = {c.name: c for c in COMMANDS}[args[0]]
    return CliRunner().invoke(command, list(args[1:]), obj=Context(url, quiet=False))


def fresh(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Another empty store on the same backend as `store_url`."""
    if store_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored' / 'fogwatch.db'}"
    name = f"restored_{os.getpid()}_{random.randrange(1 << 30)}"
    return request.getfixturevalue("pg_server").create_database(name)


def state(url: str) -> dict[str, Any]:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            hashes = sorted(conn.execute(text("SELECT token_hash FROM api_tokens")).scalars())
        client = TestClient(create_app(url))
        search = sorted(i["id"] for i in client.get("/api/incidents?q=market").json()["items"])
        return {
            "stats": store.stats(),
            "claims": store.claims(),
            "incidents": sorted((i.model_dump(mode="json") for i in all_incidents(store)), key=str),
            "documents": store.documents(),
            "tokens": hashes,
            "search": search,
        }
    finally:
        store.engine.dispose()


def test_round_trip_restores_everything(
    store_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    corpus = build_corpus(store_url)
    secret, _ = create_token(corpus.store, "backup-test")
    before = state(store_url)
    assert before["stats"]["claims"] > 0 and before["search"]  # something to lose
    archive = tmp_path / "fogwatch.backup"
    made = cli(store_url, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert "backed up" in made.output and archive.stat().st_size > 0

    target = fresh(store_url, request, tmp_path)
    done = cli(target, "restore", str(archive))
    assert done.exit_code == 0, done.output
    after = state(target)
    assert after == before
    restored = Store.open(target)
    assert verify_token(restored, secret) is not None  # the token still opens the API
    # The restored store takes new writes (sequences, triggers and indexes came back).
    doc = Document(
        id="d-" + "9" * 16,
        name="after-restore.txt",
        text="A later market report.",
        segments=[Segment(index=0, start=0, end=22)],
    )
    assert restored.save_document(doc, []).stored
    assert restored.stats()["documents"] == before["stats"]["documents"] + 1
    restored.engine.dispose()


def test_restore_refuses_a_store_with_data_and_a_backup_of_the_other_kind(
    store_url: str, tmp_path: Path
) -> None:
    build_corpus(store_url)
    archive = tmp_path / "fogwatch.backup"
    backup(store_url, archive)
    with pytest.raises(BackupError, match="not empty"):
        restore(store_url, archive)
    refused = cli(store_url, "restore", str(archive))
    assert refused.exit_code != 0 and "not empty" in refused.output
    assert restore(store_url, archive, force=True).counts["documents"] > 0

    other = tmp_path / "other.backup"
    if store_url.startswith("sqlite"):
        other.write_bytes(b"PGDMP" + b"\0" * 100)
        expected = "is a postgresql backup"
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        expected = "is a sqlite backup"
    with pytest.raises(BackupError, match=expected):
        restore(store_url, other, force=True)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="not a fogwatch backup"):
        restore(store_url, junk, force=True)


def test_backup_does_not_overwrite_and_leaves_nothing_when_it_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fogwatch.db'}"
    Store.open(url).engine.dispose()
    archive = tmp_path / "fogwatch.backup"
    archive.write_text("an older backup")
    refused = cli(url, "backup", str(archive))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert archive.read_text() == "an older backup"
    assert cli(url, "backup", "--force", str(archive)).exit_code == 0
    assert archive.read_bytes().startswith(b"SQLite format 3\x00")

    missing = f"sqlite:///{tmp_path / 'no-such.db'}"
    failed = cli(missing, "backup", str(tmp_path / "never.backup"))
    assert failed.exit_code != 0 and "no SQLite store" in failed.output
    assert not (tmp_path / "no-such.db").exists()  # a backup never creates its source
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["fogwatch.backup"]


def test_sqlite_backup_is_consistent_while_another_thread_writes(tmp_path: Path) -> None:
    """The online backup copies a snapshot: every document in it is whole."""
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    store = Store.open(url)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        n = 0
        while not stop.is_set() and n < 2000:
            body = f"Report number {n} about the market."
            doc = Document(
                id=f"d-{n:016d}",
                name=f"{n}.txt",
                text=body,
                segments=[Segment(index=0, start=0, end=len(body))],
            )
            store.save_document(doc, [])
            n += 1
            written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:
            stop.wait(0.01)
        archive = tmp_path / "busy.backup"
        backup(url, archive)
    finally:
        stop.set()
        thread.join(timeout=60)
    conn = sqlite3.connect(archive)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        segments = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
    finally:
        conn.close()
    assert 50 <= docs <= len(written) and segments == docs
    store.engine.dispose()
