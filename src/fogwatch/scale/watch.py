"""Poll RSS/Atom feeds and ingest new items as they appear (`fogwatch watch`).

Why conditional GETs: a feed is polled every few minutes for hours, and most polls find
nothing new. The server's ETag and Last-Modified are kept per feed and sent back as
If-None-Match / If-Modified-Since, so an unchanged feed costs a 304 with no body.

Why a seen-items table: feeds repeat their last N items on every change, and a story
edited after publication gets a new text (so a new document id) under the same item id.
An item id already ingested from that feed is skipped, so re-polls never duplicate; the
store's own document-id check still catches the same text arriving from two feeds.

State lives in the store (tables `watch_feeds`, `watch_items`, migration 0004), so a
watcher restarted on another machine against the same PostgreSQL carries on.

Fetching goes through `fogwatch.ingest.fetch` (same SSRF rules, size cap, deadline);
parsing through the feed reader of `fogwatch.ingest.readers`; extraction, storing and
incremental linking through `fogwatch.pipeline.ingest_documents`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import Column, DateTime, MetaData, String, Table, select

from fogwatch.ingest import fetch, readers
from fogwatch.ingest.options import ReadOptions
from fogwatch.model import Document, IngestError
from fogwatch.pipeline import ingest_documents

if TYPE_CHECKING:
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.store import Store

log = logging.getLogger(__name__)

metadata = MetaData()
watch_feeds = Table(
    "watch_feeds",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("etag", String(500)),
    Column("last_modified", String(100)),
    Column("last_polled", DateTime),
    Column("last_status", String(200)),
)
watch_items = Table(
    "watch_items",
    metadata,
    Column("feed_url", String(2000), primary_key=True),
    Column("item_id", String(2000), primary_key=True),
    Column("document_id", String(40)),
    Column("first_seen", DateTime),
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """'15m' -> 900.0 seconds; '30s', '2h', '1d' and a bare number of seconds work too."""
    m = _DURATION.match(value.lower())
    if not m:
        raise ValueError(f"{value!r} is not a duration like 30s, 15m or 1h")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ValueError("a polling interval must be more than zero")
    return seconds


def read_feed_list(path: Path) -> list[str]:
    """One URL per line; blank lines and lines starting with # are ignored."""
    urls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls


@dataclass
class FeedResult:
    """What one poll of one feed did. `latencies` are seconds from the feed's response
    to the new item's incident being written, one per new item with claims."""

    url: str
    status: str  # "new", "not modified", "unchanged", "error: ..."
    new_items: int = 0
    stored: int = 0
    claims: int = 0
    latencies: list[float] = field(default_factory=list)


@dataclass
class Validators:
    etag: str | None = None
    last_modified: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class FeedWatcher:
    """Polls a list of feeds into one store with one extractor (loaded once)."""

    def __init__(
        self,
        store: Store,
        extractor: Extractor | None,
        options: ReadOptions | None = None,
    ):
        self.store = store
        self.extractor = extractor
        self.options = options or ReadOptions()

    # ------------------------------------------------------------------ state
    def validators(self, url: str) -> Validators:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(watch_feeds.c.etag, watch_feeds.c.last_modified).where(
                    watch_feeds.c.url == url
                )
            ).first()
        return Validators(row[0], row[1]) if row else Validators()

    def _save_feed(self, url: str, validators: Validators | None, status: str) -> None:
        values = {"last_polled": _now(), "last_status": status[:200]}
        if validators is not None:
            values |= {"etag": validators.etag, "last_modified": validators.last_modified}
        with self.store.engine.begin() as conn:
            done = conn.execute(
                watch_feeds.update().where(watch_feeds.c.url == url).values(**values)
            )
            if done.rowcount == 0:
                conn.execute(watch_feeds.insert().values(url=url, **values))

    def seen(self, url: str, item_ids: Iterable[str]) -> set[str]:
        ids = list(item_ids)
        if not ids:
            return set()
        with self.store.engine.connect() as conn:
            return set(
                conn.execute(
                    select(watch_items.c.item_id).where(
                        watch_items.c.feed_url == url, watch_items.c.item_id.in_(ids)
                    )
                ).scalars()
            )

    def _mark_seen(self, url: str, documents: list[Document]) -> None:
        if not documents:
            return
        now = _now()
        with self.store.engine.begin() as conn:
            have = set(
                conn.execute(
                    select(watch_items.c.item_id).where(
                        watch_items.c.feed_url == url,
                        watch_items.c.item_id.in_([d.name for d in documents]),
                    )
                ).scalars()
            )
            rows = [
                {"feed_url": url, "item_id": d.name, "document_id": d.id, "first_seen": now}
                for d in documents
                if d.name not in have
            ]
            if rows:
                conn.execute(watch_items.insert(), rows)

    # ------------------------------------------------------------------ fetching
    def fetch(self, url: str, validators: Validators) -> tuple[fetch.FetchedPage, Validators]:
        """A conditional GET under the fetcher's SSRF rules; returns the page (status 304
        with an empty body when unchanged) and the validators the server sent."""
        headers = {"User-Agent": fetch.USER_AGENT}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        seen_headers: list[httpx.Headers] = []

        def keep_headers(response: httpx.Response) -> None:
            seen_headers.append(response.headers)

        options = self.options
        deadline = fetch._Deadline(options.timeout, url)
        try:
            with httpx.Client(
                trust_env=False,
                follow_redirects=False,
                headers=headers,
                timeout=httpx.Timeout(options.timeout),
                event_hooks={"response": [keep_headers]},
            ) as client:
                page = fetch._fetch(client, url, options, deadline)
        except fetch.FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise fetch.FetchError(url, f"timed out after {options.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise fetch.FetchError(url, f"failed: {exc or type(exc).__name__}") from exc
        last = seen_headers[-1] if seen_headers else httpx.Headers()
        fresh = Validators(last.get("etag"), last.get("last-modified"))
        if page.status == 304:
            # a 304 may omit the validators; the ones we sent are still good
            fresh = Validators(
                fresh.etag or validators.etag, fresh.last_modified or validators.last_modified
            )
        return page, fresh

    # ------------------------------------------------------------------ polling
    def poll(self, url: str) -> FeedResult:
        """Poll one feed once; ingest and link its new items. Never raises for the feed."""
        try:
            page, validators = self.fetch(url, self.validators(url))
        except fetch.FetchError as exc:
            self._save_feed(url, None, f"error: {exc.reason}")
            return FeedResult(url, f"error: {exc.reason}")
        fetched_at = time.perf_counter()
        if page.status == 304:
            self._save_feed(url, validators, "not modified")
            return FeedResult(url, "not modified")
        items = list(
            readers._guarded(
                url,
                lambda: readers._read_bytes(
                    page.body,
                    "feed",
                    url,
                    url,
                    readers._Fields(),
                    self.options,
                    declared=page.charset,
                ),
            )
        )
        documents = [i for i in items if isinstance(i, Document)]
        errors = [i for i in items if isinstance(i, IngestError)]
        if not documents and errors:
            reason = errors[0].reason
            self._save_feed(url, validators, f"error: {reason}")
            return FeedResult(url, f"error: {reason}")
        already = self.seen(url, (d.name for d in documents))
        new = [d for d in documents if d.name not in already]
        result = FeedResult(url, "new" if new else "unchanged", new_items=len(new))
        if new:
            report = ingest_documents(
                new, self.store, self.extractor, link_every=len(new), link_leftovers=False
            )
            linked_at = time.perf_counter()
            result.stored = report.stored
            result.claims = report.claims
            if report.claims:
                result.latencies = [linked_at - fetched_at] * report.stored
            self._mark_seen(url, new)
        self._save_feed(url, validators, result.status)
        return result

    def poll_all(self, urls: Iterable[str]) -> list[FeedResult]:
        return [self.poll(url) for url in urls]

    def run(
        self,
        urls: list[str],
        every: float,
        on_poll: Callable[[list[FeedResult]], None] | None = None,
        once: bool = False,
        max_polls: int | None = None,
    ) -> None:
        """Poll every `every` seconds (measured start to start) until interrupted."""
        polls = 0
        while True:
            started = time.monotonic()
            results = self.poll_all(urls)
            polls += 1
            if on_poll:
                on_poll(results)
            if once or (max_polls is not None and polls >= max_polls):
                return
            time.sleep(max(0.0, every - (time.monotonic() - started)))
