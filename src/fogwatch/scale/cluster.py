"""Extraction spread over Dask workers that write to one shared store (`ingest --dask`).

Why Dask: spaCy parses one document per core, and one machine has few cores. Dask's
distributed scheduler hands partitions of documents to workers on any number of
machines; each worker loads the model once, extracts its partition and writes the
documents and claims straight to the shared PostgreSQL, so nothing large travels back.

Why the result equals a plain ingest: claim ids come from the document, not from the
order of work; linking reads the stored neighbourhood of new claims and re-partitions
it with a rule that depends only on the set of claims, and linking transactions are
serialised by the store (a PostgreSQL advisory lock), so each worker sees the others'
committed claims. After all partitions are done the client links anything left over
(`link_all`), exactly as `fogwatch ingest` does at the end of a run.

One thing is order-dependent: a syndication group is named after the copy stored
first, so with several workers a group's id can differ from a plain run's (saves are
serialised by the store, so the grouping itself does not); see docs/scale.md.

On one 2-core machine this gains nothing over `nlp.pipe(n_process=2)` (measured, see
docs/performance.md); it is for more than one machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from fogwatch.ingest.options import ReadOptions
from fogwatch.model import Document, IngestError
from fogwatch.pipeline import IngestReport

_WORKER_STATE: dict[str, Any] = {}


def _worker_store(url: str):  # noqa: ANN202 - fogwatch.store.Store
    """One Store per worker process and URL: engines and pools are per process."""
    from fogwatch.store import Store

    key = f"store:{url}"
    if key not in _WORKER_STATE:
        from fogwatch.store.db import make_engine

        _WORKER_STATE[key] = Store(make_engine(url))  # the client migrated already
    return _WORKER_STATE[key]


def _worker_extractor():  # noqa: ANN202 - fogwatch.nlp.extractor.Extractor
    """The spaCy pipeline loads once per worker process, not once per partition."""
    if "extractor" not in _WORKER_STATE:
        from fogwatch.nlp.extractor import Extractor

        _WORKER_STATE["extractor"] = Extractor(n_process=1)
    return _WORKER_STATE["extractor"]


def ingest_partition(documents: list[Document], url: str, extract: bool = True) -> dict:
    """Run on a worker: extract, store and link one partition; returns its report."""
    from fogwatch.pipeline import ingest_documents

    store = _worker_store(url)
    extractor = _worker_extractor() if extract else None
    report = ingest_documents(
        documents, store, extractor, link_every=max(1, len(documents)), link_leftovers=False
    )
    return {
        "read": report.read,
        "stored": report.stored,
        "skipped": report.skipped,
        "claims": report.claims,
        "worker": os.getpid(),
    }


def partitions(documents: list[Document], n: int) -> list[list[Document]]:
    """About `n` partitions of about equal text size (news lengths vary 20-fold)."""
    n = max(1, min(n, len(documents)))
    parts: list[list[Document]] = [[] for _ in range(n)]
    sizes = [0] * n
    for doc in sorted(documents, key=lambda d: -len(d.text)):
        i = sizes.index(min(sizes))
        parts[i].append(doc)
        sizes[i] += len(doc.text)
    return [p for p in parts if p]


def connect(address: str, workers: int | None = None):  # noqa: ANN201 - distributed.Client
    """A Client for `address` (tcp://host:8786), or for a new LocalCluster when 'local'."""
    from distributed import Client, LocalCluster

    if address == "local":
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        return Client(cluster)
    return Client(address)


def ingest_on_dask(
    inputs: Iterable[str],
    options: ReadOptions,
    url: str,
    address: str,
    extract: bool = True,
    workers: int | None = None,
    partitions_per_worker: int = 4,
) -> IngestReport:
    """Read inputs here, extract and store them on Dask workers, link leftovers here.

    `url` must be a store every worker can reach: PostgreSQL for a real cluster; a
    SQLite file works only with `address='local'` (all workers on this machine).
    """
    from fogwatch.ingest.readers import read_inputs
    from fogwatch.store import Store
    from fogwatch.store.incidents import link_all

    if address != "local" and url.startswith("sqlite"):
        raise ValueError("workers on other machines need a shared PostgreSQL store (--db)")
    store = Store.open(url)  # migrate once, here, before any worker connects
    url = store.engine.url.render_as_string(hide_password=False)
    report = IngestReport()
    documents: list[Document] = []
    for item in read_inputs(inputs, options):
        if isinstance(item, IngestError):
            report.errors.append(item)
            continue
        report.read += 1
        if store.has_document(item.id):
            report.skipped += 1
            continue
        documents.append(item)
    client = connect(address, workers)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        parts = partitions(documents, n_workers * partitions_per_worker)
        futures = client.map(ingest_partition, parts, url=url, extract=extract, pure=False)
        for result in client.gather(futures):
            report.stored += result["stored"]
            report.skipped += result["skipped"]
            report.claims += result["claims"]
    finally:
        cluster = client.cluster
        client.close()
        if address == "local" and cluster is not None:
            cluster.close()
    link_all(store)
    return report
