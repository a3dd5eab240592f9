"""Extraction quality: the worked examples, FA-KES and the two ACLED development sets.

    python benchmarks/quality.py [--sets seeds,fakes,acled,battles] [--limit N]
                                 [--sample N] [--json-out FILE]

The definitions are issue 22's, so the figures compare with outside evaluation:

- *Main claim of a document*: among its claims with `role == "main"` (else all claims),
  the one with the largest killed figure (`low`, else `high`); ties go to the first.
1. Seeds: extracts every seed in ../shared/seeds with its publication date, links claims per
   document, and prints the scorer's last line (must a/b, all c/d, links e/f).
2. fakes-dev (`articles.csv`: title, text, published, outlet): governorate of the main
   claim's point (admin1 of the nearest OCHA sub-district centre within 60 km, Rural
   Damascus = damascus), casualty recall over `events.csv` rows with deaths, cause of death
   and perpetrator category of the main claim (mappings in benchmarks/news_mappings.yaml;
   only articles whose first event row is not `unknown`).
3. acled-dev: each row's `notes` is a document published on its `event_date`; the main
   claim's event type (accuracy) and sub-event type (macro F1), and fatalities exact (the
   largest killed figure over all the document's claims, 0 when none), plus the distance
   from fogwatch's point to ACLED's.
4. acled-syria-battles: the same on `random.Random(7).sample(rows_in_file_order, 3000)`:
   sub-event type accuracy and fatalities exact.

`--limit N` keeps the first N rows of every set (of the battles sample), `--sample N` a
seeded random N of them: both for fast iteration, never for the reported figures.

The rows are a development set: the numbers are reported, never tuned to single rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
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
BATTLES = SHARED / "data" / "acled-syria-battles" / "acled_syria_battles_2017_2023.csv"
FAKES = SHARED / "data" / "fakes-dev"
SUBDISTRICTS = SHARED / "data" / "gazetteer" / "syr_admin3_subdistricts.csv"
MAPPINGS = Path(__file__).resolve().parent / "news_mappings.yaml"
BATTLES_SAMPLE = 3000
BATTLES_SEED = 7


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


def acled_documents(rows: list[dict]) -> list[Document]:
    """Each ACLED row's `notes` as a document published on its `event_date` (the issue's
    definition, shared by every ACLED-format measure here and in quality_places.py)."""
    return [
        prepare(
            Document(
                id=f"d-{r['event_id_cnty']}",
                name=r["event_id_cnty"],
                text=r["notes"],
                published=parse_acled_date(r["event_date"]),
                outlet=r.get("source") or None,
            )
        )[0]
        for r in rows
    ]


def figure(claim: Claim) -> int | None:
    """A claim's killed figure: `low`, else `high`, else None."""
    if claim.killed is None:
        return None
    return claim.killed.low if claim.killed.low is not None else claim.killed.high


def main_claim(claims: list[Claim]) -> Claim | None:
    """Among the claims with role "main" (else all), the largest killed figure; ties
    (and claims with no figure) go to the first."""
    pool = [c for c in claims if getattr(c, "role", None) == "main"] or claims
    best, best_fig = None, -1
    for c in pool:
        f = figure(c)
        value = f if f is not None else -1
        if best is None or value > best_fig:
            best, best_fig = c, value
    return best


def killed_figure(claims: list[Claim]) -> int:
    """The largest killed figure over all the document's claims, 0 when none."""
    figures = [f for f in (figure(c) for c in claims) if f is not None]
    return max(figures) if figures else 0


def subset(rows: list, limit: int | None, sample: int | None) -> list:
    """The first `limit` rows, or a seeded random `sample` of them (for iterating)."""
    if sample and sample < len(rows):
        rows = random.Random(0).sample(rows, sample)
    return rows[:limit] if limit else rows


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


def acled_quality(extractor: Extractor, limit: int | None, sample: int | None = None) -> dict:
    rows = subset(list(csv.DictReader(ACLED_DEV.open(encoding="utf-8"))), limit, sample)
    docs = acled_documents(rows)
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
        "sub_confusion_top": Counter(
            f"{g} -> {p}" for g, p in zip(gold_sub, pred_sub, strict=True) if g != p
        ).most_common(8),
    }


# --------------------------------------------------------------------------- issue 22 sets


def load_mappings() -> dict:
    return yaml.safe_load(MAPPINGS.read_text(encoding="utf-8"))


def governorate_finder(mappings: dict):
    """(lat, lon) -> FA-KES governorate: admin1 of the nearest OCHA sub-district centre
    within 60 km, else None."""
    centres = [
        (float(r["center_lat"]), float(r["center_lon"]), mappings["governorate"][r["adm1_name"]])
        for r in csv.DictReader(SUBDISTRICTS.open(encoding="utf-8"))
    ]

    def find(lat: float, lon: float) -> str | None:
        km, gov = min((km_between(lat, lon, a, b), g) for a, b, g in centres)
        return gov if km <= 60 else None

    return find


def actor_category(ref, mappings: dict) -> str | None:
    by_name = mappings["actor_category_by_name"]
    if ref.name in by_name:
        return by_name[ref.name]
    return mappings["actor_category"].get(ref.side or "")


def fakes_quality(extractor: Extractor, limit: int | None, sample: int | None = None) -> dict:
    """fakes-dev: governorate, casualty recall, cause and perpetrator (issue 22)."""
    mappings = load_mappings()
    articles = subset(
        list(csv.DictReader((FAKES / "articles.csv").open(encoding="utf-8"))), limit, sample
    )
    events: dict[str, list[dict]] = {}
    for r in csv.DictReader((FAKES / "events.csv").open(encoding="utf-8")):
        events.setdefault(r["id"], []).append(r)
    docs = [
        prepare(
            Document(
                id=f"fk-{a['id']}",
                name=a["id"],
                title=a["title"] or None,
                text=a["text"],
                published=dt.date.fromisoformat(a["published"]) if a["published"] else None,
                outlet=a["outlet"] or None,
            )
        )[0]
        for a in articles
    ]
    started = time.perf_counter()
    results = {d.name: claims for d, claims in extractor.extract_many(docs)}
    seconds = time.perf_counter() - started
    find_gov = governorate_finder(mappings)
    gov_hits = recall_rows = recall_hits = 0
    cause_n = cause_hits = perp_n = perp_hits = no_perp = 0
    claims_per_doc = []
    for a in articles:
        claims = results.get(a["id"], [])
        claims_per_doc.append(len(claims))
        main = main_claim(claims)
        loc = main.location if main else None
        if loc is not None and loc.lat is not None and loc.lon is not None:
            gov_hits += find_gov(loc.lat, loc.lon) == a["governorate"]
        figures = set()
        for c in claims:
            if c.killed is not None:
                figures.update(v for v in (c.killed.low, c.killed.high) if v is not None)
        rows = events.get(a["id"], [])
        for r in rows:
            civ, non = int(r["civilians"] or 0), int(r["noncivilians"] or 0)
            if civ + non > 0:
                recall_rows += 1
                recall_hits += bool({civ + non, civ, non} - {0} & figures)
        if not rows:
            continue
        first = rows[0]
        if first["cause_of_death"] != "unknown":
            cause_n += 1
            sub = main.sub_event_type if main else None
            cause_hits += mappings["cause"].get(sub or "") == first["cause_of_death"]
        if first["actor"] != "unknown":
            perp_n += 1
            perps = main.perpetrators if main else []
            no_perp += not perps
            perp_hits += any(actor_category(p, mappings) == first["actor"] for p in perps)
    n = len(articles)
    return {
        "articles": n,
        "governorate": gov_hits / n,
        "casualty_recall": recall_hits / max(1, recall_rows),
        "casualty_rows": recall_rows,
        "cause": cause_hits / max(1, cause_n),
        "cause_rows": cause_n,
        "perpetrator": perp_hits / max(1, perp_n),
        "perpetrator_rows": perp_n,
        "perpetrator_missing": no_perp,
        "median_claims_per_article": statistics.median(claims_per_doc) if claims_per_doc else 0,
        "words_per_second": sum(len(a["text"].split()) for a in articles) / seconds,
    }


def battles_rows() -> list[dict]:
    """The issue's fixed sample: random.Random(7).sample(rows in file order, 3000)."""
    rows = list(csv.DictReader(BATTLES.open(encoding="utf-8")))
    return random.Random(BATTLES_SEED).sample(rows, BATTLES_SAMPLE)


def battles_quality(extractor: Extractor, limit: int | None, sample: int | None = None) -> dict:
    """acled-syria-battles sample: sub-event type accuracy and fatalities exact."""
    rows = subset(battles_rows(), limit, sample)
    docs = acled_documents(rows)
    results = {d.name: claims for d, claims in extractor.extract_many(docs)}
    sub_hits = fatal_hits = 0
    confusion: Counter[str] = Counter()
    for r in rows:
        claims = results.get(r["event_id_cnty"], [])
        main = main_claim(claims)
        pred = main.sub_event_type if main else None
        sub_hits += pred == r["sub_event_type"]
        if pred != r["sub_event_type"]:
            confusion[f"{r['sub_event_type']} -> {pred}"] += 1
        fatal_hits += killed_figure(claims) == int(float(r["fatalities"] or 0))
    n = len(rows)
    return {
        "rows": n,
        "sub_event_type_accuracy": sub_hits / n,
        "fatality_exact_match": fatal_hits / n,
        "confusion_top": confusion.most_common(8),
    }


def print_fakes(q: dict) -> None:
    print(f"fakes-dev articles: {q['articles']}")
    print(f"  governorate of the main claim: {q['governorate']:.3f}")
    print(f"  casualty recall: {q['casualty_recall']:.3f} ({q['casualty_rows']} rows)")
    print(f"  cause of death: {q['cause']:.3f} ({q['cause_rows']} articles)")
    print(
        f"  perpetrator: {q['perpetrator']:.3f} ({q['perpetrator_rows']} articles, "
        f"{q['perpetrator_missing']} main claims without one)"
    )
    print(f"  median claims per article: {q['median_claims_per_article']}")


def print_battles(q: dict) -> None:
    print(f"acled-syria-battles sample rows: {q['rows']}")
    print(f"  sub-event type accuracy: {q['sub_event_type_accuracy']:.3f}")
    print(f"  fatality exact match: {q['fatality_exact_match']:.3f}")
    for line, count in q["confusion_top"]:
        print(f"  confusion {count:4d}  {line}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N rows of each set")
    ap.add_argument("--sample", type=int, default=None, help="a seeded random N rows of each set")
    ap.add_argument(
        "--sets",
        default="seeds,fakes,acled,battles,places",
        help="comma-separated: seeds, fakes, acled, battles, places",
    )
    ap.add_argument("--json-out", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--skip-acled", action="store_true")
    args = ap.parse_args(argv)
    sets = {s.strip() for s in args.sets.split(",") if s.strip()}
    if args.skip_acled:
        sets -= {"acled", "places"}
    extractor = Extractor()
    report: dict = {}
    if "seeds" in sets:
        report["seeds"] = seeds_score(extractor)
        print(f"seeds: {report['seeds']}")
    if "fakes" in sets and FAKES.exists():
        report["fakes_dev"] = fakes_quality(extractor, args.limit, args.sample)
        print_fakes(report["fakes_dev"])
    if "acled" in sets:
        report["acled_dev"] = acled_quality(extractor, args.limit, args.sample)
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
        for line, count in q["sub_confusion_top"]:
            print(f"  sub-type confusion {count:4d}  {line}")
    if "battles" in sets and BATTLES.exists():
        report["acled_syria_battles"] = battles_quality(extractor, args.limit, args.sample)
        print_battles(report["acled_syria_battles"])
    if "places" in sets:  # places: benchmarks/quality_places.py
        import quality_places

        report["places"] = quality_places.run(extractor)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
