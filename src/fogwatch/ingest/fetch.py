"""Fetch one web page or feed for ingestion, safely.

A URL given to fogwatch may come from a feed or a colleague's list, so fetching it must
not become a way to read the operator's internal network (SSRF). Hence:

- only http and https;
- the host is resolved here and every address checked: private, loopback, link-local,
  reserved, multicast and other non-public addresses are refused unless
  `ReadOptions.allow_private` is set;
- the connection goes to the address that was checked (the URL is rewritten to the IP,
  with the Host header and TLS server name kept), so a second DNS answer can't swap in
  an internal address between the check and the connect;
- redirects are followed here, one hop at a time, and each hop is checked the same way,
  at most `MAX_REDIRECTS` hops;
- one deadline for the whole fetch, a streamed size cap, and a content-type allowlist;
- environment proxies are ignored (`trust_env=False`): a proxy would make the address
  check meaningless.

trafilatura's own fetcher is not used: it has its own, different SSRF rules.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from fogwatch.ingest.options import ReadOptions, human_size
from fogwatch.model import IngestError

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "fogwatch/0.1 (news ingest)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/xml",
        "text/xml",
    }
)
ALLOWED_TYPES = HTML_TYPES | TEXT_TYPES | FEED_TYPES

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchedPage:
    """A fetched body with what the reader needs to decode and classify it.

    `content_type` is the bare media type, lower-cased ("" when the server sent none);
    `charset` is the declared charset, if any. `url` is the URL asked for and
    `final_url` the one the body came from after redirects.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes


class FetchError(Exception):
    """A URL that could not be fetched, with a reason a person can act on."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason

    def to_ingest_error(self) -> IngestError:
        return IngestError(source=self.url, reason=self.reason)


def _address_refusal(ip: IPAddress) -> str | None:
    """Say why `ip` must not be fetched from, or None when it is a public address."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return kind
    if not ip.is_global:
        return "non-public"
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses `host` resolves to, in the resolver's order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in seen:
            seen.append(ip)
    return seen


def _ascii_host(url: httpx.URL) -> str:
    """The host as sent on the wire: IDNA-encoded, IPv6 without brackets."""
    return url.raw_host.decode("ascii").strip("[]")


def _checked_addresses(url: httpx.URL, original: str, options: ReadOptions) -> list[IPAddress]:
    """Resolve the URL's host and refuse it if any address is not public."""
    host = _ascii_host(url)
    if not host:
        raise FetchError(original, "invalid URL: no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = _resolve(host, port)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(original, f"unreachable: cannot resolve host {host!r} ({exc})") from exc
    if not addresses:
        raise FetchError(original, f"unreachable: host {host!r} has no address")
    if not options.allow_private:
        for ip in addresses:
            kind = _address_refusal(ip)
            if kind is not None:
                where = "" if host == str(ip) else f" (for {host})"
                raise FetchError(
                    original,
                    f"refused: private address {ip}{where} is {kind}; "
                    "use --allow-private to fetch it",
                )
    return addresses


def _check_scheme(url: str, original: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(original, f"invalid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        scheme = parsed.scheme or "none"
        raise FetchError(original, f"refused: scheme {scheme!r} is not http or https")
    return parsed


def _media_type(header: str | None) -> tuple[str, str | None]:
    """Split a Content-Type header into (media type, charset)."""
    if not header:
        return "", None
    parts = [part.strip() for part in header.split(";")]
    charset = None
    for part in parts[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value:
            charset = value.strip().strip("\"'") or None
    return parts[0].lower(), charset


def _connect_error_reason(exc: httpx.ConnectError) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "unreachable: connection refused"
    return f"unreachable: {text or type(exc).__name__}"


class _Deadline:
    """One time budget for the whole fetch: resolution, every hop and the body."""

    def __init__(self, seconds: float, url: str) -> None:
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(self.url, f"timed out after {self.seconds:g} s")
        return left


def _pinned_request(
    client: httpx.Client, url: httpx.URL, ip: IPAddress, deadline: _Deadline
) -> httpx.Request:
    """Build a GET to `ip` that still presents `url`'s host (Host header and TLS SNI)."""
    host = _ascii_host(url)
    default_port = 443 if url.scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if url.port in (None, default_port) else f"{shown}:{url.port}"
    extensions: dict[str, object] = {"timeout": httpx.Timeout(deadline.remaining()).as_dict()}
    if url.scheme == "https":
        extensions["sni_hostname"] = host
    return client.build_request(
        "GET",
        url.copy_with(host=str(ip)),
        headers={"Host": host_header},
        extensions=extensions,
    )


def _send_pinned(
    client: httpx.Client,
    url: httpx.URL,
    addresses: list[IPAddress],
    deadline: _Deadline,
    original: str,
) -> httpx.Response:
    """Send to the first checked address that accepts the connection."""
    last: httpx.ConnectError | None = None
    for ip in addresses:
        request = _pinned_request(client, url, ip, deadline)
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectError as exc:
            last = exc
    assert last is not None
    raise FetchError(original, _connect_error_reason(last)) from last


def _read_body(
    response: httpx.Response, options: ReadOptions, deadline: _Deadline, original: str
) -> bytes:
    """Read the (decoded) body in chunks, stopping as soon as it passes the cap."""
    cap = options.max_bytes
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise FetchError(
            original, f"download is {human_size(int(declared))}, larger than {human_size(cap)} cap"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > cap:
            raise FetchError(original, f"download larger than {human_size(cap)} cap")
        chunks.append(chunk)
        deadline.remaining()
    return b"".join(chunks)


def _fetch(
    client: httpx.Client, url: str, options: ReadOptions, deadline: _Deadline
) -> FetchedPage:
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        parsed = _check_scheme(current, url)
        addresses = _checked_addresses(parsed, url, options)
        deadline.remaining()
        response = _send_pinned(client, parsed, addresses, deadline, url)
        try:
            if response.status_code in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {response.status_code} redirect without Location")
                if hop == MAX_REDIRECTS:
                    raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})")
                current = urljoin(current, location)
                continue
            if response.status_code >= 400 or response.status_code < 200:
                phrase = response.reason_phrase or ""
                raise FetchError(url, f"HTTP {response.status_code} {phrase}".strip())
            media_type, charset = _media_type(response.headers.get("content-type"))
            if media_type and media_type not in ALLOWED_TYPES:
                raise FetchError(
                    url,
                    f"unsupported content type {media_type!r} "
                    "(expected HTML, plain text or an RSS/Atom feed)",
                )
            body = _read_body(response, options, deadline, url)
            return FetchedPage(
                url=url,
                final_url=current,
                status=response.status_code,
                content_type=media_type,
                charset=charset,
                body=body,
            )
        finally:
            response.close()
    raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})")  # pragma: no cover


def fetch_url(url: str, options: ReadOptions) -> FetchedPage:
    """Fetch `url` under the rules in the module docstring; raise `FetchError` on any failure.

    The error's `reason` is written for the person running the batch:
    "unreachable: connection refused", "refused: private address 127.0.0.1 ...",
    "too many redirects (more than 5)", "download larger than 50 MB cap", ...
    """
    deadline = _Deadline(options.timeout, url)
    try:
        with httpx.Client(
            trust_env=False,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(options.timeout),
        ) as client:
            return _fetch(client, url, options, deadline)
    except FetchError:
        raise
    except httpx.TimeoutException as exc:
        raise FetchError(url, f"timed out after {options.timeout:g} s") from exc
    except httpx.ConnectError as exc:
        raise FetchError(url, _connect_error_reason(exc)) from exc
    except httpx.HTTPError as exc:
        raise FetchError(url, f"failed: {exc or type(exc).__name__}") from exc
