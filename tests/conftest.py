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
