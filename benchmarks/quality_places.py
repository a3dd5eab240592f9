"""Place quality: how close the main claim's point lands to ACLED's coded point.

    python benchmarks/quality_places.py [--full] [--sample N] [--skip-dev] [--json-out FILE]

Two development sets, each row's ``notes`` read as a document published on ``event_date``:

* ``acled-syria-battles``: a sample of 3,000 rows drawn as
  ``random.Random(7).sample(rows_in_file_order, 3000)``; ``--full`` adds the whole set
  (23,017 rows, several minutes on two cores);
* ``acled-dev`` (worldwide, 3,902 rows).

For each row the location is the main claim's: among claims with ``role == "main"`` when
claims carry a role (else all claims), the one with the largest killed figure (``low``,
else ``high``), ties to the first; with no figure anywhere, the first claim. Reported:
share of rows located, share of ALL rows within 25 km of ACLED's point, and the median and
90th-percentile distance of the located rows.

The sets are for measuring only: no rule exists for one row, and nothing derived from
ACLED (names, coordinates) is shipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from pathlib import Path

from quality import acled_documents, km_between, main_claim  # noqa: E402

from fogwatch.nlp.extractor import Extractor

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SYRIA = SHARED / "data" / "acled-syria-battles" / "acled_syria_battles_2017_2023.csv"
ACLED_DEV = SHARED / "data" / "acled-dev" / "acled_2020-05_outside_middle_east.csv"
SAMPLE_SEED = 7
SAMPLE_SIZE = 3000


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def measure(extractor: Extractor, rows: list[dict], *, detail: bool = False) -> dict:
    """Located share, within-25-km share of all rows, median and p90 distance."""
    docs = acled_documents(rows)
    started = time.perf_counter()
    results = dict((d.name, claims) for d, claims in extractor.extract_many(docs))
    seconds = time.perf_counter() - started
    distances: list[float] = []
    per_row = []
    for row in rows:
        claim = main_claim(results.get(row["event_id_cnty"], []))
        loc = claim.location if claim else None
        d = None
        if loc is not None and loc.lat is not None and loc.lon is not None:
            d = km_between(loc.lat, loc.lon, float(row["latitude"]), float(row["longitude"]))
            distances.append(d)
        if detail:
            per_row.append((row, loc, d))
    n = len(rows)
    distances.sort()
    out = {
        "rows": n,
        "located_share": round(len(distances) / n, 4) if n else 0.0,
        "within_25km_share_of_rows": round(sum(d <= 25 for d in distances) / n, 4) if n else 0.0,
        "median_km": round(statistics.median(distances), 1) if distances else None,
        "p90_km": round(distances[int(0.9 * (len(distances) - 1))], 1) if distances else None,
        "seconds": round(seconds, 1),
    }
    if detail:
        out["_rows"] = per_row
    return out


def syria_sample(size: int = SAMPLE_SIZE) -> list[dict]:
    rows = read_rows(SYRIA)
    return random.Random(SAMPLE_SEED).sample(rows, min(size, len(rows)))


def line(label: str, q: dict) -> str:
    return (
        f"{label}: {q['rows']} rows, located {q['located_share']:.3f}, within 25 km "
        f"{q['within_25km_share_of_rows']:.3f} of rows, median {q['median_km']} km, "
        f"p90 {q['p90_km']} km"
    )


def run(
    extractor: Extractor, *, full: bool = False, dev: bool = True, sample: int = SAMPLE_SIZE
) -> dict:
    """All place figures, printed as they come; the dict goes into quality.json."""
    report: dict = {}
    if SYRIA.exists():
        report["acled_syria_battles_sample"] = q = measure(extractor, syria_sample(sample))
        print(line(f"places acled-syria-battles (sample {sample}, seed {SAMPLE_SEED})", q))
        if full:
            report["acled_syria_battles_full"] = q = measure(extractor, read_rows(SYRIA))
            print(line("places acled-syria-battles (all rows)", q))
    if dev and ACLED_DEV.exists():
        report["acled_dev"] = q = measure(extractor, read_rows(ACLED_DEV))
        print(line("places acled-dev", q))
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true", help="also the whole Syrian set")
    ap.add_argument("--sample", type=int, default=SAMPLE_SIZE)
    ap.add_argument("--skip-dev", action="store_true", help="leave out acled-dev")
    ap.add_argument("--misses", type=int, default=0, help="print N misses of the sample")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    extractor = Extractor()
    if args.misses:
        q = measure(extractor, syria_sample(args.sample), detail=True)
        print(line("sample", q))
        misses = [(r, loc, d) for r, loc, d in q["_rows"] if d is None or d > 25]
        for r, loc, d in random.Random(1).sample(misses, min(args.misses, len(misses))):
            got = f"{loc.name} ({loc.text}) p{loc.precision} {d:.0f} km" if loc and d else "-"
            print(f"- [{r['location']} / {r['admin3']} / {r['admin1']}] got {got}\n  {r['notes']}")
        return 0
    report = run(extractor, full=args.full, dev=not args.skip_dev, sample=args.sample)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
