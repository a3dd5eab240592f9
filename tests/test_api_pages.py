"""The page queries of `GET /api/incidents` and `/api/claims` return exactly the rows a
brute-force Python filter returns, in the same order, on both backends.

`fogwatch.api.queries` picks an access path for bbox/date/type filters (migration 0005)
and reads an incidents page's claims from columns rather than records; these tests
generate a store with the awkward cases (undated rows, long date spans, an undated row
with an end date, the antimeridian, ties on a date, claims an incident lists but that
point elsewhere) and compare every page, walked with cursors, against Python.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from sqlalchemy import select, text

from fogwatch.api.queries import (
    NO_DATE,
    BBox,
    ClaimFilter,
    IncidentFilter,
    claims_of_incidents,
    incident_out,
    list_claims,
    list_incidents,
)
from fogwatch.model import Incident
from fogwatch.store import Store
from fogwatch.store.schema import IncidentRow
from test_api_fixtures import build_corpus

TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike")]
START = dt.date(2017, 1, 1)


def _place(rng: random.Random) -> tuple[float | None, float | None]:
    r = rng.random()
    if r < 0.08:
        return None, None
    if r < 0.16:  # either side of the antimeridian
        return rng.uniform(-20, 20), rng.choice([rng.uniform(178, 180), rng.uniform(-180, -178)])
    return rng.uniform(32, 37), rng.uniform(35, 42)


def _dates(rng: random.Random) -> tuple[dt.date | None, dt.date | None]:
    r = rng.random()
    if r < 0.07:
        return None, None
    if r < 0.09:  # no start, only an end: `since` must still find it
        return None, START + dt.timedelta(days=rng.randrange(120))
    day = START + dt.timedelta(days=rng.randrange(120))
    if r < 0.3:
        return day, day + dt.timedelta(days=rng.randrange(0, 12))
    if r < 0.31:
        return day, day + dt.timedelta(days=150)  # one long span widens every `since`
    return day, None


def generate(seed: int) -> tuple[list, list, list]:
    rng = random.Random(seed)
    docs = [
        (f"d{i:03d}", f"doc-{i}", f"Doc {i}", START, f"Outlet {i % 3}", "x", "[]")
        for i in range(12)
    ]
    incidents, claims = [], []
    n_claim = 0
    for i in range(220):
        iid = f"i{i:04d}"
        lat, lon = _place(rng)
        date, date_end = _dates(rng)
        event, sub = rng.choice(TYPES)
        members = [f"c{n_claim + k:05d}" for k in range(rng.randrange(0, 4))]
        n_claim += len(members)
        listed = list(members)
        if claims and rng.random() < 0.1:  # lists a claim whose incident_id is elsewhere
            listed.append(claims[rng.randrange(len(claims))][0])
        record = {
            "id": iid,
            "event_type": event,
            "sub_event_type": sub,
            "date": date.isoformat() if date else None,
            "date_end": date_end.isoformat() if date_end else None,
            "location": {"name": "X", "lat": lat, "lon": lon} if lat is not None else None,
            "claims": len(listed) if rng.random() < 0.5 else 0,
            "claim_ids": listed,
        }
        grade = rng.choice(["weak", "fair", "contested"])
        incidents.append(
            (iid, event, sub, date, date_end, lat, lon, grade, None, None, json.dumps(record))
        )
        for cid in members:
            claims.append(_claim(rng, cid, iid))
    for k in range(60):  # claims of no incident
        claims.append(_claim(rng, f"c{n_claim + k:05d}", None))
    return docs, incidents, claims


def _claim(rng: random.Random, cid: str, iid: str | None) -> tuple:
    lat, lon = _place(rng)
    date, date_end = _dates(rng)
    event, sub = rng.choice(TYPES)
    doc = f"d{rng.randrange(12):03d}"
    outlet = rng.choice([None, "Own Outlet"])
    stance = rng.choice(["asserts", "asserts", "denies"])
    low = rng.choice([None, 1, 5, 40])
    high = rng.choice([None, low]) if low is not None else None
    perps = rng.choice([[], [{"name": "Army"}], [{"name": "Rebels"}]])
    record = {
        "id": cid,
        "document": doc,
        "segment": 0,
        "incident": iid,
        "event_type": event,
        "sub_event_type": sub,
        "date": date.isoformat() if date else None,
        "date_end": date_end.isoformat() if date_end else None,
        "location": {"name": "X", "lat": lat, "lon": lon},
        "perpetrators": perps,
        "killed": {"low": low, "high": high} if low is not None else None,
        "outlet": outlet,
        "stance": stance,
        "evidence": {"text": "Something happened.", "start": 0, "end": 19},
        "confidence": 0.5,
    }
    return (
        cid, doc, 0, iid, event, sub, date, date_end, lat, lon, "X", low, high, None, None,
        stance, None, outlet, None, 0.5, json.dumps(record),
    )  # fmt: skip


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


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def generated(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("pages")
    store = Store.open(url)
    data = generate(seed=7)
    for table, rows in zip(("documents", "incidents", "claims"), data, strict=True):
        store.bulk_copy(table, COLUMNS[table], rows)
    return store, data


def _in_bbox(box: BBox, lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None or not box.south <= lat <= box.north:
        return False
    if box.west <= box.east:
        return box.west <= lon <= box.east
    return lon >= box.west or lon <= box.east


def _matches(f: IncidentFilter | ClaimFilter, row: tuple) -> bool:
    event, sub, date, date_end, lat, lon = row[1:7] if len(row) == 11 else row[4:10]
    if f.bbox and not _in_bbox(f.bbox, lat, lon):
        return False
    if f.since and not ((date_end or date) is not None and (date_end or date) >= f.since):
        return False
    if f.until and not (date is not None and date <= f.until):
        return False
    if f.type and f.type not in (event, sub):
        return False
    if isinstance(f, IncidentFilter) and f.grade and row[7] != f.grade:
        return False
    return not (isinstance(f, ClaimFilter) and f.stance and row[15] != f.stance)


def _random_filter(rng: random.Random, kind: type) -> IncidentFilter | ClaimFilter:
    kw: dict = {}
    if rng.random() < 0.6:
        r = rng.random()
        if r < 0.15:
            kw["bbox"] = BBox(170.0, -30.0, -170.0, 30.0)  # crosses 180 degrees
        elif r < 0.25:
            kw["bbox"] = BBox(-60.0, -10.0, -50.0, 0.0)  # nothing there
        else:
            lat, lon = rng.uniform(32, 37), rng.uniform(35, 42)
            half = rng.uniform(0.3, 3)
            kw["bbox"] = BBox(lon - half, lat - half, lon + half, lat + half)
    if rng.random() < 0.6:
        since = START + dt.timedelta(days=rng.randrange(-10, 130))
        kw["since"] = since
        if rng.random() < 0.7:
            kw["until"] = since + dt.timedelta(days=rng.choice([0, 3, 20, 90, 400]))
    elif rng.random() < 0.3:
        kw["until"] = START + dt.timedelta(days=rng.randrange(130))
    if rng.random() < 0.5:
        kw["type"] = rng.choice([t for pair in TYPES for t in pair] + ["Protests"])
    if rng.random() < 0.15:  # a filter the page indexes do not serve: the planner's path
        kw["grade" if kind is IncidentFilter else "stance"] = (
            "fair" if kind is IncidentFilter else "denies"
        )
    return kind(**kw)


def _walk(fetch, f, limit: int) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        items, cursor = fetch(f, cursor, limit)
        ids += [i["id"] for i in items]
        if cursor is None:
            return ids


@pytest.mark.parametrize("seed", range(3))
def test_incident_pages_equal_a_brute_force_filter(generated, seed):
    store, (_, incidents, _) = generated
    rng = random.Random(seed)
    for _ in range(25):
        f = _random_filter(rng, IncidentFilter)
        expected = [
            r[0]
            for r in sorted(
                (r for r in incidents if _matches(f, r)),
                key=lambda r: (-(r[3] or NO_DATE).toordinal(), r[0]),
            )
        ]
        limit = rng.choice([1, 7, 100])
        got = _walk(lambda f, c, n: list_incidents(store, f, c, n), f, limit)
        assert got == expected, f


@pytest.mark.parametrize("seed", range(3))
def test_claim_pages_equal_a_brute_force_filter(generated, seed):
    store, (_, _, claims) = generated
    rng = random.Random(100 + seed)
    for _ in range(25):
        f = _random_filter(rng, ClaimFilter)
        expected = sorted(r[0] for r in claims if _matches(f, r))
        limit = rng.choice([1, 7, 100])
        got = _walk(lambda f, c, n: list_claims(store, f, c, n), f, limit)
        assert got == expected, f


def _full_path(store: Store) -> dict[str, dict]:
    """Every incident as `incident_out` shows it with its claims' full records."""
    with store.session() as s:
        incidents = [
            Incident.model_validate(r) for r in s.execute(select(IncidentRow.record)).scalars()
        ]
        claims = claims_of_incidents(s, incidents)
    return {i.id: incident_out(i, claims.get(i.id, [])) for i in incidents}


def test_list_page_equals_the_full_records_path(generated):
    """Outlets, disputes, `contested` and claim counts from the claim columns are what the
    full claim records give (including claims an incident lists that point elsewhere)."""
    store, _ = generated
    expected = _full_path(store)
    got = _walk(lambda f, c, n: list_incidents(store, f, c, n), IncidentFilter(), 1000)
    items, _ = list_incidents(store, IncidentFilter(), None, 1000)
    assert [i["id"] for i in items] == got
    assert {i["id"]: i for i in items} == expected


def test_list_page_equals_the_full_records_path_on_the_api_corpus(store_url):
    """The same on real claim records: perpetrators, denials, tolls, outlets."""
    store = build_corpus(store_url).store
    items, _ = list_incidents(store, IncidentFilter(), None, 1000)
    assert items
    assert {i["id"]: i for i in items} == _full_path(store)
    assert any(i["disputes"] for i in items)


def test_an_existing_store_upgrades_to_the_page_indexes(store_url):
    """A store at migration 0004, with rows, gains 0005's indexes on open and answers the
    same; downgrading removes them again."""
    from alembic import command
    from alembic.config import Config

    from fogwatch.store.db import MIGRATIONS, make_engine

    def alembic(engine, verb: str, revision: str) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, verb)(cfg, revision)

    def indexes(engine) -> set[str]:  # the inspector skips expression indexes on SQLite
        sql = {
            "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
            "postgresql": "SELECT indexname FROM pg_indexes",
        }[engine.dialect.name]
        with engine.connect() as conn:
            return set(conn.execute(text(sql)).scalars())

    engine = make_engine(store_url)
    alembic(engine, "upgrade", "0004")
    before = Store(engine)
    data = generate(seed=3)
    for table, rows in zip(("documents", "incidents", "claims"), data, strict=True):
        before.bulk_copy(table, COLUMNS[table], rows)
    assert "ix_incidents_page" not in indexes(engine)
    f = IncidentFilter(bbox=BBox(35.0, 32.0, 40.0, 36.0), since=START + dt.timedelta(days=30))
    expected = [
        r[0]
        for r in sorted(
            (r for r in data[1] if _matches(f, r)),
            key=lambda r: (-(r[3] or NO_DATE).toordinal(), r[0]),
        )
    ]
    store = Store.open(store_url)
    new = {"ix_incidents_page", "ix_incidents_span", "ix_claims_page", "ix_claims_date"}
    assert new | {"ix_claims_span"} <= indexes(store.engine)
    assert _walk(lambda f, c, n: list_incidents(store, f, c, n), f, 7) == expected
    store.engine.dispose()
    alembic(engine, "downgrade", "0004")
    assert not (new & indexes(engine))
    engine.dispose()
