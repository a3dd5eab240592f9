"""The entity ruler's per-doc candidate filter drops only patterns that cannot match.

`TokenPatternIndex` skips candidates a required step of which names no word of the doc;
the result must equal walking every candidate (`_possible` always true), on real text
and on word sequences drawn from the actor patterns themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from fogwatch.nlp.actor_refs import ActorResolver
from fogwatch.nlp.ruler import TokenPatternIndex, _compile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


class EveryCandidate(TokenPatternIndex):
    """The index without the filter: every candidate is walked."""

    @staticmethod
    def _possible(steps, present) -> bool:  # noqa: ANN001
        return True


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def indexes(nlp):
    fast, full = TokenPatternIndex(), EveryCandidate()
    for p in ActorResolver().entity_patterns():
        pat = p.get("pattern")
        if isinstance(pat, str):
            pat = [{"LOWER": w.lower()} for w in nlp.make_doc(pat).text.split()]
        steps = _compile(pat) if isinstance(pat, list) else None
        if steps is not None:
            for index in (fast, full):
                index.add(steps, p.get("label", "ACTOR"), p.get("id", ""))
    assert len(full._by_first) > 300
    return fast, full


def test_same_matches_on_real_text(nlp, indexes):
    fast, full = indexes
    paths = sorted(SEEDS.glob("*.txt")) + sorted(
        (ROOT / "examples" / "sample-corpus").rglob("*.txt")
    )
    found = 0
    for path in paths:
        doc = nlp.make_doc(path.read_text(encoding="utf-8"))
        expected = full(doc)
        assert fast(doc) == expected, path.name
        found += len(expected)
    assert found > 100


def test_same_matches_on_words_of_the_patterns(nlp, indexes):
    fast, full = indexes
    words = sorted(
        {w for steps_list in full._by_first.values() for steps, _, _ in steps_list[:3]
         for _, allowed, _ in steps for w in allowed}
    )  # fmt: skip
    words += ["Syrian", "Army", "the", "of", "-", "x"]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(words), min_size=1, max_size=12))
    def check(tokens):
        doc = Doc(nlp.vocab, words=tokens)
        assert fast(doc) == full(doc)

    check()
