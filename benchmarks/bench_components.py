"""Where extraction's time goes: seconds per pipeline component, one process.

    python benchmarks/bench_components.py [--docs 150] [--batch-size 32] [--ner-moves]
    python benchmarks/bench_components.py --fakes-dev [CSV] [--end-to-end]  # real news
    FOGWATCH_GEMM=blis python benchmarks/bench_components.py   # the model on thinc's BLIS

`--fakes-dev` reads the real news of `../shared/data/fakes-dev/articles.csv` (or the CSV
given) with fogwatch's readers instead of the generated corpus. `--end-to-end` also runs
the whole `fogwatch.pipeline.ingest` of the corpus into a fresh SQLite store in one
process and splits its time: reading, segmenting and signing, spaCy (every component),
claims built in the main process (of which places and dates), storing and linking.

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

FAKES_DEV = HERE.parent.parent / "shared" / "data" / "fakes-dev" / "articles.csv"


def corpus_documents(docs: int, fakes_dev: Path | None) -> list[Any]:
    """The generated corpus's first `docs` articles, or the documents of a real-news CSV
    as `fogwatch ingest` reads them; not yet segmented."""
    import datetime as dt

    from fogwatch.ingest.readers import ReadOptions, document_id, read_inputs
    from fogwatch.model import Document

    if fakes_dev is not None:
        return [d for d in read_inputs([str(fakes_dev)], ReadOptions()) if isinstance(d, Document)]
    out = []
    for a in generate(docs):
        record = a.as_record()
        out.append(
            Document(
                id=document_id(record["text"]),  # as the readers id it: a hash of the text
                name=record["id"],
                text=record["text"],
                outlet=record["outlet"],
                published=dt.date.fromisoformat(record["published"]),
            )
        )
    return out


def units(extractor: Any, documents: list[Any]) -> tuple[list[str], Counter]:
    """The texts spaCy reads for the corpus (prefiltered units of the hot segments), and
    the words of those units by the prefilter's reason for keeping them: a hot sentence,
    context around one, a unit's lead, or blanked."""
    from fogwatch.pipeline import prepare

    prefilter = extractor.prefilter
    out = []
    words: Counter = Counter()
    for document in documents:
        document = prepare(document.model_copy(deep=True))[0]
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


def end_to_end(extractor: Any, documents: list[Any], tmp: Path) -> dict[str, float]:
    """Seconds of each part of one `pipeline.ingest` of `documents` into a fresh SQLite
    store, in this process (the extractor's n_process is 1): the parts add up."""
    import fogwatch.pipeline as pipeline
    from fogwatch.store import Store

    spent: Counter = Counter()

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t

        return wrapper

    class TimedPipe:
        """spaCy's `pipe`, timed per doc it yields (the main process waits on it)."""

        def __init__(self, nlp: Any) -> None:
            self.nlp = nlp

        def pipe(self, texts: Any, **kwargs: Any) -> Any:
            parsed = self.nlp.pipe(texts, **kwargs)
            while True:
                t = time.perf_counter()
                try:
                    doc = next(parsed)
                except StopIteration:
                    return
                finally:
                    spent["spaCy (all components)"] += time.perf_counter() - t
                yield doc

    saved = (pipeline.prepare, pipeline.save, pipeline.link, pipeline.link_all)
    nlp, locate, date, claims = extractor.nlp, extractor._locate, extractor._date, extractor._claims
    pipeline.prepare = timed("segment + MinHash", pipeline.prepare)
    pipeline.save = timed("storing", pipeline.save)
    pipeline.link = timed("linking", pipeline.link)
    pipeline.link_all = timed("linking", pipeline.link_all)
    extractor.nlp = TimedPipe(nlp)
    extractor._locate = timed("  of which places", locate)
    extractor._date = timed("  of which dates", date)
    extractor._claims = timed("claims (main process)", claims)
    extractor._units = timed("prefilter", extractor._units)
    store = Store.open(f"sqlite:///{tmp / 'components.db'}")
    t0 = time.perf_counter()
    try:
        pipeline.ingest_documents((d.model_copy(deep=True) for d in documents), store, extractor)
    finally:
        total = time.perf_counter() - t0
        pipeline.prepare, pipeline.save, pipeline.link, pipeline.link_all = saved
        extractor.nlp = nlp
        del extractor._locate, extractor._date, extractor._claims, extractor._units
    # spaCy pulls its input through a generator, so the segmenting, MinHash and
    # prefilter of the documents it reads ran inside its timing: taken out of it here
    spent["spaCy (all components)"] -= spent["segment + MinHash"] + spent["prefilter"]
    spent["other (reading, bookkeeping)"] = total - sum(
        v for k, v in spent.items() if not k.startswith("  ")
    )
    spent["total"] = total
    return dict(spent)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument(
        "--ner-moves",
        action="store_true",
        help="also time NER alone with its moves doubled (dummy labels)",
    )
    ap.add_argument(
        "--fakes-dev",
        nargs="?",
        type=Path,
        const=FAKES_DEV,
        help="the real news of fakes-dev (or this CSV) instead of the generated corpus",
    )
    ap.add_argument(
        "--end-to-end",
        action="store_true",
        help="also split one whole ingest (one process): spaCy, claims, places, dates, "
        "storing, linking",
    )
    args = ap.parse_args()
    if args.fakes_dev is not None and not args.fakes_dev.exists():
        raise SystemExit(f"{args.fakes_dev} is not there")
    flops = gemm_gflops()
    print(
        f"float32 gemm (8000 x 288) x (288 x 288), one thread: BLIS {flops['blis']:.0f} "
        f"GFLOPS, numpy's OpenBLAS {flops['numpy']:.0f} GFLOPS; "
        f"pipeline on {os.environ.get('FOGWATCH_GEMM') or 'numpy'}"
    )
    from fogwatch.nlp.extractor import Extractor

    extractor = Extractor()  # one model load for every measurement below
    documents = corpus_documents(args.docs, args.fakes_dev)
    print(
        f"corpus: {args.fakes_dev or 'generated'}, {len(documents)} docs, "
        f"{sum(len(d.text.split()) for d in documents)} words"
    )
    texts, reasons = units(extractor, documents)
    spent = seconds_per_component(extractor.nlp, texts, args.batch_size)
    total = sum(spent.values())
    load = os.getloadavg()[0]
    words = sum(len(t.split()) for t in texts)
    corpus_words = sum(len(d.text.split()) for d in documents)
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
    if args.end_to_end:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            parts = end_to_end(extractor, documents, Path(tmp))
        print(f"one whole ingest, one process (load {os.getloadavg()[0]:.2f}):")
        total = parts["total"]
        order = ["segment + MinHash", "prefilter", "spaCy (all components)"]
        order += ["claims (main process)", "  of which places", "  of which dates"]
        order += ["storing", "linking", "other (reading, bookkeeping)", "total"]
        for name in order:
            sec = parts.get(name, 0.0)
            print(f"{name:<42} {sec:6.2f} s  {100 * sec / total:5.1f} %")
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
