"""`fogwatch watch`: conditional GETs, new items ingested once, re-polls add nothing.

A real HTTP server on 127.0.0.1 serves an RSS feed that honours If-None-Match; the
watcher is allowed private addresses for the test only (`allow_private`).
"""

from __future__ import annotations

import datetime as dt
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from fogwatch.ingest.options import ReadOptions
from fogwatch.scale.watch import FeedWatcher, parse_duration, watch_items
from fogwatch.store import Store
from fogwatch.store.schema import DocumentRow

ITEMS = [
    (
        "urn:fw:1",
        "Air strikes killed 12 civilians in Douma on Sunday, the Syrian Observatory for "
        "Human Rights said. Rescuers searched the rubble for survivors.",
    ),
    (
        "urn:fw:2",
        "The football club from Homs won its third match of the season on Saturday.",
    ),
]
NEW_ITEM = (
    "urn:fw:3",
    "Shelling by government forces killed five people in Douma on Sunday, activists said.",
)


class FeedServer:
    """An RSS feed with an ETag; `items` can change between polls; counts responses."""

    def __init__(self) -> None:
        self.items = list(ITEMS)
        self.honour_etag = True
        self.statuses: list[int] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                etag = f'"v{len(server.items)}"'
                if server.honour_etag and self.headers.get("If-None-Match") == etag:
                    server.statuses.append(304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = server.rss().encode()
                server.statuses.append(200)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def rss(self) -> str:
        when = format_datetime(dt.datetime(2016, 9, 18, 12, tzinfo=dt.UTC))
        entries = "".join(
            f"<item><guid>{guid}</guid><title>Item {guid}</title>"
            f"<pubDate>{when}</pubDate><description>{escape(text)}</description></item>"
            for guid, text in self.items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Levant Ledger</title><link>http://example.org/</link>{entries}"
            "</channel></rss>"
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def documents(store: Store) -> int:
    with store.session() as s:
        return s.execute(select(func.count()).select_from(DocumentRow)).scalar_one()


def seen_items(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(watch_items)).scalar_one()


OPTIONS = ReadOptions(allow_private=True, timeout=5)


def test_durations():
    assert parse_duration("15m") == 900
    assert parse_duration("30s") == 30
    assert parse_duration("2h") == 7200
    assert parse_duration("45") == 45
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_conditional_get_and_no_duplicates(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    with FeedServer() as server:
        watcher = FeedWatcher(store, None, OPTIONS)
        first = watcher.poll(server.url)
        assert first.status == "new" and first.new_items == 2 and first.stored == 2
        assert watcher.validators(server.url).etag == '"v2"'

        second = watcher.poll(server.url)
        assert second.status == "not modified" and second.new_items == 0
        assert server.statuses == [200, 304]

        server.items.append(NEW_ITEM)
        third = watcher.poll(server.url)
        assert third.status == "new" and third.new_items == 1 and third.stored == 1
        assert documents(store) == 3 and seen_items(store) == 3

        # a server that ignores validators: the whole feed again, nothing new stored
        server.honour_etag = False
        fourth = watcher.poll(server.url)
        assert fourth.status == "unchanged" and fourth.new_items == 0
        assert documents(store) == 3 and seen_items(store) == 3

        # state is in the store: a new watcher (a restart) sends the validators back
        server.honour_etag = True
        assert FeedWatcher(store, None, OPTIONS).poll(server.url).status == "not modified"


def test_private_address_refused_by_default(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    with FeedServer() as server:
        result = FeedWatcher(store, None, ReadOptions(timeout=5)).poll(server.url)
    assert result.status.startswith("error: refused")
    assert documents(store) == 0


def test_new_item_is_extracted_and_linked(tmp_path):
    from fogwatch.cli import shared_extractor

    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    with FeedServer() as server:
        watcher = FeedWatcher(store, shared_extractor(), OPTIONS)
        first = watcher.poll(server.url)
        assert first.claims >= 1
        assert first.latencies  # measured, reported by `fogwatch watch`; never asserted
        claims = store.claims()
        assert claims and all(c.get("incident") for c in claims)


def test_watch_command_once(tmp_path):
    from fogwatch.cli import main
    from fogwatch.scale.cli import watch

    if "watch" not in main.commands:  # until cli.py registers it with the stage commands
        main.add_command(watch)
    db = tmp_path / "w.db"
    with FeedServer() as server:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"# test feeds\n{server.url}\n")
        runner = CliRunner()
        args = ["--db", str(db), "watch", str(feeds), "--once", "--allow-private"]
        args += ["--no-extract", "--format", "jsonl"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert '"status": "new"' in result.output
        again = runner.invoke(main, args)
        assert '"status": "not modified"' in again.output
