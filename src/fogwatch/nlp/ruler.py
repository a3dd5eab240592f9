"""The `fogwatch_entity_ruler` component: tag actor and place names before spaCy's NER.

Why not spaCy's EntityRuler as is: the actor table gives some three thousand token
patterns (lower-case word sets with optional hyphens between words). spaCy's token
Matcher walks every pattern at every token, which measured at about 2k tokens/s on
this machine and halved pipeline throughput. These patterns only use `LOWER`/`ORTH`
equality or `IN` sets and the `?` operator, so they are indexed here by their
possible first word and matched directly; anything richer goes to a spaCy Matcher.
Place names (plain strings) use spaCy's PhraseMatcher on lower-cased text.

Overlaps: the longest match wins; on a tie a place beats an actor ("in Damascus" is a
place; "Damascus says" is still read as a party by the role readers, which consult the
actor table on the words themselves). Actor spans carry the canonical name as
`ent_id_`.
"""

from __future__ import annotations

import logging
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from fogwatch.nlp.actor_refs import ActorResolver

log = logging.getLogger(__name__)

_Step = tuple[str, frozenset[str], bool]  # (attr LOWER|ORTH, allowed values, optional)


def _compile(pattern: list[dict[str, Any]]) -> list[_Step] | None:
    """A token pattern as steps, or None when it uses features this index lacks."""
    steps: list[_Step] = []
    for tok in pattern:
        op = tok.get("OP")
        keys = set(tok) - {"OP"}
        if op not in (None, "?") or len(keys) != 1:
            return None
        attr = keys.pop()
        if attr not in ("LOWER", "ORTH"):
            return None
        value = tok[attr]
        if isinstance(value, str):
            allowed = frozenset([value])
        elif isinstance(value, dict) and set(value) == {"IN"}:
            allowed = frozenset(value["IN"])
        else:
            return None
        if attr == "LOWER":
            allowed = frozenset(v.lower() for v in allowed)
        steps.append((attr, allowed, op == "?"))
    return steps if any(not s[2] for s in steps) else None


class TokenPatternIndex:
    """Simple token patterns indexed by the words they can start with.

    Many patterns share a first word ("syrian": 193, "al"/"-": 52 each), so a doc first
    drops the candidates whose required steps name no word it contains: a necessary
    condition, checked once per distinct first word of the doc instead of walking every
    candidate at every occurrence.
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[list[_Step], str, str]]] = {}

    def add(self, steps: list[_Step], label: str, ent_id: str) -> None:
        firsts: set[str] = set()
        for _attr, allowed, optional in steps:
            firsts |= {v.lower() for v in allowed}
            if not optional:
                break
        for w in firsts:
            self._by_first.setdefault(w, []).append((steps, label, ent_id))

    @staticmethod
    def _possible(steps: list[_Step], present: dict[str, set[str]]) -> bool:
        """False when a required step accepts no word of the doc."""
        return all(
            optional or not allowed.isdisjoint(present[attr]) for attr, allowed, optional in steps
        )

    @staticmethod
    def _match(words: dict[str, list[str]], i: int, steps: list[_Step]) -> int:
        """Longest end index of a match starting at token i, or -1. `words` holds the
        doc's tokens as LOWER and ORTH strings (a Token object per look is slow)."""
        best = -1
        stack = [(i, 0)]
        n = len(words["LOWER"])
        while stack:
            pos, k = stack.pop()
            if k == len(steps):
                best = max(best, pos)
                continue
            attr, allowed, optional = steps[k]
            if optional:
                stack.append((pos, k + 1))
            if pos < n and words[attr][pos] in allowed:
                stack.append((pos + 1, k + 1))
        return best if best > i else -1

    def __call__(self, doc: Doc) -> list[tuple[int, int, str, str]]:
        out = []
        lowers = [tok.lower_ for tok in doc]
        words = {"LOWER": lowers, "ORTH": [tok.text for tok in doc]}
        present = {"LOWER": set(lowers), "ORTH": set(words["ORTH"])}
        possible: dict[str, list[tuple[list[_Step], str, str]]] = {}
        for i, lower in enumerate(lowers):
            cands = possible.get(lower)
            if cands is None:
                cands = possible[lower] = [
                    c for c in self._by_first.get(lower, ()) if self._possible(c[0], present)
                ]
            if not cands:
                continue
            for steps, label, ent_id in cands:
                end = self._match(words, i, steps)
                if end > 0:
                    out.append((i, end, label, ent_id))
        return out


class FogwatchEntityRuler:
    """Sets doc.ents from actor patterns (label ACTOR) and place names (label GPE)."""

    def __init__(self, nlp: Language, actor_patterns: list[dict], place_names: list[str]):
        self.index = TokenPatternIndex()
        self.matcher = Matcher(nlp.vocab)
        self.ids: dict[str, tuple[str, str]] = {}
        for n, p in enumerate(actor_patterns):
            label = p.get("label", "ACTOR")
            ent_id = p.get("id", "")
            pat = p.get("pattern")
            if isinstance(pat, str):
                pat = [{"LOWER": w.lower()} for w in nlp.make_doc(pat).text.split()]
            steps = _compile(pat) if isinstance(pat, list) else None
            if steps is not None:
                self.index.add(steps, label, ent_id)
            elif isinstance(pat, list):
                key = f"p{n}"
                self.ids[key] = (label, ent_id)
                self.matcher.add(key, [pat])
        self.places = PhraseMatcher(nlp.vocab, attr="LOWER")
        if place_names:
            self.places.add("GPE", list(nlp.tokenizer.pipe(place_names)))

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for start, end, label, ent_id in self.index(doc):
            spans.append(Span(doc, start, end, label=label, span_id=ent_id))
        if len(self.matcher):
            for key, start, end in self.matcher(doc):
                label, ent_id = self.ids[doc.vocab.strings[key]]
                spans.append(Span(doc, start, end, label=label, span_id=ent_id))
        for _key, start, end in self.places(doc):
            spans.append(Span(doc, start, end, label="GPE"))
        # longest first; on equal length a place (GPE) before an actor
        spans.sort(key=lambda s: (-(s.end - s.start), s.label_ != "GPE", s.start))
        doc.ents = filter_spans(spans)
        return doc


def place_names() -> list[str]:
    """The resolver's place names, minus short or lower-case ones that catch common words."""
    from fogwatch.nlp.places import default_resolver

    try:
        names = default_resolver().place_names()
    except Exception as exc:  # pragma: no cover - resolver owned elsewhere
        log.warning("place names unavailable: %s", exc)
        return []
    seen: set[str] = set()
    out = []
    for name in names:
        n = " ".join(str(name).split())
        if len(n) < 4 or n.islower() or n.lower() in seen:
            continue
        seen.add(n.lower())
        out.append(n)
    return out


@Language.factory("fogwatch_entity_ruler", default_config={})
def make_entity_ruler(nlp: Language, name: str) -> FogwatchEntityRuler:
    return FogwatchEntityRuler(nlp, ActorResolver().entity_patterns(), place_names())
