"""Near-duplicate detection for republished stories, with MinHash LSH (datasketch).

Outlets republish each other's pieces with a new intro or a few words changed. Counting
such a copy as a second, independent source would inflate an incident's corroboration, so
segments whose word shingles overlap strongly are put in one *syndication group*, and later
stages count a group as one origin.

The LSH bands are plain strings so the store can keep them in an indexed table: a new
document is compared only with the segments that share a band with it, never with the
whole database, and the result does not depend on which process ingested what.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs with Jaccard >= ~0.45 become candidates
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 4
MIN_WORDS = 40  # shorter segments (headings, captions) are too small to call copies
THRESHOLD = 0.5  # estimated Jaccard a candidate needs to join a group

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Signature:
    """A segment's MinHash, as stored bytes and as LSH band keys."""

    hashvalues: np.ndarray

    @property
    def bands(self) -> list[str]:
        return [
            f"{i:02d}:"
            + hashlib.blake2b(
                self.hashvalues[i * ROWS : (i + 1) * ROWS].tobytes(), digest_size=8
            ).hexdigest()
            for i in range(BANDS)
        ]

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype(np.uint64).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype=np.uint64))

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two segments' shingle sets."""
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / NUM_PERM


def shingles(words: list[str]) -> set[bytes]:
    """The runs of SHINGLE_WORDS lower-cased words of a segment."""
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }


@cache
def _scheme() -> tuple[Any, str]:
    """The hash permutations of seed 7 and datasketch's default scheme, drawn once: a
    MinHash draws them from a new random generator each time it is made (a tenth of a
    signature's cost)."""
    template = MinHash(num_perm=NUM_PERM, seed=7)
    return template.permutations, template.scheme


def signature(text: str) -> Signature | None:
    """The MinHash of a segment, or None when it is too short to judge."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    permutations, scheme = _scheme()
    minhash = MinHash(num_perm=NUM_PERM, seed=7, permutations=permutations, scheme=scheme)
    minhash.update_batch(list(shingles(words)))
    return Signature(minhash.hashvalues.copy())


def best_match(sig: Signature, candidates: Iterable[tuple[object, Signature]]) -> object | None:
    """The key of the most similar candidate at or above THRESHOLD, else None."""
    best_key, best_score = None, THRESHOLD
    for key, other in candidates:
        score = sig.similarity(other)
        if score >= best_score:
            best_key, best_score = key, score
    return best_key
