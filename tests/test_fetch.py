"""URL fetching against a local http.server on 127.0.0.1: only loopback traffic.

Redirects that point elsewhere point at other loopback addresses (127.0.0.2), which
the fetcher must refuse before connecting.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from fogwatch.ingest import fetch
from fogwatch.ingest.fetch import FetchError, fetch_url
from fogwatch.ingest.readers import ReadOptions, read_inputs
from fogwatch.model import Document, IngestError

ARTICLE = (
    "Government forces said on Sunday that they had retaken the village after two days of "
    "heavy fighting. A local monitor said at least nine fighters were killed in the clashes."
)
PAGE = f"""<!DOCTYPE html><html><head><title>Village retaken - Loopback Daily</title>
<meta property="og:site_name" content="Loopback Daily">
<meta property="og:title" content="Village retaken"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Village retaken</h1>
<p>{ARTICLE}</p><p>{ARTICLE.replace("Sunday", "Monday")}</p></article></body></html>"""
FEED = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loop Feed</title>
<item><title>One</title><link>http://feed.invalid/1</link>
<pubDate>Sun, 18 Sep 2016 10:00:00 +0000</pubDate><description>{ARTICLE}</description></item>
</channel></rss>"""
BIG = b"x" * 20_000


class Handler(BaseHTTPRequestHandler):
    """Routes for the tests; every response is small and immediate."""

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def send_body(self, body: bytes, content_type: str | None, length: bool = True) -> None:
        self.send_response(200)
        if content_type:
            self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = self.path
        port = self.server.server_address[1]
        if path == "/page":
            self.send_body(PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/plain":
            self.send_body(ARTICLE.encode(), "text/plain")
        elif path == "/feed":
            self.send_body(FEED.encode(), "application/rss+xml")
        elif path == "/image":
            self.send_body(b"\x89PNG\r\n\x1a\n", "image/png")
        elif path == "/big":
            self.send_body(BIG, "text/plain")
        elif path == "/big-unannounced":
            self.send_body(BIG, "text/plain", length=False)
        elif path == "/missing":
            self.send_error(404, "Not Found")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect("/page" if left == 0 else f"/hop/{left - 1}")
        elif path == "/to-other-loopback":
            self.redirect(f"http://127.0.0.2:{port}/page")
        elif path == "/to-ftp":
            self.redirect("ftp://127.0.0.1/file")
        else:
            self.send_error(404, "Not Found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


ALLOW = ReadOptions(allow_private=True, timeout=10.0)


def reason(url: str, options: ReadOptions) -> str:
    with pytest.raises(FetchError) as caught:
        fetch_url(url, options)
    assert caught.value.url == url
    return caught.value.reason


def test_loopback_refused_by_default(server: str) -> None:
    text = reason(f"{server}/page", ReadOptions())
    assert text.startswith("refused: private address 127.0.0.1")


def test_localhost_name_refused_by_default(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    assert reason(f"http://localhost:{port}/page", ReadOptions()).startswith("refused:")


def test_read_inputs_reports_refusal_as_error(server: str) -> None:
    url = f"{server}/page"
    (result,) = read_inputs([url], ReadOptions())
    assert isinstance(result, IngestError)
    assert result.source == url and "private address" in result.reason


def test_allowed_with_allow_private(server: str) -> None:
    page = fetch_url(f"{server}/page", ALLOW)
    assert page.status == 200 and page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert b"Village retaken" in page.body


def test_read_inputs_html_url(server: str) -> None:
    url = f"{server}/page"
    (doc,) = read_inputs([url], ALLOW)
    assert isinstance(doc, Document)
    assert (doc.name, doc.url) == (url, url)
    assert doc.title == "Village retaken" and doc.outlet == "Loopback Daily"
    assert "nine fighters were killed" in doc.text


def test_read_inputs_plain_and_feed_urls(server: str) -> None:
    plain, entry = read_inputs([f"{server}/plain", f"{server}/feed"], ALLOW)
    assert isinstance(plain, Document) and plain.text == ARTICLE
    assert isinstance(entry, Document)
    assert (entry.outlet, entry.url, entry.text) == ("Loop Feed", "http://feed.invalid/1", ARTICLE)


def test_redirect_chain_followed_up_to_cap(server: str) -> None:
    page = fetch_url(f"{server}/hop/{fetch.MAX_REDIRECTS - 1}", ALLOW)
    assert page.final_url == f"{server}/page"
    assert "too many redirects" in reason(f"{server}/hop/{fetch.MAX_REDIRECTS}", ALLOW)


def test_every_redirect_hop_is_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first hop is allowed (as if public); the redirect to another address is not."""
    real = fetch._address_refusal

    def only_server_is_public(ip: fetch.IPAddress) -> str | None:
        return None if ip == ipaddress.ip_address("127.0.0.1") else real(ip)

    monkeypatch.setattr(fetch, "_address_refusal", only_server_is_public)
    assert fetch_url(f"{server}/page", ReadOptions()).status == 200
    text = reason(f"{server}/to-other-loopback", ReadOptions())
    assert text.startswith("refused: private address 127.0.0.2")


def test_redirect_to_other_scheme_refused(server: str) -> None:
    assert "scheme 'ftp'" in reason(f"{server}/to-ftp", ALLOW)


def test_size_cap_announced_and_streamed(server: str) -> None:
    small = ReadOptions(allow_private=True, max_bytes=1000)
    assert "larger than 1000 bytes cap" in reason(f"{server}/big", small)
    assert "larger than 1000 bytes cap" in reason(f"{server}/big-unannounced", small)
    assert len(fetch_url(f"{server}/big-unannounced", ALLOW).body) == len(BIG)


def test_wrong_content_type(server: str) -> None:
    assert "unsupported content type 'image/png'" in reason(f"{server}/image", ALLOW)


def test_http_error_status(server: str) -> None:
    assert reason(f"{server}/missing", ALLOW).startswith("HTTP 404")


def test_unreachable_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now that the socket is closed.
    text = reason(f"http://127.0.0.1:{port}/", ALLOW)
    assert text == "unreachable: connection refused"


def test_silent_server_times_out() -> None:
    """A listener that never answers: the fetch gives up with a timeout reason."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)  # the kernel completes the handshake; nobody ever replies
        port = sock.getsockname()[1]
        options = ReadOptions(allow_private=True, timeout=0.3)
        assert reason(f"http://127.0.0.1:{port}/", options) == "timed out after 0.3 s"


def test_localhost_name_allowed_tries_each_address(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    page = fetch_url(f"http://localhost:{port}/page", ALLOW)
    assert page.status == 200 and b"Village retaken" in page.body


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/file", "gopher://127.0.0.1/"]
)
def test_non_http_schemes_refused(url: str) -> None:
    assert reason(url, ALLOW).startswith("refused: scheme")
    (result,) = read_inputs([url], ALLOW)
    assert isinstance(result, IngestError) and result.source == url
    assert "not http or https" in result.reason


def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver is replaced, so no DNS query leaves the machine."""

    def no_such_host(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", no_such_host)
    assert reason("http://no-such-host.invalid/", ALLOW).startswith("unreachable: cannot resolve")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.5", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("224.0.0.1", "multicast"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classification(address: str, kind: str | None) -> None:
    """Pure classification: no connection is made to any of these."""
    assert fetch._address_refusal(ipaddress.ip_address(address)) == kind


def test_https_request_is_pinned_but_keeps_host_and_sni() -> None:
    """The connection goes to the checked IP, while TLS and Host still name the host."""
    deadline = fetch._Deadline(5.0, "https://news.example:8443/a")
    with httpx.Client() as client:
        request = fetch._pinned_request(
            client,
            httpx.URL("https://news.example:8443/a?b=1"),
            ipaddress.ip_address("203.0.113.7"),
            deadline,
        )
    assert str(request.url) == "https://203.0.113.7:8443/a?b=1"
    assert request.headers["Host"] == "news.example:8443"
    assert request.extensions["sni_hostname"] == "news.example"
