"""Where extraction's time goes: seconds per pipeline component, one process.

    python benchmarks/bench_components.py [--docs 150] [--batch-size 32] [--ner-moves]
    FOGWATCH_GEMM=blis python benchmarks/bench_components.py   # the model on thinc's BLIS

The benchmark corpus (`corpus.py`) is screened by the prefilter exactly as `Extractor`
screens it, and the units spaCy would read are run through each component of the
extraction pipeline in turn (`pipe` in batches where the component has it), timing each.
One process, so the figures add up; they are what docs/performance.md quotes per
component. It first times one float32 matrix product of the tok2vec's shape on both
BLAS choices (`fogwatch.nlp.gemm`, decision 15), one thread, and splits the words of
the parsed units by why the prefilter kept them (a hot sentence, context, a unit's lead)
or blanked them. `--ner-moves` also times NER alone with its moves doubled. Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402


def units(extractor: Any, docs: int) -> tuple[list[str], Counter]:
    """The texts spaCy reads for the corpus (prefiltered units of the hot segments), and
    the words of those units by the prefilter's reason for keeping them: a hot sentence,
    context around one, a unit's lead, or blanked."""
    import datetime as dt

    from fogwatch.model import Document
    from fogwatch.pipeline import prepare

    prefilter = extractor.prefilter
    out = []
    words: Counter = Counter()
    for a in generate(docs):
        record = a.as_record()
        document = Document(
            id=f"d-{record['id']}",
            name=record["id"],
            text=record["text"],
            outlet=record["outlet"],
            published=dt.date.fromisoformat(record["published"]),
        )
        document = prepare(document)[0]
        _segs, found = extractor._units(document)
        for text, _si, offset, _spans in found:
            out.append(text)
            decision = prefilter.decide(document.text[offset : offset + len(text)])
            for i, ((start, end), kept, hot) in enumerate(
                zip(decision.spans, decision.kept, decision.hot, strict=True)
            ):
                reason = "blanked"
                if hot:
                    reason = "hot"
                elif kept:
                    reason = "lead" if i < prefilter.lead else "context"
                words[reason] += len(document.text[offset + start : offset + end].split())
    return out, words


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


def seconds_per_component(nlp: Any, texts: list[str], batch_size: int) -> Counter:
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


def ner_by_moves(nlp: Any, texts: list[str], batch_size: int) -> list[tuple[int, float, int]]:
    """NER alone over the parsed units, as shipped and with as many moves again (a
    dummy label per real one): (moves, seconds, entities) for each. The difference is the
    part of NER's time that grows with its number of moves: at every token each move is
    scored and checked for validity, in spaCy's compiled transition code, which fogwatch
    cannot change without changing the model's labels. It adds labels to `nlp`'s NER:
    run it last."""
    ner = nlp.get_pipe("ner")
    before = nlp.pipe_names[: nlp.pipe_names.index("ner")]
    docs = list(nlp.pipe(texts, batch_size=batch_size, disable=nlp.pipe_names[len(before) :]))
    preset = [list(d.ents) for d in docs]  # the entity ruler's, which NER must keep

    def timed() -> tuple[int, float, int]:
        for d, ents in zip(docs, preset, strict=True):
            d.ents = ents
        t = time.perf_counter()
        done = list(ner.pipe(docs, batch_size=batch_size))
        return ner.moves.n_moves, time.perf_counter() - t, sum(len(d.ents) for d in done)

    out = [timed()]
    for label in list(ner.labels):
        ner.add_label(f"BENCH_DUMMY_{label}")
    out.append(timed())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument(
        "--ner-moves",
        action="store_true",
        help="also time NER alone with its moves doubled (dummy labels)",
    )
    args = ap.parse_args()
    flops = gemm_gflops()
    print(
        f"float32 gemm (8000 x 288) x (288 x 288), one thread: BLIS {flops['blis']:.0f} "
        f"GFLOPS, numpy's OpenBLAS {flops['numpy']:.0f} GFLOPS; "
        f"pipeline on {os.environ.get('FOGWATCH_GEMM') or 'numpy'}"
    )
    from fogwatch.nlp.extractor import Extractor

    extractor = Extractor()  # one model load for every measurement below
    texts, reasons = units(extractor, args.docs)
    spent = seconds_per_component(extractor.nlp, texts, args.batch_size)
    total = sum(spent.values())
    load = os.getloadavg()[0]
    words = sum(len(t.split()) for t in texts)
    corpus_words = sum(a.words for a in generate(args.docs))
    print(
        f"{len(texts)} units, {words} of the corpus's {corpus_words} words kept "
        f"({100 * words / corpus_words:.0f} %); load {load:.2f}"
    )
    print(
        "words of the parsed units by the prefilter's reason: "
        + ", ".join(f"{k} {v}" for k, v in reasons.most_common())
    )
    for name, sec in spent.items():
        print(f"{name:<26} {sec:6.2f} s  {100 * sec / total:5.1f} %")
    print(f"{'total':<26} {total:6.2f} s")
    if args.ner_moves:
        (moves, seconds, ents), (moves2, seconds2, ents2) = ner_by_moves(
            extractor.nlp, texts, args.batch_size
        )
        print(
            f"ner alone: {seconds:.2f} s with its {moves} moves, {seconds2:.2f} s with "
            f"{moves2} ({ents} and {ents2} entities): about "
            f"{(seconds2 - seconds) / (moves2 - moves) * moves:.2f} s "
            f"of the {seconds:.2f} s grow with the number of moves"
        )


if __name__ == "__main__":
    main()
