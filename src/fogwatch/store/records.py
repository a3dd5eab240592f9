"""Stored claim records, decoded once per process and shared by the writer and the linker.

Why: every link reads the stored neighbourhood of its new claims, and a feed watcher
linking into a dense month reads the same few thousand records on every poll; decoding
and validating them was a third of its linking time. A bulk ingest links claims it has
just written: decoding those again was a quarter of the link that ends every run, and
that link is the one part of an ingest that runs with a core idle. So the writer
remembers each claim under the exact text it stores (SQLite keeps the JSON text as
written) and the linker finds it there.

The cache is keyed by the record's text itself, so it can only return what decoding
that text would: `tests/test_incidents_store.py` checks every cached claim against a
fresh decode after linking, and that the text remembered is the text stored.
"""

from __future__ import annotations

import json
from typing import Any

from fogwatch.model import Claim

_DECODED: dict[str, Claim] = {}
_LIMIT = 50_000


def _put(text: str, claim: Claim) -> None:
    if len(_DECODED) >= _LIMIT:
        _DECODED.clear()
    _DECODED[text] = claim


def claim_of(record_text: str) -> Claim:
    """A fresh (shallow) copy of the claim stored as this text.

    Shallow: readers set only top-level fields (incident, syndication group), and
    nothing in the incidents stage mutates a claim's nested parts.
    """
    claim = _DECODED.get(record_text)
    if claim is None:
        claim = Claim.model_validate_json(record_text)
        _put(record_text, claim)
    return claim.model_copy()


def remember(record: dict[str, Any], claim: Claim) -> str:
    """Remember `claim` under the text SQLite stores for `record` (its JSON dump, as
    SQLAlchemy's JSON type writes it); the text."""
    text = json.dumps(record)
    _put(text, claim.model_copy())
    return text


def cached() -> dict[str, Claim]:
    """The cache's entries (for tests and benchmarks)."""
    return dict(_DECODED)


def forget() -> None:
    """Empty the cache (benchmarks measuring a cold process)."""
    _DECODED.clear()
