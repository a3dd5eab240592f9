"""The resolver's shortcut for admin-area names finds exactly what the plain scan finds.

`PlaceResolver._admin_name_matches` tries the admin pattern only where a word starts with
a name's first letters; it must give the matches of `pattern.finditer` over the whole
text. Compared on real text (the seeds, the sample corpus, the benchmark corpus) and on
generated text made of the names themselves, their pieces, case changes, hyphens,
the cue words and the characters IGNORECASE treats specially (Kelvin sign, long s,
dotted and dotless i).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogwatch.nlp.places import default_resolver
from fogwatch.places.builtin import admin_areas

from conftest import SAMPLE_CORPUS, SEEDS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import generate  # noqa: E402


@pytest.fixture(scope="module")
def resolver():
    r = default_resolver()
    r._admin_mentions_uncached("warm up")  # compiles the pattern and the prefixes
    assert r._admin_prefixes is not None, "the shortcut is on for the built-in names"
    return r


def _spans(matches) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in matches]


def _same(resolver, text: str) -> None:
    plain = _spans(resolver._admin_pattern.finditer(text))
    assert _spans(resolver._admin_name_matches(text)) == plain, text[:200]


def test_same_matches_on_real_text(resolver):
    paths = sorted(SEEDS.glob("*.txt")) + sorted(SAMPLE_CORPUS.rglob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    texts += [a.text for a in generate(60, seed=3)]
    found = 0
    for text in texts:
        _same(resolver, text)
        found += len(list(resolver._admin_pattern.finditer(text)))
    assert found > 200


_NAMES = sorted(
    {n for e in admin_areas()["admin1"].values() for n in [e["name"], *e.get("names", [])]}
)
_PIECES = st.one_of(
    st.sampled_from(_NAMES),
    st.sampled_from(_NAMES).map(str.upper),
    st.sampled_from(_NAMES).map(str.lower),
    st.sampled_from(_NAMES).map(lambda n: n[: max(1, len(n) // 2)]),
    st.sampled_from(_NAMES).map(lambda n: n.replace("i", "\u0130").replace("s", "\u017f")),
    st.sampled_from(_NAMES).map(lambda n: n.replace("k", "\u212a").replace("i", "\u0131")),
    st.sampled_from(["province", "governorate", "countryside", "region", "of", "the"]),
    st.sampled_from([" ", "  ", "-", "\n", ",", ".", "x", "al-", "'", "’", "é"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=12))
def test_same_matches_on_generated_text(resolver, pieces):
    _same(resolver, "".join(pieces))
    _same(resolver, " ".join(pieces))
