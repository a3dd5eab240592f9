"""`fogwatch_attribute_ruler`: spaCy's AttributeRuler with its simple patterns indexed.

Why: the model's attribute ruler (tag -> POS/morph map and word exceptions, 179
patterns in en_core_web_sm 3.8) runs them through spaCy's token Matcher, which tries
every pattern at every token: about 20 µs a token, 9 % of extraction time measured on
the benchmark corpus (docs/performance.md). Every one of its token patterns tests
attributes for equality or membership (`{"TAG": "NN"}`,
`{"TAG": "VBZ", "LOWER": {"IN": ["is", "'s"]}}`), sometimes with a `NOT_IN` or `REGEX`
test beside, and only 8 are longer than one token. So a dict from attribute values to
pattern tokens finds the candidates with a few lookups per distinct token row (memoised:
the same tag/dep/word rows recur), the other tests are checked on those, and longer
patterns are followed from their first token. Patterns using anything else (operators,
comparisons) go to a spaCy Matcher of their own; the model has none.

The output is the stock component's, exactly: the same matches are applied in the same
order (pattern number, then position), by the stock `set_annotations`. The test suite
compares both on real text and on generated token sequences. `build_nlp` swaps it in
for `attribute_ruler` with the model's patterns; the pipe keeps its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from spacy.attrs import IDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.vocab import Vocab

# attributes whose pattern strings the Matcher compares as string-store hashes, as
# `Doc.to_array` returns them; and boolean flags (0/1 in both)
_HASHED = frozenset({"ORTH", "LOWER", "NORM", "TAG", "DEP", "SHAPE"})
_FLAGS = frozenset({"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "LIKE_NUM"})
_MEMO_MAX = 200_000

Match = tuple[int, int, int, int]  # (pattern number, match id, start, end), as stock


@dataclass(frozen=True)
class _Spec:
    """One token of a pattern: accepted values per column (equality, `IN`), refused
    values (`NOT_IN`) and `REGEX` tests on the attribute's string."""

    accepted: tuple[tuple[int, frozenset[int]], ...]
    refused: tuple[tuple[int, frozenset[int]], ...]
    regexes: tuple[tuple[int, re.Pattern[str]], ...]


@dataclass
class _Index:
    """Every token pattern as specs over the columns of `Doc.to_array(attrs)`.

    Specs with accepted values are found by dict lookups (one per group of columns);
    a row's result is memoised, since the same (tag, dep, word) rows recur."""

    attrs: list[str] = field(default_factory=list)
    specs: list[_Spec] = field(default_factory=list)
    groups: dict[tuple[int, ...], dict[tuple[int, ...], list[int]]] = field(default_factory=dict)
    open_specs: list[int] = field(default_factory=list)  # no accepted values: test each row
    single: dict[int, list[int]] = field(default_factory=dict)  # spec -> pattern numbers
    longer: dict[int, list[tuple[int, tuple[int, ...]]]] = field(default_factory=dict)
    # ^ first spec -> (pattern number, the specs of the tokens after it)
    rest: Matcher | None = None  # patterns the specs cannot express, under stock keys
    memo: dict[tuple[int, ...], frozenset[int]] = field(default_factory=dict)


def _compile_token(vocab: Vocab, token: dict[str, Any], column: dict[str, int]) -> _Spec | None:
    """A token pattern as a `_Spec`, or None when it uses anything else (operators,
    comparisons, other attributes)."""
    accepted, refused, regexes = [], [], []
    for key, value in token.items():
        attr = str(key).upper()
        if attr in _FLAGS:
            if not isinstance(value, bool):
                return None
            col = column.setdefault(attr, len(column))
            accepted.append((col, frozenset([int(value)])))
            continue
        if attr not in _HASHED:
            return None
        col = column.setdefault(attr, len(column))
        if isinstance(value, str):
            accepted.append((col, frozenset([vocab.strings.add(value)])))
        elif isinstance(value, dict) and len(value) == 1:
            ((op, arg),) = value.items()
            if op in ("IN", "NOT_IN") and isinstance(arg, list):
                if not all(isinstance(v, str) for v in arg):
                    return None
                (accepted if op == "IN" else refused).append(
                    (col, frozenset(vocab.strings.add(v) for v in arg))
                )
            elif op == "REGEX" and isinstance(arg, str):
                regexes.append((col, re.compile(arg)))
            else:
                return None
        else:
            return None
    return _Spec(tuple(sorted(accepted)), tuple(refused), tuple(regexes))


def build_index(vocab: Vocab, patterns: list[dict[str, Any]]) -> _Index:
    """Index `AttributeRuler.patterns` (a list in pattern-number order)."""
    index = _Index()
    rest = Matcher(vocab)
    column: dict[str, int] = {}
    spec_ids: dict[_Spec, int] = {}
    for number, entry in enumerate(patterns):
        leftover = []
        for pattern in entry["patterns"]:
            specs = [_compile_token(vocab, t, column) for t in pattern]
            if not specs or any(s is None for s in specs):
                leftover.append(pattern)
                continue
            ids = tuple(spec_ids.setdefault(s, len(spec_ids)) for s in specs)
            if len(ids) == 1:
                index.single.setdefault(ids[0], []).append(number)
            else:
                index.longer.setdefault(ids[0], []).append((number, ids[1:]))
        if leftover:
            rest.add(str(number), leftover)
    index.specs = sorted(spec_ids, key=spec_ids.__getitem__)
    for sid, spec in enumerate(index.specs):
        if not spec.accepted:
            index.open_specs.append(sid)
            continue
        cols = tuple(col for col, _ in spec.accepted)
        table = index.groups.setdefault(cols, {})
        for key in product(*(values for _, values in spec.accepted)):
            table.setdefault(key, []).append(sid)
    index.attrs = sorted(column, key=column.__getitem__)
    index.rest = rest if len(rest) else None
    return index


def _holds(index: _Index, vocab: Vocab, row: tuple[int, ...]) -> frozenset[int]:
    """The specs a token with these column values satisfies."""
    candidates = list(index.open_specs)
    for cols, table in index.groups.items():
        candidates.extend(table.get(tuple(row[c] for c in cols), ()))
    out = set()
    for sid in candidates:
        spec = index.specs[sid]
        if any(row[col] in values for col, values in spec.refused):
            continue
        if any(not rx.search(vocab.strings[row[col]]) for col, rx in spec.regexes):
            continue
        out.add(sid)
    return frozenset(out)


def find_matches(index: _Index, vocab: Vocab, doc: Doc) -> list[Match]:
    """What `AttributeRuler.match` returns for `doc`: (pattern number, match id, start,
    end), sorted, so later patterns win where two set the same attribute."""
    found: set[tuple[int, int, int]] = set()
    if index.specs and len(doc):
        array = doc.to_array([IDS[a] for a in index.attrs]).tolist()
        rows = [(r,) for r in array] if len(index.attrs) == 1 else [tuple(r) for r in array]
        memo = index.memo
        if len(memo) > _MEMO_MAX:
            memo.clear()
        holds = []
        for row in rows:
            specs = memo.get(row)
            if specs is None:
                specs = memo[row] = _holds(index, vocab, row)
            holds.append(specs)
        n = len(holds)
        for i, specs in enumerate(holds):
            for sid in specs:
                for number in index.single.get(sid, ()):
                    found.add((number, i, i + 1))
                for number, after in index.longer.get(sid, ()):
                    end = i + 1 + len(after)
                    if end <= n and all(s in holds[i + 1 + k] for k, s in enumerate(after)):
                        found.add((number, i, end))
    matches: list[Match] = [(n, vocab.strings[str(n)], s, e) for n, s, e in found]
    if index.rest is not None:
        for match_id, start, end in index.rest(doc, allow_missing=True, as_spans=False):
            matches.append((int(vocab.strings[match_id]), match_id, start, end))
    matches.sort()
    return matches


class IndexedAttributeRuler(AttributeRuler):
    """An AttributeRuler whose `match` uses `find_matches`; the index is rebuilt when
    patterns change."""

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler", **kwargs: Any) -> None:
        super().__init__(vocab, name, **kwargs)
        self._index: _Index | None = None

    def clear(self) -> None:
        super().clear()
        self._index = None

    def add(self, patterns: Any, attrs: dict, index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._index = None

    def match(self, doc: Doc) -> list[Match]:
        if self._index is None:
            self._index = build_index(self.vocab, self.patterns)
        return find_matches(self._index, self.vocab, doc)


@Language.factory(
    "fogwatch_attribute_ruler",
    default_config={"validate": False},
)
def make_indexed_attribute_ruler(nlp: Language, name: str, validate: bool) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate)


def swap_in(nlp: Language, name: str = "attribute_ruler") -> None:
    """Replace the pipeline's stock attribute ruler by the indexed one, same patterns."""
    if name not in nlp.pipe_names:
        return
    stock = nlp.get_pipe(name)
    if not isinstance(stock, AttributeRuler) or isinstance(stock, IndexedAttributeRuler):
        return
    patterns = stock.patterns
    indexed = nlp.replace_pipe(name, "fogwatch_attribute_ruler")
    indexed.add_patterns(patterns)
