"""Reference check against real ACLED rows, a CSV with its own column names, and counts.

The ACLED file is built inside the test from a few rows of the shared development set;
no copy of that data is kept in the project.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from fogwatch.incidents.reference import check_claims, score_documents
from fogwatch.incidents.rules import km_between
from fogwatch.store import Store
from fogwatch.store.reference import (
    ColumnMap,
    ReferenceError,
    add_reference,
    parse_date,
    reference_sets,
    remove_reference,
)
from test_incidents import claim

from conftest import SHARED

ACLED_DEV = SHARED / "data" / "acled-dev" / "acled_2020-05_outside_middle_east.csv"


def pick_rows(n: int = 3) -> tuple[list[str], list[dict]]:
    """The first rows (by data_id) with at least 5 deaths, exact places, 300 km apart."""
    with ACLED_DEV.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = sorted(reader, key=lambda r: int(r["data_id"]))
        header = reader.fieldnames or []
    chosen: list[dict] = []
    for r in rows:
        if int(r["fatalities"]) < 5 or r["geo_precision"] != "1":
            continue
        lat, lon = float(r["latitude"]), float(r["longitude"])
        if all(
            km_between(lat, lon, float(c["latitude"]), float(c["longitude"])) > 300 for c in chosen
        ):
            chosen.append(r)
        if len(chosen) == n:
            break
    return header, chosen


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path


def claim_at(cid: str, row: dict, killed: int | None, days: int = 0, **kw):
    date = parse_date(row["event_date"]) + dt.timedelta(days=days)
    return claim(
        cid,
        doc=kw.pop("doc", "article.txt"),
        kind=(row["event_type"], row["sub_event_type"]),
        at=(float(row["latitude"]), float(row["longitude"])),
        geo=1,
        place=row["location"],
        date=date.isoformat(),
        killed=killed,
        **kw,
    )


@pytest.fixture(scope="module")
def acled_rows():
    header, rows = pick_rows()
    assert len(rows) == 3
    return header, rows


def test_acled_agree_disagree_absent(store_url, tmp_path, acled_rows):
    header, (r1, r2, r3) = acled_rows
    store = Store.open(store_url)
    summary = add_reference(store, write_csv(tmp_path / "acled.csv", header, [r1, r2, r3]), "acled")
    assert summary["rows_kept"] == 3
    f1, f2 = int(r1["fatalities"]), int(r2["fatalities"])
    claims = [
        claim_at("agree", r1, f1),
        claim_at("agree-next-day", r1, f1 + 1, days=1),
        claim_at("disagree", r2, f2 * 10 + 20),
        claim_at("absent", r3, 4, days=30),
        claim_at("no-figure", r3, None),
        claim_at("denial", r1, None, stance="denies", doc="other.txt"),
    ]
    checks = {c.claim: c for c in check_claims(store, claims)}
    assert checks["agree"].label == "consistent"
    assert checks["agree"].reference_killed == f1
    assert checks["agree-next-day"].label == "consistent"
    assert checks["disagree"].label == "inconsistent"
    assert checks["disagree"].reason == f"claim {f2 * 10 + 20} vs reference {f2}"
    assert checks["absent"].label == "not_in_reference"
    assert checks["no-figure"].label == "consistent"
    assert checks["denial"].label == "inconsistent"
    scores = {s.document: s for s in score_documents(list(checks.values()))}
    article = scores["article.txt"]
    assert (article.consistent, article.inconsistent, article.not_in_reference) == (3, 1, 1)
    assert article.score == 0.75 and article.coverage == 0.8
    assert any("claim" in reason for reason in article.reasons)


def test_a_far_away_or_different_type_event_does_not_match(tmp_path, acled_rows):
    header, (r1, _r2, _r3) = acled_rows
    store = Store.open(f"sqlite:///{tmp_path / 'ref.db'}")
    add_reference(store, write_csv(tmp_path / "acled.csv", header, [r1]), "acled")
    far = claim_at("far", r1, 5)
    far.location.lat += 1.0  # 111 km north
    other_type = claim_at("agreement", r1, None)
    other_type.event_type, other_type.sub_event_type = "Strategic developments", "Agreement"
    labels = {c.claim: c.label for c in check_claims(store, [far, other_type])}
    assert labels == {"far": "not_in_reference", "agreement": "not_in_reference"}


def test_csv_with_column_mapping(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "day,y,x,town,dead,kind\n"
        "2016-10-25,34.7308,36.7094,Homs,8,Suicide bomb\n"
        "not a date,34.7,36.7,Homs,1,Attack\n",
        encoding="utf-8",
    )
    store = Store.open(f"sqlite:///{tmp_path / 'ref.db'}")
    cols = ColumnMap(date="day", lat="y", lon="x", place="town", deaths="dead", type="kind")
    summary = add_reference(store, path, "csv", cols)
    assert summary["rows_kept"] == 1 and summary["skipped_undated"] == 1
    car_bomb = claim("c", kind=("Explosions/Remote violence", "Remote explosive/landmine/IED"),
                     at=(34.7308, 36.7094), place="Homs", date="2016-10-25", killed=8)  # fmt: skip
    (check,) = check_claims(store, [car_bomb])
    assert check.label == "consistent"


def test_counts_by_place_and_day(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(
        "date,place,deaths,type\n"
        "2016-10-25,Homs,2,shelling\n"
        "2016-10-25,Homs,1,shelling\n"
        "2016-10-25,Aleppo,40,air strike\n",
        encoding="utf-8",
    )
    store = Store.open(f"sqlite:///{tmp_path / 'ref.db'}")
    assert add_reference(store, path, "counts")["rows_kept"] == 2
    far_above = claim("hi", at=(34.7308, 36.7094), place="Homs", date="2016-10-25", killed=80)
    below = claim("lo", at=(34.7308, 36.7094), place="Homs", date="2016-10-26", killed=2)
    elsewhere = claim("x", at=(35.0, 38.0), place="Nowhere", date="2016-10-25", killed=2)
    checks = {c.claim: c for c in check_claims(store, [far_above, below, elsewhere])}
    assert checks["hi"].label == "inconsistent"
    assert checks["hi"].reason == "claim 80 vs documented 3 for homs on 2016-10-25"
    assert checks["lo"].label == "consistent"
    assert checks["x"].label == "not_in_reference"


def test_bad_files_are_refused_and_sets_can_be_listed_and_removed(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'ref.db'}")
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match="missing column"):
        add_reference(store, path, "acled")
    with pytest.raises(ReferenceError, match="unknown format"):
        add_reference(store, path, "gdelt")
    good = tmp_path / "c.csv"
    good.write_text("date,place,deaths\n2016-01-01,Homs,3\n", encoding="utf-8")
    ref = add_reference(store, good, "counts")
    assert [s["rows"] for s in reference_sets(store)] == [1]
    assert remove_reference(store, ref["id"]) and reference_sets(store) == []


@pytest.mark.parametrize(
    "text,date",
    [
        ("9-May-20", dt.date(2020, 5, 9)),
        ("2016-09-17", dt.date(2016, 9, 17)),
        ("17 September 2016", dt.date(2016, 9, 17)),
        ("", None),
        ("soon", None),
    ],
)
def test_reference_dates(text, date):
    assert parse_date(text) == date
