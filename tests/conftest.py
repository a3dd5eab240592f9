"""Shared test fixtures: paths to ../shared and an isolated fogwatch home."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()
SEEDS = SHARED / "seeds"
SAMPLE_CORPUS = REPO / "examples" / "sample-corpus"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Keep tests away from the user's real fogwatch home and database."""
    home = tmp_path_factory.mktemp("fogwatch-home")
    monkeypatch.setenv("FOGWATCH_HOME", str(home))
    monkeypatch.delenv("FOGWATCH_DB", raising=False)
    return home
