"""Scale run: 100,000 generated documents into SQLite and PostgreSQL, nothing lost.

    python benchmarks/bench_scale.py [--docs 100000] [--backends sqlite,postgresql]
                                     [--json-out FILE]

What it runs is the ingest pipeline users run (`pipeline.ingest_documents`: segmenting,
syndication signatures and lookup, batched storing, incremental linking, the final
sweep) on the store each backend gives, with one stand-in: claims come from a
deterministic template reader instead of spaCy. The parse runs at about 15 documents a
second on this machine (`make bench` measures it), so 100,000 documents through it
would take two hours and measure the parse again; this run is about the store and the
ids at scale. The stand-in mints claim ids with the extractor's own rule
(`fogwatch.ids.claim_id`), so id collisions would show as they would in a real run.

The documents are `benchmarks/corpus.py` articles (conflict stories, live pages, calm
stories, syndicated copies), spread over 1,000 days as an archive is. It prints, per
backend: documents a second, the store's size, the peak RSS of this process (and the
server's data directory for PostgreSQL), and whether every document and every claim
generated is in the store, each exactly once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Generator  # noqa: E402

from fogwatch.ids import claim_id  # noqa: E402
from fogwatch.ingest.options import ReadOptions  # noqa: E402
from fogwatch.ingest.readers import read_inputs  # noqa: E402
from fogwatch.model import Claim, Count, Document, Evidence, Location  # noqa: E402
from fogwatch.pipeline import ingest  # noqa: E402
from fogwatch.store import Store  # noqa: E402
from fogwatch.store.schema import ClaimRow, DocumentRow  # noqa: E402

# Governorate centres the stand-in places its claims at (a place per sentence, by hash).
CENTRES = [
    ("Aleppo", 36.20, 37.16),
    ("Idlib", 35.93, 36.63),
    ("Hama", 35.13, 36.75),
    ("Homs", 34.73, 36.71),
    ("Damascus", 33.51, 36.29),
    ("Daraa", 32.62, 36.10),
    ("Deir ez-Zor", 35.33, 40.14),
    ("Raqqa", 35.95, 39.01),
    ("Hasakah", 36.50, 40.75),
    ("Latakia", 35.52, 35.79),
]
KILLED = re.compile(r"\b(?:killed|dead|died)\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class TemplateClaims:
    """The stand-in reader: a claim for each sentence that says someone was killed (at
    most four per document), placed and dated deterministically from its text: within
    about 50 km of one of ten governorate centres, as reports of many towns are."""

    def extract(self, document: Document) -> list[Claim]:
        claims: list[Claim] = []
        start = 0
        for sentence in SENTENCE_END.split(document.text):
            begin = document.text.find(sentence, start)
            start = begin + len(sentence)
            if not KILLED.search(sentence):
                continue
            n = len(claims) + 1
            digest = hashlib.blake2b(sentence.encode(), digest_size=4).digest()
            name, lat, lon = CENTRES[digest[0] % len(CENTRES)]
            lat += (digest[2] - 128) / 256
            lon += (digest[3] - 128) / 256
            claims.append(
                Claim(
                    id=claim_id(document.id, n),
                    document=document.name,
                    segment=0,
                    event_type="Explosions/Remote violence",
                    sub_event_type="Shelling/artillery/missile attack",
                    date=document.published,
                    location=Location(name=name, lat=lat, lon=lon, precision=1),
                    killed=Count(low=1 + digest[1] % 30, high=1 + digest[1] % 30),
                    evidence=Evidence(text=sentence, start=begin, end=start),
                )
            )
            if n == 4:
                break
        return claims


def write_corpus(path: Path, n: int, seed: int, days: int) -> None:
    """`n` corpus.py articles as JSONL, spread over `days` days, as an archive is."""
    start = dt.date(2016, 1, 1)
    with path.open("w", encoding="utf-8") as fh:
        for i, art in enumerate(Generator(seed).articles(n)):
            record = art.as_record()
            record["published"] = (start + dt.timedelta(days=i * days // n)).isoformat()
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def options_for(corpus: Path) -> ReadOptions:
    """One JSONL file of the whole archive: its size is the cap (`--max-mb` on the CLI)."""
    return ReadOptions(max_bytes=corpus.stat().st_size + 1)


def expected(corpus: Path) -> tuple[set[str], set[str]]:
    """Every document id and claim id the run should store, computed apart from it."""
    reader, docs, claims = TemplateClaims(), set(), set()
    for doc in read_inputs([str(corpus)], options_for(corpus)):
        assert isinstance(doc, Document), doc
        docs.add(doc.id)
        claims.update(c.id for c in reader.extract(doc))  # its claims need no segments
    return docs, claims


def stored_ids(store: Store) -> tuple[list[str], list[str]]:
    with store.session() as s:
        return (
            list(s.scalars(select(DocumentRow.id))),
            list(s.scalars(select(ClaimRow.id))),
        )


def store_size(store: Store, sqlite_path: Path | None) -> int:
    if sqlite_path is not None:
        return sum(p.stat().st_size for p in sqlite_path.parent.glob(sqlite_path.name + "*"))
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())


def run(backend: str, corpus: Path, n: int, workdir: Path) -> dict:
    """Ingest the corpus into a new store of `backend`; what it took, and what is there."""
    server = None
    sqlite_path = None
    if backend == "sqlite":
        sqlite_path = workdir / "scale.db"
        url = f"sqlite:///{sqlite_path}"
    else:
        from fogwatch.store.throwaway import ThrowawayPostgres

        server = ThrowawayPostgres().start()
        url = server.create_database("scale")
    try:
        store = Store.open(url)
        done = 0
        started = time.perf_counter()

        def on_item(_item: object, _claims: int) -> None:
            nonlocal done
            done += 1
            if done % 10_000 == 0:
                rate = done / (time.perf_counter() - started)
                print(f"  {backend}: {done:,} documents, {rate:.0f}/s", file=sys.stderr, flush=True)

        report = ingest([str(corpus)], options_for(corpus), store, TemplateClaims(), on_item)
        seconds = time.perf_counter() - started
        docs, claims = stored_ids(store)
        want_docs, want_claims = expected(corpus)
        result = {
            "documents": n,
            "seconds": round(seconds, 1),
            "documents_per_second": round(n / seconds, 1),
            "stored": report.stored,
            "skipped_as_already_stored": report.skipped,
            "errors": len(report.errors),
            "claims_stored": len(claims),
            "store_bytes": store_size(store, sqlite_path),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "every_document_once": sorted(docs) == sorted(want_docs),
            "every_claim_once": sorted(claims) == sorted(want_claims),
        }
        return result
    finally:
        if server is not None:
            server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=1_000, help="days the documents span")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()
    out: dict = {"when": dt.datetime.now().isoformat(timespec="seconds"), "docs": args.docs}
    corpus_dir = tempfile.TemporaryDirectory()
    corpus = Path(corpus_dir.name) / "archive.jsonl"
    started = time.perf_counter()
    write_corpus(corpus, args.docs, args.seed, args.days)
    size = corpus.stat().st_size
    print(f"corpus: {args.docs:,} documents, {size / 2**20:,.0f} MiB of JSONL "
          f"({time.perf_counter() - started:.0f} s to generate, not timed below)")  # fmt: skip
    out["corpus_bytes"] = size
    for backend in args.backends.split(","):
        # each backend in its own process, so the peak RSS is that backend's alone
        with tempfile.TemporaryDirectory() as tmp:
            one = subprocess.run(
                [sys.executable, __file__, "--one", backend, str(corpus), str(args.docs), tmp],
                check=True, capture_output=False, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
        result = json.loads(one.stdout.strip().splitlines()[-1])
        out[backend] = result
        print(
            f"{backend}: {result['documents']:,} documents in {result['seconds']:,} s "
            f"({result['documents_per_second']}/s), {result['claims_stored']:,} claims, "
            f"store {result['store_bytes'] / 2**20:,.0f} MiB, peak RSS {result['peak_rss_mib']} MiB, "
            f"errors {result['errors']}, every document once: {result['every_document_once']}, "
            f"every claim once: {result['every_claim_once']}"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(out, indent=2) + "\n")
    ok = all(
        out[b]["every_document_once"] and out[b]["every_claim_once"]
        for b in args.backends.split(",")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        backend, corpus, n, workdir = sys.argv[2:6]
        result = run(backend, Path(corpus), int(n), Path(workdir))
        print(json.dumps(result))
        sys.exit(0)
    sys.exit(main())
