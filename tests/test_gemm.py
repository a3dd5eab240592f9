"""The model's matrix products run on numpy's OpenBLAS, and nothing it reads changes.

`fogwatch.nlp.gemm` points every layer of the loaded pipeline at
`NumpyOps(use_blis=False)`. These tests check that the switch reaches the layers (BLIS's
`gemm` is never called), that it is the default and can be turned off, and that the
stock model's annotations and fogwatch's claims are the same with either BLAS.
"""

from __future__ import annotations

from pathlib import Path

import blis.py
import pytest
import spacy
from threadpoolctl import threadpool_info

from fogwatch import settings
from fogwatch.model import Document
from fogwatch.nlp.extractor import Extractor
from fogwatch.nlp.gemm import use_gemm
from fogwatch.nlp.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def _texts() -> list[str]:
    paths = sorted(SEEDS.glob("*.txt")) + sorted(
        (ROOT / "examples" / "sample-corpus").rglob("*.txt")
    )
    assert len(paths) >= 5
    return [p.read_text(encoding="utf-8") for p in paths]


@pytest.fixture
def blis_calls(monkeypatch):
    """Count calls to BLIS's gemm (thinc's default route for every dense layer)."""
    calls = []
    real = blis.py.gemm

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(blis.py, "gemm", counting)
    return calls


def _layers(nlp):
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            yield from model.walk()


def test_the_pipeline_multiplies_on_numpy_by_default(blis_calls, monkeypatch):
    monkeypatch.delenv("FOGWATCH_GEMM", raising=False)
    nlp = build_nlp()
    layers = list(_layers(nlp))
    assert len(layers) > 50
    assert all(getattr(node.ops, "use_blis", None) is False for node in layers)
    doc = nlp("Air strikes killed five civilians in Douma on Sunday, activists said.")
    assert doc.ents and doc[0].dep_
    assert blis_calls == []
    # one BLAS thread per process: spaCy's workers already use a core each
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == 1 for p in blas)


def test_blis_is_thincs_default_and_stays_available(blis_calls, monkeypatch):
    stock = spacy.load(settings.model_name())
    stock("Shelling killed three people in Idlib.")
    assert blis_calls, "stock spaCy goes through BLIS: the numpy test above would mean nothing"
    monkeypatch.setenv("FOGWATCH_GEMM", "blis")
    assert settings.gemm_backend() == "blis"
    nlp = build_nlp()
    assert all(getattr(node.ops, "use_blis", None) is True for node in _layers(nlp))


def test_an_unknown_backend_is_refused():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="unknown gemm backend 'mkl'"):
        use_gemm(nlp, "mkl")


def test_the_stock_model_annotates_the_same_on_either_blas():
    texts = _texts()
    stock = spacy.load(settings.model_name())
    fast = spacy.load(settings.model_name())
    assert use_gemm(fast, "numpy") > 50

    def annotations(nlp):
        return [
            [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.lemma_) for t in doc]
            for doc in nlp.pipe(texts, batch_size=8)
        ]

    assert annotations(fast) == annotations(stock)


def test_claims_are_the_same_on_either_blas(monkeypatch):
    docs = [Document(id=f"d{i}", name=f"{i:03d}_t", text=text) for i, text in enumerate(_texts())]

    def claims(backend: str):
        monkeypatch.setenv("FOGWATCH_GEMM", backend)
        extractor = Extractor()
        return [c.model_dump(mode="json") for d in docs for c in extractor.extract(d)]

    numpy_claims = claims("numpy")
    assert len(numpy_claims) > 50
    assert numpy_claims == claims("blis")
