"""Security properties not already proven elsewhere.

Already covered, and referenced from docs/reliability.md rather than repeated here:
SQL injection on every list filter and path parameter (test_api.py::
test_injection_attempts_on_every_filter_are_rejected_or_empty), tokens hashed at the
store level and 401 without one (test_api.py), the CSP header on every response
(test_api.py::test_every_response_has_a_strict_csp), no inline code in index.html
(test_web_assets.py), stored XSS through article text, titles and outlet names in a
real browser (test_web.py::test_payloads_in_articles_never_run), and the SSRF rules of
the URL fetcher (test_fetch.py).

Here: the server binds loopback by default; `fogwatch token create` leaves no plaintext
anywhere in the database; request bodies over the cap get 413 before any token check
or parsing; CORS is off; the page actually served at / has no inline code; SSRF
through a redirect to a private host name, through numeric IP spellings and a mixed
DNS answer; and `--allow-private` end to end through the CLI.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, table

from fogwatch.api import ingest as api_ingest
from fogwatch.api.app import create_app
from fogwatch.cli import main
from fogwatch.ingest import fetch
from fogwatch.ingest.fetch import FetchError, fetch_url
from fogwatch.ingest.readers import ReadOptions
from fogwatch.store.db import Store
from fogwatch.store.tokens import create_token, hash_token

ARTICLE = (
    "Government forces said on Sunday that they had retaken the village after two days of "
    "heavy fighting. A local monitor said at least nine fighters were killed in the clashes."
)


# --------------------------------------------------------------------------- serve


def test_serve_listens_on_loopback_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import uvicorn

    from fogwatch.web import STATIC_DIR

    if not (STATIC_DIR / "vendor" / "leaflet" / "leaflet.js").exists():
        pytest.skip("web vendor assets not built (scripts/build-web.sh)")
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "s.db"), "-q", "serve"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1"
    assert ipaddress.ip_address(seen["host"]).is_loopback


# --------------------------------------------------------------------------- tokens


def test_token_create_leaves_no_plaintext_in_the_database(store_url: str, tmp_path) -> None:
    result = CliRunner().invoke(main, ["--db", store_url, "token", "create", "--name", "bot"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    assert secret.startswith("fw_") and len(secret) > 30
    store = Store.open(store_url)
    everything = []
    with store.engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            everything += [repr(tuple(row)) for row in conn.execute(select("*", table(name)))]
    dump = "\n".join(everything)
    assert secret not in dump and secret[3:] not in dump
    assert hash_token(secret) in dump  # what is stored is the hash
    if store_url.startswith("sqlite"):
        path = store.engine.url.database
        raw = b"".join(
            open(p, "rb").read()  # noqa: SIM115
            for p in (path, f"{path}-wal")
            if __import__("os").path.exists(p)
        )
        assert secret.encode() not in raw  # nor in free pages or the write-ahead log
    store.engine.dispose()


# --------------------------------------------------------------------------- API limits


class NoClaims:
    """An extractor that finds nothing: these tests are about the HTTP layer."""

    def extract(self, document: Any) -> list:
        return []

    def extract_many(self, documents: Iterator[Any]) -> Iterator[tuple[Any, list]]:
        for document in documents:
            yield document, []


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'sec.db'}"
    app = create_app(url, extractor_factory=NoClaims)
    secret, _ = create_token(app.state.store, "security-test")
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {secret}"}


OVER = api_ingest.MAX_UPLOAD_BYTES + 2 * 1024 * 1024


def test_over_cap_upload_is_413(api) -> None:
    client, auth = api
    big = b"Shelling killed 3 people in Homs. " * (OVER // 34)
    response = client.post("/api/ingest/file", headers=auth, files={"file": ("big.txt", big)})
    assert response.status_code == 413, response.text


def test_over_cap_bodies_are_413_before_any_token_check(api) -> None:
    client, _ = api
    body = b'{"text": "' + b"x" * OVER + b'"}'
    for path in ("/api/ingest", "/api/ingest/file"):
        response = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 413, (path, response.status_code)


def test_chunked_body_without_length_is_cut_off_at_the_cap(api) -> None:
    client, _ = api

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(OVER // (1024 * 1024)):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    response = client.post(
        "/api/ingest", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_under_cap_post_still_works(api) -> None:
    client, auth = api
    response = client.post("/api/ingest", headers=auth, json={"text": ARTICLE})
    assert response.status_code == 200, response.text
    assert client.post("/api/ingest", json={"text": ARTICLE}).status_code == 401


def test_cors_is_off(api) -> None:
    client, _ = api
    origin = {"Origin": "https://evil.example"}
    response = client.get("/api/incidents", headers=origin)
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/api/ingest",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-methods" not in preflight.headers


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        self.inline += [f"{tag} {k}" for k, _ in attrs if k.startswith("on")]
        self.inline += [
            f"{tag} javascript: URL" for _, v in attrs if (v or "").startswith("javascript:")
        ]

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.inline.append("inline <script> body")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def test_served_page_has_a_strict_csp_and_no_inline_code(api) -> None:
    client, _ = api
    response = client.get("/")
    csp = {
        part.split()[0]: part.split()[1:]
        for part in response.headers["content-security-policy"].split("; ")
    }
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'none'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in v for values in csp.values() for v in values)
    parser = _Inline()
    parser.feed(response.text)
    assert parser.inline == []


# --------------------------------------------------------------------------- SSRF gaps


class Redirector(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/to-intranet":
            self.send_response(302)
            self.send_header("Location", f"http://intranet.test:{port}/page")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = f"<html><body><article><p>{ARTICLE}</p></article></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_redirect_to_a_private_host_name_is_refused_after_resolution(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """news.test is 'public' (our loopback server); it redirects to a name that
    resolves to 192.168.1.10, which is refused before any connection is tried."""
    answers = {
        "news.test": [ipaddress.ip_address("127.0.0.1")],
        "intranet.test": [ipaddress.ip_address("192.168.1.10")],
    }
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: answers[host])
    real = fetch._address_refusal
    monkeypatch.setattr(
        fetch,
        "_address_refusal",
        lambda ip: None if ip == ipaddress.ip_address("127.0.0.1") else real(ip),
    )
    port = server.rsplit(":", 1)[1]
    assert fetch_url(f"http://news.test:{port}/page", ReadOptions()).status == 200
    with pytest.raises(FetchError) as caught:
        fetch_url(f"http://news.test:{port}/to-intranet", ReadOptions())
    assert caught.value.reason.startswith(
        "refused: private address 192.168.1.10 (for intranet.test)"
    )


def test_a_name_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    mixed = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.7")]
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: mixed)
    with pytest.raises(FetchError, match="refused: private address 10.0.0.7"):
        fetch_url("http://rebind.test/", ReadOptions())


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/",
        "http://127.1/",
        "http://017700000001/",  # octal
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_numeric_spellings_of_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(url, ReadOptions(timeout=5.0))
    assert caught.value.reason.startswith(("refused: private address", "invalid URL")), (
        caught.value.reason
    )


def test_allow_private_flag_end_to_end_through_the_cli(server: str, tmp_path) -> None:
    db = str(tmp_path / "ssrf.db")
    refused = CliRunner().invoke(main, ["--db", db, "ingest", "--no-extract", f"{server}/page"])
    assert refused.exit_code == 1
    assert "refused: private address 127.0.0.1" in " ".join(refused.output.split())
    allowed = CliRunner().invoke(
        main, ["--db", db, "ingest", "--no-extract", "--allow-private", f"{server}/page"]
    )
    assert allowed.exit_code == 0, allowed.output
    store = Store.open(db)
    assert [d["url"] for d in store.documents()] == [f"{server}/page"]
    store.engine.dispose()
