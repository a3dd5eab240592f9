"""The ids fogwatch mints for claims, incidents and syndication groups, and their widths.

Every id is a hash of content, never of a file name, so the same text gives the same ids
however it was named or delivered, and a re-run reproduces them. Each carries at least
64 bits: by the birthday bound, a store of a billion ids has about a 3 % chance of one
collision at 64 bits, where 32 bits collide with probability one half at about 77,000 ids
(docs/reliability.md, "Ids").

| id | form | bits |
|---|---|---|
| document | `d-` + 16 hex of sha256(normalised text) (`ingest.readers.document_id`) | 64 |
| claim | `c-` + the document's 16 hex + `-` + index in the document (4+ digits) | 64 + index |
| incident | `i-` + 16 hex of sha1(smallest member claim id) | 64 |
| syndication group | `g-` + 16 hex of blake2b(first document id, segment) | 64 |

Stores written before these widths keep their old ids (`c-<8>-NNNN`, `c-NNN-NNNN`,
`i-<8>`, `g-<12>`): they stay readable and are never rewritten (decision 17).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

ID_HEX = 16  # 64 bits
_DOCUMENT_HEX = re.compile(r"d-([0-9a-f]{16,})")


def document_hex(document_id: str) -> str:
    """The 64-bit core of a document id: its own hex for a content id (`d-<hex>`), else
    a hash of whatever id a caller gave the document (a record id, a test's name)."""
    m = _DOCUMENT_HEX.fullmatch(document_id)
    if m:
        return m.group(1)[:ID_HEX]
    return hashlib.blake2b(document_id.encode("utf-8"), digest_size=ID_HEX // 2).hexdigest()


def claim_id(document_id: str, index: int) -> str:
    """The id of a document's `index`-th claim (from 1): unique wherever the document's is.

    Why the whole document id: claim ids are the store's primary key, so two documents
    must never share a claim id; the index keeps a document's claims in reading order.
    """
    return f"c-{document_hex(document_id)}-{index:04d}"


def incident_id(claim_ids: Iterable[str]) -> str:
    """The id of the incident made of these claims: a hash of the smallest claim id.

    The same group always gets the same id, and a merged or split group is re-identified
    deterministically, whatever order its claims arrived in.
    """
    smallest = min(claim_ids)
    return "i-" + hashlib.sha1(smallest.encode("utf-8")).hexdigest()[:ID_HEX]


def group_id(document_id: str, segment_idx: int) -> str:
    """A syndication group is named after the first segment seen in it."""
    key = f"{document_id}:{segment_idx}".encode()
    return "g-" + hashlib.blake2b(key, digest_size=ID_HEX // 2).hexdigest()
