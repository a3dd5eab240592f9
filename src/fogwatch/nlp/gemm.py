"""Which BLAS does the model's matrix products: numpy's OpenBLAS, not thinc's BLIS.

Why: spaCy's CPU layers (the tok2vec embeddings and CNN of the shared tok2vec and of
NER's own, the parser's and NER's hidden layers) call `NumpyOps.gemm`, which thinc
sends to the `blis` package. On the machine fogwatch is benchmarked on (AMD EPYC,
2 cores) BLIS runs a (8000 x 288) x (288 x 288) float32 product at 23-33 GFLOPS and
numpy's OpenBLAS, single-threaded, at 87-93: the model's tok2vec layers take about half
the time and a whole extraction about a quarter less (`make bench-components`, decision
15 in docs/decisions.md). thinc has the switch
(`NumpyOps(use_blis=False)` hands `gemm` to numpy); this module sets it on every layer
of a loaded pipeline. The parsers' per-step products go through thinc's C-level BLIS
interface and are unchanged.

The annotations do not change: over the benchmark corpus (142,057 words) every tag,
head, dependency label and entity of the stock pipeline, and every claim draft of
fogwatch's, is the same with either BLAS (`tests/test_gemm.py` checks the seeds).

OpenBLAS is limited to one thread: spaCy's workers already use one core each, and a
BLAS thread pool per worker would only fight them for the same cores.

`FOGWATCH_GEMM=blis` keeps thinc's default.
"""

from __future__ import annotations

import logging

from spacy.language import Language
from thinc.api import NumpyOps

from fogwatch.settings import GEMM_BACKENDS as BACKENDS

log = logging.getLogger(__name__)


def limit_blas_threads(threads: int = 1) -> None:
    """Cap the BLAS thread pools this process (and the workers it forks) may start."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")


def use_gemm(nlp: Language, backend: str = "numpy") -> int:
    """Point the matrix products of every layer of `nlp` at `backend`; the number of
    layers set. `"blis"` is thinc's default (spaCy as shipped)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown gemm backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    ops = NumpyOps(use_blis=backend == "blis")
    if backend == "numpy":
        limit_blas_threads(1)
    layers = 0
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = ops
            layers += 1
    log.debug("gemm backend %s on %d layers", backend, layers)
    return layers
