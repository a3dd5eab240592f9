"""Speed as users get it: `fogwatch ingest` against a bare spaCy parse of the same texts.

    python benchmarks/bench.py [--docs N] [--seed S] [--n-process P] [--batch-size B]
                               [--rounds R] [--skip-postgres] [--no-breakdown]
                               [--fakes-dev CSV | --no-real-news] [--json-out FILE]
    python benchmarks/bench.py --extract-only [--repeat R]   # extraction vs bare only

Two corpora: the generated one of `benchmarks/corpus.py` (deterministic for a seed, a
JSONL file), and the real news of `../shared/data/fakes-dev/articles.csv` (379 articles
on the Syrian war, read in place; skipped with a message when it is not there).

What the target lines compare, per corpus, all as subprocesses timed by wall clock from
start to exit, so start-up counts on both sides:

1. the CLI: `fogwatch --db URL -q ingest FILE`, as a user runs it, with its default
   processes (the usable cores; `--n-process` passes `--processes`), into a fresh
   SQLite file, and once into a fresh database on a throwaway PostgreSQL server. The
   wall clock holds Python's start, the imports, the model load, reading, segmenting,
   extracting, storing and linking;
2. bare parse: a fresh interpreter that reads the same texts (the documents' text as
   fogwatch's readers read the file, from a JSON list), `spacy.load(<the same model>)`
   as spaCy ships it and `nlp.pipe(texts, n_process=P, batch_size=B)` with the P and B
   the CLI uses, iterating every doc. Model load is in, as it is in the CLI's time: a
   user of either pays it once per run.

The ratio is bare seconds over CLI seconds. SQLite CLI runs and bare parses alternate
for `--rounds` rounds (3 by default) and the ratio is the median round's: on a shared
machine either can be 20 % slower from one minute to the next. Each round also prints
CPU seconds (the subprocess and its spaCy workers). PostgreSQL runs once per corpus,
against the median round's bare parse. The last lines are always
`end-to-end/bare-parse ratio: X.XX (N docs, M words)` (the CLI on the generated corpus)
and `real-news end-to-end/bare-parse ratio: X.XX (N docs, M words)`.

The breakdown (skipped with `--no-breakdown`) times the parts in-process, model load
out, each phase in its own interpreter so peak RSS is its own:

- end to end through `fogwatch.pipeline.ingest` with storing and linking timed apart
  (both corpora);
- the bare parse in-process, also with the model's matrix products on numpy's BLAS as
  fogwatch runs it (`fogwatch.nlp.gemm`, decision 15): a bare parse could take that too,
  so the ratio against it shows what fogwatch's own work adds or saves;
- extraction alone (no store, no linking), with and without the prefilter.

`--extract-only` skips everything else, for quick work on the extractor: it runs the
bare parse and extraction (with and without the prefilter; `--no-extract-all` drops the
latter) `--repeat` times in-process, interleaved, prints one line per run with its
1-minute load average and the ratio to the bare parse of the same round, and ends with
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

FAKES_DEV = HERE.parent.parent / "shared" / "data" / "fakes-dev" / "articles.csv"
# the console script a user runs, else the same entry point through this interpreter
_SCRIPT = Path(sys.executable).with_name("fogwatch")
FOGWATCH = (
    [str(_SCRIPT)]
    if _SCRIPT.exists()
    else [sys.executable, "-c", "import sys; from fogwatch.cli import main; sys.exit(main())"]
)


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
        "processes": extractor.last_processes,
        **spent_cpu,
        **_rss_mib(),
    }


def phase_bare(texts_file: Path, n_process: int, batch_size: int, gemm: str = "blis") -> dict:
    """spaCy as shipped (`gemm="blis"`, thinc's default), or with the matrix products on
    numpy's OpenBLAS as fogwatch runs it (`"numpy"`, `fogwatch.nlp.gemm`). `seconds` is
    the parse alone; the caller's wall clock of this whole process adds the interpreter,
    the imports, reading the texts and the model load."""
    import spacy

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    nlp = spacy.load(os.environ["FOGWATCH_MODEL"])  # fogwatch's model, set by main()
    if gemm != "blis":
        from fogwatch.nlp.gemm import use_gemm

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


def read_documents(corpus: Path) -> list:
    """The documents of a corpus file as fogwatch's readers read it, prepared."""
    from fogwatch.ingest.readers import ReadOptions, read_inputs
    from fogwatch.model import Document
    from fogwatch.pipeline import prepare

    return [
        prepare(d)[0] for d in read_inputs([str(corpus)], ReadOptions()) if isinstance(d, Document)
    ]


def phase_extract(corpus: Path, n_process: int, batch_size: int, prefilter: bool) -> dict:
    """Extraction alone (no store, no linking), with or without the sentence prefilter."""
    from fogwatch.nlp.extractor import Extractor

    docs = read_documents(corpus)
    extractor = Extractor(n_process=n_process, batch_size=batch_size, prefilter=prefilter)
    cpu = _cpu_s()
    t0 = time.perf_counter()
    claims = sum(len(c) for _, c in extractor.extract_many(docs))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "extract_claims": claims, **_cpu_spent(cpu), **_rss_mib()}


def phase_warm() -> dict:
    """Build the one-off caches (the gazetteer index) outside every timed phase, as a
    user's first run builds them once."""
    import datetime as dt

    from fogwatch.model import Document
    from fogwatch.nlp.extractor import Extractor

    text = "Air strikes killed five civilians in Douma on Sunday, activists said."
    Extractor().extract(Document(id="w", name="w", text=text, published=dt.date(2016, 9, 18)))
    return {}


def timed_run(cmd: list[str]) -> tuple[dict, str]:
    """Run a command to its exit: its wall seconds from start to exit, CPU seconds and
    peak RSS (of it and its spaCy workers, from wait4), and its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=errors, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errors.seek(0)
        stdout, stderr = out.read(), errors.read()
    if proc.returncode != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"{' '.join(cmd[:6])} ... failed (exit {proc.returncode})")
    return {
        "wall_s": wall,
        "proc_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "proc_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }, stdout


def run_phase(
    name: str, args: argparse.Namespace, corpus: Path, url: str = "", processes: int = 0
) -> dict:
    """Run one phase in a fresh interpreter and read its JSON result; `wall_s` is the
    whole interpreter's, start to exit. `processes` overrides `--n-process`."""
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
        str(processes or args.n_process),
        "--batch-size",
        str(args.batch_size),
    ]
    timing, stdout = timed_run(cmd)
    return {**json.loads(stdout.strip().splitlines()[-1]), **timing}


def run_cli(args: argparse.Namespace, corpus: Path, url: str) -> dict:
    """`fogwatch ingest` as a user runs it, into `url`: wall clock start to exit."""
    cmd = [*FOGWATCH, "--db", url, "-q", "ingest", "--format", "json", str(corpus)]
    if args.processes_given:
        cmd[-1:-1] = ["--processes", str(args.n_process)]
    timing, stdout = timed_run(cmd)
    summary = json.loads(stdout)
    return {
        "seconds": timing["wall_s"],
        "stored": summary["stored"],
        "claims": summary["claims"],
        "errors": len(summary["errors"]),
        **timing,
    }


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


def cli_rounds(
    args: argparse.Namespace, name: str, corpus: Path, tmp: Path, n_docs: int, n_words: int
) -> dict:
    """The CLI on SQLite and the bare parse of the same texts, alternating `--rounds`
    times, then the CLI once on PostgreSQL; the median round's figures and every round."""
    rounds = []
    for k in range(max(1, args.rounds)):
        pair = {
            "cli": run_cli(args, corpus, f"sqlite:///{tmp}/{name}-cli-{k}.db"),
            "bare": run_phase("bare", args, corpus),
        }
        cli, bare = pair["cli"], pair["bare"]
        pair["ratio"] = bare["wall_s"] / cli["wall_s"]
        pair["cpu_ratio"] = bare["proc_cpu_s"] / cli["proc_cpu_s"]
        pair["load"] = round(os.getloadavg()[0], 2)
        print(
            f"{name} round {k + 1}: fogwatch ingest {cli['wall_s']:.1f} s (CPU "
            f"{cli['proc_cpu_s']:.1f} s), bare parse {bare['wall_s']:.1f} s (CPU "
            f"{bare['proc_cpu_s']:.1f} s; the parse itself {bare['seconds']:.1f} s), ratio "
            f"{pair['ratio']:.2f} (CPU {pair['cpu_ratio']:.2f}); load {pair['load']:.2f}",
            flush=True,
        )
        rounds.append(pair)
    middle = sorted(rounds, key=lambda r: r["ratio"])[(len(rounds) - 1) // 2]
    out = {"docs": n_docs, "words": n_words, "rounds": rounds, "median": middle}
    if not args.skip_postgres:
        from fogwatch.store.throwaway import ThrowawayPostgres

        with ThrowawayPostgres() as pg:
            out["postgresql"] = run_cli(args, corpus, pg.url)
        out["postgresql_ratio"] = middle["bare"]["wall_s"] / out["postgresql"]["wall_s"]
    for label, r in (("fogwatch ingest, SQLite", middle["cli"]), ("fogwatch ingest, PostgreSQL",
                     out.get("postgresql")), ("bare nlp.pipe", middle["bare"])):  # fmt: skip
        if r is None:
            continue
        extra = f", {r['claims']} claims" if "claims" in r else ""
        print(
            f"{name}: {label:<28} {n_docs / r['wall_s']:7.2f} docs/s "
            f"{n_words / r['wall_s']:8.0f} words/s {r['wall_s']:7.1f} s, CPU "
            f"{r['proc_cpu_s']:.1f} s, peak RSS {r['proc_rss_mib']:.0f} MiB{extra}"
        )
    if "postgresql" in out:
        print(
            f"{name}: end-to-end postgresql/bare-parse ratio: {out['postgresql_ratio']:.2f} "
            "(the median round's bare parse)"
        )
    return out


def breakdown(
    args: argparse.Namespace, name: str, corpus: Path, tmp: Path, n_docs: int, n_words: int
) -> dict:
    """The in-process figures, model load out: end to end with storing and linking timed
    apart, the bare parse (as shipped and on numpy's BLAS, and as shipped in one process
    when the run uses more) and extraction alone."""
    results: dict[str, dict] = {
        "in-process end to end": run_phase("e2e", args, corpus, f"sqlite:///{tmp}/{name}-e2e.db"),
        "bare": run_phase("bare", args, corpus),
        "bare-numpy": run_phase("bare-numpy", args, corpus),
        "extract": run_phase("extract", args, corpus),
    }
    if args.n_process > 1:
        results["bare-1"] = run_phase("bare", args, corpus, processes=1)
    if not args.no_extract_all:
        results["extract-all"] = run_phase("extract-all", args, corpus)
    for key, r in results.items():
        label = {
            "bare": "bare nlp.pipe",
            "bare-numpy": "bare, numpy BLAS",
            "bare-1": "bare nlp.pipe, 1 process",
            "extract": "extraction, prefilter",
            "extract-all": "extraction, no prefilter",
        }.get(key, key)
        if "claims" in r:
            extra = (
                f", {r['claims']} claims, {r['incidents']} incidents, {r['processes']} "
                f"processes; linking {r['link_s']:.1f} s, storing {r['save_s']:.1f} s; CPU "
                f"{_cpu_total(r):.1f} s: main {r['cpu_main_s']:.1f} s + spaCy workers "
                f"{r['cpu_workers_s']:.1f} s"
            )
        elif "extract_claims" in r:
            extra = _versus_bare(r, results)
        else:
            extra = f", pipes {','.join(r['pipes'])}"
        print(
            f"{name} breakdown: {label:<24} {n_docs / r['seconds']:7.2f} docs/s "
            f"{n_words / r['seconds']:8.0f} words/s  {r['seconds']:7.1f} s (whole process "
            f"{r['wall_s']:.1f} s)  peak RSS {r['rss_main_mib']:.0f} MiB (+ worker "
            f"{r['rss_worker_mib']:.0f} MiB){extra}",
            flush=True,
        )
    e2e, bare = results["in-process end to end"], results["bare"]
    print(
        f"{name} breakdown: start-up and exit (the whole process less its timed work): "
        f"fogwatch {e2e['wall_s'] - e2e['seconds']:.1f} s (interpreter, imports, model and "
        f"tables, store), bare parse {bare['wall_s'] - bare['seconds']:.1f} s (interpreter, "
        "spaCy, model, texts)"
    )
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description="fogwatch ingest vs bare-parse benchmark")
    ap.add_argument("--docs", type=int, default=150, help="articles to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--conflict", type=float, default=0.4, help="share of conflict stories")
    ap.add_argument(
        "--n-process",
        type=int,
        default=0,
        help="spaCy processes, both paths (default: the CLI's own default, the usable cores)",
    )
    ap.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch, both paths")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--no-breakdown", action="store_true", help="only the CLI and bare parse")
    ap.add_argument("--fakes-dev", type=Path, default=FAKES_DEV, help="the real-news CSV")
    ap.add_argument("--no-real-news", action="store_true", help="the generated corpus only")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument(
        "--extract-only", action="store_true", help="only the bare parse and extraction alone"
    )
    ap.add_argument("--repeat", type=int, default=1, help="rounds of --extract-only")
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="CLI (SQLite) and bare-parse pairs per corpus, interleaved; the ratio is their median",
    )
    ap.add_argument(
        "--no-extract-all", action="store_true", help="skip extraction without the prefilter"
    )
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--url", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.phase:
        texts = args.corpus.with_suffix(".texts.json")
        if args.phase == "bare":
            result = phase_bare(texts, args.n_process, args.batch_size)
        elif args.phase == "bare-numpy":
            result = phase_bare(texts, args.n_process, args.batch_size, gemm="numpy")
        elif args.phase == "warm":
            result = phase_warm()
        elif args.phase in ("extract", "extract-all"):
            prefilter = args.phase == "extract"
            result = phase_extract(args.corpus, args.n_process, args.batch_size, prefilter)
        else:
            result = phase_end_to_end(args.corpus, args.url, args.n_process, args.batch_size)
        print(json.dumps(result))
        return

    from corpus import generate, write_jsonl

    from fogwatch import settings

    os.environ.setdefault("FOGWATCH_MODEL", settings.model_name())  # the bare parse's too
    args.processes_given = args.n_process > 0
    args.n_process = args.n_process or settings.processes()
    with tempfile.TemporaryDirectory(prefix="fogwatch-bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ.setdefault("FOGWATCH_HOME", str(tmp / "home"))
        articles = generate(args.docs, args.seed, args.conflict)
        corpus = tmp / "corpus.jsonl"
        write_jsonl(articles, corpus)
        # the texts the bare parse reads: each document's text as fogwatch reads the file
        corpus.with_suffix(".texts.json").write_text(
            json.dumps([d.text for d in read_documents(corpus)])
        )
        n_docs = len(articles)
        n_words = sum(a.words for a in articles)
        info = machine()
        print(
            f"machine: {info['cpus']} cpus ({info['cpu_model']}), load {info['load']}; "
            f"processes={args.n_process} ({'--n-process' if args.processes_given else 'the CLI default'}), "
            f"batch_size={args.batch_size}"
        )
        kinds: dict[str, int] = {}
        for a in articles:
            kinds[a.kind] = kinds.get(a.kind, 0) + 1
        print(f"corpus: {n_docs} docs, {n_words} words (seed {args.seed}; {kinds})")
        run_phase("warm", args, corpus)
        if args.extract_only:
            extract_rounds(args, corpus, n_docs, n_words, info)
            return

        real = None
        if not args.no_real_news:
            if args.fakes_dev.exists():
                docs = read_documents(args.fakes_dev)
                real = tmp / "fakes-dev.csv"
                real.symlink_to(args.fakes_dev.resolve())
                real.with_suffix(".texts.json").write_text(json.dumps([d.text for d in docs]))
                real_docs, real_words = len(docs), sum(len(d.text.split()) for d in docs)
                print(f"real news: {args.fakes_dev}, {real_docs} docs, {real_words} words")
            else:
                print(f"real news: {args.fakes_dev} is not there; the real-news run is skipped")

        results: dict = {"machine": info, "processes": args.n_process}
        results["generated"] = cli_rounds(args, "generated", corpus, tmp, n_docs, n_words)
        if real is not None:
            results["real-news"] = cli_rounds(args, "real news", real, tmp, real_docs, real_words)
        if not args.no_breakdown:
            results["generated"]["breakdown"] = breakdown(
                args, "generated", corpus, tmp, n_docs, n_words
            )
            if real is not None:
                results["real-news"]["breakdown"] = breakdown(
                    args, "real news", real, tmp, real_docs, real_words
                )
        if args.json_out:
            args.json_out.parent.mkdir(parents=True, exist_ok=True)
            args.json_out.write_text(json.dumps(results, indent=2, default=str))
        for key, label in (("generated", "generated"), ("real-news", "real news")):
            if key in results:
                each = ", ".join(f"{r['ratio']:.2f}" for r in results[key]["rounds"])
                cpu = statistics.median(r["cpu_ratio"] for r in results[key]["rounds"])
                print(
                    f"{label}: fogwatch ingest/bare-parse ratio per round {each}; CPU-seconds "
                    f"ratio {cpu:.2f} (median); the median round is below"
                )
        ratio = results["generated"]["median"]["ratio"]
        print(f"end-to-end/bare-parse ratio: {ratio:.2f} ({n_docs} docs, {n_words} words)")
        if real is not None:
            ratio = results["real-news"]["median"]["ratio"]
            print(
                f"real-news end-to-end/bare-parse ratio: {ratio:.2f} "
                f"({real_docs} docs, {real_words} words)"
            )


if __name__ == "__main__":
    main()
