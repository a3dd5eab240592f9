"""The outlet table: recognise a publisher from the way a page names it.

Why: bylines spell outlets many ways ("Al-Masdar", "AL MASDAR NEWS", "almasdarnews.com").
The knowledge lives in `data/outlets.yaml` (see its header for the fields); users extend
it with an `outlets.yaml` in `fogwatch.settings.user_data_dir()`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from fogwatch import settings

KINDS = frozenset(
    {
        "wire", "state_media", "public_broadcaster", "broadcaster", "newspaper", "website",
        "blog", "analysis", "local_network", "monitor", "armed_group_media",
    }
)  # fmt: skip
FILE_NAME = "outlets.yaml"
_LIST_FIELDS = ("aliases", "domains", "series")


@dataclass(frozen=True)
class OutletInfo:
    """One outlet: its canonical name and what a reader should know about it."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    lean: str | None = None
    note: str | None = None
    series: tuple[str, ...] = field(default=())

    def names(self) -> tuple[str, ...]:
        """The canonical name first, then every alias."""
        return (self.name, *self.aliases)


def normalize_name(text: str) -> str:
    """Matching key: accents, case, punctuation, spaces and a leading 'The' don't count."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[\W_]+", "", text)


def _host(text: str) -> str | None:
    """The web host in a URL or bare domain ('www.rt.com/news' -> 'rt.com'), else None."""
    text = text.strip().casefold()
    if " " in text or "." not in text:
        return None
    if "://" not in text:
        text = "//" + text
    host = urlsplit(text).hostname or ""
    host = host.removeprefix("www.")
    return host if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host) else None


def _entry(raw: dict, origin: Path, partial: bool) -> OutletInfo:
    """Validate one YAML mapping; errors name the file so users can fix their table.

    `partial` entries (the user's) may leave out `kind` when they update a known outlet.
    """
    if not isinstance(raw, dict) or not raw.get("name"):
        raise ValueError(f"{origin}: every outlet needs a 'name': {raw!r}")
    kind = raw.get("kind") or ("" if partial else None)
    if kind not in KINDS and kind != "":
        raise ValueError(
            f"{origin}: outlet {raw['name']!r} has kind {kind!r}; use one of {sorted(KINDS)}"
        )
    unknown = set(raw) - {"name", "kind", "country", "lean", "note", *_LIST_FIELDS}
    if unknown:
        raise ValueError(f"{origin}: outlet {raw['name']!r} has unknown fields {sorted(unknown)}")
    return OutletInfo(
        name=str(raw["name"]),
        kind=kind,
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        domains=tuple(str(d).casefold().removeprefix("www.") for d in raw.get("domains") or ()),
        country=raw.get("country"),
        lean=raw.get("lean"),
        note=raw.get("note"),
        series=tuple(str(s) for s in raw.get("series") or ()),
    )


def _read(path: Path, partial: bool = False) -> list[OutletInfo]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("outlets") or [], list):
        raise ValueError(f"{path}: expected a mapping with an 'outlets:' list")
    return [_entry(raw, path, partial) for raw in data.get("outlets") or ()]


def _merge(base: OutletInfo, extra: OutletInfo) -> OutletInfo:
    """A user entry updates a built-in one: scalars replace, lists are added to."""
    lists = {
        name: tuple(dict.fromkeys((*getattr(base, name), *getattr(extra, name))))
        for name in _LIST_FIELDS
    }
    scalars = {
        name: getattr(extra, name) if getattr(extra, name) is not None else getattr(base, name)
        for name in ("country", "lean", "note")
    }
    return replace(base, kind=extra.kind or base.kind, **lists, **scalars)


@lru_cache(maxsize=8)
def _load(user_file: str | None, _stamp: tuple[int, int]) -> tuple[OutletInfo, ...]:
    outlets = {normalize_name(o.name): o for o in _read(settings.PACKAGE_DATA_DIR / FILE_NAME)}
    if user_file:
        for extra in _read(Path(user_file), partial=True):
            key = normalize_name(extra.name)
            if key in outlets:
                outlets[key] = _merge(outlets[key], extra)
            elif extra.kind:
                outlets[key] = extra
            else:
                raise ValueError(f"{user_file}: new outlet {extra.name!r} needs a 'kind'")
    return tuple(outlets.values())


@lru_cache(maxsize=8)
def _user_file(_env: tuple[str | None, ...]) -> Path:
    """Where the user's table lives; asked of settings once per environment."""
    return settings.user_data_dir() / FILE_NAME


def load_outlets() -> tuple[OutletInfo, ...]:
    """The built-in table plus the user's `outlets.yaml`, re-read when that file changes."""
    user = _user_file(tuple(os.environ.get(k) for k in ("FOGWATCH_DATA_DIR", "FOGWATCH_HOME")))
    if user.is_file():
        stat = user.stat()
        return _load(str(user), (stat.st_mtime_ns, stat.st_size))
    return _load(None, (0, 0))


@lru_cache(maxsize=8)
def _index(outlets: tuple[OutletInfo, ...]) -> tuple[dict[str, OutletInfo], dict[str, OutletInfo]]:
    names: dict[str, OutletInfo] = {}
    hosts: dict[str, OutletInfo] = {}
    for outlet in outlets:
        for name in outlet.names():
            if key := normalize_name(name):
                names[key] = outlet  # later entries (the user's) win
        for domain in outlet.domains:
            hosts[domain] = outlet
    return names, hosts


def match_outlet(text: str) -> OutletInfo | None:
    """The outlet whose name, alias or domain is exactly `text` (loosely spelled), else None.

    This is a whole-string lookup, not a search: 'RT' matches, 'RT reported' does not.
    """
    if not text or not text.strip():
        return None
    names, hosts = _index(load_outlets())
    found = names.get(normalize_name(text))
    if found is None and (host := _host(text)):
        # 'english.aljazeera.net' -> try each parent domain too.
        parts = host.split(".")
        for i in range(len(parts) - 1):
            if found := hosts.get(".".join(parts[i:])):
                break
    return found


def series_names() -> tuple[str, ...]:
    """Titles of outlets' recurring pages; a line starting with one is a cross-reference."""
    return tuple(s for outlet in load_outlets() for s in outlet.series)
