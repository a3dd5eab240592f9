"""Syrian admin areas from OCHA polygons: point-in-polygon for admin1-3, and outlines.

The polygons ship simplified (``data/syria_admin.json.gz``, built by
``scripts/build_syria_gazetteer.py`` from OCHA's CC BY-IGO boundaries). Point-in-polygon
is a plain ray-casting test over a bounding-box prefilter: 272 sub-districts of a few
hundred vertices each answer in microseconds, so no geometry library is needed at run
time (docs/decisions.md).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from fogwatch import settings

ADMIN_FILE = "syria_admin.json.gz"
#: A point in no sub-district (the simplified outlines leave slivers at borders and
#: coasts) takes the sub-district whose outline passes within this distance.
NEAREST_KM = 2.5

Ring = list[tuple[float, float]]  # (lon, lat)


@dataclass(frozen=True, slots=True)
class AdminAreas:
    """The governorate, district and sub-district a point lies in (OCHA names)."""

    admin1: str
    admin2: str
    admin3: str
    pcode: str  # the sub-district's P-code


def point_in_rings(lon: float, lat: float, rings: list[Ring]) -> bool:
    """Even-odd ray casting over all rings, so holes count as outside."""
    inside = False
    for ring in rings:
        j = len(ring) - 1
        for i in range(len(ring)):
            xi, yi = ring[i]
            xj, yj = ring[j]
            if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
    return inside


def simplify_ring(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on one closed ring; keeps the first and last point."""
    if len(points) < 5:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, best_d = -1, tolerance
        for i in range(a + 1, b):
            x, y = points[i]
            if norm == 0:
                d = math.hypot(x - x1, y - y1)
            else:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(a, best), (best, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _bbox(rings: list[Ring]) -> tuple[float, float, float, float]:
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    return min(xs), min(ys), max(xs), max(ys)


class AdminIndex:
    """Sub-district lookup by point over the OCHA polygons."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._areas = [(_bbox(a["rings"]), a) for a in data["levels"]["3"] if a["rings"]]

    def locate(self, lat: float, lon: float) -> AdminAreas | None:
        """The admin areas holding the point, or None outside Syria."""
        for (x0, y0, x1, y1), area in self._areas:
            if x0 <= lon <= x1 and y0 <= lat <= y1 and point_in_rings(lon, lat, area["rings"]):
                return _areas(area)
        best, best_d = None, NEAREST_KM
        pad = NEAREST_KM / 80.0  # degrees, generous at Syrian latitudes
        coslat = math.cos(math.radians(lat))
        for (x0, y0, x1, y1), area in self._areas:
            if not (x0 - pad <= lon <= x1 + pad and y0 - pad <= lat <= y1 + pad):
                continue
            for ring in area["rings"]:
                d = _ring_km(lon, lat, ring, coslat)
                if d < best_d:
                    best, best_d = area, d
        return _areas(best) if best else None

    def areas(self, level: int) -> list[dict[str, Any]]:
        """Every area of one level (1 governorates, 2 districts, 3 sub-districts)."""
        return list(self.data["levels"][str(level)])


def _ring_km(lon: float, lat: float, ring: Ring, coslat: float) -> float:
    """Approximate km from a point to a ring's edges (equirectangular, fine at this scale)."""
    best = float("inf")
    px, py = lon * coslat, lat
    for (ax, ay), (bx, by) in zip(ring, ring[1:], strict=False):
        ax, bx = ax * coslat, bx * coslat
        dx, dy = bx - ax, by - ay
        t = (
            0.0
            if dx == dy == 0
            else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        )
        d = math.hypot(px - (ax + t * dx), py - (ay + t * dy))
        best = min(best, d)
    return best * 111.2


def _areas(area: dict[str, Any]) -> AdminAreas:
    return AdminAreas(area["admin1"], area["admin2"], area["name"], area["pcode"])


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


@cache
def admin_index() -> AdminIndex | None:
    """The shipped Syrian admin index, or None if the data file is missing."""
    path = settings.PACKAGE_DATA_DIR / ADMIN_FILE
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return AdminIndex(json.load(fh))


@lru_cache(maxsize=20_000)
def locate(lat: float, lon: float) -> AdminAreas | None:
    """admin1-3 of a point in Syria (OCHA names), None elsewhere; cached per point."""
    index = admin_index()
    return index.locate(lat, lon) if index else None


@cache
def outlines(level: int) -> dict[str, Any]:
    """The admin areas of one level as a GeoJSON FeatureCollection (for the map): each a
    MultiPolygon of its simplified rings, with its name, P-code and parents."""
    index = admin_index()
    features = []
    for area in index.areas(level) if index else []:
        props = {k: area[k] for k in ("name", "name_ar", "pcode", "admin1", "admin2") if k in area}
        features.append(
            {
                "type": "Feature",
                "id": area["pcode"],
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in ring]] for ring in area["rings"]],
                },
                "properties": {**props, "level": level},
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "attribution": "OCHA / Humanitarian Data Exchange, CC BY-IGO",
    }
