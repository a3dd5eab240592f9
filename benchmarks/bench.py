"""End-to-end throughput against a bare spaCy parse of the same texts.

    python benchmarks/bench.py [--docs N] [--seed S] [--n-process P] [--batch-size B]
                               [--rounds R] [--skip-postgres] [--json-out FILE]
    python benchmarks/bench.py --extract-only [--repeat R]   # extraction vs bare only

What is measured, on the corpus of `benchmarks/corpus.py` (deterministic for a seed):

1. end to end, SQLite: JSONL file -> read -> segment -> extract claims and places ->
   store -> link incidents, through `fogwatch.pipeline.ingest`, into a fresh database;
2. the same into a fresh database on a throwaway PostgreSQL server;
3. bare parse: `spacy.load(<the same model>)` with its full default pipeline, and
   `nlp.pipe(texts, n_process=P, batch_size=B)` over the very same texts, with the same
   P and B the end-to-end run uses;
4. the same bare parse with the model's matrix products on numpy's BLAS, as fogwatch
   runs the model (`fogwatch.nlp.gemm`, decision 15): a bare parse could take that
   speed-up too, so the ratio against it shows what fogwatch's own work adds or saves.

Why a ratio: absolute words/s depend on the machine; end-to-end over bare parse says
how much fogwatch adds to (or, with its sentence prefilter, saves on) the cost of
running the model over everything. Model loading is outside every timing; it is inside
the peak RSS, which is what a user has to provision.

Each phase runs in its own subprocess, so one phase's peak RSS (`ru_maxrss` of the
process and of its largest spaCy worker) is not another's. The last line is always
`end-to-end/bare-parse ratio: X.XX (N docs, M words)` (SQLite end to end over bare).

End to end on SQLite and the bare parse run as `--rounds` interleaved pairs (3 by
default) and the ratio is the median pair's: on a shared VM one run can be 20 % slower
than the next. Each round also prints its CPU seconds (main process and spaCy workers)
and their ratios, which other work on the machine moves less than wall time. The table
shows the median pair; PostgreSQL and extraction alone run once.

`--extract-only` skips both end-to-end runs, for quick work on the extractor: it runs
the bare parse and extraction (with and without the prefilter; `--no-extract-all` drops
the latter) `--repeat` times, interleaved, prints one line per run with its 1-minute load
average and the ratio to the bare parse of the same round, and ends with
`extraction/bare-parse ratio: X.XX (N docs, M words)`, the median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate, write_jsonl  # noqa: E402


def _rss_mib() -> dict[str, float]:
    """Peak resident set of this process and of its largest child, in MiB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rss_main_mib": round(own, 1), "rss_worker_mib": round(kids, 1)}


def _cpu_s() -> dict[str, float]:
    """CPU seconds (user + system) so far of this process and of its finished children
    (spaCy's workers): less sensitive than wall time to other work on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_main_s": own.ru_utime + own.ru_stime,
        "cpu_workers_s": kids.ru_utime + kids.ru_stime,
    }


def _cpu_total(result: dict) -> float:
    """A phase's CPU seconds: its main process and its spaCy workers."""
    return result["cpu_main_s"] + result["cpu_workers_s"]


def _versus_bare(extract: dict, results: dict[str, dict]) -> str:
    """An extraction phase against the bare parses of the same round: wall-time ratio to
    spaCy as shipped and to the same BLAS, and the CPU-seconds ratio to spaCy as shipped."""
    bare, same = results["bare"], results["bare-numpy"]
    return (
        f", {extract['extract_claims']} claims; {bare['seconds'] / extract['seconds']:.2f} x "
        f"bare parse ({same['seconds'] / extract['seconds']:.2f} x on the same BLAS; "
        f"CPU {_cpu_total(bare) / _cpu_total(extract):.2f} x)"
    )


def _cpu_spent(before: dict[str, float]) -> dict[str, float]:
    after = _cpu_s()
    return {k: round(after[k] - before[k], 2) for k in after}


def phase_end_to_end(corpus: Path, url: str, n_process: int, batch_size: int) -> dict:
    import fogwatch.pipeline as pipeline
    from fogwatch.ingest.readers import ReadOptions
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.pipeline import ingest
    from fogwatch.store import Store

    extractor = Extractor(n_process=n_process, batch_size=batch_size)
    store = Store.open(url)
    # where the time goes: the pipeline calls these module functions by name
    spent = {"link": 0.0, "save": 0.0}

    def timed(name: str, fn):  # noqa: ANN001, ANN202
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t

        return wrapper

    pipeline.link = timed("link", pipeline.link)
    pipeline.save = timed("save", pipeline.save)
    cpu = _cpu_s()
    t0 = time.perf_counter()
    report = ingest([str(corpus)], ReadOptions(), store, extractor)
    seconds = time.perf_counter() - t0
    spent_cpu = _cpu_spent(cpu)
    stats = store.stats()
    return {
        "seconds": seconds,
        "stored": report.stored,
        "claims": stats["claims"],
        "incidents": stats["incidents"],
        "errors": len(report.errors),
        "link_s": spent["link"],
        "save_s": spent["save"],
        **spent_cpu,
        **_rss_mib(),
    }


def phase_bare(corpus: Path, n_process: int, batch_size: int, gemm: str = "blis") -> dict:
    """spaCy as shipped (`gemm="blis"`, thinc's default), or with the matrix products on
    numpy's OpenBLAS as fogwatch runs it (`"numpy"`, `fogwatch.nlp.gemm`)."""
    import spacy

    from fogwatch import settings
    from fogwatch.nlp.gemm import use_gemm

    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    nlp = spacy.load(settings.model_name())
    if gemm != "blis":
        use_gemm(nlp, gemm)
    cpu = _cpu_s()
    t0 = time.perf_counter()
    sentences = 0
    for doc in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
        sentences += sum(1 for _ in doc.sents)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "sentences": sentences,
        "pipes": nlp.pipe_names,
        **_cpu_spent(cpu),
        **_rss_mib(),
    }


def phase_extract(corpus: Path, n_process: int, batch_size: int, prefilter: bool) -> dict:
    """Extraction alone (no store, no linking), with or without the sentence prefilter."""
    import datetime as dt

    from fogwatch.model import Document
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.pipeline import prepare

    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    docs = [
        prepare(Document(id=f"d-{r['id']}", name=r["id"], text=r["text"], outlet=r.get("outlet"),
                         published=dt.date.fromisoformat(r["published"])))[0]
        for r in rows
    ]  # fmt: skip
    extractor = Extractor(n_process=n_process, batch_size=batch_size, prefilter=prefilter)
    cpu = _cpu_s()
    t0 = time.perf_counter()
    claims = sum(len(c) for _, c in extractor.extract_many(docs))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "extract_claims": claims, **_cpu_spent(cpu), **_rss_mib()}


def phase_warm() -> dict:
    """Build the one-off caches (the gazetteer index) outside every timed phase."""
    import datetime as dt

    from fogwatch.model import Document
    from fogwatch.nlp.extractor import Extractor

    text = "Air strikes killed five civilians in Douma on Sunday, activists said."
    Extractor().extract(Document(id="w", name="w", text=text, published=dt.date(2016, 9, 18)))
    return {}


def run_phase(name: str, args: argparse.Namespace, corpus: Path, url: str = "") -> dict:
    """Run one phase in a fresh interpreter and read its JSON result."""
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--corpus",
        str(corpus),
        "--url",
        url,
        "--n-process",
        str(args.n_process),
        "--batch-size",
        str(args.batch_size),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    load = os.getloadavg()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "load": [round(x, 2) for x in load]}


def extract_rounds(
    args: argparse.Namespace, corpus: Path, n_docs: int, n_words: int, info: dict
) -> None:
    """Bare parse and extraction alone, interleaved, `args.repeat` rounds."""
    names = ["bare", "bare-numpy", "extract"] + ([] if args.no_extract_all else ["extract-all"])
    rounds: list[dict[str, dict]] = []
    ratios: list[float] = []
    for k in range(max(1, args.repeat)):
        results: dict[str, dict] = {}
        for name in names:
            results[name] = run_phase(name, args, corpus)
            results[name]["load"] = round(os.getloadavg()[0], 2)
        for name, r in results.items():
            extra = ""
            if "extract_claims" in r:
                extra = _versus_bare(r, results)
                if name == "extract":
                    ratios.append(results["bare"]["seconds"] / r["seconds"])
            cpu = _cpu_total(r)
            print(
                f"round {k + 1} {name:<12} {n_words / r['seconds']:8.0f} words/s "
                f"{r['seconds']:7.1f} s  CPU {cpu:6.1f} s (main {r['cpu_main_s']:.1f})  "
                f"load {r['load']:.2f}  peak RSS {r['rss_main_mib']:.0f} "
                f"MiB (+ worker {r['rss_worker_mib']:.0f} MiB){extra}",
                flush=True,
            )
        rounds.append(results)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(
            json.dumps(
                {"machine": info, "docs": n_docs, "words": n_words, "rounds": rounds}, indent=2
            )
        )
    median = statistics.median(ratios)
    print(f"extraction/bare-parse ratio: {median:.2f} ({n_docs} docs, {n_words} words)")


def main() -> None:
    ap = argparse.ArgumentParser(description="fogwatch end-to-end vs bare-parse benchmark")
    ap.add_argument("--docs", type=int, default=150, help="articles to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--conflict", type=float, default=0.4, help="share of conflict stories")
    ap.add_argument("--n-process", type=int, default=2, help="spaCy processes, both paths")
    ap.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch, both paths")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument(
        "--extract-only", action="store_true", help="only the bare parse and extraction alone"
    )
    ap.add_argument("--repeat", type=int, default=1, help="rounds of --extract-only")
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="end-to-end (SQLite) and bare-parse pairs, interleaved; the ratio is their median",
    )
    ap.add_argument(
        "--no-extract-all", action="store_true", help="skip extraction without the prefilter"
    )
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--url", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.phase:
        if args.phase == "bare":
            result = phase_bare(args.corpus, args.n_process, args.batch_size)
        elif args.phase == "bare-numpy":
            result = phase_bare(args.corpus, args.n_process, args.batch_size, gemm="numpy")
        elif args.phase == "warm":
            result = phase_warm()
        elif args.phase in ("extract", "extract-all"):
            prefilter = args.phase == "extract"
            result = phase_extract(args.corpus, args.n_process, args.batch_size, prefilter)
        else:
            result = phase_end_to_end(args.corpus, args.url, args.n_process, args.batch_size)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="fogwatch-bench-") as tmp:
        os.environ.setdefault("FOGWATCH_HOME", str(Path(tmp) / "home"))
        articles = generate(args.docs, args.seed, args.conflict)
        corpus = Path(tmp) / "corpus.jsonl"
        write_jsonl(articles, corpus)
        n_docs = len(articles)
        n_words = sum(a.words for a in articles)
        info = machine()
        print(
            f"machine: {info['cpus']} cpus ({info['cpu_model']}), load {info['load']}; "
            f"n_process={args.n_process}, batch_size={args.batch_size}"
        )
        kinds: dict[str, int] = {}
        for a in articles:
            kinds[a.kind] = kinds.get(a.kind, 0) + 1
        print(f"corpus: {n_docs} docs, {n_words} words (seed {args.seed}; {kinds})")
        results: dict[str, dict] = {}
        run_phase("warm", args, corpus)
        if args.extract_only:
            extract_rounds(args, corpus, n_docs, n_words, info)
            return
        # End to end (SQLite) and the bare parse alternate for `--rounds` rounds: on a
        # shared machine either can be 20 % slower from one minute to the next, so the
        # ratio reported is the median of the rounds, each run next to its own baseline.
        rounds = []
        for k in range(max(1, args.rounds)):
            pair = {
                "sqlite": run_phase("e2e", args, corpus, f"sqlite:///{tmp}/bench-{k}.db"),
                "bare": run_phase("bare", args, corpus),
                "bare-numpy": run_phase("bare-numpy", args, corpus),
            }
            pair["ratio"] = pair["bare"]["seconds"] / pair["sqlite"]["seconds"]
            pair["ratio_same_blas"] = pair["bare-numpy"]["seconds"] / pair["sqlite"]["seconds"]
            # CPU seconds move less than wall time when other work shares the machine
            cpu = {name: _cpu_total(pair[name]) for name in ("sqlite", "bare", "bare-numpy")}
            pair["cpu_ratio"] = cpu["bare"] / cpu["sqlite"]
            pair["cpu_ratio_same_blas"] = cpu["bare-numpy"] / cpu["sqlite"]
            pair["load"] = round(os.getloadavg()[0], 2)
            print(
                f"round {k + 1}: end to end {pair['sqlite']['seconds']:.1f} s, bare parse "
                f"{pair['bare']['seconds']:.1f} s (with numpy's BLAS "
                f"{pair['bare-numpy']['seconds']:.1f} s), ratio {pair['ratio']:.2f} "
                f"(same BLAS {pair['ratio_same_blas']:.2f}); CPU s {cpu['sqlite']:.1f} vs "
                f"{cpu['bare']:.1f} ({cpu['bare-numpy']:.1f}), CPU ratio "
                f"{pair['cpu_ratio']:.2f} (same BLAS {pair['cpu_ratio_same_blas']:.2f}); "
                f"load {pair['load']:.2f}",
                flush=True,
            )
            rounds.append(pair)
        middle = sorted(rounds, key=lambda r: r["ratio"])[(len(rounds) - 1) // 2]
        results["sqlite"] = middle["sqlite"]
        if not args.skip_postgres:
            from fogwatch.store.throwaway import ThrowawayPostgres

            with ThrowawayPostgres() as pg:
                results["postgresql"] = run_phase("e2e", args, corpus, pg.url)
        results["bare"] = middle["bare"]
        results["bare-numpy"] = middle["bare-numpy"]
        results["extract"] = run_phase("extract", args, corpus)
        if not args.no_extract_all:
            results["extract-all"] = run_phase("extract-all", args, corpus)

        for name, r in results.items():
            label = {
                "bare": "bare nlp.pipe",
                "bare-numpy": "bare, numpy BLAS",
                "extract": "extraction, prefilter",
                "extract-all": "extraction, no prefilter",
            }.get(name, f"end-to-end {name}")
            if "claims" in r:
                extra = (
                    f", {r['claims']} claims, {r['incidents']} incidents; "
                    f"linking {r['link_s']:.1f} s, storing {r['save_s']:.1f} s; CPU "
                    f"{_cpu_total(r):.1f} s: main {r['cpu_main_s']:.1f} s + spaCy workers "
                    f"{r['cpu_workers_s']:.1f} s"
                )
            elif "extract_claims" in r:
                extra = _versus_bare(r, results)
            else:
                extra = f", pipes {','.join(r['pipes'])}"
            print(
                f"{label:<24} {n_docs / r['seconds']:7.2f} docs/s {n_words / r['seconds']:8.0f} "
                f"words/s  {r['seconds']:7.1f} s  peak RSS {r['rss_main_mib']:.0f} MiB "
                f"(+ worker {r['rss_worker_mib']:.0f} MiB){extra}"
            )
        if "postgresql" in results:
            pg_ratio = results["bare"]["seconds"] / results["postgresql"]["seconds"]
            print(f"end-to-end postgresql/bare-parse ratio: {pg_ratio:.2f} (median round's bare)")
        if args.json_out:
            args.json_out.parent.mkdir(parents=True, exist_ok=True)
            args.json_out.write_text(
                json.dumps(
                    {
                        "machine": info,
                        "docs": n_docs,
                        "words": n_words,
                        "results": results,
                        "rounds": rounds,
                    },
                    indent=2,
                )
            )
        if len(rounds) > 1:
            each = ", ".join(f"{r['ratio']:.2f}" for r in rounds)
            print(f"end-to-end/bare-parse ratio per round: {each}; the median is below")
        same = statistics.median(r["ratio_same_blas"] for r in rounds)
        print(
            "end-to-end/bare-parse ratio with the bare parse on fogwatch's BLAS (numpy): "
            f"{same:.2f} (median of the rounds)"
        )
        cpu_ratio = statistics.median(r["cpu_ratio"] for r in rounds)
        cpu_same = statistics.median(r["cpu_ratio_same_blas"] for r in rounds)
        print(
            f"end-to-end/bare-parse CPU-seconds ratio: {cpu_ratio:.2f} "
            f"(same BLAS {cpu_same:.2f}; medians of the rounds)"
        )
        ratio = middle["ratio"]
        print(f"end-to-end/bare-parse ratio: {ratio:.2f} ({n_docs} docs, {n_words} words)")


if __name__ == "__main__":
    main()
