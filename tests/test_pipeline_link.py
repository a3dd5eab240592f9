"""When `ingest_documents` links: once the extractor has taken the last document (so
linking overlaps the parse of the batches still in flight), every `link_every` stored
documents, and at the end; and the incidents do not depend on that schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import pytest

from fogwatch import pipeline
from fogwatch.model import Claim, Document, Segment
from fogwatch.store import Store
from fogwatch.store.incidents import all_incidents
from test_incidents import DEIR, claim, offset


def _documents(n: int) -> list[Document]:
    docs = []
    for k in range(n):
        text = f"Story {k}: an air strike hit a market near the river. " * 3
        docs.append(
            Document(
                id=f"d-{k:04d}",
                name=f"{k:03d}_story.txt",
                text=text,
                published=dt.date(2016, 9, 18),
                segments=[Segment(index=0, start=0, end=len(text))],
            )
        )
    return docs


def _claims_of(doc: Document) -> list[Claim]:
    """Two claims per story; stories k and k+1 are a few km apart on nearby days, so
    chains of links cross documents (and the order of linking could matter)."""
    k = int(doc.name[:3])
    day = f"2016-09-{10 + k % 5:02d}"
    at = offset(DEIR, km_north=2.0 * (k % 4))
    return [
        claim(f"c-{k:03d}-{n}", doc=doc.name, date=day, at=at, killed=3 + n + k % 3)
        for n in (1, 2)
    ]


class PrefetchingExtractor:
    """Takes `ahead` documents before yielding the first, as spaCy's workers do."""

    def __init__(self, ahead: int):
        self.ahead = ahead
        self.taken_when_yielding: list[int] = []

    def extract_many(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list]]:
        taken: list[Document] = []
        source = iter(documents)
        for doc in source:
            taken.append(doc)
            if len(taken) >= self.ahead:
                break
        done = 0
        while done < len(taken):
            doc = taken[done]
            done += 1
            self.taken_when_yielding.append(len(taken))
            yield doc, _claims_of(doc)
            nxt = next(source, None)
            if nxt is not None:
                taken.append(nxt)


def _run(tmp_path, name: str, ahead: int, link_every: int, monkeypatch) -> tuple[list, list]:
    store = Store.open(f"sqlite:///{tmp_path / name}.db")
    calls: list[list[str]] = []
    real_link = pipeline.link

    def spy(store_, claims):
        if claims:
            calls.append(sorted({c.document for c in claims}))
        return real_link(store_, claims)

    monkeypatch.setattr(pipeline, "link", spy)
    report = pipeline.ingest_documents(
        _documents(12), store, PrefetchingExtractor(ahead), link_every=link_every
    )
    assert report.stored == 12 and report.claims == 24
    records = [i.model_dump(mode="json") for i in all_incidents(store)]
    return calls, sorted(records, key=lambda r: r["id"])


def test_links_what_is_stored_once_the_last_document_is_handed_over(tmp_path, monkeypatch):
    calls, _ = _run(tmp_path, "early", ahead=5, link_every=256, monkeypatch=monkeypatch)
    # 12 documents, 5 taken ahead: the extractor takes the last one after yielding the
    # 7th and finds the input empty after the 8th, so the 9th document saved starts the
    # first link (documents 0-8) and the last link has the 3 still in flight
    assert [len(c) for c in calls] == [9, 3]
    assert calls[0] == [f"{k:03d}_story.txt" for k in range(9)]


@pytest.mark.parametrize("ahead,link_every", [(1, 256), (5, 3), (12, 256), (3, 1)])
def test_incidents_do_not_depend_on_when_linking_runs(tmp_path, monkeypatch, ahead, link_every):
    _, reference = _run(tmp_path, "ref", ahead=12, link_every=10_000, monkeypatch=monkeypatch)
    calls, records = _run(tmp_path, f"a{ahead}-{link_every}", ahead, link_every, monkeypatch)
    assert records == reference
    assert sum(len(c) for c in calls) == 12  # every document linked exactly once
    assert len({i for r in reference for i in r["claim_ids"]}) == 24
    assert len(reference) < 24  # some claims did join across documents
