"""API filter queries at scale: bbox, date range and type over 1 M claims, 200 k incidents.

    python benchmarks/bench_queries.py [--claims 1000000] [--incidents 200000]
                                       [--queries 200] [--skip-sqlite] [--skip-postgres]

Why synthetic rows: extracting a million claims would take hours; the query path only
needs rows shaped like real ones. Rows are generated in memory (deterministic for a
seed) and bulk-loaded with `Store.bulk_copy` (COPY on PostgreSQL), after the normal
migrations, so every index of migrations 0004 and 0005 is there. The queries go through
`fogwatch.api.queries.list_incidents` / `list_claims`, the functions behind
`GET /api/incidents` and `GET /api/claims`, with the API's default page of 100.

Points cluster around real Syrian towns (as reporting does: many claims in a few
places), dates span three years, types follow a skewed ACLED mix. Each query kind is
timed `--queries` times with fresh random parameters; p50 and p95 are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

TOWNS = [
    (36.20, 37.16), (36.63, 35.93), (36.40, 33.57), (40.14, 35.34), (39.01, 35.95),
    (36.72, 34.73), (36.75, 35.13), (38.27, 34.56), (36.67, 35.65), (36.33, 35.81),
    (36.10, 32.62), (37.95, 36.53), (38.40, 36.89), (36.87, 36.51), (37.04, 36.59),
    (35.78, 35.52), (35.89, 34.89), (41.23, 37.05), (40.75, 36.50), (40.92, 34.46),
]  # fmt: skip
TYPES = [
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.30),
    ("Explosions/Remote violence", "Air/drone strike", 0.25),
    ("Battles", "Armed clash", 0.20),
    ("Violence against civilians", "Attack", 0.10),
    ("Strategic developments", "Agreement", 0.05),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 0.05),
    ("Protests", "Peaceful protest", 0.05),
]
START = dt.date(2015, 1, 1)
DAYS = 3 * 365
CLAIMS_PER_DOC = 20


def _pick_type(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    for event, sub, share in TYPES:
        r -= share
        if r <= 0:
            return event, sub
    return TYPES[0][0], TYPES[0][1]


def rows(n_claims: int, n_incidents: int, seed: int) -> tuple[list, list, list]:
    """Documents, incidents and claims as tuples in the column order of `COLUMNS`."""
    rng = random.Random(seed)
    per = max(1, n_claims // n_incidents)
    n_docs = max(1, n_claims // CLAIMS_PER_DOC)
    docs = [
        (
            f"d{i:08d}",
            f"doc-{i}.txt",
            f"Report {i}",
            START + dt.timedelta(days=rng.randrange(DAYS)),
            "Bench Outlet",
            "x",
            "[]",
        )
        for i in range(n_docs)
    ]
    incidents = []
    claims = []
    c = 0
    for i in range(n_incidents):
        lon0, lat0 = rng.choice(TOWNS)
        lon, lat = lon0 + rng.gauss(0, 0.3), lat0 + rng.gauss(0, 0.3)
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        event, sub = _pick_type(rng)
        iid = f"i{i:08d}"
        killed = rng.choice([None, 1, 2, 3, 5, 8, 12, 30])
        ids = [f"c{c + k:09d}" for k in range(per)]
        record = {
            "id": iid,
            "event_type": event,
            "sub_event_type": sub,
            "date": day.isoformat(),
            "location": {"name": "Bench town", "lat": lat, "lon": lon, "country": "SY"},
            "claims": per,
            "grade": "weak",
            "claim_ids": ids,
        }
        incidents.append(
            (iid, event, sub, day, None, lat, lon, "weak", killed, killed, json.dumps(record))
        )
        for cid in ids:
            doc = docs[rng.randrange(n_docs)][0]
            crec = {
                "id": cid,
                "document": doc,
                "segment": 0,
                "incident": iid,
                "event_type": event,
                "sub_event_type": sub,
                "date": day.isoformat(),
                "location": {"name": "Bench town", "lat": lat, "lon": lon},
                "stance": "asserts",
                "evidence": {"text": "Shelling killed three people.", "start": 0, "end": 29},
                "confidence": 0.7,
            }
            claims.append(
                (
                    cid, doc, 0, iid, event, sub, day, None, lat, lon, "Bench town",
                    killed, killed, None, None, "asserts", None, None, None, 0.7,
                    json.dumps(crec),
                )
            )  # fmt: skip
        c += per
    return docs, incidents, claims


COLUMNS = {
    "documents": ["id", "name", "title", "published", "outlet", "text", "notes"],
    "incidents": [
        "id", "event_type", "sub_event_type", "date", "date_end", "lat", "lon", "grade",
        "killed_acled", "killed_best", "record",
    ],
    "claims": [
        "id", "document_id", "segment_idx", "incident_id", "event_type", "sub_event_type",
        "date", "date_end", "lat", "lon", "place", "killed_low", "killed_high",
        "injured_low", "injured_high", "stance", "claimant", "outlet", "syndication_group",
        "confidence", "record",
    ],
}  # fmt: skip


def load(url: str, data: tuple[list, list, list]) -> dict[str, float]:
    from sqlalchemy import text

    from fogwatch.store import Store

    store = Store.open(url)
    docs, incidents, claims = data
    times = {}
    for table, items in (("documents", docs), ("incidents", incidents), ("claims", claims)):
        t0 = time.perf_counter()
        store.bulk_copy(table, COLUMNS[table], items)
        times[table] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # PostgreSQL: VACUUM too, as autovacuum does after bulk inserts (PostgreSQL 13+), so
    # the visibility map lets index-only scans skip the heap, as they would in service.
    analyze = "VACUUM ANALYZE" if store.engine.dialect.name == "postgresql" else "ANALYZE"
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(analyze))
    times["analyze"] = time.perf_counter() - t0
    return times


def random_bbox(rng: random.Random) -> str:
    lon0, lat0 = rng.choice(TOWNS)
    half = rng.uniform(0.1, 0.6)
    return f"{lon0 - half:.3f},{lat0 - half:.3f},{lon0 + half:.3f},{lat0 + half:.3f}"


def random_range(rng: random.Random) -> tuple[dt.date, dt.date]:
    since = START + dt.timedelta(days=rng.randrange(DAYS - 60))
    return since, since + dt.timedelta(days=rng.randint(7, 60))


def query_kinds() -> dict[str, Callable[[random.Random], dict]]:
    def bbox(rng: random.Random) -> dict:
        return {"bbox": random_bbox(rng)}

    def bbox_date(rng: random.Random) -> dict:
        since, until = random_range(rng)
        return {"bbox": random_bbox(rng), "since": since, "until": until}

    def bbox_date_type(rng: random.Random) -> dict:
        return {**bbox_date(rng), "type": _pick_type(rng)[rng.randrange(2)]}

    def date_type(rng: random.Random) -> dict:
        since, until = random_range(rng)
        return {"since": since, "until": until, "type": _pick_type(rng)[1]}

    return {
        "bbox": bbox,
        "bbox+date": bbox_date,
        "bbox+date+type": bbox_date_type,
        "date+type": date_type,
    }


def filter_only(store, what: str, f) -> int:  # noqa: ANN001 - a filter of either kind
    """Just the filtering SQL of the API's page query: ids of the first page, no records.

    Indexes act on this part; the rest of `list_incidents`/`list_claims` (reading and
    validating JSON records, fetching each incident's claims) costs about the same
    whatever the table size.
    """
    from fogwatch.api.queries import claim_page_ids, incident_page_ids

    with store.session() as s:
        if what == "incidents":
            return len(incident_page_ids(s, f, None, 101))
        return len(claim_page_ids(s, f, None, 101))


def measure(url: str, n: int, seed: int, sqlite_cache_mb: int = 0) -> dict[str, dict[str, float]]:
    from sqlalchemy import event

    from fogwatch.api.queries import BBox, ClaimFilter, IncidentFilter, list_claims, list_incidents
    from fogwatch.store import Store

    store = Store.open(url)
    if sqlite_cache_mb and store.engine.dialect.name == "sqlite":
        store.engine.dispose()

        @event.listens_for(store.engine, "connect")
        def _cache(dbapi_connection, _record) -> None:  # noqa: ANN001
            dbapi_connection.execute(f"PRAGMA cache_size = -{sqlite_cache_mb * 1024}")

    rng = random.Random(seed + 1)
    out: dict[str, dict[str, float]] = {}
    for kind, make in query_kinds().items():
        for what in ("incidents", "claims"):
            times: list[float] = []
            sql_times: list[float] = []
            hits = 0
            for i in range(n + 5):
                p = make(rng)
                bbox = BBox.parse(p["bbox"]) if "bbox" in p else None
                kw = {"bbox": bbox, "since": p.get("since"), "until": p.get("until")}
                kw["type"] = p.get("type")
                f = IncidentFilter(**kw) if what == "incidents" else ClaimFilter(**kw)
                t0 = time.perf_counter()
                if what == "incidents":
                    items, _ = list_incidents(store, f, limit=100)
                else:
                    items, _ = list_claims(store, f, limit=100)
                elapsed = time.perf_counter() - t0
                t1 = time.perf_counter()
                filter_only(store, what, f)
                sql_elapsed = time.perf_counter() - t1
                if i >= 5:  # the first few warm the connection pool and caches
                    times.append(elapsed * 1000)
                    sql_times.append(sql_elapsed * 1000)
                    hits += len(items)
            times.sort()
            sql_times.sort()
            out[f"{what} {kind}"] = {
                "p50_ms": statistics.median(times),
                "p95_ms": times[int(0.95 * (len(times) - 1))],
                "sql_p50_ms": statistics.median(sql_times),
                "sql_p95_ms": sql_times[int(0.95 * (len(sql_times) - 1))],
                "mean_rows": hits / len(times),
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="API query latency at scale")
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--incidents", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument(
        "--sqlite-cache-mb",
        type=int,
        default=0,
        help="SQLite page cache per connection (PRAGMA cache_size); 0 keeps the store's",
    )
    ap.add_argument(
        "--pg-shared-buffers",
        default="",
        help="shared_buffers of the throwaway PostgreSQL, e.g. 2GB (default: its own, 128MB)",
    )
    args = ap.parse_args()

    print(f"machine: {os.cpu_count()} cpus, load {[round(x, 2) for x in os.getloadavg()]}")
    print(
        f"caches: sqlite {args.sqlite_cache_mb or 'default'} MB, pg {args.pg_shared_buffers or 'default'}"
    )
    t0 = time.perf_counter()
    data = rows(args.claims, args.incidents, args.seed)
    # The generated rows stay in memory for the second backend. Frozen, the garbage
    # collector skips them: otherwise every full collection walks millions of list
    # entries (~50 ms, more under load) in the middle of some timed API call, a cost an
    # API server, which holds no such lists, does not pay.
    gc.freeze()
    print(
        f"generated {len(data[2])} claims, {len(data[1])} incidents, {len(data[0])} documents "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="fogwatch-bq-") as tmp:
        os.environ.setdefault("FOGWATCH_HOME", str(Path(tmp) / "home"))
        backends: list[tuple[str, Callable[[], Iterator[str]]]] = []
        if not args.skip_sqlite:
            backends.append(("sqlite", lambda: iter([f"sqlite:///{tmp}/q.db"])))
        if not args.skip_postgres:

            def pg() -> Iterator[str]:
                from fogwatch.store.throwaway import ThrowawayPostgres

                options = (
                    f"-c shared_buffers={args.pg_shared_buffers}" if args.pg_shared_buffers else ""
                )
                with ThrowawayPostgres(options=options) as server:
                    yield server.url

            backends.append(("postgresql", pg))
        for name, urls in backends:
            for url in urls():
                loaded = load(url, data)
                print(
                    f"{name}: loaded in "
                    + ", ".join(f"{k} {v:.1f} s" for k, v in loaded.items())
                    + f" ({len(data[2]) / loaded['claims']:.0f} claims/s)"
                )
                res = measure(url, args.queries, args.seed, args.sqlite_cache_mb)
                print(f"{name}: measured, load {[round(x, 2) for x in os.getloadavg()]}")
                results[name] = {"load_s": loaded, "queries": res}
                for q, r in res.items():
                    print(
                        f"  {name:<10} {q:<26} p50 {r['p50_ms']:6.1f} ms  p95 "
                        f"{r['p95_ms']:6.1f} ms | filter SQL p50 {r['sql_p50_ms']:6.1f} ms  "
                        f"p95 {r['sql_p95_ms']:6.1f} ms  ({r['mean_rows']:.0f} rows)"
                    )
    worst = max(r["p95_ms"] for b in results.values() for r in b["queries"].values())
    worst_sql = max(r["sql_p95_ms"] for b in results.values() for r in b["queries"].values())
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2, default=str))
    print(
        f"worst p95: {worst:.1f} ms through the API functions, {worst_sql:.1f} ms filter SQL "
        f"only, over {len(results)} backend(s)"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
