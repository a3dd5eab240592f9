"""Where one process stops being faster than N: the cut-off of `fogwatch.nlp.processes`.

    python benchmarks/bench_processes.py [--sizes 1,2,4,8,16,32,64] [--repeat 3]
                                         [--processes N] [--batch-size 32] [--fakes-dev]

One extractor is loaded (as a long-running `fogwatch watch` or `serve` holds one), then
for each input size (the first K documents of the benchmark corpus, or of
`../shared/data/fakes-dev/articles.csv` with `--fakes-dev`) `extract_many` runs with one
process and with N worker processes, interleaved, `--repeat` times; the table gives the
median seconds of each and the words spaCy parses (after the prefilter). The workers are
forked from this process, so their time includes starting them but no model load, which
is what a warm process pays. The first size where N processes win is where the cut-off
belongs; `PARALLEL_MIN_WORDS` is set from it.

While the N-process runs go, the memory of each worker is sampled from
/proc/PID/smaps_rollup: its resident set (most of it the model, shared copy-on-write
with the parent) and its private part (what each extra worker costs the machine).
Linux only. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402

FAKES_DEV = HERE.parent.parent / "shared" / "data" / "fakes-dev" / "articles.csv"


def documents(fakes_dev: bool, count: int) -> list:
    """The first `count` documents, prepared (segmented) as the pipeline prepares them."""
    from fogwatch.ingest.readers import ReadOptions, read_inputs
    from fogwatch.model import Document
    from fogwatch.pipeline import prepare

    if fakes_dev:
        read = [d for d in read_inputs([str(FAKES_DEV)], ReadOptions()) if isinstance(d, Document)]
        return [prepare(d)[0] for d in read[:count]]
    return [
        prepare(Document(id=f"d-{a.id}", name=a.id, text=a.text, outlet=a.outlet,
                         published=a.published))[0]
        for a in generate(max(count, 1))[:count]
    ]  # fmt: skip


class WorkerMemory:
    """Peak resident and private MiB of this process's children, sampled every 50 ms."""

    def __init__(self) -> None:
        self.rss: dict[int, float] = {}
        self.private: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            try:
                kids = Path(f"/proc/{me}/task/{me}/children").read_text().split()
            except OSError:
                return
            for pid in map(int, kids):
                try:
                    fields = dict(
                        line.split(":", 1)
                        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
                    )
                except (OSError, ValueError):
                    continue
                kib = {k: int(v.split()[0]) for k, v in fields.items()}
                private = kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)
                self.rss[pid] = max(self.rss.get(pid, 0.0), kib.get("Rss", 0) / 1024)
                self.private[pid] = max(self.private.get(pid, 0.0), private / 1024)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,2,4,8,16,32,64", help="documents per input")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--processes", type=int, default=0, help="N (default: fogwatch's default)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--fakes-dev", action="store_true", help="real news instead of generated")
    args = ap.parse_args()

    from fogwatch import settings
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.nlp.processes import PARALLEL_MIN_WORDS

    n = args.processes or settings.processes()
    if n < 2:
        raise SystemExit(f"{n} process: nothing to compare (use --processes 2)")
    if args.fakes_dev and not FAKES_DEV.exists():
        raise SystemExit(f"{FAKES_DEV} is not there")
    sizes = [int(x) for x in args.sizes.split(",")]
    docs = documents(args.fakes_dev, max(sizes))
    extractor = Extractor(batch_size=args.batch_size, parallel_min_words=0)
    list(extractor.extract_many(d.model_copy(deep=True) for d in docs[:4]))  # warm caches
    print(
        f"{'fakes-dev' if args.fakes_dev else 'generated corpus'}; 1 process against {n}, "
        f"batch {args.batch_size}, {args.repeat} interleaved runs each, median s; "
        f"PARALLEL_MIN_WORDS is {PARALLEL_MIN_WORDS:,}; load {os.getloadavg()[0]:.2f}"
    )
    memory = WorkerMemory()
    with memory:
        for size in sizes:
            part = docs[:size]
            parsed = sum(len(text.split()) for d in part for text, *_ in extractor._units(d)[1])
            spent: dict[int, list[float]] = {1: [], n: []}
            for _ in range(args.repeat):
                for p in (1, n):
                    extractor.n_process = p
                    copies = [d.model_copy(deep=True) for d in part]
                    t = time.perf_counter()
                    for _doc in extractor.extract_many(copies):
                        pass
                    spent[p].append(time.perf_counter() - t)
            one, many = statistics.median(spent[1]), statistics.median(spent[n])
            print(
                f"{size:4d} docs {parsed:7,d} words parsed: 1 process {one:6.2f} s, {n} "
                f"processes {many:6.2f} s ({one / many:.2f} x); load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    if memory.rss:
        print(
            f"per worker: peak resident {max(memory.rss.values()):.0f} MiB, of which private "
            f"(not shared with the parent) {max(memory.private.values()):.0f} MiB "
            f"({len(memory.rss)} workers sampled)"
        )


if __name__ == "__main__":
    main()
