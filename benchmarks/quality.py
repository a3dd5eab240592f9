"""Extraction quality: the worked examples and the ACLED development set.

    python benchmarks/quality.py [--limit N] [--json-out FILE]

1. Seeds: extracts every seed in ../shared/seeds with its publication date, links claims per
   document, and prints the scorer's last line (must a/b, all c/d, links e/f).
2. ACLED dev: each row's `notes` is a document published on its `event_date`. For each row
   the main claim (the most confident claim that has an event type) is compared with ACLED's
   coding: event-type accuracy, sub-event-type macro F1, fatality exact match (no figure
   counts as 0, as ACLED does) and the distance from fogwatch's point to ACLED's.

The rows are a development set: the numbers are reported, never tuned to single rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from fogwatch.model import Claim, Document
from fogwatch.nlp.extractor import Extractor
from fogwatch.pipeline import prepare

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ACLED_DEV = SHARED / "data" / "acled-dev" / "acled_2020-05_outside_middle_east.csv"


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def seeds_score(extractor: Extractor) -> str:
    from fogwatch.incidents.linker import link_claims

    spec = yaml.safe_load((SHARED / "seeds" / "expected.yaml").read_text())
    lines = []
    for name, meta in spec["documents"].items():
        text = (SHARED / "seeds" / name).read_text(encoding="utf-8")
        doc = Document(
            id=f"d-{name[:3]}",
            name=name,
            text=text,
            published=dt.date.fromisoformat(str(meta["published"])),
            outlet=meta.get("outlet"),
        )
        claims = link_claims(extractor.extract(prepare(doc)[0]))
        lines += [json.dumps(c.model_dump(mode="json")) for c in claims]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tmp:
        tmp.write("\n".join(lines) + "\n")
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_seeds.py"), tmp.name],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip().splitlines()[-1]


def parse_acled_date(value: str) -> dt.date:
    for fmt in ("%d-%b-%y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def main_claim(claims: list[Claim]) -> Claim | None:
    typed = [c for c in claims if c.event_type]
    return max(typed, key=lambda c: c.confidence) if typed else (claims[0] if claims else None)


def killed_figure(claims: list[Claim]) -> int:
    figures = [
        c.killed.low if c.killed.low is not None else c.killed.high
        for c in claims
        if c.killed and c.stance == "asserts"
    ]
    figures = [f for f in figures if f is not None]
    return max(figures) if figures else 0


def macro_f1(gold: list[str], pred: list[str | None]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return statistics.mean(scores)


def acled_quality(extractor: Extractor, limit: int | None) -> dict:
    rows = list(csv.DictReader(ACLED_DEV.open(encoding="utf-8")))[:limit]
    docs = [
        prepare(
            Document(
                id=f"d-{r['event_id_cnty']}",
                name=r["event_id_cnty"],
                text=r["notes"],
                published=parse_acled_date(r["event_date"]),
                outlet=r["source"],
            )
        )[0]
        for r in rows
    ]
    started = time.perf_counter()
    results = dict((d.name, claims) for d, claims in extractor.extract_many(docs))
    seconds = time.perf_counter() - started
    gold_type, pred_type, gold_sub, pred_sub = [], [], [], []
    fatal_hits, distances = 0, []
    for row in rows:
        claims = results.get(row["event_id_cnty"], [])
        claim = main_claim(claims)
        gold_type.append(row["event_type"])
        gold_sub.append(row["sub_event_type"])
        pred_type.append(claim.event_type if claim else None)
        pred_sub.append(claim.sub_event_type if claim else None)
        fatal_hits += killed_figure(claims) == int(row["fatalities"] or 0)
        located = [
            c
            for c in ([claim] if claim else []) + claims
            if c.location and c.location.lat is not None
        ]
        if located:
            loc = located[0].location
            distances.append(
                km_between(loc.lat, loc.lon, float(row["latitude"]), float(row["longitude"]))
            )
    n = len(rows)
    distances.sort()
    return {
        "rows": n,
        "event_type_accuracy": sum(g == p for g, p in zip(gold_type, pred_type, strict=True)) / n,
        "sub_event_type_macro_f1": macro_f1(gold_sub, pred_sub),
        "fatality_exact_match": fatal_hits / n,
        "located_share": len(distances) / n,
        "median_km": statistics.median(distances) if distances else None,
        "p90_km": distances[int(0.9 * (len(distances) - 1))] if distances else None,
        "within_25km_share_of_rows": sum(d <= 25 for d in distances) / n,
        "words_per_second": sum(len(r["notes"].split()) for r in rows) / seconds,
        "confusion_top": Counter(
            f"{g} -> {p}" for g, p in zip(gold_type, pred_type, strict=True) if g != p
        ).most_common(8),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N ACLED rows")
    ap.add_argument("--json-out", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--skip-acled", action="store_true")
    args = ap.parse_args(argv)
    extractor = Extractor()
    report: dict = {"seeds": seeds_score(extractor)}
    print(f"seeds: {report['seeds']}")
    if not args.skip_acled:
        report["acled_dev"] = acled_quality(extractor, args.limit)
        q = report["acled_dev"]
        print(f"acled-dev rows: {q['rows']}")
        print(f"event-type accuracy: {q['event_type_accuracy']:.3f}")
        print(f"sub-event-type macro F1: {q['sub_event_type_macro_f1']:.3f}")
        print(f"fatality exact match: {q['fatality_exact_match']:.3f}")
        print(
            f"located: {q['located_share']:.3f} of rows; median distance "
            f"{q['median_km'] and round(q['median_km'], 1)} km; p90 "
            f"{q['p90_km'] and round(q['p90_km'], 1)} km; within 25 km: "
            f"{q['within_25km_share_of_rows']:.3f} of rows"
        )
        print(f"extraction speed: {q['words_per_second']:.0f} words/s")
        for line, count in q["confusion_top"]:
            print(f"  confusion {count:4d}  {line}")
    if not args.skip_acled:  # places: benchmarks/quality_places.py
        import quality_places

        report["places"] = quality_places.run(extractor)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
