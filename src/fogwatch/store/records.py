"""Stored claim records, decoded once per process and shared by the writer and the linker.

Why: every link reads the stored neighbourhood of its new claims, and a feed watcher
linking into a dense month reads the same few thousand records on every poll; decoding
and validating them was a third of its linking time. A bulk ingest links claims it has
just written: decoding those again was a quarter of the link that ends every run, and
that link is the one part of an ingest that runs with a core idle. So the writer
remembers each claim it stores, and the linker finds it:

- SQLite keeps the JSON text as written, so the claim is found under that text;
- PostgreSQL's jsonb prints the record its own way (keys by length, its own spacing and
  numbers), so a text not seen before is matched by the claim id it starts with, and the
  remembered claim is used only when the stored JSON value equals the record written.

Either way the cache can only return what decoding the text would: keyed by the text
itself, or by a JSON value equal to it. `tests/test_incidents_extracted.py` checks the
text remembered is the text SQLite stores, `tests/test_incidents_store.py` that every
cached claim equals a fresh decode after linking, on both backends.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fogwatch.model import Claim

_DECODED: dict[str, Claim] = {}
_WRITTEN: dict[str, tuple[dict[str, Any], Claim]] = {}  # claim id -> (record, claim)
_LIMIT = 50_000
_WRITTEN_LIMIT = 20_000  # the most claims one link takes (pipeline.MAX_LINK_CLAIMS)
# a record printed by json.dumps or by PostgreSQL's jsonb starts with its id ("id" is the
# shortest key, and jsonb orders keys by length)
_ID_FIRST = re.compile(r'\{"id": ("(?:[^"\\]|\\.)*")')


def _put(text: str, claim: Claim) -> None:
    if len(_DECODED) >= _LIMIT:
        _DECODED.clear()
    _DECODED[text] = claim


def _written(record_text: str) -> Claim | None:
    """The claim this process wrote as the same JSON value, however the store printed it."""
    if not _WRITTEN:
        return None
    m = _ID_FIRST.match(record_text)
    if m is None:
        return None
    known = _WRITTEN.get(json.loads(m.group(1)))
    if known is None:
        return None
    record, claim = known
    return claim if json.loads(record_text) == record else None


def claim_of(record_text: str) -> Claim:
    """A fresh (shallow) copy of the claim stored as this text.

    Shallow: readers set only top-level fields (incident, syndication group), and
    nothing in the incidents stage mutates a claim's nested parts.
    """
    claim = _DECODED.get(record_text)
    if claim is None:
        claim = _written(record_text) or Claim.model_validate_json(record_text)
        _put(record_text, claim)
    return claim.model_copy()


def remember(record: dict[str, Any], claim: Claim, stored_as_written: bool) -> None:
    """Remember `claim`, written as `record`: under the text the store keeps when it keeps
    the JSON as written (SQLite: the dump SQLAlchemy's JSON type writes), else under its
    id, to be checked against the value the store prints (PostgreSQL)."""
    kept = claim.model_copy()
    if stored_as_written:
        _put(json.dumps(record), kept)
        return
    if len(_WRITTEN) >= _WRITTEN_LIMIT:
        _WRITTEN.clear()
    _WRITTEN[claim.id] = (record, kept)


def cached() -> dict[str, Claim]:
    """The cache's entries by stored text (for tests and benchmarks)."""
    return dict(_DECODED)


def forget() -> None:
    """Empty the cache (benchmarks measuring a cold process)."""
    _DECODED.clear()
    _WRITTEN.clear()
