"""Runs the stages in order: read -> segment -> extract (claims, places) -> store -> link.

Each stage is a module with its own types (see `fogwatch.model`); this file only passes
their output forward. The store is read for two things only: whether a document is already
there (so re-runs are no-ops), and the stored claims near a new one, which incremental
linking needs to join existing incidents without re-clustering the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from fogwatch.incidents.linker import IncidentLinker
from fogwatch.ingest.readers import ReadOptions, read_inputs
from fogwatch.ingest.segment import segment_document
from fogwatch.ingest.syndication import Signature, signature
from fogwatch.model import Claim, Document, IngestError
from fogwatch.store.db import describe_store_error
from fogwatch.store.incidents import link_all

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.store import Store
    from fogwatch.store.db import ToSave


# Stored documents per incremental link: fewer, larger links cost less in total (each
# re-scores the neighbourhood it touches); more frequent ones show incidents sooner and
# hold fewer claims in memory. 150 benchmark documents: 4.3 s of linking every 32, 1.8 s
# in one link (benchmarks/bench_link.py, docs/performance.md).
LINK_EVERY = 256

# Extracted documents per storing transaction (`Store.save_documents`): a transaction per
# document spent more on its fixed costs (the save lock, the commit, a round of
# statements) than on a typical story's rows; `make bench` prints the storing time.
# A crash loses at most this many extracted documents, which the next run extracts again.
SAVE_EVERY = 32

# Claims per linking transaction at most: the neighbourhood query binds one parameter per
# new claim id, and SQLite and PostgreSQL cap bound parameters at 32,766 and 65,535.
MAX_LINK_CLAIMS = 20_000


@dataclass
class IngestReport:
    """What a run did, for the CLI summary and for scripts (`--format json`)."""

    read: int = 0
    stored: int = 0
    skipped: int = 0
    claims: int = 0
    errors: list[IngestError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "stored": self.stored,
            "skipped_existing": self.skipped,
            "claims": self.claims,
            "errors": [e.model_dump() for e in self.errors],
        }


def prepare(document: Document) -> tuple[Document, dict[int, Signature]]:
    """Segment a document and sign each segment for near-duplicate detection."""
    if not document.segments:
        document.segments = segment_document(document.text, document.outlet)
    if document.language not in (None, "en") and not any("English" in n for n in document.notes):
        # The extractor reads English only; say so where `documents` shows it.
        document.notes.append(
            f"language {document.language!r}, not English: no claims are extracted"
        )
    signatures = {}
    for seg in document.segments:
        sig = signature(document.text[seg.start : seg.end])
        if sig is not None:
            signatures[seg.index] = sig
    return document, signatures


def ingest(
    inputs: Iterable[str],
    options: ReadOptions,
    store: Store,
    extractor: Extractor | None,
    on_item: Callable[[Document | IngestError, int], None] | None = None,
    link_every: int = LINK_EVERY,
    save_every: int = SAVE_EVERY,
) -> IngestReport:
    """Read inputs, extract claims from new documents and store them.

    New documents stream through `Extractor.extract_many`, which hands them to spaCy's
    `nlp.pipe` in batches (with the extractor's `n_process`): one document per pipe call
    would pay the batching and worker start-up per document. Extracted documents are
    stored `save_every` to a transaction, each whole or not at all, so a crash loses at
    most the documents in flight and never half a document. Linking runs once per
    `link_every` stored documents (and whenever `MAX_LINK_CLAIMS` claims wait): each link
    reads the stored neighbourhood of the new claims and re-partitions the parts of it
    that possible links join to them, so in a dense month of reporting one link of many
    documents costs little more than a link of one (measured in docs/performance.md).
    The partition depends only on the set of claims, not on the order they came in, so
    the incidents are the same however often it links. Claims stored but not yet linked
    when a run dies are linked by `link_all` on the next run.

    `on_item(item, claims)` is called after each input, for progress bars.
    """
    return ingest_documents(
        read_inputs(inputs, options), store, extractor, on_item, link_every, save_every=save_every
    )


def ingest_documents(
    items: Iterable[Document | IngestError],
    store: Store,
    extractor: Extractor | None,
    on_item: Callable[[Document | IngestError, int], None] | None = None,
    link_every: int = LINK_EVERY,
    link_leftovers: bool = True,
    save_every: int = SAVE_EVERY,
) -> IngestReport:
    """`ingest` for documents already read (a feed poll, a Dask partition); see `ingest`.

    `link_leftovers=False` skips the final `link_all` sweep, for callers that run many
    small batches (the feed watcher) or share the store with other writers (Dask
    workers), where a sweep per batch would be wasted or would race.
    """
    report = IngestReport()
    signatures_of: dict[int, dict[int, Signature]] = {}

    def new_documents() -> Iterator[Document]:
        for item in items:
            if isinstance(item, IngestError):
                report.errors.append(item)
                if on_item:
                    on_item(item, 0)
                continue
            report.read += 1
            if _already_stored(store, item):
                report.skipped += 1
                if on_item:
                    on_item(item, 0)
                continue
            document, signatures = prepare(item)
            signatures_of[id(document)] = signatures
            yield document

    extracted = extract_stream(extractor, new_documents())
    unlinked: list[Claim] = []
    stored_since_link = 0
    waiting: list[ToSave] = []  # extracted, not yet stored

    def store_waiting() -> None:
        nonlocal unlinked, stored_since_link
        for (document, claims, _sigs), outcome in zip(
            waiting, save(store, waiting, report), strict=True
        ):
            stored = outcome is True
            if stored:
                unlinked.extend(claims)
                stored_since_link += 1
            if on_item:
                item = outcome if isinstance(outcome, IngestError) else document
                on_item(item, len(claims) if stored else 0)
        waiting.clear()
        if stored_since_link >= link_every or len(unlinked) >= MAX_LINK_CLAIMS:
            link_reporting(store, unlinked, report)
            unlinked, stored_since_link = [], 0

    for document, claims in extracted:
        waiting.append((document, claims, signatures_of.pop(id(document), {})))
        if len(waiting) >= save_every:
            store_waiting()
    store_waiting()
    link_reporting(store, unlinked, report)
    # Saving and linking are separate transactions: claims of a document whose run was
    # killed between the two are linked here, on the next run (a no-op when none are).
    if link_leftovers:
        link_reporting(store, None, report)
    return report


def link_reporting(store: Store, claims: list[Claim] | None, report: IngestReport) -> None:
    """`link` (or, with `claims=None`, the `link_all` sweep), with a database failure
    reported in the run's errors instead of raised.

    Why: the documents are stored by then; a lost connection while linking must not
    turn a run that stored them into a traceback. Their claims stay unlinked and the
    next run's sweep links them.
    """
    try:
        if claims is None:
            link_all(store)
        else:
            link(store, claims)
    except SQLAlchemyError as exc:
        log.debug("linking failed", exc_info=True)
        report.errors.append(
            IngestError(
                source="(linking)",
                reason=f"{describe_store_error(exc)}; the stored claims are linked on the next run",
            )
        )


def _already_stored(store: Store, document: Document) -> bool:
    """Whether the store has the document; when the store cannot say (a lost connection),
    the document is extracted and its save reports the failure with its name."""
    try:
        return store.has_document(document.id)
    except SQLAlchemyError as exc:
        log.debug("could not look up %s: %s", document.name, describe_store_error(exc))
        return False


def extract_stream(
    extractor: Extractor | None, documents: Iterable[Document]
) -> Iterable[tuple[Document, list[Claim]]]:
    """Claims per document, batched through `extract_many` when the extractor has it
    (anything with just `extract(document)`, such as a test double, also works)."""
    if extractor is None:
        return ((d, []) for d in documents)
    many = getattr(extractor, "extract_many", None)
    if many is not None:
        return many(documents)
    return ((d, extractor.extract(d)) for d in documents)


def link(store: Store, claims: list[Claim]) -> list[str]:
    """Link stored claims (of one or many documents) into incidents, incrementally.

    Claims go to the linker in runs of whole documents of at most `MAX_LINK_CLAIMS`
    claims (a document with more goes alone); each run is one linking transaction.
    """
    changed: list[str] = []
    run: list[Claim] = []
    for _doc, group in groupby(claims, key=lambda c: c.document):
        members = list(group)
        if run and len(run) + len(members) > MAX_LINK_CLAIMS:
            changed += IncidentLinker(store).link_document(run)
            run = []
        run += members
    if run:
        changed += IncidentLinker(store).link_document(run)
    return changed


def save(store: Store, batch: list[ToSave], report: IngestReport) -> list[bool | IngestError]:
    """Store extracted documents in one transaction; per document, True when it was new
    (its claims then need linking), False when already stored, or the error naming it
    when the store refused it (the rest of the batch is stored all the same)."""
    outcomes: list[bool | IngestError] = []
    for (document, _claims, _sigs), result in zip(batch, store.save_documents(batch), strict=True):
        if result.error:
            error = IngestError(source=document.name, reason=result.error)
            report.errors.append(error)
            outcomes.append(error)
            continue
        if result.stored:
            report.stored += 1
            report.claims += result.claims
        else:
            report.skipped += 1
        outcomes.append(result.stored)
    return outcomes
