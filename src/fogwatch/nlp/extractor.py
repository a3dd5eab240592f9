"""`Extractor`: documents in, claims out. The public face of the nlp stage.

The spaCy pipeline (see `pipeline.py`) reads one story at a time and leaves claim
drafts on the doc; this class supplies what a doc cannot know by itself: which
document and segment it belongs to, the outlet, the publication date the dates are
read against, the gazetteer the places are resolved in, character offsets into the
whole document, and deterministic claim ids.

Bad input is expected, not exceptional: a non-English document yields no claims and
a note (in `Extractor.notes[document.name]`), a huge segment is cut into chunks of at
most `MAX_CHARS` at paragraph or sentence boundaries so memory stays bounded, and a
text with no conflict content yields nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from fogwatch.ids import claim_id
from fogwatch.model import (
    ActorRef,
    Claim,
    Claimant,
    Count,
    Document,
    Evidence,
    Location,
    PlaceMention,
    Segment,
    Victims,
)
from fogwatch.nlp.dates import resolve as resolve_date
from fogwatch.nlp.dates import warm_up as warm_up_dates
from fogwatch.nlp.perpetrators import fill_perpetrators
from fogwatch.nlp.pipeline import build_nlp
from fogwatch.nlp.places import default_resolver
from fogwatch.nlp.prefilter import Prefilter
from fogwatch.nlp.processes import PARALLEL_MIN_WORDS, processes_for, workers_die_with_it
from fogwatch.nlp.roles import assign_roles
from fogwatch.nlp.settle import Settler
from fogwatch.nlp.typing_rules import retype

log = logging.getLogger(__name__)

MAX_CHARS = 100_000
_SHARE_EN_MIN = 0.05
_MIN_WORDS_TO_JUDGE = 12
_EN_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "was",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "he",
        "they",
        "said",
        "were",
        "are",
        "has",
        "have",
        "been",
        "killed",
    ]
)
_SEGMENT_KINDS_SHARED_STORY = {"update", "original", "lead", "body"}


def _segments(document: Document) -> list[Segment]:
    if document.segments:
        return list(document.segments)
    try:
        from fogwatch.ingest.segment import segment_document

        segs = segment_document(document.text, outlet=document.outlet)
        if segs:
            return segs
    except Exception as exc:  # segmentation is another stage; fall back to one story
        log.warning("segment_document failed (%s); using one segment", exc)
    return [Segment(index=0, start=0, end=len(document.text), kind="body")]


def is_english(document: Document) -> bool:
    """Use the document's language when ingest set it, else a cheap guess."""
    if document.language:
        return document.language.lower().split("-")[0] == "en"
    sample = document.text[:5000]
    if len(re.findall(r"[^\W\d_]+", sample)) < _MIN_WORDS_TO_JUDGE:
        return True  # too short to tell; a headline in English is the common case
    try:
        from fogwatch.ingest.language import guess_language

        lang = guess_language(sample)
        if lang is not None:
            return lang == "en"
    except Exception:  # pragma: no cover - ingest module optional here
        pass
    words = re.findall(r"[^\W\d_]+", sample.lower())
    if len(words) < 3:
        return True
    return sum(w in _EN_WORDS for w in words) / len(words) >= _SHARE_EN_MIN


def chunks(text: str, limit: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Cut a long text at paragraph (else sentence, else word) boundaries, each <= limit."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while n - start > limit:
        window = text[start : start + limit]
        cut = window.rfind("\n\n")
        if cut < limit // 4:
            cut = max(window.rfind(". "), window.rfind("\n"))
        if cut < limit // 4:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        else:
            cut += 1
        out.append((start, start + cut))
        start += cut
    out.append((start, n))
    return out


def _mentions(found: list[dict[str, Any]], offset: int) -> list[PlaceMention]:
    """Place mentions as a component left them (dicts, offsets in its unit), with
    offsets into the whole document."""
    return [
        PlaceMention(**{**m, "start": m["start"] + offset, "end": m["end"] + offset}) for m in found
    ]


@dataclass
class _Pending:
    """A document in flight: how many of its units spaCy still has, what came back."""

    document: Document
    segs: list[Segment]
    waiting: int = 0
    drafts: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    seg_places: dict[int, list[PlaceMention]] = field(default_factory=dict)


class Extractor:
    """Load the pipeline once; turn documents into claims."""

    def __init__(
        self,
        model: str | None = None,
        n_process: int = 1,
        batch_size: int = 32,
        prefilter: bool = True,
        parallel_min_words: int = PARALLEL_MIN_WORDS,
    ):
        """`prefilter=True` blanks sentences that cannot carry a claim before spaCy runs
        (see `nlp/prefilter.py`); `False` parses every sentence, for comparison.
        `n_process` workers parse a run of at least `parallel_min_words` words; a
        smaller one stays in this process (`nlp/processes.py`). spaCy hands each worker
        whole batches in turn, so a smaller `batch_size` sets every worker going sooner
        on a mid-sized input (32 rather than 64: docs/performance.md, "How many
        processes")."""
        self.nlp = build_nlp(model)
        self.nlp.add_pipe("fogwatch_handoff", last=True)  # docs come back as drafts only
        self.prefilter = Prefilter() if prefilter else None
        # place lookups repeat: every claim of a segment brings the same segment text and
        # often the same mentions; the resolver's admin-area scan of that text dominates
        self._places: dict[tuple, Location | None] = {}
        self.n_process = n_process
        self.parallel_min_words = parallel_min_words
        self.last_processes = 0  # what the last `extract_many` ran with, for reports
        self.batch_size = batch_size
        self.resolver = default_resolver()
        self.settler = Settler()
        warm_up_dates()  # part of loading, like the model: not paid by the first document
        self.notes: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ public
    def extract(self, document: Document) -> list[Claim]:
        for _doc, claims in self.extract_many([document]):
            return claims
        return []

    def extract_many(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Claim]]]:
        """(document, claims) for each document, in input order, each as soon as the
        last of its units is back from spaCy.

        One `nlp.pipe` call streams the units of every document of the run, so spaCy
        starts its `n_process` workers once (for a run of at least `parallel_min_words`
        words: `nlp/processes.py`) and keeps them busy while this process turns the
        drafts of earlier documents into claims. Documents are read lazily: spaCy takes
        a few batches ahead of what it has returned, no more (and the look-ahead of the
        cut-off, when there are workers to choose). Units go in
        as plain strings (what belongs to each waits here, in order: `nlp.pipe` keeps
        the order), so the tokenizer runs in the workers and nothing is serialised on
        the way out.
        """
        pending: deque[_Pending] = deque()  # documents read, in order, not yet yielded
        fed: deque[tuple[_Pending | None, int, int, list[tuple[int, int]]]] = deque()

        def texts() -> Iterator[str]:
            idle = 0  # documents in a row that sent spaCy nothing
            for document in documents:
                segs, units = self._units(document)
                doc = _Pending(document, segs, waiting=len(units))
                pending.append(doc)
                for text, si, offset, spans in units:
                    fed.append((doc, si, offset, spans))
                    yield text
                idle = 0 if units else idle + 1
                if idle >= max(1, self.batch_size):
                    # a long run of documents with nothing to parse: an empty marker
                    # comes back in turn and lets them out, so they do not pile up here
                    fed.append((None, 0, 0, []))
                    yield ""
                    idle = 0

        n_process, stream = processes_for(self.n_process, texts(), self.parallel_min_words)
        self.last_processes = n_process
        first = next(stream, None)
        if first is not None:
            parsed = self.nlp.pipe(
                chain([first], stream), batch_size=self.batch_size, n_process=n_process
            )
            try:
                with workers_die_with_it():  # spaCy forks its workers on the first doc
                    head = next(parsed, None)
                for spdoc in chain([] if head is None else [head], parsed):
                    doc, si, offset, spans = fed.popleft()
                    if doc is not None:
                        self._take(doc, si, offset, spans, spdoc)
                        doc.waiting -= 1
                    while pending and pending[0].waiting == 0:
                        done = pending.popleft()
                        yield done.document, self._claims(done)
            finally:
                parsed.close()  # stops spaCy's workers when the caller stops early
        while pending:  # the documents after the last unit: nothing to wait for
            done = pending.popleft()
            yield done.document, self._claims(done)

    # ------------------------------------------------------------------ internals
    def _units(
        self, document: Document
    ) -> tuple[list[Segment], list[tuple[str, int, int, list[tuple[int, int]]]]]:
        """The segments of a document and the units spaCy has to read: (text, segment
        index, offset of the text in the document, blanked spans of the text).

        With the prefilter a segment none of whose sentences is hot is left out, unless
        a neighbouring segment has one: a cold segment yields no claim (its kept lead
        is context for hot sentences only, and it has none), and only its neighbours'
        claims read its places (`_claims`: an update with no place of its own continues
        the story around it)."""
        if not document.text or not document.text.strip():
            return [], []
        if not is_english(document):
            note = "not English: no claims extracted"
            self.notes.setdefault(document.name, []).append(note)
            log.info("%s: %s", document.name, note)
            return [], []
        segs = _segments(document)
        per_seg: list[list[tuple[str, int, int, list[tuple[int, int]]]]] = []
        hot: list[bool] = []
        for si, seg in enumerate(segs):
            text = document.text[seg.start : seg.end]
            units = []
            seg_hot = self.prefilter is None
            for a, b in chunks(text):
                if text[a:b].strip():
                    unit, spans = text[a:b], []
                    if self.prefilter is not None:
                        unit, spans, unit_hot = self.prefilter.screen(unit)
                        seg_hot = seg_hot or unit_hot
                    units.append((unit, si, seg.start + a, spans))
            per_seg.append(units)
            hot.append(seg_hot)
        return segs, [
            unit
            for si, units in enumerate(per_seg)
            if any(hot[max(0, si - 1) : si + 2])
            for unit in units
        ]

    def _take(
        self, doc: _Pending, si: int, offset: int, spans: list[tuple[int, int]], spdoc: Any
    ) -> None:
        """Keep what spaCy read in one unit: its claim drafts and its first places."""
        for d in spdoc._.fw_drafts or []:
            for a, b in spans:
                # a sentence next to a blanked one may run into the blank's
                # whitespace token: its evidence stops where the blank begins, as it
                # would stop where that sentence begins in a full parse
                if a <= d["start"] < b:
                    d["start"] = b
                elif d["start"] < a < d["end"]:
                    d["end"] = a
            doc.drafts.append((si, offset, d))
        places = spdoc._.fw_places
        if places and si not in doc.seg_places:
            doc.seg_places[si] = _mentions(places, offset)

    def _claims(self, doc: _Pending) -> list[Claim]:
        document, segs, seg_places = doc.document, doc.segs, doc.seg_places
        out: list[Claim] = []
        speakers: list[str | None] = []  # per claim: the outlet that speaks when nobody is named
        doc_key = document.id or document.text  # a Document always has an id; a bare
        # test double may not, and its text then names it
        for n, (si, offset, d) in enumerate(doc.drafts, 1):
            seg = segs[si]
            start, end = d["start"] + offset, d["end"] + offset
            places = _mentions(d["places"], offset)
            place_source = d["place_source"]
            if (
                not places
                and seg.kind in _SEGMENT_KINDS_SHARED_STORY
                and (place_source != "country")
            ):
                # a live-page update with no place continues the story around it
                for nb in (si - 1, si + 1):
                    if 0 <= nb < len(segs) and segs[nb].kind in _SEGMENT_KINDS_SHARED_STORY:
                        near = seg_places.get(nb)
                        if near:
                            places, place_source = list(near), "page"
                            break
            seg_text = document.text[seg.start : seg.end]
            location = self._locate(places, seg_text, seg_places.get(si, []))
            alts = [_mentions(alt, offset) for alt in d.get("place_alts", [])]
            for alt in alts:
                if location is not None:
                    break
                location = self._locate(alt, seg_text, seg_places.get(si, []))
                if location is not None:
                    places, place_source = alt, "story"
            if (
                location is None
                and place_source not in ("page", "country")
                and seg.kind in (_SEGMENT_KINDS_SHARED_STORY)
            ):
                for nb in (si - 1, si + 1):
                    near = seg_places.get(nb)
                    if (
                        0 <= nb < len(segs)
                        and segs[nb].kind in _SEGMENT_KINDS_SHARED_STORY
                        and near
                    ):
                        location = self._locate(near, seg_text, [])
                        if location is not None:
                            places, place_source = list(near), "page"
                            break
            date, date_end, precision, dated_from = self._date(document, seg, d)
            claimant = Claimant(**d["claimant"]) if d["claimant"] else None
            # `outlet` is the document's publisher (its metadata, else the page's own
            # attribution); a piece's "Source: RT" on a compilation page is who speaks
            # in that piece, and a person's byline is the author, never an outlet
            piece = seg.source if seg.source and not seg.author else None
            outlet = document.outlet or piece
            speaker = piece or outlet
            speakers.append(speaker)
            if claimant is None and speaker:
                claimant = Claimant(name=speaker, text=speaker, kind="outlet")
            conf = d["confidence"]
            if dated_from == "publication":
                conf -= 0.05
            if place_source == "page":
                conf -= 0.05
            out.append(
                Claim(
                    id=claim_id(doc_key, n),
                    document=document.name,
                    segment=seg.index,
                    incident=None,
                    event_type=d["event_type"],
                    sub_event_type=d["sub_event_type"],
                    date=date,
                    date_end=date_end,
                    date_precision=precision,
                    location=location,
                    perpetrators=[ActorRef(**p) for p in d["perpetrators"]],
                    targets=[ActorRef(**t) for t in d["targets"]],
                    killed=Count(**d["killed"]) if d["killed"] else None,
                    injured=Count(**d["injured"]) if d["injured"] else None,
                    victims=Victims(**d["victims"]),
                    claimant=claimant,
                    outlet=outlet,
                    author=seg.author,
                    stance=d["stance"],
                    evidence=Evidence(text=document.text[start:end], start=start, end=end),
                    confidence=round(min(0.95, max(0.05, conf)), 2),
                    syndication_group=seg.syndication_group or document.syndication_group,
                    place_mentions=places,
                )
            )
        # types, then roles, then who speaks and acts with the outlet in hand, then the
        # perpetrators news phrasing implies where none is named
        settled = self.settler.settle_claims(assign_roles(retype(out), document), speakers)
        # and once more after: what news phrasing named must pass the same checks
        return self.settler.settle_claims(fill_perpetrators(settled, document), speakers)

    def _locate(
        self, places: list[PlaceMention], context: str, segment_places: list[PlaceMention]
    ) -> Location | None:
        if not places:
            return None
        key = (
            tuple((m.text, m.role, m.admin_hint) for m in places),
            context,
            tuple((m.text, m.role, m.admin_hint) for m in segment_places),
        )
        if key in self._places:
            hit = self._places[key]
            return hit.model_copy(deep=True) if hit is not None else None
        location = self._resolve(places, context, segment_places)
        if len(self._places) > 50_000:
            self._places.clear()
        self._places[key] = location
        return location.model_copy(deep=True) if location is not None else None

    def _resolve(
        self, places: list[PlaceMention], context: str, segment_places: list[PlaceMention]
    ) -> Location | None:
        try:
            return self.resolver.resolve(
                places, country="SY", context_text=context, segment_places=segment_places
            )
        except TypeError:  # an older resolver signature
            return self.resolver.resolve(places)
        except Exception as exc:  # pragma: no cover - resolver is another stage
            log.warning("place resolution failed: %s", exc)
            return None

    def _date(
        self, document: Document, seg: Segment, d: dict[str, Any]
    ) -> tuple[dt.date | None, dt.date | None, str | None, str]:
        base = document.published
        if base is None:
            return None, None, None, "none"
        if seg.time:
            # a dateline that names its day ("Aleppo (May 4)") is the story's own date
            own = resolve_date(seg.time, base)
            if own is not None and own.precision == "day" and own.date_end is None:
                base = own.date
        for text in d["dates"]:
            r = resolve_date(text, base)
            if r is not None:
                return r.date, r.date_end, r.precision, "sentence"
        for text in d["date_ctx"]:
            r = resolve_date(text, base)
            if r is not None and r.date_end is None:
                return r.date, None, r.precision, "story"
        # nothing said: the story's own date, i.e. the publication date; the event is
        # at most days before it, so the precision is a week
        return base, None, "week", "publication"
