"""Match lexicon phrases against spaCy tokens by lemma or lower-cased text.

The lexicons list words as people write them ("air strike", "lost their lives");
matching each word against a token's lemma *or* its lower-cased form lets one entry
cover inflections without a hand-made list of forms, and keeps the YAML readable.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from spacy.tokens import Doc, Span, Token

T = TypeVar("T")


def token_keys(token: Token) -> tuple[str, str]:
    """The two forms a lexicon word may match: lemma and lower-cased text."""
    return token.lemma_.lower(), token.lower_


# Keys of each parsed doc's tokens, while the doc lives. The casualty, event and claim
# components match several tables against every sentence, and a Token object per look
# cost more than the matching.
_DOC_KEYS: weakref.WeakKeyDictionary[Doc, list[tuple[str, str]]] = weakref.WeakKeyDictionary()


def keys_of(tokens: Doc | Span) -> list[tuple[str, str]]:
    """`token_keys` of each token of a doc or span, read from the doc once.

    Read after the lemmatizer has run (the fogwatch components all come after it) and
    again if the doc's length changes; nothing in the pipeline sets lemmas later.
    """
    doc = tokens if isinstance(tokens, Doc) else tokens.doc
    keys = _DOC_KEYS.get(doc)
    if keys is None or len(keys) != len(doc):
        keys = _DOC_KEYS[doc] = [token_keys(tok) for tok in doc]
    if isinstance(tokens, Doc):
        return keys
    return keys[tokens.start : tokens.end]


class PhraseTable(Generic[T]):
    """A set of word sequences, each with a payload, matched longest-first."""

    def __init__(self, entries: Iterable[tuple[Sequence[str], T]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}
        for words, payload in entries:
            words = tuple(words)
            if not words:
                continue
            self._by_first.setdefault(words[0], []).append((words, payload))
        for lst in self._by_first.values():
            lst.sort(key=lambda e: -len(e[0]))
        self._longest = max((len(w) for lst in self._by_first.values() for w, _ in lst), default=1)

    def match_at(self, tokens: Doc | Span, i: int) -> list[tuple[int, T]]:
        """All (length, payload) of phrases starting at token index i (relative)."""
        doc = tokens if isinstance(tokens, Doc) else tokens.doc
        offset, end = (0, len(doc)) if isinstance(tokens, Doc) else (tokens.start, tokens.end)
        start = offset + i
        return self._match_keys(keys_of(doc)[start : min(end, start + self._longest)], 0)

    def _match_keys(self, keys: list[tuple[str, str]], i: int) -> list[tuple[int, T]]:
        """Phrases starting at `keys[i]`, over precomputed `token_keys` (a Token object
        per look is slow), longest first."""
        out: list[tuple[int, T]] = []
        seen: set[str] = set()
        for key in keys[i]:
            if key in seen:
                continue
            seen.add(key)
            for words, payload in self._by_first.get(key, []):
                n = len(words)
                if i + n > len(keys):
                    continue
                if all(words[k] in keys[i + k] for k in range(1, n)):
                    out.append((n, payload))
        out.sort(key=lambda e: -e[0])
        return out

    def find(self, tokens: Doc | Span) -> list[tuple[int, int, T]]:
        """Non-overlapping longest matches, left to right: (start, end, payload)."""
        out: list[tuple[int, int, T]] = []
        keys = keys_of(tokens)
        i = 0
        while i < len(keys):
            hits = self._match_keys(keys, i)
            if hits:
                n, payload = hits[0]
                out.append((i, i + n, payload))
                i += n
            else:
                i += 1
        return out

    def contains(self, tokens: Doc | Span) -> bool:
        return bool(self.find(tokens))
