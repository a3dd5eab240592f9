"""Build fogwatch's Syrian village gazetteer and admin polygons from openly licensed data.

    PYTHONPATH=src python scripts/build_syria_gazetteer.py [--shared ../shared]

Reads (all under ``../shared/data``):

* UCDP GED Syria 2016-2019 (CC BY 4.0): ``where_coordinates`` at ``where_prec`` 1-2, the
  trailing "village", "town", "area", "camp", "airbase", ... cut off into a feature type;
  a name seen at several points gets the median point;
* OCHA COD admin capitals and admin1-3 polygons (CC BY-IGO), English and Arabic names
  with P-codes;
* OpenStreetMap places of 2014 (ODbL 1.0), names in Arabic script.

Places are merged across sources when their consonant skeletons (``keys.skeleton``, the
same for Latin and Arabic script) agree and their points lie within ``MERGE_KM``; the
merged place keeps every name. Each place gets admin1-3 from the OCHA polygons.

Writes ``src/fogwatch/data/syria_places.csv.gz`` and ``src/fogwatch/data/syria_admin.json.gz``
(polygons simplified with Douglas-Peucker). Needs ``pyshp`` (the ``dev`` extra) at build
time only. IOM and ACLED files are never read here: they are for measuring.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from fogwatch.places.builtin import admin_areas
from fogwatch.places.geo import AdminIndex, simplify_ring
from fogwatch.places.keys import fold_key, skeleton

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "fogwatch" / "data"
PLACES_OUT = DATA / "syria_places.csv.gz"
ADMIN_OUT = DATA / "syria_admin.json.gz"
MERGE_KM = 6.0
#: Douglas-Peucker tolerance in degrees per admin level (about 1.1 km, 0.7 km, 0.45 km).
TOLERANCE = {1: 0.01, 2: 0.006, 3: 0.004}

#: UCDP's trailing feature words -> fogwatch feature classes.
UCDP_SUFFIX = {
    "village": "village", "town": "town", "city": "city", "suburb": "neighbourhood",
    "neighbourhood": "neighbourhood", "neighborhood": "neighbourhood", "district": "neighbourhood",
    "area": "site", "locality": "village", "farm": "site", "farms": "site", "field": "site",
    "fields": "site", "oilfield": "site", "mountain": "site", "hill": "site", "hills": "site",
    "camp": "site", "base": "site", "airbase": "site", "airport": "site", "checkpoint": "site",
    "dam": "site", "plant": "site", "complex": "site", "prison": "site", "reservoir": "site",
    "island": "site", "lake": "site", "road": "site", "brigade": "site", "station": "site",
    "bridge": "site", "crossing": "site", "hospital": "site", "factory": "site",
}  # fmt: skip
#: Trailing words kept in the name (they are part of how reports name the site).
SITE_KEEP = frozenset({"airbase", "airport", "base", "camp", "dam", "checkpoint", "prison"})
OSM_FEATURE = {
    "city": "city", "town": "town", "village": "village", "hamlet": "village",
    "locality": "village", "suburb": "neighbourhood", "neighbourhood": "neighbourhood",
    "isolated_dwellin": "village",
}  # fmt: skip
SOURCE_RANK = {"ocha": 0, "ucdp": 1, "osm": 2}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def ucdp_places(path: Path) -> list[dict]:
    """Named places of UCDP events located at village or town level (where_prec 1-2)."""
    areas = {
        fold_key(n)
        for section in ("admin1", "regions")
        for e in admin_areas()[section].values()
        for n in [e["name"], *e.get("names", [])]
    }
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["where_prec"] not in ("1", "1.0", "2", "2.0"):
                continue
            points[row["where_coordinates"].strip()].append(
                (float(row["latitude"]), float(row["longitude"]))
            )
    out = []
    for raw, pts in points.items():
        words = raw.split()
        feature = "village"
        last = words[-1].lower() if words else ""
        if last in ("governorate", "subdistrict", "district") and len(words) > 1:
            continue  # areas, not places: the polygons cover them
        name = raw
        if last in UCDP_SUFFIX and len(words) > 1:
            feature = UCDP_SUFFIX[last]
            if last not in SITE_KEEP:
                name = " ".join(words[:-1])
        names = [n.strip() for n in re.split(r"/|\(|\)", name) if n.strip()]
        names = [n for n in names if fold_key(n) not in areas]
        if not names:
            continue  # "Eastern Ghouta", "Idlib": regions and governorates, not places
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        out.append({"names": names, "lat": lat, "lon": lon, "feature": feature, "src": "ucdp"})
    return out


def _shape_reader(path: Path):  # noqa: ANN202 - pyshp is a build-time dependency
    import shapefile

    return shapefile.Reader(str(path), encoding="utf-8")


def _centre(name: str) -> str:
    """OCHA's Arabic "مركز X" is "X centre": the town is X."""
    return re.sub(r"^مركز\s+", "", name.strip())


def ocha_points(boundaries: Path) -> list[dict]:
    """OCHA admin capitals: the towns that seat a governorate, district or sub-district."""
    out = []
    caps = _shape_reader(boundaries / "syr_admincapitals")
    for rec in caps.records():
        r = rec.as_dict()
        names = [
            _centre(n) for n in (r["name"], r.get("name_1"), r.get("name_2"), r.get("name_3")) if n
        ]
        if not names or r["adm_p_lvl"] == 0:
            continue
        feature = "city" if r["adm_p_lvl"] in (1, 2) else "town"
        out.append(
            {"names": names, "lat": r["y_coord"], "lon": r["x_coord"], "feature": feature,
             "src": "ocha"}
        )  # fmt: skip
    # (syr_adminpoints is not read: its points are the areas' label points, often far
    # from the town an area is named after)
    return out


def osm_places(path: Path) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            feature = OSM_FEATURE.get(row["type"])
            if feature is None or not row["name"].strip():
                continue
            names = [n.strip() for n in re.split(r"[/;]", row["name"]) if n.strip()]
            out.append(
                {"names": names, "lat": float(row["lat"]), "lon": float(row["lon"]),
                 "feature": feature, "src": "osm", "id": row["osm_id"],
                 "population": int(float(row["population"])) if row["population"] else None}
            )  # fmt: skip
    return out


def merge(places: list[dict]) -> list[dict]:
    """Merge places whose skeletons agree and whose points are within MERGE_KM.

    Processed in source order (OCHA, UCDP, OSM), so the merged point is the most
    authoritative source's; names of every source are kept."""
    places.sort(key=lambda p: SOURCE_RANK[p["src"]])
    by_key: dict[str, list[dict]] = defaultdict(list)
    merged: list[dict] = []
    for p in places:
        keys = {k for k in (skeleton(n) for n in p["names"]) if len(k) >= 2}
        target = None
        for k in keys:
            for q in by_key[k]:
                if km((p["lat"], p["lon"]), (q["lat"], q["lon"])) <= MERGE_KM:
                    target = q
                    break
            if target:
                break
        if target is None:
            target = {**p, "names": list(p["names"]), "srcs": {p["src"]}}
            merged.append(target)
        else:
            for n in p["names"]:
                if n not in target["names"]:
                    target["names"].append(n)
            target["srcs"].add(p["src"])
            if target["feature"] == "village" and p["feature"] in ("town", "city"):
                target["feature"] = p["feature"]
            target["population"] = target.get("population") or p.get("population")
        for k in keys:
            if target not in by_key[k]:
                by_key[k].append(target)
    return merged


def admin_polygons(boundaries: Path) -> dict:
    """Simplified OCHA admin1-3 polygons with English and Arabic names, parents, centres."""
    out: dict = {"attribution": "OCHA / Humanitarian Data Exchange, CC BY-IGO", "levels": {}}
    for level in (1, 2, 3):
        reader = _shape_reader(boundaries / f"syr_admin{level}")
        areas = []
        for shape, rec in zip(reader.shapes(), reader.records(), strict=True):
            r = rec.as_dict()
            parts = list(shape.parts) + [len(shape.points)]
            rings = []
            for a, b in zip(parts, parts[1:], strict=False):
                ring = simplify_ring(
                    [(round(x, 4), round(y, 4)) for x, y in shape.points[a:b]], TOLERANCE[level]
                )
                if len(ring) >= 4:
                    rings.append(ring)
            area = {
                "pcode": r[f"adm{level}_pcode"],
                "name": r[f"adm{level}_name"],
                "name_ar": r[f"adm{level}_name1"],
                "lat": round(r["center_lat"], 5),
                "lon": round(r["center_lon"], 5),
                "rings": rings,
            }
            if level >= 2:
                area["admin1"] = r["adm1_name"]
            if level == 3:
                area["admin2"] = r["adm2_name"]
            areas.append(area)
        out["levels"][str(level)] = areas
    return out


def write_places(places: list[dict], index: AdminIndex) -> int:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "alt_names", "lat", "lon", "feature", "admin1", "admin2",
                "admin3", "population", "sources"])  # fmt: skip
    rows = []
    for p in places:
        adm = index.locate(p["lat"], p["lon"])
        if adm is None:
            continue  # outside Syria (OSM's extract reaches over the borders)
        latin = [n for n in p["names"] if not re.search(r"[\u0600-\u06ff]", n)]
        name = (latin or p["names"])[0]
        alts = [n for n in p["names"] if n != name]
        srcs = sorted(p["srcs"], key=SOURCE_RANK.get)
        pid = f"osm:{p['id']}" if srcs[0] == "osm" else None
        rows.append(
            [pid, name, "|".join(alts), f"{p['lat']:.5f}", f"{p['lon']:.5f}", p["feature"],
             adm.admin1, adm.admin2, adm.admin3, p.get("population") or "", "+".join(srcs)]
        )  # fmt: skip
    rows.sort(key=lambda r: (r[6], r[7], r[8], r[1], r[3]))
    for i, row in enumerate(rows, 1):
        row[0] = row[0] or f"sy:{i:05d}"
        w.writerow(row)
    with gzip.GzipFile(PLACES_OUT, "wb", mtime=0) as fh:
        fh.write(buf.getvalue().encode("utf-8"))
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args(argv)
    data = args.shared / "data"
    boundaries = data / "gazetteer" / "ocha-boundaries"
    admin = admin_polygons(boundaries)
    payload = json.dumps(admin, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(ADMIN_OUT, "wb", mtime=0) as fh:
        fh.write(payload)
    index = AdminIndex(admin)
    sources = [
        *ocha_points(boundaries),
        *ucdp_places(data / "ucdp-ged-syria" / "ged_syria_2016_2019.csv"),
        *osm_places(data / "gazetteer" / "osm-2014-places" / "places.csv"),
    ]
    counts = defaultdict(int)
    for p in sources:
        counts[p["src"]] += 1
    merged = merge(sources)
    n = write_places(merged, index)
    print(f"read {dict(counts)}; merged to {len(merged)}; wrote {n} places to {PLACES_OUT}")
    print(f"admin polygons: {ADMIN_OUT} ({ADMIN_OUT.stat().st_size // 1024} KB)")
    print(f"places file: {PLACES_OUT.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
