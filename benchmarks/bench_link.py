"""Linking alone: the benchmark month's claims linked into incidents, at several cadences.

    python benchmarks/bench_link.py [--docs 150] [--every 32 256] [--json-out FILE]

The corpus of `benchmarks/corpus.py` is extracted and stored once without linking (SQLite,
one transaction per document, as `fogwatch ingest` stores). Then, for each cadence N,
a copy of that store gets its claims linked the way `fogwatch.pipeline` links them:
`pipeline.link` once per N stored documents, in storing order, then `link_all`. Each
cadence runs in a fresh process (the linker's in-process caches start empty). Printed:
seconds per cadence, seconds per link, and whether every cadence made the same incident
records (the partition must not depend on how often it links).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate, write_jsonl  # noqa: E402


def build(docs: int, folder: Path) -> None:
    """Extract and store the corpus without linking; claims per document go to a JSON file."""
    from fogwatch.ingest.readers import ReadOptions, read_inputs
    from fogwatch.model import Document
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.pipeline import prepare
    from fogwatch.store import Store

    store = Store.open(f"sqlite:///{folder / 'unlinked.db'}")
    corpus = folder / "corpus.jsonl"
    write_jsonl(generate(docs, seed=7), corpus)
    read = read_inputs([str(corpus)], ReadOptions())  # the ids `fogwatch ingest` gives
    prepared = [prepare(d) for d in read if isinstance(d, Document)]
    signatures = {document.id: sigs for document, sigs in prepared}
    order = []
    extractor = Extractor()  # not timed: one process is enough
    for document, claims in extractor.extract_many([d for d, _ in prepared]):
        if store.save_document(document, claims, signatures[document.id]).stored:
            order.append([c.model_dump(mode="json") for c in claims])
    (folder / "claims.json").write_text(json.dumps(order))
    store.engine.dispose()  # the last connection out checkpoints the WAL into the file


def replay(folder: Path, every: int) -> dict:
    """Link a copy of the unlinked store once per `every` documents; time it."""
    from fogwatch import pipeline
    from fogwatch.model import Claim
    from fogwatch.store import Store
    from fogwatch.store.incidents import all_incidents, link_all

    db = folder / f"every-{every}.db"
    shutil.copy(folder / "unlinked.db", db)
    store = Store.open(f"sqlite:///{db}")
    order = json.loads((folder / "claims.json").read_text())
    links, batch = [], []
    t0 = time.perf_counter()
    for n, claims in enumerate(order, 1):
        batch += [Claim.model_validate(c) for c in claims]
        if n % every == 0 or n == len(order):
            t = time.perf_counter()
            pipeline.link(store, batch)
            links.append(round(time.perf_counter() - t, 2))
            batch = []
    link_all(store)
    seconds = time.perf_counter() - t0
    records = sorted(
        (i.model_dump(mode="json") for i in all_incidents(store)), key=lambda r: r["id"]
    )
    digest = hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()[:16]
    return {"every": every, "seconds": round(seconds, 2), "links_s": links,
            "incidents": len(records), "digest": digest}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--every", type=int, nargs="+", default=[32, 256])
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--replay", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.replay:
        print(json.dumps(replay(args.folder, args.replay)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(args.docs, folder)
        runs = []
        for every in args.every:
            cmd = [sys.executable, __file__, "--replay", str(every), "--folder", str(folder)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                raise SystemExit(f"replay every {every} failed")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result = {"load": [round(x, 2) for x in os.getloadavg()], "docs": args.docs, "runs": runs}
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=2) + "\n")
    for r in runs:
        print(f"linking every {r['every']:>4} documents: {r['seconds']:6.2f} s "
              f"(links {r['links_s']}), {r['incidents']} incidents, records {r['digest']}")  # fmt: skip
    same = len({r["digest"] for r in runs}) == 1
    print(f"same incident records at every cadence: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
