"""Turn files, directories, stdin and URLs into `Document`s, or `IngestError`s.

One bad input must never stop a batch of thousands, so nothing here raises out of
`read_inputs`: every failure becomes an `IngestError` naming the input (and the line,
for record files) and the iteration goes on with the next one.

Metadata comes in three layers, later ones winning: what the input itself says
(record columns, HTML metadata, feed fields) < a sidecar file next to it
(`report.txt.meta.json` / `.meta.yaml` / `.meta.yml`) < the command-line options.

Segmentation is not done here; the documents leave with no segments.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import email.utils
import fnmatch
import hashlib
import io
import json
import math
import os
import re
import stat
import sys
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from fogwatch.ingest.fetch import FEED_TYPES, HTML_TYPES, FetchError, fetch_url
from fogwatch.ingest.language import guess_language
from fogwatch.ingest.options import ReadOptions, human_size
from fogwatch.model import Document, IngestError

__all__ = ["ReadOptions", "document_id", "normalize_text", "parse_published", "read_inputs"]

Result = Document | IngestError

STDIN_NAME = "stdin"
SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
SIDECAR_KEYS = ("published", "outlet", "title", "url")
SIDECAR_MAX_BYTES = 1024 * 1024

_KIND_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
}
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 8192
_CONTROL_SHARE_BINARY = 0.10
# Bytes that never appear in text: C0 controls other than \t \n \v \f \r and ESC, plus DEL.
_CONTROL_BYTES = frozenset([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b\d{4}\b")
# No paragraph of an article runs to a megabyte; a longer line is a dump, a minified
# blob or an attack, and would cost minutes of extraction and gigabytes of memory.
MAX_LINE_CHARS = 1024 * 1024
# spaCy's tokenizer takes time quadratic in a run of prefix/suffix characters (10,000
# "&" in a row: 16 s; 50,000: minutes), and no language writes 1,000 in a row.
MAX_PUNCTUATION_RUN = 1000
# The lookbehind makes a match start only where a run starts, so the search is linear:
# without it, text made of 1,000-character runs took minutes.
_PUNCTUATION_RUN = re.compile(rf"(?<![^\w\s])[^\w\s]{{{MAX_PUNCTUATION_RUN + 1}}}")
# An extract shorter than this whose words are at least this share link text is a menu.
_SHORT_EXTRACT_CHARS = 250
_START_TAG = re.compile(r"<[A-Za-z]")
MAX_HTML_ELEMENTS = 30_000
_LINK_SHARE_NOT_ARTICLE = 0.8


class _Bad(Exception):
    """An input that can't be read; becomes an `IngestError` in `read_inputs`."""

    def __init__(self, reason: str, source: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source


# --------------------------------------------------------------------------- ids and text


def normalize_text(text: str) -> str:
    """The canonical form of a document's text: NFC, '\\n' line ends, no outer whitespace.

    Documents carry their text in this form, so offsets computed downstream and the
    content id agree whatever the input's line endings or byte-order mark were.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return unicodedata.normalize("NFC", text).strip()


def document_id(text: str) -> str:
    """A stable content id: "d-" + the first 16 hex chars of sha256(normalized text).

    It depends on the text alone, so ingesting the same report twice, from a file or a
    feed, with other line endings or trailing blanks, gives the same id and the store
    can treat the second copy as a no-op.
    """
    digest = hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
    return f"d-{digest[:16]}"


# --------------------------------------------------------------------------- dates


def _date_from_string(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    if not _YEAR.search(value):
        # Without a year, dateparser would read "yesterday" or "Sunday" relative to
        # today, which is never what a publication date field means.
        return None
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a project dependency
        return None
    try:
        parsed = dateparser.parse(
            value,
            languages=["en"],
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"},
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return parsed.date() if parsed else None


def parse_published(value: object) -> tuple[dt.date | None, str | None]:
    """Read a publication date from whatever a record, feed or sidecar holds.

    Returns (date, None), or (None, note) when the value is there but unreadable:
    a bad date in one record ("31 February") must cost that date, not the document.
    Dates keep their own time zone's calendar day ("2016-09-18T23:30:00-05:00" is the
    18th), because that is the day the outlet says it published.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, time.struct_time):
        try:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday), None
        except ValueError:
            return None, f"unparseable published date {tuple(value)[:3]!r}; left empty"
    if not isinstance(value, str):
        return None, f"published is a {type(value).__name__}, not a date; left empty"
    parsed = _date_from_string(value.strip())
    if parsed is None or not 1800 <= parsed.year <= 2200:
        return None, f"unparseable published date {value.strip()[:80]!r}; left empty"
    return parsed, None


# --------------------------------------------------------------------------- metadata layers


@dataclass
class _Fields:
    """Document metadata from one layer; None means "this layer says nothing"."""

    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    notes: list[str] = field(default_factory=list)

    def over(self, below: _Fields) -> _Fields:
        """This layer on top of `below`: set values here win, notes add up."""
        merged = replace(below, notes=[*below.notes, *self.notes])
        for f in fields(self):
            if f.name != "notes" and getattr(self, f.name) is not None:
                setattr(merged, f.name, getattr(self, f.name))
        return merged


def _cli_fields(options: ReadOptions) -> _Fields:
    return _Fields(published=options.published, outlet=options.outlet)


def _clean_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if math.isfinite(value) else None  # JSON's 1e309 reads as inf
    return None


def _fields_from_mapping(values: Mapping[str, Any], keys: Mapping[str, str], where: str) -> _Fields:
    """Read title/published/outlet/url from `values` using the key for each field."""
    out = _Fields()
    for name in ("title", "outlet", "url"):
        raw = values.get(keys[name])
        text = _clean_str(raw)
        if raw is not None and text is None and not (isinstance(raw, str) and not raw.strip()):
            out.notes.append(f"{where}: {keys[name]!r} is a {type(raw).__name__}; ignored")
        setattr(out, name, text)
    published, note = parse_published(values.get(keys["published"]))
    out.published = published
    if note:
        out.notes.append(f"{where}: {note}")
    return out


def _sidecar_path(path: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def _read_sidecar(path: Path) -> _Fields:
    """Metadata from the file's sidecar, if it has one. Problems become notes.

    A broken sidecar costs its metadata, not the document: the text is still worth having.
    """
    sidecar = _sidecar_path(path)
    if sidecar is None:
        return _Fields()
    label = f"sidecar {sidecar.name}"
    try:
        if sidecar.stat().st_size > SIDECAR_MAX_BYTES:
            return _Fields(notes=[f"{label}: larger than {human_size(SIDECAR_MAX_BYTES)}; ignored"])
        raw = sidecar.read_text(encoding="utf-8-sig")
        data = json.loads(raw) if sidecar.name.endswith(".json") else yaml.safe_load(raw)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        summary = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return _Fields(notes=[f"{label}: unreadable ({summary}); ignored"])
    if data is None:
        return _Fields()
    if not isinstance(data, dict):
        return _Fields(notes=[f"{label}: not a mapping of keys to values; ignored"])
    result = _fields_from_mapping(data, {k: k for k in SIDECAR_KEYS}, label)
    unknown = sorted(str(key) for key in data if key not in SIDECAR_KEYS)
    if unknown:
        result.notes.append(f"{label}: unknown keys ignored: {', '.join(unknown)}")
    return result


def _for_records(sidecar: _Fields) -> _Fields:
    """The part of a sidecar that applies to each record of a multi-record file.

    One title or URL for a whole CSV or feed would be wrong for every record, so only
    the publication date and outlet carry over.
    """
    return _Fields(published=sidecar.published, outlet=sidecar.outlet, notes=sidecar.notes)


def _overlong_line(text: str) -> tuple[int, int] | None:
    """(line number, length) of the first line longer than `MAX_LINE_CHARS`, if any.

    A scan with str.find, so it costs one pass and no copies even on a 50 MB text.
    """
    start, number, size = 0, 1, len(text)
    while start <= size:
        end = text.find("\n", start)
        if end < 0:
            end = size
        if end - start > MAX_LINE_CHARS:
            return number, end - start
        start, number = end + 1, number + 1
    return None


def _make_document(text: str, name: str, meta: _Fields, notes: list[str], source: str) -> Result:
    body = normalize_text(text)
    if not body:
        return IngestError(source=source, reason="empty: no text")
    run = _PUNCTUATION_RUN.search(body)
    if run is not None:
        line = body.count("\n", 0, run.start()) + 1
        return IngestError(
            source=source,
            reason=f"line {line} has a run of more than {MAX_PUNCTUATION_RUN:,} punctuation "
            "characters; not article text, refused",
        )
    overlong = _overlong_line(body)
    if overlong is not None:
        number, length = overlong
        return IngestError(
            source=source,
            reason=f"line {number} is {human_size(length)} long without a break; not article "
            f"text (lines are capped at {human_size(MAX_LINE_CHARS)}), refused",
        )
    return Document(
        id=document_id(body),
        name=name,
        text=body,
        title=meta.title,
        published=meta.published,
        outlet=meta.outlet,
        url=meta.url,
        language=guess_language(body),
        notes=[*notes, *meta.notes],
    )


# --------------------------------------------------------------------------- bytes to text


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return bool(sample) and controls / len(sample) > _CONTROL_SHARE_BINARY


def _bomless_utf16(sample: bytes) -> str | None:
    """Spot UTF-16 without a byte-order mark: mostly-ASCII text has a NUL in every pair."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even = sum(1 for byte in sample[0 : pairs * 2 : 2] if byte == 0) / pairs
    odd = sum(1 for byte in sample[1 : pairs * 2 : 2] if byte == 0) / pairs
    if odd > 0.9 and even < 0.1:
        return "utf-16-le"
    if even > 0.9 and odd < 0.1:
        return "utf-16-be"
    return None


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess_codec(data: bytes) -> str:
    """The legacy encoding to fall back to when bytes are not UTF-8."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a trafilatura dependency
        best = None
    else:
        best = from_bytes(data).best()
    guessed = _known_codec(best.encoding if best is not None else None)
    if guessed and not guessed.startswith(("utf-16", "utf-32")):
        try:
            text = data.decode(guessed)
        except UnicodeDecodeError:
            pass
        else:
            # Detectors often say cp1250 or latin-1 for Western text; when cp1252 reads
            # the bytes the same way, name the encoding people actually used.
            try:
                if data.decode("cp1252") == text:
                    return "cp1252"
            except UnicodeDecodeError:
                pass
            return guessed
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode an input's bytes to text, saying in notes when it had to guess.

    Order: byte-order mark, then UTF-8, then a declared charset (HTTP header or meta
    tag), then a guessed legacy encoding. UTF-8 goes before the declared charset because
    pages often declare latin-1 while serving UTF-8, and valid multi-byte UTF-8 is
    almost never an accident. Raises `_Bad` for binary data.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError:
                name = codec.upper().removesuffix("-SIG")
                return data.decode(codec, errors="replace"), [
                    f"invalid {name} after its byte-order mark; bad sequences replaced"
                ]
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        codec = _bomless_utf16(sample)
        if codec is not None:
            try:
                return data.decode(codec), [f"decoded as {codec} without a byte-order mark"]
            except UnicodeDecodeError:
                pass
        raise _Bad("binary file (contains NUL bytes)")
    if _looks_binary(sample):
        raise _Bad("binary file (too many control characters)")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        why = f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
    codec = _known_codec(declared)
    if codec and codec != "utf-8":
        try:
            return data.decode(codec), []
        except UnicodeDecodeError:
            pass
    codec = _guess_codec(data)
    return data.decode(codec, errors="replace"), [f"{why}; decoded as {codec}"]


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    raw = match.group(1) or match.group(2)
    return raw.decode("ascii", errors="ignore") or None


def _gunzip(data: bytes, cap: int) -> bytes:
    """Decompress gzip (all members), never holding more than `cap` bytes of output."""
    out = bytearray()
    pending = data
    while pending:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        buf = pending
        try:
            while not inflater.eof:
                chunk = inflater.decompress(buf, cap + 1 - len(out))
                out += chunk
                if len(out) > cap:
                    raise _Bad(f"decompressed data is larger than {human_size(cap)} cap")
                buf = inflater.unconsumed_tail
                if not buf and not chunk and not inflater.eof:
                    raise _Bad("truncated gzip file (ends before the compressed data does)")
        except zlib.error as exc:
            raise _Bad(f"corrupt gzip file ({exc})") from exc
        pending = inflater.unused_data
        if pending and not pending.startswith(_GZIP_MAGIC):
            break  # trailing garbage after the last member: ignore, as gzip(1) does
    return bytes(out)


# --------------------------------------------------------------------------- formats


def _sniff(text: str) -> str:
    """Tell a feed, an HTML page and plain text apart by how they start."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if re.match(r"<\?xml\b", head) or re.match(r"<(rss|feed|rdf:rdf)\b", head):
        if re.search(r"<(rss|feed|rdf:rdf)\b", head):
            return "feed"
        if re.search(r"<html\b", head):
            return "html"
        return "feed"  # other XML: the feed reader explains that it isn't one
    if re.match(r"<!doctype\s+html\b|<html\b|<head\b|<body\b", head):
        return "html"
    if head.startswith("<") and re.search(r"<(html|body|article|p|div|h1|title)\b", head):
        return "html"
    return "text"


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _trafilatura_config(max_bytes: int) -> Any:
    """trafilatura's settings, with its own 20 MB page limit raised to our cap.

    The size cap is enforced before the HTML gets here; without this a page between
    trafilatura's limit and ours would come back as "no main text", which is untrue.
    """
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(max(4 * max_bytes, 20_000_000)))
    return config


def _mostly_links(text: str, html: str) -> bool:
    """True when the extracted words are nearly all link text: a menu, not an article.

    trafilatura falls back to grabbing whatever text a page has, so a page with only
    navigation would otherwise come back as a "document" reading "Home | World | Sport".
    """
    collector = _TextCollector(links_only=True)
    collector.feed(html)
    collector.close()
    link_words = {w.casefold() for w in re.findall(r"\w+", "".join(collector.parts))}
    words = [w.casefold() for w in re.findall(r"\w+", text)]
    if not words:
        return True
    return sum(w in link_words for w in words) / len(words) >= _LINK_SHARE_NOT_ARTICLE


def _extract_html(html: str, url: str | None, max_bytes: int) -> tuple[str, _Fields]:
    """Main text and metadata of an HTML page, via trafilatura (never its fetcher).

    trafilatura's time grows faster than linearly with the number of elements (40,000
    elements took half a minute, 300,000 would take hours), so a page with more than
    `MAX_HTML_ELEMENTS` start tags, far beyond any article, is read by the linear
    stdlib parser instead: all its text, with a note saying boilerplate was kept.
    """
    elements = sum(1 for _ in _START_TAG.finditer(html))
    if elements > MAX_HTML_ELEMENTS:
        text = html_to_text(html)
        if not text:
            raise _Bad("HTML with no main text")
        note = (
            f"HTML has {elements:,} elements (over {MAX_HTML_ELEMENTS:,}); read all its text "
            "without main-text extraction"
        )
        return text, _Fields(notes=[note])
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            config=_trafilatura_config(max_bytes),
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on hostile markup
        raise _Bad(f"HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    text = _get(result, "text") if result is not None else None
    text = str(text or "").strip()
    if not text or (len(text) < _SHORT_EXTRACT_CHARS and _mostly_links(text, html)):
        raise _Bad("HTML with no main text")
    meta = _Fields(
        title=_clean_str(_get(result, "title")),
        outlet=_clean_str(_get(result, "sitename")),
        url=_clean_str(_get(result, "url")),
    )
    published, note = parse_published(_get(result, "date"))
    meta.published = published
    if note:
        meta.notes.append(f"HTML metadata: {note}")
    return text, meta


class _TextCollector(HTMLParser):
    """Collect the text of an HTML fragment, keeping paragraph breaks."""

    BLOCK = frozenset(
        str.split(
            "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 "
            "h5 h6 header hr li main nav ol p pre section table td th tr ul"
        )
    )
    SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self, links_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.links_only = links_only
        self.in_link = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.in_link += 1
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.in_link = max(0, self.in_link - 1)
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.links_only and not self.in_link:
            return
        if not self.skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), paragraphs kept apart."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    lines = [
        re.sub(r"[ \t\f\v\u00a0]+", " ", line).strip()
        for line in "".join(collector.parts).split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _entry_text(entry: Any) -> str:
    """The fullest text a feed entry offers: its longest content, else its summary."""
    candidates = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary") or "", detail.get("type") or "text/html"))
    value, kind = max(candidates, key=lambda item: len(item[0].strip()))
    if kind == "text/plain":
        return value
    return html_to_text(value)


def _read_feed(data: bytes, source: str, below: _Fields, options: ReadOptions) -> Iterator[Result]:
    import feedparser

    # A stream, not bytes or str: feedparser treats a string as a URL or a file name to open.
    parsed = feedparser.parse(io.BytesIO(data))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.entries:
        if problem is not None or not parsed.get("version"):
            detail = f" ({problem})" if problem is not None else ""
            raise _Bad(f"not a valid RSS/Atom feed{detail}")
        raise _Bad("feed has no entries")
    notes = (
        [f"feed is not well-formed ({problem}); read what could be recovered"] if problem else []
    )
    feed_fields = _Fields(outlet=_clean_str(html_to_text(parsed.feed.get("title") or "")))
    for number, entry in enumerate(parsed.entries, 1):
        where = f"{source}#{number}"
        text = _entry_text(entry)
        if not text.strip():
            yield IngestError(source=where, reason="empty: feed entry has no text")
            continue
        entry_fields = _Fields(
            title=_clean_str(html_to_text(entry.get("title") or "")),
            url=_clean_str(entry.get("link")),
        )
        raw_date = entry.get("published") or entry.get("updated")
        published, note = parse_published(raw_date)
        if published is None:
            parsed_date = entry.get("published_parsed") or entry.get("updated_parsed")
            fallback, _ = parse_published(parsed_date)
            if fallback is not None:
                published, note = fallback, None
        entry_fields.published = published
        if note:
            entry_fields.notes.append(f"feed entry {number}: {note}")
        meta = _cli_fields(options).over(below.over(entry_fields.over(feed_fields)))
        name = _clean_str(entry.get("id")) or entry_fields.url or where
        yield _make_document(text, name, meta, notes, where)


def _column_keys(options: ReadOptions) -> dict[str, str]:
    return {
        "title": options.title_col,
        "published": options.date_col,
        "outlet": options.outlet_col,
        "url": options.url_col,
    }


def _record_document(
    values: Mapping[str, Any],
    where: str,
    record_name: str,
    below: _Fields,
    notes: list[str],
    options: ReadOptions,
) -> Result:
    """One record (a JSONL object or a CSV row, keyed by column name) to a Document."""
    col = options.text_col
    if col not in values:
        return IngestError(source=where, reason=f"no {col!r} field in the record")
    text = values[col]
    if text is None:
        return IngestError(source=where, reason=f"{col!r} is null")
    if not isinstance(text, str):
        return IngestError(
            source=where, reason=f"{col!r} is a {type(text).__name__}, expected a string"
        )
    if not text.strip():
        return IngestError(source=where, reason=f"empty: {col!r} is blank")
    own = _fields_from_mapping(values, _column_keys(options), where)
    meta = _cli_fields(options).over(below.over(own))
    record_id = values.get(options.id_col)
    name = _clean_str(record_id) if not isinstance(record_id, bool) else None
    return _make_document(text, name or record_name, meta, notes, where)


def _read_jsonl(
    text: str, source: str, label: str, below: _Fields, notes: list[str], options: ReadOptions
) -> Iterator[Result]:
    lines = ((number, line, notes) for number, line in enumerate(text.split("\n"), 1))
    yield from _jsonl_records(lines, source, label, below, options)


def _utf8_lines(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(number, text, notes) per line of a JSONL file, read a line at a time: a corpus of
    100,000 records is never held in memory whole. A line that is not UTF-8 is decoded
    by itself as `decode_bytes` would, with a note on that record only."""
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield number, raw.decode("utf-8"), []
            except UnicodeDecodeError:
                try:
                    text, notes = decode_bytes(raw)
                except _Bad as exc:
                    text, notes = "", [str(exc)]
                yield number, text, notes


def _streamable_jsonl(path: Path) -> bool:
    """Plain UTF-8 (or ASCII) JSONL, which `_utf8_lines` reads line by line; gzip and
    UTF-16 files go through the whole-file path."""
    if path.name.lower().endswith(".gz"):
        return False
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    if head.startswith(_GZIP_MAGIC) or b"\x00" in head:
        return False
    return not any(head.startswith(bom) for bom, codec in _BOMS if codec != "utf-8-sig")


def _jsonl_records(
    lines: Iterable[tuple[int, str, list[str]]],
    source: str,
    label: str,
    below: _Fields,
    options: ReadOptions,
) -> Iterator[Result]:
    seen = False
    for number, line, notes in lines:
        if not line.strip():
            continue
        seen = True
        where = f"{source}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(source=where, reason=f"not JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield IngestError(source=where, reason="JSON nested too deeply to read")
            continue
        if not isinstance(value, dict):
            kind = type(value).__name__
            yield IngestError(source=where, reason=f"record is a JSON {kind}, not an object")
            continue
        yield _record_document(value, where, f"{label}:{number}", below, notes, options)
    if not seen:
        raise _Bad("empty: no records")


def _read_json(
    text: str, source: str, label: str, below: _Fields, notes: list[str], options: ReadOptions
) -> Iterator[Result]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise _Bad("JSON nested too deeply to read") from exc
    records = value if isinstance(value, list) else [value]
    if not records:
        raise _Bad("empty: no records")
    for number, record in enumerate(records, 1):
        where = f"{source}[{number}]"
        if not isinstance(record, dict):
            kind = type(record).__name__
            yield IngestError(source=where, reason=f"record is a JSON {kind}, not an object")
            continue
        yield _record_document(record, where, f"{label}[{number}]", below, notes, options)


def _find_column(header: list[str], wanted: str) -> int | None:
    """Index of a column: exact name first, then ignoring case and outer spaces."""
    if wanted in header:
        return header.index(wanted)
    folded = [name.strip().casefold() for name in header]
    key = wanted.strip().casefold()
    return folded.index(key) if key in folded else None


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line number, row or error) for each record; errors don't stop the reader."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last = 0
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last = reader.line_num
            yield start, exc
            continue
        last = reader.line_num
        yield start, row


def _read_csv(
    text: str,
    source: str,
    label: str,
    below: _Fields,
    notes: list[str],
    options: ReadOptions,
    delimiter: str,
) -> Iterator[Result]:
    # Article texts easily pass csv's 128 kB default field limit; allow up to the file cap.
    if csv.field_size_limit() < options.max_bytes:
        csv.field_size_limit(options.max_bytes)
    first_line = text.split("\n", 1)[0]
    if delimiter == "," and "," not in first_line:
        for other in (";", "\t"):
            if other in first_line:
                delimiter = other
                break
    rows = _csv_rows(text, delimiter)
    header: list[str] | None = None
    for _start, row in rows:
        if isinstance(row, csv.Error):
            raise _Bad(f"broken CSV header ({row})")
        if any(cell.strip() for cell in row):
            header = row
            break
    if header is None:
        raise _Bad("empty: no header row")
    if _find_column(header, options.text_col) is None:
        columns = ", ".join(repr(name) for name in header)
        raise _Bad(f"no {options.text_col!r} column (columns are {columns})")
    names = [
        options.id_col, options.text_col, options.title_col,
        options.date_col, options.outlet_col, options.url_col,
    ]  # fmt: skip
    index = {name: _find_column(header, name) for name in names}
    count = 0
    for start, row in rows:
        where = f"{source}:{start}"
        if isinstance(row, csv.Error):
            count += 1
            yield IngestError(source=where, reason=f"broken CSV quoting: {row}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if len(row) != len(header):
            yield IngestError(
                source=where,
                reason=f"record has {len(row)} fields, the header has {len(header)}",
            )
            continue
        values = {name: row[i] for name, i in index.items() if i is not None}
        yield _record_document(values, where, f"{label}:{start}", below, notes, options)
    if count == 0:
        raise _Bad("empty: header but no records")


# --------------------------------------------------------------------------- dispatch


def _read_bytes(
    data: bytes,
    kind: str,
    source: str,
    name: str,
    below: _Fields,
    options: ReadOptions,
    *,
    declared: str | None = None,
    url: str | None = None,
) -> Iterator[Result]:
    """Everything after the bytes are in hand: decode, classify, build documents."""
    if not data.strip():
        raise _Bad("empty file" if data == b"" else "empty: only whitespace")
    if kind in ("html", "sniff", "feed"):
        declared = declared or _declared_charset(data)
    text, notes = decode_bytes(data, declared)
    if not text.strip():
        raise _Bad("empty: only whitespace")
    if kind == "sniff":
        kind = _sniff(text)
    cli = _cli_fields(options)
    if kind == "text":
        yield _make_document(text, name, cli.over(below), notes, source)
    elif kind == "html":
        body, page = _extract_html(text, url, options.max_bytes)
        if url:
            page.url = url
        yield _make_document(body, name, cli.over(below.over(page)), notes, source)
    elif kind == "feed":
        yield from _read_feed(data, source, _for_records(below), options)
    elif kind == "jsonl":
        yield from _read_jsonl(text, source, name, _for_records(below), notes, options)
    elif kind == "json":
        yield from _read_json(text, source, name, _for_records(below), notes, options)
    elif kind in ("csv", "tsv"):
        delimiter = "\t" if kind == "tsv" else ","
        yield from _read_csv(text, source, name, _for_records(below), notes, options, delimiter)
    else:  # pragma: no cover - kinds come from this module
        raise _Bad(f"unknown input kind {kind!r}")


def _kind_for(file_name: str) -> tuple[str, str]:
    """(kind, name without .gz) from a file name's extension."""
    inner = file_name[:-3] if file_name.lower().endswith(".gz") else file_name
    return _KIND_BY_SUFFIX.get(Path(inner).suffix.lower(), "sniff"), inner


def _read_capped(stream: BinaryIO, cap: int) -> bytes:
    data = stream.read(cap + 1)
    if isinstance(data, str):  # a text stream passed by mistake: accept it
        data = data.encode("utf-8")
    if len(data) > cap:
        raise _Bad(f"input larger than {human_size(cap)} cap")
    return data


def _maybe_gunzip(data: bytes, file_name: str, cap: int) -> bytes:
    if data.startswith(_GZIP_MAGIC):
        return _gunzip(data, cap)
    if file_name.lower().endswith(".gz"):
        raise _Bad("not a gzip file, though its name ends in .gz")
    return data


def _read_file(path: Path, source: str, name: str, options: ReadOptions) -> Iterator[Result]:
    cap = options.max_bytes
    kind, _inner = _kind_for(path.name)
    try:
        size = path.stat().st_size
        if size > cap:
            raise _Bad(f"file is {human_size(size)}, larger than {human_size(cap)} cap")
        if kind == "jsonl" and size and _streamable_jsonl(path):
            below = _for_records(_read_sidecar(path))
            yield from _jsonl_records(_utf8_lines(path), source, name, below, options)
            return
        with path.open("rb") as stream:
            data = _read_capped(stream, cap)
    except OSError as exc:
        raise _Bad(f"cannot read: {exc.strerror or exc}") from exc
    data = _maybe_gunzip(data, path.name, cap)
    yield from _read_bytes(data, kind, source, name, _read_sidecar(path), options)


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    """Globs without '/' match the file name, globs with '/' the path under the root."""
    base = relative.rsplit("/", 1)[-1].lower()
    rel = relative.lower()
    return any(
        fnmatch.fnmatchcase(rel if "/" in pattern else base, pattern.lower())
        for pattern in patterns
    )


def _is_sidecar(file_name: str) -> bool:
    return file_name.lower().endswith(SIDECAR_SUFFIXES)


def _walk(root: Path, options: ReadOptions) -> tuple[list[tuple[Path, str]], list[str]]:
    """Files under `root` to read, sorted by relative path, and directories we couldn't list."""
    found: list[tuple[Path, str]] = []
    problems: list[str] = []

    def on_error(exc: OSError) -> None:
        problems.append(f"{exc.filename}: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else f"{rel_dir}/"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not _matches(prefix + d, options.exclude)
        )
        for file_name in filenames:
            relative = prefix + file_name
            if file_name.startswith(".") or _is_sidecar(file_name):
                continue
            if options.include and not _matches(relative, options.include):
                continue
            if not options.include and not _is_document_type(file_name):
                continue  # READMEs, YAML and other non-documents; --include takes them
            if _matches(relative, options.exclude):
                continue
            found.append((Path(dirpath) / file_name, relative))
    found.sort(key=lambda item: item[1])
    return found, problems


def _is_document_type(file_name: str) -> bool:
    """Directory walks take known document types only (a .gz of one counts)."""
    inner = file_name.lower().removesuffix(".gz")
    return Path(inner).suffix in _KIND_BY_SUFFIX


def _read_directory(root: Path, source: str, options: ReadOptions) -> Iterator[Result]:
    files, problems = _walk(root, options)
    for problem in problems:
        yield IngestError(source=source, reason=f"cannot list directory {problem}")
    if not files and not problems:
        yield IngestError(source=source, reason="directory has no files to read")
    for path, relative in files:
        if not _is_regular(path):
            # A FIFO would block the walk forever, a device would read junk: only files
            # named on the command line may be pipes (`fogwatch ingest <(curl ...)`).
            yield IngestError(source=str(path), reason="not a regular file; skipped")
            continue
        yield from _guarded(str(path), lambda p=path, r=relative: _read_file(p, str(p), r, options))


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # let the reader report why it cannot be read


def _read_stdin(stdin: BinaryIO | None, options: ReadOptions) -> Iterator[Result]:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = _read_capped(stream, options.max_bytes)
    data = _maybe_gunzip(data, "", options.max_bytes)
    yield from _read_bytes(data, "sniff", "-", STDIN_NAME, _Fields(), options)


def _read_url(url: str, options: ReadOptions) -> Iterator[Result]:
    try:
        page = fetch_url(url, options)
    except FetchError as exc:
        yield exc.to_ingest_error()
        return
    if page.content_type in HTML_TYPES:
        kind = "html"
    elif page.content_type in FEED_TYPES:
        kind = "sniff"  # application/xml may be XHTML as well as a feed
    elif page.content_type == "text/plain":
        kind = "text"
    else:
        kind = "sniff"
    data = page.body
    if data.startswith(_GZIP_MAGIC):
        data = _gunzip(data, options.max_bytes)
    yield from _read_bytes(
        data, kind, url, url, _Fields(url=page.final_url), options,
        declared=page.charset, url=page.final_url,
    )  # fmt: skip


def _guarded(source: str, produce: Callable[[], Iterable[Result]]) -> Iterator[Result]:
    """Run one input's reader, turning any failure into an IngestError for that input."""
    try:
        yield from produce()
    except _Bad as exc:
        yield IngestError(source=exc.source or source, reason=exc.reason)
    except Exception as exc:  # a reader bug must cost one input, not the batch
        yield IngestError(source=source, reason=f"unexpected error: {type(exc).__name__}: {exc}")


def _read_one(raw: str, options: ReadOptions, stdin: BinaryIO | None) -> Iterator[Result]:
    if raw == "-":
        yield from _read_stdin(stdin, options)
        return
    if _URL_SCHEME.match(raw):
        scheme = raw.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise _Bad(f"refused: scheme {scheme!r} is not http or https")
        yield from _read_url(raw, options)
        return
    path = Path(raw)
    if path.is_dir():
        yield from _read_directory(path, raw, options)
    elif path.exists():
        yield from _read_file(path, raw, path.name, options)
    else:
        raise _Bad("no such file or directory")


def read_inputs(
    inputs: Iterable[str], options: ReadOptions, stdin: BinaryIO | None = None
) -> Iterator[Document | IngestError]:
    """Read each input in turn: files, directories (recursive), "-" for stdin, http(s) URLs.

    Yields Documents (with no segments) and IngestErrors in input order; it never raises
    for a bad input, so one unreadable file costs only itself.
    """
    for raw in inputs:
        yield from _guarded(raw, lambda raw=raw: _read_one(raw, options, stdin))
