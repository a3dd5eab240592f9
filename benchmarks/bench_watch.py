"""Feed to incident: how long a new article takes to reach its incident, once fetched.

    python benchmarks/bench_watch.py [--docs 150] [--items 8] [--json-out FILE]

What is measured: `fogwatch.scale.watch.FeedWatcher.poll` against an RSS feed served on
127.0.0.1, one new item per poll, with the real extractor loaded once and set to the
processes `fogwatch watch` uses by default (the usable cores): one new article is under
the cut-off of `fogwatch.nlp.processes`, so it parses in the warm process and starts
no workers. The latency is the watcher's own `FeedResult.latencies`: from the feed
response being in hand to the new article's claims being stored and linked (read the
item, extract claims and places, store, link). Two stores:

1. empty: the article is the first thing in it;
2. dense: the store already holds the `benchmarks/corpus.py` corpus (by default 150
   articles, about 2,500 claims, all in one month of Syria reporting), and every new
   article is a conflict story of that same month, so linking has a full neighbourhood.

The new articles come from the same generator with another seed; none is in the store.
Nothing here is asserted: the figures go to docs/performance.md and the README.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate, write_jsonl  # noqa: E402


class Feed:
    """An RSS feed on 127.0.0.1 whose items the benchmark appends to between polls."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str, object]] = []  # guid, title, text, published
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = feed.rss().encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", f'"v{len(feed.items)}"')
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"

    def rss(self) -> str:
        import datetime as dt

        entries = "".join(
            f"<item><guid>{guid}</guid><title>{escape(title)}</title>"
            f"<pubDate>{format_datetime(dt.datetime.combine(day, dt.time(12), dt.UTC))}"
            f"</pubDate><description>{escape(text)}</description></item>"
            for guid, title, text, day in self.items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>bench</title><link>http://example.org/</link>{entries}</channel></rss>"
        )


PROCESSES_USED: set[int] = set()  # spaCy processes each poll ran with (the cut-off's choice)


def new_articles(n: int) -> list:
    """Conflict stories of the benchmark's month, from another seed (not in the store)."""
    return [a for a in generate(n * 6, seed=1234) if a.kind == "conflict"][:n]


def measure(store_url: str, extractor, articles: list) -> list[float]:  # noqa: ANN001
    from fogwatch.ingest.options import ReadOptions
    from fogwatch.scale.watch import FeedWatcher
    from fogwatch.store import Store

    store = Store.open(store_url)
    watcher = FeedWatcher(store, extractor, ReadOptions(allow_private=True, timeout=10))
    feed = Feed()
    latencies = []
    for article in articles:
        feed.items.append(
            (f"urn:bench:{article.id}", article.title, article.text, article.published)
        )
        result = watcher.poll(feed.url)
        if result.latencies:
            latencies.append(result.latencies[0])
        PROCESSES_USED.add(getattr(extractor, "last_processes", 1))
    feed.httpd.shutdown()
    return latencies


def forget_link_caches() -> None:
    """Empty the linker's in-process caches (pair scores, decoded claims)."""
    from fogwatch.incidents import linker
    from fogwatch.store import records

    linker.PAIRS.scores.clear()
    linker.PAIRS.conflicts.clear()
    records.forget()


def summary(values: list[float]) -> dict:
    ms = sorted(v * 1000 for v in values)
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1) if ms else None,
        "max_ms": round(ms[-1], 1) if ms else None,
        "all_ms": [round(v, 1) for v in ms],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=150, help="articles already in the dense store")
    ap.add_argument("--items", type=int, default=8, help="new articles, one per poll")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()

    from fogwatch import settings
    from fogwatch.ingest.readers import ReadOptions
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.pipeline import ingest
    from fogwatch.store import Store

    extractor = Extractor(n_process=settings.processes())  # as `fogwatch watch` runs it
    articles = new_articles(args.items)
    with tempfile.TemporaryDirectory() as tmp:
        # warm-up outside the timings: model and gazetteer caches
        measure(f"sqlite:///{tmp}/warm.db", extractor, articles[:1])
        empty = measure(f"sqlite:///{tmp}/empty.db", extractor, articles)

        corpus = Path(tmp) / "corpus.jsonl"
        write_jsonl(generate(args.docs, seed=7), corpus)
        dense_url = f"sqlite:///{tmp}/dense.db"
        t0 = time.perf_counter()
        ingest([str(corpus)], ReadOptions(), Store.open(dense_url), Extractor(n_process=2))
        built = time.perf_counter() - t0
        stats = Store.open(dense_url).stats()
        forget_link_caches()  # as a watcher started on a store another process built
        dense = measure(dense_url, extractor, articles)

    result = {
        "load": [round(x, 2) for x in os.getloadavg()],
        "processes": extractor.n_process,
        "processes_used_per_poll": sorted(PROCESSES_USED),
        "empty_store": summary(empty),
        "dense_store": {**summary(dense), "claims": stats["claims"], "built_s": round(built, 1)},
    }
    print(json.dumps(result))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=2) + "\n")
    for name, key in (("empty store", "empty_store"), ("dense store", "dense_store")):
        r = result[key]
        print(f"feed to incident, {name}: median {r['median_ms']} ms, max {r['max_ms']} ms "
              f"({r['n']} articles)")  # fmt: skip


if __name__ == "__main__":
    main()
