"""Options shared by the readers and the URL fetcher.

They live in their own module so `fetch.py` and `readers.py` can both import them
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class ReadOptions:
    """How to read inputs; the command line fills it in.

    `published` and `outlet` come from the command line and override anything the
    input or its sidecar says. The `*_col` fields name the columns (CSV) or keys
    (JSONL) a record's fields are read from.
    """

    published: date | None = None
    outlet: str | None = None
    id_col: str = "id"
    text_col: str = "text"
    title_col: str = "title"
    date_col: str = "published"
    outlet_col: str = "outlet"
    url_col: str = "url"
    include: tuple[str, ...] = ()
    """Glob filters for files found in a directory walk, e.g. ("*.txt", "*.html")."""
    exclude: tuple[str, ...] = ()
    """Globs for files or directories to skip in a directory walk."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """Size cap per file, per decompressed file and per download."""
    timeout: float = 20.0
    """Seconds a URL fetch may take in all, redirects included."""
    allow_private: bool = False
    """Let URL fetches reach private, loopback and link-local addresses."""


def human_size(n: int) -> str:
    """Say a byte count the way an error message should: '50 MB', '1.5 kB', '100 bytes'."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n >= size:
            value = n / size
            text = f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{n} bytes"
