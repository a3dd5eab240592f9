"""Running fogwatch continuously and on more than one machine.

- `watch`: poll RSS/Atom feeds with conditional GETs and ingest new items as they appear.
- `cluster`: spread extraction over Dask workers that write to one shared PostgreSQL.

Both reuse `fogwatch.pipeline.ingest_documents`; nothing here extracts, stores or links
by itself, so a claim read by the watcher or a Dask worker is the claim `fogwatch
ingest` would have read.
"""
