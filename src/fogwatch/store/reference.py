"""Reference datasets: trusted event lists or death counts that claims are checked against.

Formats (`fogwatch reference add FILE --format ...`):

* acled  - ACLED's export columns (event_date, event_type, sub_event_type, location,
           admin1, country, latitude, longitude, fatalities, event_id_cnty).
* ucdp   - UCDP GED columns (date_start, latitude, longitude, where_coordinates, adm_1,
           country, best, type_of_violence, id). UCDP types map to no ACLED type, so
           they match any violent claim.
* csv    - any event table, with the column names given (`ColumnMap`).
* counts - deaths per place (a town or an admin1 name) and day, optionally by cause;
           rows for the same place, day and cause are summed.

The file itself is not kept, only the fields the check uses (and the source row id).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from fogwatch.incidents.rules import norm, rules
from fogwatch.store.db import Store
from fogwatch.store.schema_incidents import ReferenceEventRow, ReferenceSetRow

FORMATS = ("acled", "ucdp", "csv", "counts")
DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%Y/%m/%d",
                "%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")  # fmt: skip
UCDP_TYPES = {"1": "state-based", "2": "non-state", "3": "one-sided"}


@dataclass
class ColumnMap:
    """Column names of a `csv` or `counts` file."""

    date: str = "date"
    lat: str = "latitude"
    lon: str = "longitude"
    place: str = "place"
    deaths: str = "deaths"
    type: str = "type"
    admin1: str = "admin1"


class ReferenceError(ValueError):
    """A reference file that cannot be read as the format it was given as."""


def parse_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _float(value: str | None) -> float | None:
    try:
        f = float((value or "").strip())
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def _int(value: str | None) -> int | None:
    f = _float(value)
    return None if f is None else int(round(f))


def _types(value: str | None) -> tuple[str | None, str | None]:
    """An ACLED type or sub-type as (event_type, sub_event_type)."""
    value = (value or "").strip()
    if not value:
        return None, None
    subs = rules().acled_sub_types
    if value in subs:
        return subs[value], value
    return value, None


def read_rows(path: Path, fmt: str, columns: ColumnMap | None = None) -> Iterator[dict]:
    """Reference rows of a file as dicts of ReferenceEventRow fields."""
    if fmt not in FORMATS:
        raise ReferenceError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    cols = columns or ColumnMap()
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = set(reader.fieldnames or [])
        needed = {
            "acled": {"event_date", "latitude", "longitude", "fatalities"},
            "ucdp": {"date_start", "latitude", "longitude", "best"},
            "csv": {cols.date, cols.lat, cols.lon},
            "counts": {cols.date, cols.place, cols.deaths},
        }[fmt]
        if not needed <= header:
            raise ReferenceError(
                f"{path.name}: missing column(s) {', '.join(sorted(needed - header))} "
                f"for --format {fmt}"
            )
        for n, row in enumerate(reader, start=2):
            yield _row(fmt, row, cols, n)


def _row(fmt: str, row: dict, cols: ColumnMap, line: int) -> dict:
    if fmt == "acled":
        return {
            "kind": "event",
            "date": parse_date(row.get("event_date")),
            "lat": _float(row.get("latitude")),
            "lon": _float(row.get("longitude")),
            "place": row.get("location") or None,
            "admin1": row.get("admin1") or None,
            "country": row.get("country") or None,
            "event_type": row.get("event_type") or None,
            "sub_event_type": row.get("sub_event_type") or None,
            "deaths": _int(row.get("fatalities")),
            "cause": None,
            "source_id": row.get("event_id_cnty") or str(line),
            "record": {"actor1": row.get("actor1"), "actor2": row.get("actor2")},
        }
    if fmt == "ucdp":
        return {
            "kind": "event",
            "date": parse_date(row.get("date_start")),
            "lat": _float(row.get("latitude")),
            "lon": _float(row.get("longitude")),
            "place": row.get("where_coordinates") or None,
            "admin1": row.get("adm_1") or None,
            "country": row.get("country") or None,
            "event_type": None,
            "sub_event_type": None,
            "deaths": _int(row.get("best")),
            "cause": UCDP_TYPES.get((row.get("type_of_violence") or "").strip()),
            "source_id": row.get("id") or str(line),
            "record": {"low": _int(row.get("low")), "high": _int(row.get("high"))},
        }
    event_type, sub = _types(row.get(cols.type))
    if fmt == "csv":
        return {
            "kind": "event",
            "date": parse_date(row.get(cols.date)),
            "lat": _float(row.get(cols.lat)),
            "lon": _float(row.get(cols.lon)),
            "place": row.get(cols.place) or None,
            "admin1": row.get(cols.admin1) or None,
            "country": None,
            "event_type": event_type,
            "sub_event_type": sub,
            "deaths": _int(row.get(cols.deaths)),
            "cause": None,
            "source_id": str(line),
            "record": {},
        }
    return {
        "kind": "count",
        "date": parse_date(row.get(cols.date)),
        "lat": None,
        "lon": None,
        "place": row.get(cols.place) or None,
        "admin1": None,
        "country": None,
        "event_type": None,
        "sub_event_type": None,
        "deaths": _int(row.get(cols.deaths)),
        "cause": (row.get(cols.type) or None) if cols.type in row else None,
        "source_id": str(line),
        "record": {},
    }


def add_reference(store: Store, path: Path, fmt: str, columns: ColumnMap | None = None) -> dict:
    """Import a reference file in one transaction; returns a summary of what was kept.

    Rows without a date are skipped (they cannot be matched); `counts` rows for the same
    place, day and cause are summed into one.
    """
    rows = list(read_rows(path, fmt, columns))
    kept = [r for r in rows if r["date"] is not None]
    if fmt == "counts":
        sums: dict[tuple, dict] = {}
        for r in kept:
            key = (norm(r["place"]), r["date"], r["cause"])
            if key in sums:
                sums[key]["deaths"] = (sums[key]["deaths"] or 0) + (r["deaths"] or 0)
            else:
                sums[key] = dict(r)
        kept = list(sums.values())
    with store.sessions.begin() as s:
        ref = ReferenceSetRow(
            name=path.name,
            format=fmt,
            rows=len(kept),
            options=asdict(columns) if columns and fmt in ("csv", "counts") else {},
        )
        s.add(ref)
        s.flush()
        s.add_all(
            ReferenceEventRow(set_id=ref.id, place_key=norm(r["place"]) or None, **r) for r in kept
        )
        return {
            "id": ref.id,
            "name": ref.name,
            "format": fmt,
            "rows_read": len(rows),
            "rows_kept": len(kept),
            "skipped_undated": len([r for r in rows if r["date"] is None]),
        }


def reference_sets(store: Store) -> list[dict]:
    with store.session() as s:
        counts = dict(
            s.execute(
                select(ReferenceEventRow.set_id, func.count()).group_by(ReferenceEventRow.set_id)
            ).all()
        )
        return [
            {
                "id": r.id,
                "name": r.name,
                "format": r.format,
                "rows": counts.get(r.id, 0),
                "imported_at": r.imported_at.isoformat() if r.imported_at else None,
            }
            for r in s.execute(select(ReferenceSetRow).order_by(ReferenceSetRow.id)).scalars()
        ]


def remove_reference(store: Store, set_id: int) -> bool:
    with store.sessions.begin() as s:
        s.execute(delete(ReferenceEventRow).where(ReferenceEventRow.set_id == set_id))
        row = s.get(ReferenceSetRow, set_id)
        if row is None:
            return False
        s.delete(row)
        return True


def events_near(
    session: Session, lo: dt.date, hi: dt.date, lat: float, lon: float, km: float
) -> list[ReferenceEventRow]:
    """Reference events between lo and hi inside a box of `km` around a point."""
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.1, math.cos(math.radians(lat))))
    return list(
        session.execute(
            select(ReferenceEventRow).where(
                ReferenceEventRow.kind == "event",
                ReferenceEventRow.date.between(lo, hi),
                ReferenceEventRow.lat.between(lat - dlat, lat + dlat),
                ReferenceEventRow.lon.between(lon - dlon, lon + dlon),
            )
        ).scalars()
    )


def events_in_admin1(
    session: Session, lo: dt.date, hi: dt.date, admin1: str
) -> list[ReferenceEventRow]:
    """Reference events in a province (for claims located only to the province)."""
    rows = session.execute(
        select(ReferenceEventRow).where(
            ReferenceEventRow.kind == "event", ReferenceEventRow.date.between(lo, hi)
        )
    ).scalars()
    key = norm(admin1)
    return [r for r in rows if norm(r.admin1) == key]


def counts_for(
    session: Session, lo: dt.date, hi: dt.date, places: set[str]
) -> dict[str, list[ReferenceEventRow]]:
    """Count rows between lo and hi for these normalised place names, by place."""
    if not places:
        return {}
    rows = session.execute(
        select(ReferenceEventRow).where(
            ReferenceEventRow.kind == "count",
            ReferenceEventRow.date.between(lo, hi),
            or_(*(ReferenceEventRow.place_key == p for p in sorted(places))),
        )
    ).scalars()
    out: dict[str, list[ReferenceEventRow]] = defaultdict(list)
    for r in rows:
        out[r.place_key or ""].append(r)
    return dict(out)
