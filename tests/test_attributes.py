"""The indexed attribute ruler gives exactly what spaCy's stock AttributeRuler gives.

Compared on real text (the seeds and the bundled sample corpus, parsed the way the
pipeline parses them) and on generated token sequences built from the model's own
pattern values, so rare patterns (`NOT_IN`, `REGEX`, several tokens) are exercised.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from fogwatch import settings as fw_settings
from fogwatch.nlp.attributes import IndexedAttributeRuler, build_index, find_matches
from fogwatch.nlp.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def stock_nlp():
    return spacy.load(fw_settings.model_name())


@pytest.fixture(scope="module")
def stock(stock_nlp) -> AttributeRuler:
    ruler = stock_nlp.get_pipe("attribute_ruler")
    assert type(ruler) is AttributeRuler
    return ruler


@pytest.fixture(scope="module")
def index(stock_nlp, stock):
    return build_index(stock_nlp.vocab, stock.patterns)


def _texts() -> list[str]:
    paths = sorted(SEEDS.glob("*.txt")) + sorted(
        (ROOT / "examples" / "sample-corpus").rglob("*.txt")
    )
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(texts) >= 5
    return texts


def test_pipeline_uses_the_indexed_ruler_with_the_stock_patterns(stock):
    nlp = build_nlp()
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, IndexedAttributeRuler)
    assert ruler.patterns == stock.patterns
    assert nlp.pipe_names.index("attribute_ruler") == nlp.pipe_names.index("parser") + 1


def test_same_matches_on_real_text(stock_nlp, stock, index):
    before = stock_nlp.pipe_names[: stock_nlp.pipe_names.index("attribute_ruler")]
    checked = 0
    with stock_nlp.select_pipes(enable=before):
        for doc in stock_nlp.pipe(_texts()):
            assert find_matches(index, stock_nlp.vocab, doc) == sorted(set(stock.match(doc)))
            checked += len(doc)
    assert checked > 5_000


def test_same_token_attributes_after_the_whole_model(stock_nlp):
    """What the lemmatizer and the claim readers see is unchanged (tag, POS, morph,
    lemma, dep), token for token."""
    fast = spacy.load(fw_settings.model_name())
    from fogwatch.nlp.attributes import swap_in

    swap_in(fast)
    assert isinstance(fast.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    cols = [TAG, POS, MORPH, LEMMA, DEP]
    for a, b in zip(stock_nlp.pipe(_texts()), fast.pipe(_texts()), strict=True):
        assert np.array_equal(a.to_array(cols), b.to_array(cols))


def _values(patterns, attr: str) -> list[str]:
    out = set()
    for entry in patterns:
        for pattern in entry["patterns"]:
            for token in pattern:
                v = token.get(attr)
                if isinstance(v, str):
                    out.add(v)
                elif isinstance(v, dict):
                    for key in ("IN", "NOT_IN"):
                        out.update(x for x in v.get(key, []) if x)
    return sorted(out)


@st.composite
def _token_rows(draw, words, tags, deps):
    n = draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        word = draw(st.sampled_from(words))
        rows.append((word, draw(st.sampled_from(tags)), draw(st.sampled_from(deps))))
    return rows


def test_same_matches_on_generated_tokens(stock_nlp, stock, index):
    """Tokens drawn from the words, tags and dependency labels the patterns name (plus
    spaces, regex-shaped words and labels no pattern names), so every pattern kind,
    multi-token ones included, fires and fails."""
    patterns = stock.patterns
    words = _values(patterns, "LOWER") + ["gon", "na", "y'", "nothin'", "Is", "THE", "dog", " "]
    tags = _values(patterns, "TAG") + ["_SP", "NNP"]
    deps = _values(patterns, "DEP") + ["nsubj", "dep", "det"]
    vocab = stock_nlp.vocab

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_token_rows(words, tags, deps))
    def check(rows):
        n = len(rows)
        doc = Doc(
            vocab,
            words=[w for w, _, _ in rows],
            spaces=[False] * n,
            tags=[t for _, t, _ in rows],
            deps=[d if i else "ROOT" for i, (_, _, d) in enumerate(rows)],
            heads=[0] * n,
        )
        assert find_matches(index, vocab, doc) == sorted(set(stock.match(doc)))

    check()


def test_patterns_added_later_are_indexed(stock_nlp):
    ruler = IndexedAttributeRuler(stock_nlp.vocab)
    ruler.add([[{"LOWER": "qwerty"}]], {"LEMMA": "keyboard"})
    doc = stock_nlp.make_doc("a qwerty here")
    assert ruler(doc)[1].lemma_ == "keyboard"
    ruler.add([[{"LOWER": "here"}]], {"LEMMA": "there"})
    assert ruler(stock_nlp.make_doc("a qwerty here"))[2].lemma_ == "there"
    ruler.clear()
    assert ruler(stock_nlp.make_doc("a qwerty here"))[1].lemma_ == ""


def test_unsupported_patterns_fall_back_to_spacys_matcher(stock_nlp):
    """Operators and comparisons are left to a Matcher, with the same result."""
    patterns = [
        {"patterns": [[{"LOWER": "very", "OP": "+"}, {"LOWER": "big"}]], "attrs": {"LEMMA": "huge"}, "index": -1},
        {"patterns": [[{"LENGTH": {">=": 5}}]], "attrs": {"NORM": "long"}, "index": 0},
        {"patterns": [[{"LOWER": "big"}]], "attrs": {"NORM": "BIG"}, "index": 0},
    ]  # fmt: skip
    stock = AttributeRuler(stock_nlp.vocab)
    stock.add_patterns(patterns)
    fast = IndexedAttributeRuler(stock_nlp.vocab)
    fast.add_patterns(patterns)
    text = "a very very big house and a big hat"
    a, b = stock(stock_nlp.make_doc(text)), fast(stock_nlp.make_doc(text))
    assert [(t.lemma_, t.norm_) for t in a] == [(t.lemma_, t.norm_) for t in b]
    assert b[3].lemma_ == "huge" and b[4].norm_ == "long" and b[7].norm_ == "BIG"
