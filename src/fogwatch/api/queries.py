"""Read queries behind the API, the exports and the UI: filters, search, keyset paging.

Kept free of FastAPI so `fogwatch export` runs the very same filters as
`GET /api/incidents`. Every value from a request reaches the database as a bound
parameter; full-text queries are first reduced to plain word tokens, so no user text is
ever parsed as FTS5 or tsquery syntax.

"Contested" is the one definition reconciliation stores with each incident
(`reconcile.is_contested`: graded contested, or flagged casualties_disagree,
perpetrator_disputed or denied); `disputes` names which of those an incident has.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    and_,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from fogwatch.model import Claim, Incident
from fogwatch.store.db import Store, document_summary, segment_summary
from fogwatch.store.schema import ClaimActorRow, ClaimRow, DocumentRow, IncidentRow

Dispute = Literal["toll", "blame", "denial"]
GRADES = ("confirmed", "fair", "weak", "contested", "discounted")
MAX_LIMIT = 1000
NO_DATE = dt.date(1, 1, 1)
NO_HIGH = 2_147_483_647  # "at least N" has no upper bound
MAX_QUERY_TOKENS = 12
MAX_TOKEN_CHARS = 60


class BadQuery(ValueError):
    """A filter or cursor that cannot be understood; the API answers 400 with the message."""


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class BBox:
    """A lon/lat box; `west > east` crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, value: str) -> BBox:
        parts = value.split(",")
        if len(parts) != 4:
            raise BadQuery("bbox must be four numbers: west,south,east,north")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError as exc:
            raise BadQuery("bbox must be four numbers: west,south,east,north") from exc
        if not all(-180 <= x <= 180 for x in (west, east)) or not all(
            -90 <= y <= 90 for y in (south, north)
        ):
            raise BadQuery("bbox longitudes must lie in [-180, 180] and latitudes in [-90, 90]")
        if south > north:
            raise BadQuery("bbox south must not exceed north")
        return cls(west, south, east, north)

    def condition(self, lat: Any, lon: Any) -> ColumnElement[bool]:
        lat_ok = lat.between(self.south, self.north)
        if self.west <= self.east:
            return and_(lat_ok, lon.between(self.west, self.east))
        return and_(lat_ok, or_(lon >= self.west, lon <= self.east))


@dataclass(frozen=True)
class IncidentFilter:
    bbox: BBox | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    type: str | None = None
    actor: str | None = None
    outlet: str | None = None
    grade: str | None = None
    contested: bool | None = None
    q: str | None = None


@dataclass(frozen=True)
class ClaimFilter:
    bbox: BBox | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    type: str | None = None
    actor: str | None = None
    outlet: str | None = None
    claimant: str | None = None
    stance: str | None = None
    incident: str | None = None
    document: str | None = None
    q: str | None = None


# --------------------------------------------------------------------------- cursors


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: Sequence[type]) -> list[Any]:
    """The values a cursor holds, checked against `shape`; BadQuery when tampered with."""
    if len(cursor) > 400:
        raise BadQuery("invalid cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadQuery("invalid cursor") from exc
    if not isinstance(values, list) or len(values) != len(shape):
        raise BadQuery("invalid cursor")
    out = []
    for value, kind in zip(values, shape, strict=True):
        if kind is dt.date:
            try:
                out.append(dt.date.fromisoformat(value))
            except (TypeError, ValueError) as exc:
                raise BadQuery("invalid cursor") from exc
        elif not isinstance(value, str) or len(value) > 200:
            raise BadQuery("invalid cursor")
        else:
            out.append(value)
    return out


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit must be between 1 and {MAX_LIMIT}")
    return limit


# --------------------------------------------------------------------------- search


def query_tokens(q: str) -> list[str]:
    """Plain word tokens of a search box entry: letters and digits only, bounded."""
    tokens = [t[:MAX_TOKEN_CHARS] for t in re.findall(r"[^\W_]+", q)]
    return tokens[:MAX_QUERY_TOKENS]


def search_condition(session: Session, q: str) -> ColumnElement[bool]:
    """`claims.id` matches the search box entry `q` (all words; the last one as a prefix)."""
    tokens = query_tokens(q)
    if not tokens:
        return false()
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        expr = " ".join(f'"{t}"' for t in tokens[:-1]) + f' "{tokens[-1]}"*'
        matched = text("SELECT claim_id FROM search_fts WHERE search_fts MATCH :fts_q").bindparams(
            fts_q=expr.strip()
        )
    elif dialect == "postgresql":
        expr = " & ".join(tokens[:-1] + [f"{tokens[-1]}:*"])
        matched = text(
            "SELECT claim_id FROM claim_search WHERE tsv @@ to_tsquery('english', :ts_q)"
        ).bindparams(ts_q=expr)
    else:  # pragma: no cover - only the two supported backends
        raise BadQuery(f"full-text search is not supported on {dialect}")
    return ClaimRow.id.in_(matched.columns(claim_id=ClaimRow.id.type))


def search_backend(store: Store) -> str:
    return {"sqlite": "sqlite-fts5", "postgresql": "postgresql-tsvector"}.get(
        store.engine.dialect.name, "none"
    )


# --------------------------------------------------------------------------- conditions


def _outlet_expr() -> Any:
    """A claim's outlet: its own, else its document's."""
    doc = aliased(DocumentRow)  # never correlated with a DocumentRow of the outer query
    doc_outlet = select(doc.outlet).where(doc.id == ClaimRow.document_id).scalar_subquery()
    return func.coalesce(ClaimRow.outlet, doc_outlet)


def _actor_condition(actor: str) -> ColumnElement[bool]:
    return exists(
        select(ClaimActorRow.claim_id).where(
            ClaimActorRow.claim_id == ClaimRow.id,
            func.lower(ClaimActorRow.actor) == actor.lower(),
        )
    )


def _type_condition(type_: str, event: Any, sub: Any) -> ColumnElement[bool]:
    return or_(event == type_, sub == type_)


def contested_condition() -> ColumnElement[bool]:
    """Contested as reconciliation decided it (`reconcile.is_contested`), stored per
    incident: the CLI, the API and the exports all filter on this one column."""
    return IncidentRow.contested.is_(True)


def incident_conditions(session: Session, f: IncidentFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.bbox:
        conds.append(f.bbox.condition(IncidentRow.lat, IncidentRow.lon))
    if f.since:
        conds.append(func.coalesce(IncidentRow.date_end, IncidentRow.date) >= f.since)
    if f.until:
        conds.append(IncidentRow.date <= f.until)
    if f.type:
        conds.append(_type_condition(f.type, IncidentRow.event_type, IncidentRow.sub_event_type))
    if f.grade:
        if f.grade not in GRADES:
            raise BadQuery(f"grade must be one of {', '.join(GRADES)}")
        conds.append(IncidentRow.grade == f.grade)
    if f.contested is True:
        conds.append(contested_condition())
    elif f.contested is False:
        conds.append(~contested_condition())
    claim_conds: list[ColumnElement[bool]] = []
    if f.actor:
        claim_conds.append(_actor_condition(f.actor))
    if f.outlet:
        claim_conds.append(func.lower(_outlet_expr()) == f.outlet.lower())
    if f.q:
        claim_conds.append(search_condition(session, f.q))
    if claim_conds:
        conds.append(
            exists(select(ClaimRow.id).where(ClaimRow.incident_id == IncidentRow.id, *claim_conds))
        )
    return conds


def claim_conditions(session: Session, f: ClaimFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.bbox:
        conds.append(f.bbox.condition(ClaimRow.lat, ClaimRow.lon))
    if f.since:
        conds.append(func.coalesce(ClaimRow.date_end, ClaimRow.date) >= f.since)
    if f.until:
        conds.append(ClaimRow.date <= f.until)
    if f.type:
        conds.append(_type_condition(f.type, ClaimRow.event_type, ClaimRow.sub_event_type))
    if f.actor:
        conds.append(_actor_condition(f.actor))
    if f.outlet:
        conds.append(func.lower(_outlet_expr()) == f.outlet.lower())
    if f.claimant:
        conds.append(func.lower(ClaimRow.claimant) == f.claimant.lower())
    if f.stance:
        if f.stance not in ("asserts", "denies"):
            raise BadQuery("stance must be asserts or denies")
        conds.append(ClaimRow.stance == f.stance)
    if f.incident:
        conds.append(ClaimRow.incident_id == f.incident)
    if f.document:
        conds.append(ClaimRow.document_id == f.document)
    if f.q:
        conds.append(search_condition(session, f.q))
    return conds


# --------------------------------------------------------------------------- pages
#
# The page queries return only keys (ids, and dates for incidents); records are read by
# key afterwards, so the filtering walks indexes and never decodes a record it drops.
# Indexes for them: migration 0005 (docs/decisions.md, "Query indexes").


def longest_span(session: Session, table: str) -> int:
    """Most days any row of `table` ("claims" or "incidents") spans from `date` to
    `date_end` (0 when none does). An index on the same expression makes this one seek."""
    if session.get_bind().dialect.name == "sqlite":
        sql = f"SELECT max(julianday(date_end) - julianday(date)) FROM {table}"
    else:
        sql = f"SELECT max(date_end - date) FROM {table}"
    value = session.execute(text(sql)).scalar()
    return max(0, math.ceil(value)) if value is not None else 0


def _since_floor(
    session: Session,
    table: Any,
    f: IncidentFilter | ClaimFilter,
    day: Any = None,
    *,
    dated_only: bool = False,
) -> list[ColumnElement[bool]]:
    """`date >= since - longest span`: implied by `coalesce(date_end, date) >= since` for
    any row with a date, and it closes the date range so an index bounds both ends.

    A row with no date but an end date also meets `since`; unless `until` (which needs a
    date) or `dated_only` rules such rows out, the bound lets them through by name.
    """
    if f.since is None:
        return []
    day = table.date if day is None else day
    try:
        floor = f.since - dt.timedelta(days=longest_span(session, table.__tablename__))
    except OverflowError:
        return []
    if dated_only or f.until is not None:
        return [day >= floor]
    return [or_(day >= floor, and_(table.date.is_(None), table.date_end >= f.since))]


INDEXED_FILTERS = ("bbox", "since", "until", "type")
NARROW_WINDOW = 0.15  # a date range over at most this share of the dates is read whole


def _only_indexed(f: IncidentFilter | ClaimFilter) -> bool:
    """True when `f` filters on nothing but bbox, dates and type, the filters the page
    indexes of migration 0005 were built for; others are left to the query planner."""
    return all(
        getattr(f, name) is None for name in f.__dataclass_fields__ if name not in INDEXED_FILTERS
    )


def _unindexed(session: Session, col: Any) -> Any:
    """`col`, written so that no index on it can serve the condition (the value is the
    same): the page query then walks the one index chosen for it, testing these
    conditions on the index's own copy of the columns. Planners misjudge bbox and type
    selectivity on clustered data and otherwise pick an index that makes them sort."""
    if session.get_bind().dialect.name == "sqlite":  # unary +: a no-op on any value
        return UnaryExpression(col, operator=custom_op("+"), type_=col.type)
    if isinstance(col.type, Date):
        return col + literal_column("0")
    if isinstance(col.type, String):
        return col.concat(literal_column("''"))
    return col + literal_column("0")


def _page_conditions(
    session: Session,
    table: Any,
    f: IncidentFilter | ClaimFilter,
    *,
    date_indexed: bool,
    dated_only: bool = False,
) -> list[ColumnElement[bool]]:
    """The bbox, date and type conditions of `incident_conditions`/`claim_conditions`, the
    same predicates, with only `date` (if `date_indexed`) left open to an index."""

    def col(c: Any) -> Any:
        return _unindexed(session, c)

    day = table.date if date_indexed else col(table.date)
    conds: list[ColumnElement[bool]] = []
    if f.bbox:
        conds.append(f.bbox.condition(col(table.lat), col(table.lon)))
    if f.since:
        conds.append(func.coalesce(col(table.date_end), col(table.date)) >= f.since)
        if date_indexed:
            conds += _since_floor(session, table, f, day, dated_only=dated_only)
    if f.until:
        conds.append(day <= f.until)
    if f.type:
        conds.append(_type_condition(f.type, col(table.event_type), col(table.sub_event_type)))
    return conds


def _date_share(session: Session, f: ClaimFilter) -> float:
    """Roughly what share of the claims lies in `f`'s date range (dates taken as even)."""
    first, last = session.execute(
        select(
            select(func.min(ClaimRow.date)).scalar_subquery(),
            select(func.max(ClaimRow.date)).scalar_subquery(),
        )
    ).one()
    if first is None or last is None:
        return 0.0
    low = (
        max(first, f.since - dt.timedelta(days=longest_span(session, "claims")))
        if f.since
        else first
    )
    high = min(last, f.until) if f.until else last
    return max(0, (high - low).days + 1) / ((last - first).days + 1)


def _planned(session: Session, query: Any, *, walk: bool) -> list[Any]:
    """Rows of a page query whose access path was chosen here.

    `walk`: read by walking the ORDER BY index and stopping at the LIMIT. SQLite does so
    once no other index can serve the filters (`_unindexed`). PostgreSQL then guesses
    those filters keep almost no rows and would rather scan everything and sort, so
    sorting is switched off for the statement. PostgreSQL also gets no parallel workers:
    starting them cost 10-20 ms, several times a 101-row walk. Both settings are `SET
    LOCAL`, back to their defaults after the statement.
    """
    if session.get_bind().dialect.name != "postgresql":
        return list(session.execute(query).all())
    sort = "off" if walk else "on"
    session.execute(
        text(f"SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_sort = {sort}")
    )
    try:
        return list(session.execute(query).all())
    finally:
        session.execute(
            text(
                "SET LOCAL max_parallel_workers_per_gather = DEFAULT; "
                "SET LOCAL enable_sort = DEFAULT"
            )
        )


def incident_page_ids(
    session: Session, f: IncidentFilter, cursor: str | None = None, n: int = 101
) -> list[tuple[str, dt.date | None]]:
    """(id, date) of the first `n` incidents matching `f` after `cursor`, newest first.

    The order is `coalesce(date, NO_DATE) DESC, id`, read in two parts so each walks an
    index in order and stops after `n` rows: dated incidents by `date DESC, id`
    (`ix_incidents_page`), then undated ones by `id`.
    """
    forced = _only_indexed(f)
    if forced:
        conds = _page_conditions(session, IncidentRow, f, date_indexed=True, dated_only=True)
    else:
        conds = incident_conditions(session, f)
        conds += _since_floor(session, IncidentRow, f, dated_only=True)
    after = decode_cursor(cursor, [dt.date, str]) if cursor else None
    cols = (IncidentRow.id, IncidentRow.date)
    rows: list[Any] = []
    if after is None or after[0] != NO_DATE:
        dated = [*conds, IncidentRow.date.is_not(None)]
        if after is not None:
            after_date, after_id = after
            dated.append(IncidentRow.date <= after_date)
            dated.append(or_(IncidentRow.date < after_date, IncidentRow.id > after_id))
        query = select(*cols).where(*dated)
        query = query.order_by(IncidentRow.date.desc(), IncidentRow.id).limit(n)
        rows = _planned(session, query, walk=True) if forced else session.execute(query).all()
    if len(rows) < n and f.until is None:  # `until` matches dated incidents only
        undated = [*incident_conditions(session, f), IncidentRow.date.is_(None)]
        if after is not None and after[0] == NO_DATE:
            undated.append(IncidentRow.id > after[1])
        query = select(*cols).where(*undated).order_by(IncidentRow.id).limit(n - len(rows))
        rows += session.execute(query).all()
    return [(r[0], r[1]) for r in rows]


def claim_page_ids(
    session: Session, f: ClaimFilter, cursor: str | None = None, n: int = 101
) -> list[str]:
    """Ids of the first `n` claims matching `f` after `cursor`, in id order.

    With only bbox, date and type filters the access path is chosen here: a narrow date
    range is read whole from `ix_claims_date` and sorted; anything else walks
    `ix_claims_page` in id order and stops after `n` matches.
    """
    forced = _only_indexed(f)
    narrow = False
    if forced:
        narrow = (f.since or f.until) is not None and _date_share(session, f) <= NARROW_WINDOW
        conds = _page_conditions(session, ClaimRow, f, date_indexed=narrow)
    else:
        conds = claim_conditions(session, f) + _since_floor(session, ClaimRow, f)
    if cursor:
        (after,) = decode_cursor(cursor, [str])
        conds.append(ClaimRow.id > after)
    query = select(ClaimRow.id).where(*conds).order_by(ClaimRow.id).limit(n)
    rows = _planned(session, query, walk=not narrow) if forced else session.execute(query).all()
    return [r[0] for r in rows]


# --------------------------------------------------------------------------- claims


@dataclass
class DocInfo:
    id: str
    name: str
    title: str | None
    outlet: str | None
    published: dt.date | None


def claim_out(record: dict, doc: DocInfo | None, incident_id: str | None) -> dict:
    """A stored claim as the API shows it: the claim record plus where it was read."""
    out = dict(record)
    if incident_id:  # the linker's column is the truth; the record may predate linking
        out["incident"] = incident_id
    if not out.get("outlet") and doc is not None:
        out["outlet"] = doc.outlet
    out["document_id"] = doc.id if doc else None
    out["document_title"] = doc.title if doc else None
    out["published"] = doc.published.isoformat() if doc and doc.published else None
    return out


def _documents(session: Session, doc_ids: set[str]) -> dict[str, DocInfo]:
    """Document fields the API shows with a claim, by key (one keyed query, no join:
    PostgreSQL planned the join as a sequential scan of every document)."""
    if not doc_ids:
        return {}
    rows = session.execute(
        select(
            DocumentRow.id,
            DocumentRow.name,
            DocumentRow.title,
            DocumentRow.outlet,
            DocumentRow.published,
        ).where(DocumentRow.id.in_(sorted(doc_ids)))
    ).all()
    return {r[0]: DocInfo(r[0], r[1], r[2], r[3], r[4]) for r in rows}


def _claim_rows(session: Session, where: Sequence[ColumnElement[bool]]) -> list[dict]:
    rows = session.execute(
        select(ClaimRow.record, ClaimRow.incident_id, ClaimRow.document_id)
        .where(*where)
        .order_by(ClaimRow.id)
    ).all()
    docs = _documents(session, {r[2] for r in rows})
    return [
        claim_out(r[0], docs[r[2]], r[1])
        for r in rows
        if isinstance(r[0], dict) and r[2] in docs  # as the inner join with documents did
    ]


def list_claims(
    store: Store, f: ClaimFilter, cursor: str | None = None, limit: int = 100
) -> tuple[list[dict], str | None]:
    check_limit(limit)
    with store.session() as s:
        ids = claim_page_ids(s, f, cursor, limit + 1)
        more = len(ids) > limit
        ids = ids[:limit]
        items = _claim_rows(s, [ClaimRow.id.in_(ids)]) if ids else []
    return items, (encode_cursor([ids[-1]]) if more else None)


def claims_of_incidents(session: Session, incidents: Sequence[Incident]) -> dict[str, list[dict]]:
    """Claims per incident: those whose `incident_id` points at it, and those it lists."""
    ids = [i.id for i in incidents]
    listed = {cid: i.id for i in incidents for cid in i.claim_ids}
    if not ids:
        return {}
    conds = [ClaimRow.incident_id.in_(ids)]
    if listed:
        conds.append(ClaimRow.id.in_(list(listed)))
    grouped: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for claim in _claim_rows(session, [or_(*conds)]):
        owner = claim.get("incident") if claim.get("incident") in ids else None
        owner = owner or listed.get(claim["id"])
        if owner and (owner, claim["id"]) not in seen:
            seen.add((owner, claim["id"]))
            grouped[owner].append(claim)
    return grouped


# --------------------------------------------------------------------------- incidents


# Each dispute the API names is one of reconciliation's contradiction flags.
DISPUTE_OF_FLAG: dict[str, Dispute] = {
    "casualties_disagree": "toll",
    "perpetrator_disputed": "blame",
    "denied": "denial",
}


def disputes(flags: Sequence[str]) -> list[Dispute]:
    """What an incident's claims disagree on: its contradiction flags, in API words
    (reconciliation decided them; nothing here judges the claims a second time)."""
    return [DISPUTE_OF_FLAG[f] for f in DISPUTE_OF_FLAG if f in flags]


def incident_out(incident: Incident, claims: Sequence[dict]) -> dict:
    """An incident as the API shows it: the record plus outlets, disputes and `contested`."""
    out = incident.model_dump(mode="json")
    outlets = sorted({c["outlet"] for c in claims if c.get("outlet")})
    found = disputes(incident.flags)
    out["outlets"] = outlets
    out["disputes"] = found
    out["contested"] = incident.contested
    if not out["claims"]:
        out["claims"] = len(claims)
    return out


def _incident(row: IncidentRow) -> Incident:
    return Incident.model_validate(row.record)


_KEYED_SQL = {
    # One array parameter instead of hundreds of bound ones; the JSON member as text
    # (SQLite) or parsed by the driver (PostgreSQL).
    "sqlite": (
        "SELECT id, incident_id, document_id, outlet, stance, killed_low, killed_high, "
        "json_extract(record, '$.perpetrators'), json_extract(record, '$.incident') "
        "FROM claims WHERE {col} IN (SELECT value FROM json_each(?))",
        "SELECT id, outlet FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        "SELECT id, record FROM incidents WHERE id IN (SELECT value FROM json_each(?))",
    ),
    "postgresql": (
        "SELECT id, incident_id, document_id, outlet, stance, killed_low, killed_high, "
        "record -> 'perpetrators', record ->> 'incident' "
        "FROM claims WHERE {col} = ANY(%s)",
        "SELECT id, outlet FROM documents WHERE id = ANY(%s)",
        "SELECT id, record FROM incidents WHERE id = ANY(%s)",
    ),
}


def _keyed(session: Session, sql: str, keys: Sequence[str]) -> list[tuple]:
    """Rows of `sql` for `keys` (its one parameter), straight from the driver."""
    dialect = session.get_bind().dialect.name
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, (json.dumps(list(keys)) if dialect == "sqlite" else list(keys),))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _json_member(value: Any) -> Any:
    """A JSON value as read by `_keyed`: text from SQLite, already parsed by psycopg."""
    if isinstance(value, str):
        return [] if value == "[]" else json.loads(value)
    return value


def _claim_summaries(session: Session, incidents: Sequence[Incident]) -> dict[str, list[dict]]:
    """What a list page needs of each incident's claims: outlet, stance, killed, perpetrators.

    The same claims, grouped the same way, as `claims_of_incidents`, but read from the
    claim columns (written from the same record by `Store._add_claims`) plus the JSON
    members they lack, instead of decoding ~500 full records per page, and straight
    through the driver: SQLAlchemy's handling of 500 rows and 600 bound keys cost
    several times the query. Claims an incident lists but whose `incident_id` points
    elsewhere (rare: a linker run in progress) take a second query. Documents are read
    only for claims without their own outlet.
    """
    ids = {i.id for i in incidents}
    listed = {cid: i.id for i in incidents for cid in i.claim_ids}
    if not ids:
        return {}
    claims_sql, documents_sql, _ = _KEYED_SQL[session.get_bind().dialect.name]
    rows = _keyed(session, claims_sql.format(col="incident_id"), sorted(ids))
    missing = set(listed) - {r[0] for r in rows}
    if missing:
        rows += _keyed(session, claims_sql.format(col="id"), sorted(missing))
    need_doc = sorted({r[2] for r in rows if not r[3]})
    doc_outlets = dict(_keyed(session, documents_sql, need_doc)) if need_doc else {}
    grouped: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for cid, column_incident, doc_id, outlet, stance, low, high, perps, record_incident in sorted(
        rows, key=lambda r: r[0]
    ):
        if not outlet and doc_id not in doc_outlets:  # as the join with documents did
            continue
        linked = column_incident or record_incident
        owner = (linked if linked in ids else None) or listed.get(cid)
        if not owner or (owner, cid) in seen:
            continue
        seen.add((owner, cid))
        perps = _json_member(perps)
        grouped[owner].append(
            {
                "id": cid,
                "outlet": outlet or doc_outlets[doc_id],
                "stance": stance,
                "killed": {"low": low, "high": high}
                if low is not None or high is not None
                else None,
                "perpetrators": perps if isinstance(perps, list) else [],
            }
        )
    return grouped


def list_incidents(
    store: Store, f: IncidentFilter, cursor: str | None = None, limit: int = 100
) -> tuple[list[dict], str | None]:
    """One page of incidents, newest first, and the cursor of the next page (or None)."""
    check_limit(limit)
    with store.session() as s:
        page = incident_page_ids(s, f, cursor, limit + 1)
        more = len(page) > limit
        page = page[:limit]
        records = dict(_keyed(s, _KEYED_SQL[s.get_bind().dialect.name][2], [i for i, _ in page]))
        incidents = [
            Incident.model_validate(_json_member(records[iid])) for iid, _ in page if iid in records
        ]
        claims = _claim_summaries(s, incidents)
    items = [incident_out(i, claims.get(i.id, [])) for i in incidents]
    next_cursor = None
    if more and page:
        last_id, last_date = page[-1]
        next_cursor = encode_cursor([(last_date or NO_DATE).isoformat(), last_id])
    return items, next_cursor


def iter_incidents(store: Store, f: IncidentFilter, batch: int = 500) -> Iterator[dict]:
    """Every incident matching `f`, page by page (for exports)."""
    cursor = None
    while True:
        items, cursor = list_incidents(store, f, cursor, batch)
        yield from items
        if cursor is None:
            return


def iter_incidents_with_claims(
    store: Store, f: IncidentFilter, batch: int = 500
) -> Iterator[tuple[dict, list[dict]]]:
    """Every incident matching `f` with its claims, for exports that cite each source."""
    for page in _batched(iter_incidents(store, f, batch), batch):
        with store.session() as s:
            claims = claims_of_incidents(s, [Incident.model_validate(_record(i)) for i in page])
        for item in page:
            yield item, claims.get(item["id"], [])


def _record(item: dict) -> dict:
    return {k: v for k, v in item.items() if k in Incident.model_fields}


def _batched(items: Iterator[dict], size: int) -> Iterator[list[dict]]:
    page: list[dict] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


CONTEXT_CHARS = 320


def evidence_context(text_: str, start: int, end: int) -> dict | None:
    """The evidence with up to CONTEXT_CHARS of text either side, cut at whitespace,
    so a reader sees the sentence where the article put it."""
    if not (0 <= start < end <= len(text_)):
        return None
    left = max(0, start - CONTEXT_CHARS)
    if left > 0:
        space = text_.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    right = min(len(text_), end + CONTEXT_CHARS)
    if right < len(text_):
        space = text_.rfind(" ", end, right)
        right = space if space >= 0 else right
    return {
        "before": text_[left:start],
        "text": text_[start:end],
        "after": text_[end:right],
        "start": start,
        "end": end,
        "truncated_before": left > 0,
        "truncated_after": right < len(text_),
    }


def get_incident(store: Store, incident_id: str) -> dict | None:
    """One incident with every claim, the evidence in its context, and the documents."""
    with store.session() as s:
        row = s.get(IncidentRow, incident_id)
        if row is None:
            return None
        incident = _incident(row)
        claims = claims_of_incidents(s, [incident]).get(incident.id, [])
        doc_ids = sorted({c["document_id"] for c in claims if c.get("document_id")})
        docs = s.execute(select(DocumentRow).where(DocumentRow.id.in_(doc_ids))).scalars().all()
        texts = {d.id: d.text for d in docs}
        documents = [document_summary(d) for d in docs]
    for claim in claims:
        ev = claim.get("evidence") or {}
        body = texts.get(claim.get("document_id") or "")
        claim["context"] = (
            evidence_context(body, int(ev.get("start", -1)), int(ev.get("end", -1)))
            if body is not None and isinstance(ev.get("start"), int)
            else None
        )
    claims.sort(key=lambda c: (c.get("published") or "", c.get("outlet") or "", c["id"]))
    out = incident_out(incident, claims)
    out["claim_records"] = claims
    out["documents"] = documents
    return out


# --------------------------------------------------------------------------- documents


def get_document(store: Store, document_id: str) -> dict | None:
    """A document's text with its claims and the spans they cover (for highlighting)."""
    from fogwatch.store.schema import SegmentRow

    with store.session() as s:
        row = s.get(DocumentRow, document_id)
        if row is None:
            return None
        segments = (
            s.execute(
                select(SegmentRow).where(SegmentRow.document_id == row.id).order_by(SegmentRow.idx)
            )
            .scalars()
            .all()
        )
        claims = _claim_rows(s, [ClaimRow.document_id == row.id])
    out = document_summary(row)
    out["text"] = row.text
    out["notes"] = list(row.notes or [])
    out["segments"] = [segment_summary(g) for g in segments]
    spans = []
    for claim in claims:
        ev = claim.get("evidence") or {}
        start, end = ev.get("start"), ev.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(row.text):
            spans.append({"start": start, "end": end, "claim_id": claim["id"]})
    out["spans"] = sorted(spans, key=lambda sp: (sp["start"], sp["end"], sp["claim_id"]))
    out["claims"] = claims
    out["incidents"] = sorted({c["incident"] for c in claims if c.get("incident")})
    return out


# --------------------------------------------------------------------------- sources


def list_sources(store: Store) -> list[dict]:
    """Every outlet and claimant with how many documents, claims and incidents it has."""
    stats: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        return stats.setdefault(
            name,
            {"name": name, "roles": set(), "documents": 0, "claims": 0, "incidents": set()},
        )

    with store.session() as s:
        for outlet, count in s.execute(
            select(DocumentRow.outlet, func.count())
            .where(DocumentRow.outlet.is_not(None))
            .group_by(DocumentRow.outlet)
        ).all():
            item = entry(outlet)
            item["roles"].add("outlet")
            item["documents"] = count
        outlet = _outlet_expr().label("outlet")
        for name, claimant, incident_id in s.execute(
            select(outlet, ClaimRow.claimant, ClaimRow.incident_id)
        ).all():
            if name:
                item = entry(name)
                item["roles"].add("outlet")
                item["claims"] += 1
                if incident_id:
                    item["incidents"].add(incident_id)
            if claimant and claimant != name:
                item = entry(claimant)
                item["roles"].add("claimant")
                item["claims"] += 1
                if incident_id:
                    item["incidents"].add(incident_id)
            elif claimant:
                entry(claimant)["roles"].add("claimant")
    return [
        {**v, "roles": sorted(v["roles"]), "incidents": len(v["incidents"])}
        for v in sorted(stats.values(), key=lambda v: (-v["claims"], v["name"]))
    ]


def _relation(count: dict | None, consensus: int | None) -> str | None:
    """Where a stated figure lies against the incident's best estimate."""
    if not count or consensus is None:
        return None
    low, high = count.get("low"), count.get("high")
    if low is None and high is None:
        return None
    if low is not None and low > consensus:
        return "above"
    if high is not None and high < consensus:
        return "below"
    return "within"


@dataclass
class _Profile:
    name: str
    roles: set[str] = field(default_factory=set)
    documents: int = 0
    claims: list[dict] = field(default_factory=list)


def source_profile(store: Store, name: str) -> dict | None:
    """What one outlet or claimant has said: counts, its figures against consensus, blames.

    Computed from the claims; the incidents stage's own profiles, once it has them,
    can take over without changing this shape.
    """
    lowered = name.lower()
    profile = _Profile(name)
    with store.session() as s:
        doc_count = s.execute(
            select(func.count())
            .select_from(DocumentRow)
            .where(func.lower(DocumentRow.outlet) == lowered)
        ).scalar_one()
        if doc_count:
            profile.roles.add("outlet")
            profile.documents = doc_count
        claims = _claim_rows(
            s,
            [
                or_(
                    func.lower(_outlet_expr()) == lowered,
                    func.lower(ClaimRow.claimant) == lowered,
                )
            ],
        )
        incident_ids = sorted({c["incident"] for c in claims if c.get("incident")})
        consensus = {
            iid: best
            for iid, best in s.execute(
                select(IncidentRow.id, IncidentRow.killed_best).where(
                    IncidentRow.id.in_(incident_ids)
                )
            ).all()
        }
    if not claims and not profile.roles:
        return None
    as_outlet = [c for c in claims if (c.get("outlet") or "").lower() == lowered]
    as_claimant = [
        c for c in claims if ((c.get("claimant") or {}).get("name") or "").lower() == lowered
    ]
    if as_outlet:
        profile.roles.add("outlet")
        name = as_outlet[0]["outlet"]
    if as_claimant:
        profile.roles.add("claimant")
        name = as_claimant[0]["claimant"]["name"]
    dates = sorted(c["date"] for c in claims if c.get("date"))
    figures = []
    relations: Counter[str] = Counter()
    for c in claims:
        if not c.get("killed") and not c.get("injured"):
            continue
        best = consensus.get(c.get("incident") or "")
        relation = _relation(c.get("killed"), best)
        if relation:
            relations[relation] += 1
        figures.append(
            {
                "claim_id": c["id"],
                "incident": c.get("incident"),
                "document_id": c.get("document_id"),
                "date": c.get("date"),
                "place": (c.get("location") or {}).get("name"),
                "claimant": (c.get("claimant") or {}).get("name"),
                "outlet": c.get("outlet"),
                "killed": c.get("killed"),
                "injured": c.get("injured"),
                "consensus_killed": best,
                "relation": relation,
            }
        )
    blames: dict[str, Counter[str]] = defaultdict(Counter)
    for c in claims:
        for p in c.get("perpetrators") or []:
            if p.get("name"):
                blames[p["name"]][c.get("stance", "asserts")] += 1
    cited = Counter((c.get("claimant") or {}).get("name") for c in as_outlet)
    carried_by = Counter(c.get("outlet") for c in as_claimant)
    return {
        "name": name,
        "roles": sorted(profile.roles),
        "documents": profile.documents,
        "claims": len(claims),
        "incidents": len(incident_ids),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "stances": dict(Counter(c.get("stance", "asserts") for c in claims)),
        "event_types": [
            {"name": k, "count": v}
            for k, v in Counter(
                c.get("sub_event_type") or c.get("event_type") for c in claims
            ).most_common()
            if k
        ],
        "figures": figures,
        "figure_relations": {k: relations.get(k, 0) for k in ("above", "within", "below")},
        "blames": [
            {"actor": k, "asserts": v.get("asserts", 0), "denies": v.get("denies", 0)}
            for k, v in sorted(blames.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        "claimants_cited": [
            {"name": k, "count": v} for k, v in cited.most_common() if k and k != name
        ],
        "carried_by": [{"name": k, "count": v} for k, v in carried_by.most_common() if k],
        "incident_ids": incident_ids,
    }


def facets(store: Store) -> dict:
    """Values the UI offers in its filter menus: types, outlets, actors, grades."""
    with store.session() as s:
        types = sorted(
            {
                t
                for row in s.execute(
                    select(IncidentRow.event_type, IncidentRow.sub_event_type).distinct()
                ).all()
                for t in row
                if t
            }
        )
        outlets = sorted(
            {
                o
                for o in s.execute(select(_outlet_expr()).distinct()).scalars().all()
                if o is not None
            }
            | {
                o
                for o in s.execute(select(DocumentRow.outlet).distinct()).scalars().all()
                if o is not None
            }
        )
        actors = sorted(
            set(s.execute(select(ClaimActorRow.actor).distinct()).scalars().all()), key=str.lower
        )
    return {"types": types, "outlets": outlets, "actors": actors, "grades": list(GRADES)}


def validate_claim(record: dict) -> Claim:
    """Parse a stored claim record (used by exports that need typed access)."""
    return Claim.model_validate({k: v for k, v in record.items() if k in Claim.model_fields})
