"""The write side of the API: `POST /api/ingest` (text or URL) and `/api/ingest/file`.

Everything goes through `fogwatch.pipeline.ingest`, exactly like `fogwatch ingest`: a
submitted text is written to a temporary file with a metadata sidecar and read by the
same readers, so a text posted here and the same text ingested from disk get the same
document id and the same claims. URLs are fetched by the same SSRF-guarded fetcher,
with private addresses refused.

The spaCy extractor takes seconds to load, so it is loaded once and shared: `fogwatch
serve` loads it in the background as the server starts (`ExtractorHolder.warm`), other
apps on the first ingest. Ingests run one at a time (the extractor and SQLite both
prefer that). A posted text parses in the server's own process; an upload of many
articles forks the extractor's worker processes, which share the loaded model
(`fogwatch.nlp.processes`), so no request pays for a model load.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fogwatch.api.schemas import IngestResult, IngestText, Problem
from fogwatch.store.tokens import verify_token

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
URL_TIMEOUT = 20.0
UPLOAD_SUFFIXES = {".txt", ".text", ".html", ".htm", ".xhtml", ".jsonl", ".csv", ".xml", ".rss"}
UPLOAD_SUFFIXES |= {".atom", ".json", ".tsv"}

ExtractorFactory = Callable[[], Any]
log = logging.getLogger(__name__)


def default_extractor_factory(processes: int | None = None) -> Any:
    """The spaCy extractor, with `processes` workers for a large upload (else the
    FOGWATCH_PROCESSES setting, else the usable cores)."""
    from fogwatch import settings
    from fogwatch.nlp.extractor import Extractor

    return Extractor(n_process=settings.processes(processes))


class ExtractorHolder:
    """Loads the extractor on first use, once, however many requests arrive at once."""

    def __init__(self, factory: ExtractorFactory | None, processes: int | None = None):
        self._factory = factory or functools.partial(default_extractor_factory, processes)
        self._custom = factory is not None
        self._lock = threading.Lock()
        self._extractor: Any = None
        self.ingest_lock = threading.Lock()

    @property
    def state(self) -> str:
        if self._extractor is not None:
            return "loaded"
        if self._custom or importlib.util.find_spec("fogwatch.nlp.extractor") is not None:
            return "not loaded"
        return "unavailable"

    def get(self) -> Any:
        with self._lock:
            if self._extractor is None:
                try:
                    self._extractor = self._factory()
                except (ImportError, OSError, ValueError) as exc:
                    # stage or model not installed, or a setting it cannot use
                    raise HTTPException(
                        status.HTTP_503_SERVICE_UNAVAILABLE,
                        f"the claim extractor cannot be loaded: {exc}",
                    ) from exc
            return self._extractor

    def warm(self) -> threading.Thread:
        """Load the extractor in the background, so a long-running server's first
        ingest does not wait for the model; a request arriving meanwhile waits for the
        same load (the lock), and a failed load is retried by the next request."""

        def load() -> None:
            try:
                self.get()
            except HTTPException as exc:
                log.warning("%s", exc.detail)

        thread = threading.Thread(target=load, name="fogwatch-extractor-warm", daemon=True)
        thread.start()
        return thread


bearer = HTTPBearer(auto_error=False, description="A token from `fogwatch token create`.")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The caller's token id; 401 (with WWW-Authenticate) without a live token."""
    token = credentials.credentials if credentials else None
    info = verify_token(request.app.state.store, token)
    if info is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required (create one with `fogwatch token create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return info.id


def safe_file_name(name: str | None, default: str, suffixes: set[str]) -> str:
    """A harmless base name for a temporary file, keeping a known suffix."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:120]
    if not base or Path(base).suffix.lower() not in suffixes:
        base = (base or "submitted") + Path(default).suffix
    return base


def write_sidecar(path: Path, meta: dict[str, Any]) -> None:
    meta = {k: v for k, v in meta.items() if v is not None}
    if meta:
        Path(f"{path}.meta.json").write_text(json.dumps(meta, default=str), encoding="utf-8")


def run_pipeline(request: Request, inputs: list[str], **options: Any) -> IngestResult:
    try:
        from fogwatch.ingest.readers import ReadOptions
        from fogwatch.pipeline import ingest
    except ImportError as exc:  # a stage still being written
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, f"ingestion is not available: {exc}"
        ) from exc
    holder: ExtractorHolder = request.app.state.extractor
    extractor = holder.get()
    read = ReadOptions(
        max_bytes=MAX_UPLOAD_BYTES, timeout=URL_TIMEOUT, allow_private=False, **options
    )
    documents: list[str] = []

    def on_item(item: Any, _claims: int) -> None:
        doc_id = getattr(item, "id", None)
        if doc_id and getattr(item, "text", None) is not None:
            documents.append(doc_id)

    with holder.ingest_lock:
        report = ingest(inputs, read, request.app.state.store, extractor, on_item)
    return IngestResult(**report.as_dict(), documents=documents)


router = APIRouter(tags=["ingest"])

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A body that cannot be parsed."},
    401: {"model": Problem, "description": "No valid bearer token."},
    503: {"model": Problem, "description": "The extractor or the readers are not installed."},
}


@router.post(
    "/api/ingest",
    response_model=IngestResult,
    responses=AUTH_RESPONSES,
    summary="Ingest a text, or fetch and ingest a URL",
)
def ingest_text(
    body: IngestText, request: Request, _token: Annotated[str, Depends(require_token)]
) -> IngestResult:
    """Store a text (with optional title, outlet, date and URL) or fetch `url` and store it,
    extracting its claims. Re-sending the same text is a no-op (`skipped_existing`)."""
    if body.text is None:
        assert body.url is not None
        return run_pipeline(request, [body.url], published=body.published, outlet=body.outlet)
    with tempfile.TemporaryDirectory(prefix="fogwatch-ingest-") as tmp:
        path = Path(tmp) / safe_file_name(body.name, "submitted.txt", {".txt"})
        path.write_text(body.text, encoding="utf-8")
        write_sidecar(
            path,
            {
                "published": body.published,
                "outlet": body.outlet,
                "title": body.title,
                "url": body.url,
            },
        )
        return run_pipeline(request, [str(path)])


@router.post(
    "/api/ingest/file",
    response_model=IngestResult,
    responses={**AUTH_RESPONSES, 413: {"model": Problem, "description": "File too large."}},
    summary="Ingest an uploaded file (txt, html, jsonl, csv, feed)",
)
def ingest_file(
    request: Request,
    _token: Annotated[str, Depends(require_token)],
    file: Annotated[UploadFile, File(description="The file; its suffix says how to read it.")],
    outlet: Annotated[str | None, Form(max_length=200)] = None,
    title: Annotated[str | None, Form(max_length=1000)] = None,
    published: Annotated[str | None, Form(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    url: Annotated[str | None, Form(max_length=2000, pattern=r"^https?://")] = None,
) -> IngestResult:
    """Store every document in an uploaded file, as `fogwatch ingest FILE` would."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(published) if published else None
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "published: not a date") from exc
    with tempfile.TemporaryDirectory(prefix="fogwatch-ingest-") as tmp:
        path = Path(tmp) / safe_file_name(file.filename, "upload.txt", UPLOAD_SUFFIXES)
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise HTTPException(
                        status.HTTP_413_CONTENT_TOO_LARGE,
                        f"file larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
                    )
                out.write(chunk)
        write_sidecar(path, {"title": title, "url": url})
        return run_pipeline(request, [str(path)], published=day, outlet=outlet)
