"""Shared test fixtures: paths to ../shared and an isolated fogwatch home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()
SEEDS = SHARED / "seeds"
SAMPLE_CORPUS = REPO / "examples" / "sample-corpus"


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory):
    """Keep tests away from the user's real fogwatch home and database.

    Session-scoped so built caches (the gazetteer index) are made once per run.
    """
    home = tmp_path_factory.mktemp("fogwatch-home")
    saved = {k: os.environ.get(k) for k in ("FOGWATCH_HOME", "FOGWATCH_DB")}
    os.environ["FOGWATCH_HOME"] = str(home)
    os.environ.pop("FOGWATCH_DB", None)
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server for the whole test session (real, on loopback)."""
    from fogwatch.store.throwaway import ThrowawayPostgres

    server = ThrowawayPostgres().start()
    yield server
    server.stop()


_db_counter = 0


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty store URL, once per backend."""
    global _db_counter
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fogwatch.db'}"
    _db_counter += 1
    return request.getfixturevalue("pg_server").create_database(f"t{_db_counter}")
