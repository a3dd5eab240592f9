"""Runs the stages in order: read -> segment -> extract (claims, places) -> store -> link.

Each stage is a module with its own types (see `fogwatch.model`); this file only passes
their output forward. The store is read for two things only: whether a document is already
there (so re-runs are no-ops), and the stored claims near a new one, which incremental
linking needs to join existing incidents without re-clustering the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fogwatch.incidents.linker import IncidentLinker
from fogwatch.ingest.readers import ReadOptions, read_inputs
from fogwatch.ingest.segment import segment_document
from fogwatch.ingest.syndication import Signature, signature
from fogwatch.model import Claim, Document, IngestError
from fogwatch.store.incidents import link_all

if TYPE_CHECKING:
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.store import Store


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
) -> IngestReport:
    """Read inputs, extract claims from new documents and store them, one transaction each.

    `on_item(item, claims)` is called after each input, for progress bars.
    """
    report = IngestReport()
    for item in read_inputs(inputs, options):
        if isinstance(item, IngestError):
            report.errors.append(item)
            if on_item:
                on_item(item, 0)
            continue
        report.read += 1
        if store.has_document(item.id):
            report.skipped += 1
            if on_item:
                on_item(item, 0)
            continue
        document, signatures = prepare(item)
        claims: list[Claim] = extractor.extract(document) if extractor else []
        result = store.save_document(document, claims, signatures)
        if result.stored and claims:
            IncidentLinker(store).link_document(claims)
        if result.stored:
            report.stored += 1
            report.claims += result.claims
        else:
            report.skipped += 1
        if on_item:
            on_item(document, result.claims)
    # Saving and linking are separate transactions: claims of a document whose run was
    # killed between the two are linked here, on the next run (a no-op when none are).
    link_all(store)
    return report
