"""Store functions of the incidents stage: neighbourhood reads, link writes, incident queries.

Linking is incremental: `relink` reads only the claims that could share an incident with
a new document's claims (by the indexed claims columns date, lat and lon), plus the
other claims of the incidents those belong to, partitions them with the linker's
deterministic rule, and writes back what changed, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from sqlalchemy import Text, and_, bindparam, cast, delete, func, or_, select, text
from sqlalchemy.orm import Session

import fogwatch.store.schema_incidents  # noqa: F401  (registers the reference tables)
from fogwatch.ids import incident_id
from fogwatch.incidents.linker import claim_key, partition_around
from fogwatch.incidents.reconcile import reconcile
from fogwatch.incidents.rules import rules
from fogwatch.incidents.truces import (
    TRUCE_SUB_TYPES,
    Truce,
    truces_from_claims,
    violated_truces,
)
from fogwatch.model import Claim, Incident
from fogwatch.store.db import Store
from fogwatch.store.records import claim_of
from fogwatch.store.schema import ClaimRow, IncidentRow, SegmentRow

# Other stored claims are looked up this many days beyond a new claim's own window: the
# widest window a stored claim can bring (month precision). Year-precision claims
# further away are not found (see docs/incidents.md, "limits").
NEIGHBOUR_DAYS = 31


# The claim columns this module reads, with the record as stored text (not decoded):
# records never change once written, so their text identifies a decoded claim (see
# `store/records.py`).
CLAIM_COLUMNS = (
    ClaimRow.id,
    ClaimRow.document_id,
    ClaimRow.segment_idx,
    ClaimRow.incident_id,
    ClaimRow.syndication_group,
    cast(ClaimRow.record, Text).label("record_text"),
)


def _claims_from_rows(session: Session, rows: Iterable) -> list[Claim]:
    """Claims from rows of `CLAIM_COLUMNS`, with their current incident and syndication
    group.

    A segment's syndication group can be set after its claims were written (when a copy
    arrives later), so the segment's value wins over the claim row's.
    """
    rows = list(rows)
    keys = {(r.document_id, r.segment_idx) for r in rows}
    groups: dict[tuple[str, int], str | None] = {}
    if keys:
        docs = {d for d, _ in keys}
        for seg in session.execute(
            select(SegmentRow.document_id, SegmentRow.idx, SegmentRow.syndication_group).where(
                SegmentRow.document_id.in_(docs)
            )
        ):
            groups[(seg[0], seg[1])] = seg[2]
    out = []
    for row in rows:
        claim = claim_of(row.record_text)
        claim.incident = row.incident_id
        claim.syndication_group = groups.get((row.document_id, row.segment_idx)) or (
            row.syndication_group
        )
        out.append(claim)
    return out


# Bounding boxes per neighbourhood query at most: SQLite refuses an expression tree deeper
# than 1,000 terms, so nearby claims share a box (see `_boxes`).
MAX_BOXES = 200


def _boxes(points: list[tuple[float, float]], reach_km: float) -> list[tuple[float, ...]]:
    """(min_lat, max_lat, min_lon, max_lon) boxes covering `reach_km` around every point.

    Points are bucketed in grid cells at least `reach_km` wide and each occupied cell gets
    one box (the cell grown by the reach), so a batch of thousands of claims in one
    country needs a few dozen boxes, not one each. Cells double in size until there are
    at most `MAX_BOXES`.
    """
    widest = max(abs(lat) for lat, _ in points)
    dlat = reach_km / 111.0
    dlon = reach_km / (111.0 * max(0.1, math.cos(math.radians(min(89.0, widest + dlat)))))
    size_lat, size_lon = dlat, dlon
    while True:
        cells = {(math.floor(lat / size_lat), math.floor(lon / size_lon)) for lat, lon in points}
        if len(cells) <= MAX_BOXES:
            break
        size_lat, size_lon = size_lat * 2, size_lon * 2
    return [
        (
            i * size_lat - dlat,
            (i + 1) * size_lat + dlat,
            j * size_lon - dlon,
            (j + 1) * size_lon + dlon,
        )
        for i, j in sorted(cells)
    ]


def _neighbour_rows(session: Session, claims: list[Claim]) -> list:
    """Stored claims that could link with `claims` directly: in their date window (by
    each stored claim's own precision) and near them."""
    r = rules()
    dated = [c for c in claims if c.date]
    if not dated:
        return []
    widest_new = max(r.window(c.date_precision) for c in dated)
    window = widest_new + NEIGHBOUR_DAYS
    first = min(c.date for c in dated)  # type: ignore[type-var]
    last = max((c.date_end or c.date) for c in dated)  # type: ignore[type-var,operator]
    query = select(*CLAIM_COLUMNS).where(
        ClaimRow.date >= first - dt.timedelta(days=window),
        ClaimRow.date <= last + dt.timedelta(days=window),
    )
    # Within that range, a pair links only when its date intervals come within the wider
    # of the two windows: a day-precise stored claim must be a day or so away, a
    # month-precise one may be a month away. The stored precision is read from the record.
    precision = ClaimRow.record["date_precision"].as_string()
    reaches = []
    for name in sorted(r.date_window_days):
        days = dt.timedelta(days=max(r.window(name), widest_new))
        is_name = (
            or_(precision.is_(None), precision == name) if name == "day" else precision == name
        )
        reaches.append(
            and_(
                is_name,
                ClaimRow.date <= last + days,
                func.coalesce(ClaimRow.date_end, ClaimRow.date) >= first - days,
            )
        )
    other = precision.not_in(sorted(r.date_window_days))
    query = query.where(or_(*reaches, other))
    located = [
        (c.location.lat, c.location.lon)
        for c in claims
        if c.location and c.location.lat is not None and c.location.lon is not None
    ]
    if located and len(located) == len(claims):
        reach = max(r.distance_km.values()) * r.spread_factor
        boxes = [
            and_(ClaimRow.lat.between(a, b), ClaimRow.lon.between(c, d))  # type: ignore[arg-type]
            for a, b, c, d in _boxes(located, reach)
        ]
        query = query.where(or_(ClaimRow.lat.is_(None), *boxes))
    return list(session.execute(query))


def neighbourhood(session: Session, claims: list[Claim]) -> list[Claim]:
    """The new claims, stored claims near them, and the rest of those claims' incidents."""
    ids = {c.id for c in claims}
    rows = {r.id: r for r in session.execute(select(*CLAIM_COLUMNS).where(ClaimRow.id.in_(ids)))}
    missing = sorted(ids - set(rows))
    if missing:
        raise ValueError(
            f"{len(missing)} claim(s) are not stored (save the document first): "
            + ", ".join(missing[:5])
        )
    for row in _neighbour_rows(session, claims):
        rows.setdefault(row.id, row)
    touched = {r.incident_id for r in rows.values() if r.incident_id}
    if touched:
        for row in session.execute(select(*CLAIM_COLUMNS).where(ClaimRow.incident_id.in_(touched))):
            rows.setdefault(row.id, row)
    return _claims_from_rows(session, rows.values())


def truces_near(session: Session, start: dt.date, end: dt.date) -> list[Truce]:
    """Truces declared by stored claims that may cover days in [start, end].

    Only claims of a sub-type that can declare a truce are read (`is_truce`), not every
    Strategic development of the window: this runs once per link.
    """
    longest = rules().truce_default_days + NEIGHBOUR_DAYS
    rows = session.execute(
        select(*CLAIM_COLUMNS).where(
            ClaimRow.event_type == "Strategic developments",
            ClaimRow.sub_event_type.in_(sorted(TRUCE_SUB_TYPES | {"Agreement"})),
            ClaimRow.date >= start - dt.timedelta(days=longest),
            ClaimRow.date <= end,
        )
    )
    return truces_from_claims(_claims_from_rows(session, rows))


def _incident_values(incident: Incident) -> dict:
    """The incidents-table row of an incident: indexed columns plus the whole record."""
    loc = incident.location
    return {
        "id": incident.id,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "date": incident.date,
        "date_end": incident.date_end,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "grade": incident.grade,
        "contested": incident.contested,
        "killed_acled": incident.killed.acled,
        "killed_best": incident.killed.best,
        "record": incident.model_dump(mode="json"),
    }


def _write_incidents(session: Session, incidents: list[Incident]) -> None:
    """Insert or replace incidents in one statement (an upsert on the id)."""
    if not incidents:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = IncidentRow.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={c.name: statement.excluded[c.name] for c in table.c if c.name != "id"},
    )
    session.execute(statement, [_incident_values(i) for i in incidents])


def _truces_for(session: Session, claims: list[Claim]) -> list[Truce]:
    days = [c.date for c in claims if c.date]
    if not days:
        return []
    return truces_near(session, min(days), max(days)) + truces_from_claims(claims)


# Key of the PostgreSQL advisory lock that serialises linking (any constant will do).
LINK_LOCK = 0x1F0C_11A7


def _serialise(session: Session) -> None:
    """Let one linking transaction run at a time, so none reads a stale neighbourhood.

    Two documents about one incident linked at once would each miss the other's claims
    and make two incidents. PostgreSQL: a transaction-scoped advisory lock. SQLite: a
    write that changes nothing takes the database's write lock before any read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LINK_LOCK})
    else:
        session.execute(text("UPDATE incidents SET id = id WHERE 1 = 0"))


def relink(store: Store, claims: list[Claim]) -> list[str]:
    """Link stored claims into incidents incrementally; returns the changed incident ids.

    Writes are set-wise (one upsert of the changed incidents, one executemany of the
    claims that moved, one delete), and only the `incident_id` column of a claim
    changes: its record keeps what was extracted, so full-text indexes are not rebuilt.
    """
    with store.sessions.begin() as s:
        _serialise(s)
        pool = neighbourhood(s, claims)
        # Only the part of the neighbourhood a chain of possible links joins to the new
        # claims can change; the rest keeps its incidents (see `partition_around`).
        groups = partition_around(pool, [claim_key(c) for c in claims])
        pool = [c for group in groups for c in group]
        old_of = {c.id: c.incident for c in pool}
        truces = _truces_for(s, pool)
        old_ids = {i for i in old_of.values() if i}
        stored_members = {
            iid: set(record.get("claim_ids") or [])
            for iid, record in s.execute(
                select(IncidentRow.id, IncidentRow.record).where(IncidentRow.id.in_(old_ids))
            )
        }
        rebuilt: list[Incident] = []
        moves: dict[str, str] = {}
        new_ids = set()
        for group in groups:
            iid = incident_id(c.id for c in group)
            new_ids.add(iid)
            members = {c.id for c in group}
            moved = {c.id for c in group if old_of.get(c.id) != iid}
            if moved or stored_members.get(iid) != members:
                for c in group:
                    c.incident = iid
                rebuilt.append(reconcile(iid, group, truces))
                moves.update({cid: iid for cid in moved})
        _write_incidents(s, rebuilt)
        if moves:
            table = ClaimRow.__table__
            s.execute(
                table.update()
                .where(table.c.id == bindparam("claim"))
                .values(incident_id=bindparam("incident")),
                [{"claim": cid, "incident": iid} for cid, iid in sorted(moves.items())],
            )
        gone = old_ids - new_ids
        if gone:
            s.execute(delete(IncidentRow).where(IncidentRow.id.in_(sorted(gone))))
        changed = [i.id for i in rebuilt]
        new_truces = truces_from_claims(claims)
        if new_truces:
            changed += _reflag(s, new_truces, exclude=set(changed))
        by_id = {c.id: moves.get(c.id, old_of.get(c.id)) for c in pool}
        for claim in claims:
            claim.incident = by_id.get(claim.id, claim.incident)
        return sorted(set(changed) | gone)


def _reflag(session: Session, truces: list[Truce], exclude: set[str]) -> list[str]:
    """Flag stored incidents a newly declared truce covers; returns the changed ids.

    The flag is all a truce adds to an incident, so only violent incidents inside one of
    the new truces that lack `truce_violation` are rebuilt, and the new truces are enough
    to rebuild them (other truces could only set the same flag again).
    """
    start = min(t.start.date() for t in truces)
    end = max(t.end.date() for t in truces)
    rows = session.execute(
        select(IncidentRow.id, IncidentRow.record).where(
            IncidentRow.date >= start, IncidentRow.date <= end
        )
    )
    stale = []
    for iid, record in rows:
        if iid in exclude or "truce_violation" in (record.get("flags") or []):
            continue
        if violated_truces(Incident.model_validate(record), truces):
            stale.append(iid)
    if not stale:
        return []
    members: dict[str, list[Claim]] = {iid: [] for iid in stale}
    rows = session.execute(select(*CLAIM_COLUMNS).where(ClaimRow.incident_id.in_(stale)))
    for claim in _claims_from_rows(session, rows):
        members[claim.incident].append(claim)  # type: ignore[index]
    _write_incidents(session, [reconcile(iid, members[iid], truces) for iid in stale])
    return stale


def link_all(store: Store) -> list[str]:
    """Link every stored claim that has no incident yet, one document at a time."""
    with store.session() as s:
        docs = list(
            s.execute(
                select(ClaimRow.document_id)
                .where(ClaimRow.incident_id.is_(None))
                .distinct()
                .order_by(ClaimRow.document_id)
            ).scalars()
        )
    changed: set[str] = set()
    for doc in docs:
        with store.session() as s:
            claims = _claims_from_rows(
                s, s.execute(select(*CLAIM_COLUMNS).where(ClaimRow.document_id == doc))
            )
        changed |= set(relink(store, claims))
    return sorted(changed)


def rebuild_incidents(store: Store, chunk: int = 500) -> list[str]:
    """Reconcile every stored incident again from its claims; returns the ids whose
    record changed.

    Why: grades, flags and figures are derived, so a change of the rules (a new
    release, an edited incident_rules.yaml) leaves stored incidents as the old rules
    made them until something relinks them. Membership does not change: claims keep
    their incidents, and nothing about a claim is rewritten.
    """
    with store.session() as s:
        ids = list(s.execute(select(IncidentRow.id).order_by(IncidentRow.id)).scalars())
    changed: list[str] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with store.sessions.begin() as s:
            _serialise(s)
            claims = _claims_from_rows(
                s, s.execute(select(*CLAIM_COLUMNS).where(ClaimRow.incident_id.in_(part)))
            )
            old = {
                iid: record
                for iid, record in s.execute(
                    select(IncidentRow.id, IncidentRow.record).where(IncidentRow.id.in_(part))
                )
            }
            groups: dict[str, list[Claim]] = {}
            for claim in claims:
                groups.setdefault(claim.incident or "", []).append(claim)
            truces = _truces_for(s, claims)
            rebuilt = [reconcile(iid, members, truces) for iid, members in groups.items() if iid]
            rebuilt = [i for i in rebuilt if i.model_dump(mode="json") != old.get(i.id)]
            _write_incidents(s, rebuilt)
            changed += [i.id for i in rebuilt]
    return sorted(changed)


# --------------------------------------------------------------------------- queries


def list_incidents(
    store: Store,
    bbox: tuple[float, float, float, float] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    event_type: str | None = None,
    actor: str | None = None,
    contested: bool = False,
    limit: int | None = None,
) -> list[dict]:
    """Incident records matching the filters, newest first.

    `event_type` matches the type or sub-type (case-insensitive); `actor` matches a
    perpetrator, a claimant or a denier as a case-insensitive substring; `contested`
    keeps incidents whose claims contradict each other (`reconcile.is_contested`, the
    stored `contested` column every reader filters on).
    """
    query = select(IncidentRow)
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(
            IncidentRow.lon.between(min_lon, max_lon), IncidentRow.lat.between(min_lat, max_lat)
        )
    if since:
        query = query.where(IncidentRow.date >= since)
    if until:
        query = query.where(IncidentRow.date <= until)
    if event_type:
        t = event_type.lower()
        query = query.where(
            or_(
                func.lower(IncidentRow.event_type) == t, func.lower(IncidentRow.sub_event_type) == t
            )
        )
    if contested:
        query = query.where(IncidentRow.contested.is_(True))
    query = query.order_by(IncidentRow.date.desc(), IncidentRow.id)
    with store.session() as s:
        records = [row.record for row in s.execute(query).scalars()]
    if actor:
        needle = actor.lower()
        records = [
            r
            for r in records
            if any(
                needle in name.lower()
                for p in r.get("perpetrators") or []
                for name in [p["name"], *p.get("claimants", []), *p.get("denied_by", [])]
            )
        ]
    return records[:limit] if limit else records


class AmbiguousId(ValueError):
    """An id prefix that names more than one row: the caller must give more of it."""

    def __init__(self, key: str, matches: list[str]):
        shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        super().__init__(f"{key!r} is the start of several ids ({shown}); give more of it")
        self.matches = matches


def incident_detail(store: Store, key: str) -> dict | None:
    """One incident (by id or id prefix) with its claims, ordered by outlet and document.

    Raises `AmbiguousId` when a prefix names several incidents, rather than picking one.
    """
    with store.session() as s:
        row = s.get(IncidentRow, key)
        if row is None:
            found = (
                s.execute(
                    select(IncidentRow)
                    .where(IncidentRow.id.startswith(key))
                    .order_by(IncidentRow.id)
                    .limit(6)
                )
                .scalars()
                .all()
            )
            if len(found) > 1:
                raise AmbiguousId(key, [r.id for r in found])
            row = found[0] if found else None
        if row is None:
            return None
        claims = _claims_from_rows(
            s, s.execute(select(*CLAIM_COLUMNS).where(ClaimRow.incident_id == row.id))
        )
    detail = dict(row.record)
    detail["claim_records"] = [
        c.model_dump(mode="json")
        for c in sorted(claims, key=lambda c: (c.outlet or "", c.document, c.id))
    ]
    return detail


def linked_claims(store: Store) -> list[Claim]:
    """Every stored claim that belongs to an incident (for source profiles)."""
    with store.session() as s:
        return _claims_from_rows(
            s, s.execute(select(*CLAIM_COLUMNS).where(ClaimRow.incident_id.is_not(None)))
        )


def all_incidents(store: Store) -> list[Incident]:
    with store.session() as s:
        return [Incident.model_validate(r) for r in s.execute(select(IncidentRow.record)).scalars()]
