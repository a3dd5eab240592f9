"""The FastAPI application: JSON/GeoJSON API under /api, the web UI at /.

Text shown by the UI comes from articles and is untrusted, so every response carries a
strict Content-Security-Policy: scripts and styles only from this server, no inline
code, no plugins, no framing, and Trusted Types required, so even a slip into
`innerHTML` in the UI would throw instead of running a payload. Nothing is loaded from
a CDN; the only outside origin ever allowed is the tile server given with `--tiles`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fogwatch import __version__
from fogwatch.api import ingest, routes
from fogwatch.api.geo import GEOJSON_MEDIA_TYPE
from fogwatch.api.queries import BadQuery
from fogwatch.api.schemas import ClaimFeatureCollection, IncidentFeatureCollection
from fogwatch.store.db import Store
from fogwatch.web import STATIC_DIR

DESCRIPTION = """\
fogwatch's record of conflict claims: every outlet's version of each incident, with the
sentence that says it. Read endpoints are open; `POST /api/ingest` needs a bearer token
from `fogwatch token create`. Lists page with `?cursor=` (the previous `next_cursor`).
"""


def tile_origin(tile_url: str | None) -> str | None:
    """The CSP source for a tile URL template ('{s}.' subdomains become a wildcard)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "tiles-s"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"tile URL must be http(s)://host/...: {tile_url!r}")
    host = parts.netloc.replace("tiles-s", "*", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None) -> str:
    images = " ".join(filter(None, ["'self'", tile_origin(tile_url)]))
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types default",
        ]
    )


class SecurityHeaders:
    """Adds the CSP and its companions to every response (API, UI and static files)."""

    def __init__(self, app: ASGIApp, csp: str):
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                present = {k.lower() for k, _ in message["headers"]}
                message["headers"].extend(h for h in self.headers if h[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RejectNul:
    """Answers 400 to a request whose path or query holds a NUL character.

    PostgreSQL cannot store or compare strings with NUL, and would fail the query with
    a 500; no fogwatch value contains one, so such a request is malformed.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = (
                bytes(scope.get("raw_path") or b"") + b"?" + bytes(scope.get("query_string") or b"")
            )
            if b"\x00" in raw or b"%00" in raw or "\x00" in scope.get("path", ""):
                response = JSONResponse({"detail": "NUL characters are not allowed"}, 400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class LimitBody:
    """Answers 413 to a request body over `max_bytes`, before anything reads it all.

    FastAPI reads a JSON body, and spools a multipart one to disk, before it checks
    the bearer token, so without this anyone could make the server hold or store any
    amount of data. The declared Content-Length is checked first; a chunked body is
    counted as it arrives and cut off at the cap.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        too_large = JSONResponse(
            {"detail": f"request body larger than {self.max_bytes // (1024 * 1024)} MB"}, 413
        )
        for key, value in scope.get("headers") or []:
            if key == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await too_large(scope, receive, send)
                return
        received = 0
        started = responded = False

        async def limited_receive() -> Message:
            nonlocal received, responded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if not started:
                        # Answer now: FastAPI turns errors while reading a body into a
                        # 400, which `tracking_send` then drops.
                        await too_large(scope, receive, send)
                        responded = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if responded:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not responded:
                raise


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the GeoJSON bodies the two list endpoints can also send."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    _, defs = models_json_schema(
        [(IncidentFeatureCollection, "serialization"), (ClaimFeatureCollection, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, body in defs.get("$defs", {}).items():
        components.setdefault(name, body)
    for path, model in (
        ("/api/incidents", "IncidentFeatureCollection"),
        ("/api/claims", "ClaimFeatureCollection"),
    ):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        content[GEOJSON_MEDIA_TYPE] = {"schema": {"$ref": f"#/components/schemas/{model}"}}
    app.openapi_schema = schema
    return schema


def create_app(
    store_url: str | None = None,
    *,
    tile_url: str | None = None,
    tile_attribution: str | None = None,
    extractor_factory: ingest.ExtractorFactory | None = None,
    processes: int | None = None,
    warm_extractor: bool = False,
) -> FastAPI:
    """The app for one store. `tile_url` adds a raster tile layer under the offline map;
    `extractor_factory` replaces the spaCy extractor (tests, other models); `processes`
    is the spaCy extractor's for a large upload (default: FOGWATCH_PROCESSES, else the
    usable cores); `warm_extractor` loads the extractor in the background when the
    server starts (`fogwatch serve`), so the first ingest does not wait for the model."""

    @contextlib.asynccontextmanager
    async def warm(app: FastAPI) -> AsyncIterator[None]:
        app.state.extractor.warm()
        yield

    app = FastAPI(
        title="fogwatch",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # Swagger UI would come from a CDN; /openapi.json is enough
        redoc_url=None,
        lifespan=warm if warm_extractor else None,
    )
    app.state.store = Store.open(store_url)
    app.state.tile_url = tile_url
    app.state.tile_attribution = tile_attribution
    app.state.extractor = ingest.ExtractorHolder(extractor_factory, processes)
    app.add_middleware(RejectNul)
    # The largest upload plus room for the multipart headers and form fields.
    app.add_middleware(LimitBody, max_bytes=ingest.MAX_UPLOAD_BYTES + 1024 * 1024)
    app.add_middleware(SecurityHeaders, csp=content_security_policy(tile_url))

    @app.exception_handler(BadQuery)
    async def bad_query(_request: Request, exc: BadQuery) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    app.include_router(routes.router)
    app.include_router(ingest.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
