"""Where extraction's time goes: seconds per pipeline component, one process.

    python benchmarks/bench_components.py [--docs 150] [--batch-size 32]
    FOGWATCH_GEMM=blis python benchmarks/bench_components.py   # the model on thinc's BLIS

The benchmark corpus (`corpus.py`) is screened by the prefilter exactly as `Extractor`
screens it, and the units spaCy would read are run through each component of the
extraction pipeline in turn (`pipe` in batches where the component has it), timing each.
One process, so the figures add up; they are what docs/performance.md quotes per
component. It first times one float32 matrix product of the tok2vec's shape on both
BLAS choices (`fogwatch.nlp.gemm`, decision 15), one thread. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402


def units(docs: int) -> list[str]:
    """The texts spaCy reads for the corpus: prefiltered units of the hot segments."""
    import datetime as dt

    from fogwatch.model import Document
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.pipeline import prepare

    extractor = Extractor()
    out = []
    for a in generate(docs):
        record = a.as_record()
        document = Document(
            id=f"d-{record['id']}",
            name=record["id"],
            text=record["text"],
            outlet=record["outlet"],
            published=dt.date.fromisoformat(record["published"]),
        )
        _segs, found = extractor._units(prepare(document)[0])
        out += [text for text, *_ in found]
    return out


def gemm_gflops(rows: int = 8000, width: int = 288, repeat: int = 30) -> dict[str, float]:
    """GFLOPS of a (rows x width) by (width x width) float32 product, BLIS and numpy."""
    import blis.py
    import numpy as np

    from fogwatch.nlp.gemm import limit_blas_threads

    limit_blas_threads(1)
    rng = np.random.default_rng(7)
    a = rng.random((rows, width), dtype=np.float32)
    b = rng.random((width, width), dtype=np.float32)
    out = {}
    for name, product in (("blis", lambda: blis.py.gemm(a, b)), ("numpy", lambda: a @ b)):
        product()
        t = time.perf_counter()
        for _ in range(repeat):
            product()
        seconds = (time.perf_counter() - t) / repeat
        out[name] = 2 * rows * width * width / seconds / 1e9
    return out


def seconds_per_component(texts: list[str], batch_size: int) -> Counter:
    from fogwatch.nlp.extractor import Extractor

    nlp = Extractor().nlp
    spent: Counter = Counter()
    for start in range(0, len(texts), batch_size):
        t = time.perf_counter()
        docs = [nlp.make_doc(x) for x in texts[start : start + batch_size]]
        spent["tokenizer"] += time.perf_counter() - t
        for name, proc in nlp.pipeline:
            t = time.perf_counter()
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=batch_size))
            else:
                docs = [proc(d) for d in docs]
            spent[name] += time.perf_counter() - t
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    flops = gemm_gflops()
    print(
        f"float32 gemm (8000 x 288) x (288 x 288), one thread: BLIS {flops['blis']:.0f} "
        f"GFLOPS, numpy's OpenBLAS {flops['numpy']:.0f} GFLOPS; "
        f"pipeline on {os.environ.get('FOGWATCH_GEMM') or 'numpy'}"
    )
    texts = units(args.docs)
    spent = seconds_per_component(texts, args.batch_size)
    total = sum(spent.values())
    load = os.getloadavg()[0]
    words = sum(len(t.split()) for t in texts)
    corpus_words = sum(a.words for a in generate(args.docs))
    print(
        f"{len(texts)} units, {words} of the corpus's {corpus_words} words kept "
        f"({100 * words / corpus_words:.0f} %); load {load:.2f}"
    )
    for name, sec in spent.items():
        print(f"{name:<26} {sec:6.2f} s  {100 * sec / total:5.1f} %")
    print(f"{'total':<26} {total:6.2f} s")


if __name__ == "__main__":
    main()
