"""The store: one SQLAlchemy engine, migrations on open, one transaction per document.

SQLite is the embedded default; PostgreSQL (psycopg 3) is a first-class alternative. Both
run the same Alembic migrations. A document is written with its segments, signatures and
claims in a single transaction, so a crash never leaves half a document, and writing a
document that is already stored is a no-op (its id is a hash of its text).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from fogwatch import settings
from fogwatch.ids import group_id
from fogwatch.ingest.syndication import Signature, best_match
from fogwatch.model import Claim, Document
from fogwatch.store import records
from fogwatch.store.schema import (
    ActorRow,
    ClaimActorRow,
    ClaimRow,
    DocumentRow,
    IncidentRow,
    LshBandRow,
    OutletRow,
    PlaceRow,
    SegmentRow,
)

log = logging.getLogger(__name__)

# LSH band keys bound in one candidate query: SQLite allows 32,766 parameters a statement
# and a long live page has hundreds of segments of 32 bands each.
_BANDS_PER_QUERY = 4_000
# Claim rows per multi-row INSERT on SQLite: 22 columns each, under its 32,766 parameters.
_CLAIMS_PER_INSERT = 1_000
# Keys bound in one lookup of stored rows (`_known`), under both backends' limits.
_KEYS_PER_QUERY = 5_000

MIGRATIONS = Path(__file__).parent / "migrations"

# The largest casualty figure a claim may carry. No single report in the conflicts
# fogwatch covers states more (whole-war tolls of Syria are about 600,000); a bigger
# number is a misread (a phone number, "99999999999999999999 killed") and would also
# overflow the INTEGER columns (32-bit on PostgreSQL). See docs/reliability.md.
MAX_FIGURE = 1_000_000


def normalise_url(url: str) -> str:
    """Accept plain paths and postgres:// shorthands as well as SQLAlchemy URLs."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _absurd(value: object) -> bool:
    return isinstance(value, int) and not 0 <= value <= MAX_FIGURE


def drop_absurd_figures(document: Document, claims: list[Claim]) -> None:
    """Drop casualty figures above `MAX_FIGURE` (or negative), noting it on the document.

    The claim keeps its sentence and everything else; only the impossible number goes,
    so a misread figure can neither crash the save nor inflate an incident's toll.
    """
    for claim in claims:
        for name in ("killed", "injured"):
            count = getattr(claim, name)
            if count is not None and (_absurd(count.low) or _absurd(count.high)):
                setattr(claim, name, None)
                said = count.text or count.low
                document.notes.append(
                    f"claim {claim.id}: {name} figure {said!r} is above {MAX_FIGURE:,}; dropped"
                )
        for name, value in claim.victims:
            if _absurd(value):
                setattr(claim.victims, name, None)
                document.notes.append(
                    f"claim {claim.id}: {name} figure {value} is above {MAX_FIGURE:,}; dropped"
                )


# Key of the PostgreSQL advisory lock that serialises document saves (any constant other
# than store.incidents.LINK_LOCK will do).
SAVE_LOCK = 0x1F0C_5A7E


def _insert_claims_sqlite(s: Session, rows: list[dict]) -> None:
    """Claim rows as multi-row INSERTs on SQLite, not an executemany.

    Why: SQLite opens a statement savepoint for every statement on a table with triggers,
    and FTS5 writes its pending index out at every savepoint, so the search trigger
    (migration 0003) flushed the index once per claim when each row was a statement.
    Each value goes through its column type's own bind processor, so the row holds what
    SQLAlchemy's executemany would have written (dates as ISO text, the record as the
    JSON text `store/records.py` finds claims under).
    """
    dialect = s.get_bind().dialect
    columns = [c for c in ClaimRow.__table__.columns if c.name in rows[0]]
    processors = [(c.name, c.type.bind_processor(dialect)) for c in columns]
    row_marks = "(" + ", ".join("?" * len(columns)) + ")"
    names = ", ".join(f'"{c.name}"' for c in columns)
    for k in range(0, len(rows), _CLAIMS_PER_INSERT):
        chunk = rows[k : k + _CLAIMS_PER_INSERT]
        params = [
            process(row[name]) if process else row[name]
            for row in chunk
            for name, process in processors
        ]
        sql = f"INSERT INTO claims ({names}) VALUES " + ", ".join([row_marks] * len(chunk))
        s.connection().exec_driver_sql(sql, tuple(params))


@dataclass
class _Known:
    """The stored rows a save batch refers to, read once for the batch and grown as it
    writes. Each was a query per document: a round trip each on PostgreSQL, where they
    were most of the statements of a save."""

    documents: set[str]
    outlets: set[str]
    actors: set[str]
    places: set[str]


def _known(s: Session, batch: Sequence[ToSave]) -> _Known:
    """Which of the batch's documents, outlets, actors and places are already stored.

    Read after the save lock is taken, so no other save adds any of them meanwhile.
    """
    documents = {d.id for d, _c, _s in batch}
    outlets = {d.outlet for d, _c, _s in batch if d.outlet}
    claims = [c for _d, cs, _s in batch for c in cs]
    actors = {a.name for c in claims for a in (*c.perpetrators, *c.targets)}
    actors |= {c.claimant.name for c in claims if c.claimant}
    places = {
        c.location.gazetteer_id
        for c in claims
        if c.location and c.location.gazetteer_id and c.location.lat is not None
    }

    def stored(column: Any, values: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(values)
        for k in range(0, len(ordered), _KEYS_PER_QUERY):
            chunk = ordered[k : k + _KEYS_PER_QUERY]
            found.update(s.execute(select(column).where(column.in_(chunk))).scalars())
        return found

    return _Known(
        documents=stored(DocumentRow.id, documents),
        outlets=stored(OutletRow.name, outlets),
        actors=stored(ActorRow.name, actors),
        places=stored(PlaceRow.id, places),
    )


def _lock_for_save(session: Session) -> None:
    """Let one save run at a time, so none misses a near-duplicate saved meanwhile.

    A save reads the stored segments to find its document's syndicated copies, then
    writes. Two copies saved at once by two processes would each miss the other and
    stay ungrouped, and a syndicated story would count as two independent sources.
    PostgreSQL: a transaction-scoped advisory lock. SQLite: pysqlite runs the reads
    outside the write transaction, so a write that changes nothing takes the
    database's write lock before any read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SAVE_LOCK})
    else:
        session.execute(text("UPDATE documents SET id = id WHERE 1 = 0"))


# what `Store.save_documents` takes per document: the document, its claims, the
# signatures of its segments
ToSave = tuple[Document, list[Claim], dict[int, Signature] | None]


@dataclass
class SaveResult:
    document_id: str
    stored: bool  # False when the document was already there, or could not be written
    claims: int = 0
    syndication_group: str | None = None
    error: str | None = None  # why the store refused it (one line), when it did


def describe_store_error(exc: BaseException) -> str:
    """One line for a person: what the database said, without the SQL and parameters
    SQLAlchemy appends (a claim row's JSON can run to kilobytes)."""
    orig = getattr(exc, "orig", None) or exc
    said = str(orig).strip().splitlines()
    kind = type(orig).__name__
    return f"the store refused it ({kind}: {said[0] if said else 'no message'})"


class Store:
    """Access to fogwatch's database. Use `Store.open()`; it migrates on first use."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._has_statistics = engine.dialect.name != "postgresql"

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        engine = make_engine(url or settings.db_url())
        migrate(engine)
        return cls(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    # ------------------------------------------------------------------ documents

    def has_document(self, document_id: str) -> bool:
        with self.session() as s:
            return s.get(DocumentRow, document_id) is not None

    def assign_syndication(
        self, session: Session, document: Document, signatures: dict[int, Signature]
    ) -> None:
        """Put each segment with a near-duplicate already stored into that one's group.

        The candidates of all the document's segments come in one query (per
        `_BANDS_PER_QUERY` band keys; a round trip per segment was most of a save on
        PostgreSQL), as plain rows: most segments have none or no match, and ORM objects
        for them cost more than the rest. Each segment tries the candidates sharing one
        of its bands in (document, segment) order, so ties go the same way on every
        backend.
        """
        bands_of = {
            seg.index: set(sig.bands)
            for seg in document.segments
            if (sig := signatures.get(seg.index)) is not None
        }
        wanted = sorted(set().union(*bands_of.values()))
        rows = []
        for start in range(0, len(wanted), _BANDS_PER_QUERY):
            rows += session.execute(
                select(
                    LshBandRow.band, SegmentRow.document_id, SegmentRow.idx, SegmentRow.signature
                )
                .join(
                    LshBandRow,
                    (LshBandRow.document_id == SegmentRow.document_id)
                    & (LshBandRow.segment_idx == SegmentRow.idx),
                )
                .where(
                    LshBandRow.band.in_(wanted[start : start + _BANDS_PER_QUERY]),
                    SegmentRow.document_id != document.id,
                )
            ).all()
        # one pass over the rows: a long live page reprinted elsewhere brings hundreds
        # of segments, each matching dozens of rows
        signature_of: dict[tuple[str, int], bytes] = {}
        keys_of_band: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for r in rows:
            if r.signature:
                signature_of[(r.document_id, r.idx)] = r.signature
                keys_of_band[r.band].append((r.document_id, r.idx))
        for segment in document.segments:
            sig = signatures.get(segment.index)
            if sig is None:
                continue
            keys = sorted({k for band in bands_of[segment.index] for k in keys_of_band[band]})
            key = best_match(sig, ((k, Signature.from_bytes(signature_of[k])) for k in keys))
            if key is None:
                continue
            match = session.get(SegmentRow, key)
            if match is None:  # pragma: no cover - deleted meanwhile
                continue
            if match.syndication_group is None:
                match.syndication_group = group_id(match.document_id, match.idx)
                owner = session.get(DocumentRow, match.document_id)
                if owner is not None and owner.syndication_group is None:
                    owner.syndication_group = match.syndication_group
            segment.syndication_group = match.syndication_group
        grouped = [s for s in document.segments if s.syndication_group]
        if grouped:
            largest = max(grouped, key=lambda s: s.end - s.start)
            document.syndication_group = largest.syndication_group

    def save_document(
        self,
        document: Document,
        claims: list[Claim],
        signatures: dict[int, Signature] | None = None,
        retries: int = 5,
    ) -> SaveResult:
        """Write a document with its segments and claims in one transaction.

        Retries on a busy SQLite database and on a clash over a shared row (an actor,
        outlet or place) another writer inserted meanwhile, and treats a concurrent
        insert of the same document (a primary-key clash) as "already stored".
        """
        signatures = signatures or {}
        drop_absurd_figures(document, claims)
        for attempt in range(retries):
            try:
                with self.sessions.begin() as s:
                    _lock_for_save(s)
                    batch = [(document, claims, signatures)]
                    return self._write(s, document, claims, signatures, _known(s, batch))
            except IntegrityError:
                if self.has_document(document.id):
                    return SaveResult(document.id, stored=False)
                if attempt == retries - 1:
                    raise
                # Another writer inserted a shared row (an actor, outlet or place) this
                # transaction also saw missing; the next attempt finds it and skips it.
            except OperationalError as exc:
                if "locked" not in str(exc).lower() or attempt == retries - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def save_documents(self, batch: Sequence[ToSave], retries: int = 5) -> list[SaveResult]:
        """`save_document` for each (document, claims, signatures) of `batch`, in one
        transaction; the results in batch order. Never raises for one document: a
        document the store refuses comes back with `stored=False` and its `error`.

        Why: a transaction per document spent more on its fixed costs (the save lock,
        the commit, a round of statements) than on the rows of a typical story. Each
        document is written exactly as `save_document` writes it, in order, so a copy
        finds the original saved earlier in the same batch. A clash or a busy database
        anywhere in the batch rolls it all back and the documents are saved one at a
        time instead, with `save_document`'s retries: nothing is lost or doubled.
        """
        if not batch:
            return []
        for document, claims, _sigs in batch:
            drop_absurd_figures(document, claims)
        try:
            with self.sessions.begin() as s:
                _lock_for_save(s)
                known = _known(s, batch)
                results = [self._write(s, d, c, sigs or {}, known) for d, c, sigs in batch]
        except SQLAlchemyError as exc:
            log.info("batch of %d documents rolled back (%s); one at a time", len(batch), exc)
            results = [self._save_alone(d, c, sigs, retries) for d, c, sigs in batch]
        try:
            self._gather_statistics()
        except SQLAlchemyError as exc:  # statistics are an optimisation, never a failure
            log.warning("could not gather statistics: %s", describe_store_error(exc))
        return results

    def _save_alone(
        self,
        document: Document,
        claims: list[Claim],
        signatures: dict[int, Signature] | None,
        retries: int,
    ) -> SaveResult:
        """`save_document`, with a refusal (a clash, a value the database rejects, a lost
        connection) reported in the result instead of raised, so one bad document never
        takes the rest of its batch down. Nothing of it is written; a re-run tries again.
        """
        try:
            return self.save_document(document, claims, signatures, retries)
        except SQLAlchemyError as exc:
            log.debug("saving %s failed", document.name, exc_info=True)
            return SaveResult(document.id, stored=False, error=describe_store_error(exc))

    def _gather_statistics(self) -> None:
        """ANALYZE a PostgreSQL store's tables the first time a save finds them never
        analyzed.

        Why: a new store fills faster than autovacuum's first visit (a minute apart),
        and without statistics the planner scanned all of `lsh_bands` for every
        document's syndication lookup instead of using its index; on the benchmark
        month that lookup was the largest part of storing. After this first time
        autovacuum keeps the statistics, as for any PostgreSQL table.
        """
        if self._has_statistics:
            return
        tables = ("lsh_bands", "segments", "documents", "claims", "claim_actors", "incidents")
        with self.engine.begin() as conn:
            never = conn.execute(
                text(
                    "SELECT count(*) FROM pg_class WHERE relname = ANY(:tables) "
                    "AND relkind = 'r' AND reltuples < 0"
                ),
                {"tables": list(tables)},
            ).scalar()
            if never:
                conn.execute(text("ANALYZE " + ", ".join(tables)))
        self._has_statistics = True

    def _write(
        self,
        s: Session,
        document: Document,
        claims: list[Claim],
        signatures: dict[int, Signature],
        known: _Known,
    ) -> SaveResult:
        """One document's rows, inside the caller's transaction (which holds the save lock)."""
        if document.id in known.documents:
            return SaveResult(document.id, stored=False)
        known.documents.add(document.id)
        self.assign_syndication(s, document, signatures)
        groups = {seg.index: seg.syndication_group for seg in document.segments}
        for claim in claims:
            claim.syndication_group = groups.get(claim.segment)
        s.add(
            DocumentRow(
                id=document.id,
                name=document.name,
                title=document.title,
                published=document.published,
                outlet=document.outlet,
                url=document.url,
                language=document.language,
                text=document.text,
                notes=document.notes,
                syndication_group=document.syndication_group,
            )
        )
        if document.outlet and document.outlet not in known.outlets:
            known.outlets.add(document.outlet)
            s.add(OutletRow(name=document.outlet))
        s.flush()
        # segments and their LSH bands as two multi-row INSERTs (an ORM object per
        # band row cost more than the rest of the document's write)
        segment_rows, band_rows = [], []
        for seg in document.segments:
            sig = signatures.get(seg.index)
            segment_rows.append(
                {
                    "document_id": document.id,
                    "idx": seg.index,
                    "start": seg.start,
                    "end": seg.end,
                    "heading": seg.heading,
                    "source": seg.source,
                    "time": seg.time,
                    "kind": seg.kind,
                    "syndication_group": seg.syndication_group,
                    "signature": sig.to_bytes() if sig is not None else None,
                }
            )
            if sig is not None:
                band_rows += [
                    {"band": b, "document_id": document.id, "segment_idx": seg.index}
                    for b in sorted(set(sig.bands))
                ]
        if segment_rows:
            s.execute(SegmentRow.__table__.insert(), segment_rows)
        if band_rows:
            s.execute(LshBandRow.__table__.insert(), band_rows)
        self._add_claims(s, document.id, claims, known)
        return SaveResult(
            document.id,
            stored=True,
            claims=len(claims),
            syndication_group=document.syndication_group,
        )

    def _add_claims(self, s: Session, document_id: str, claims: list[Claim], known: _Known) -> None:
        """Insert a document's claims, their places and actors, in three bulk statements.

        Why bulk: a claim-at-a-time ORM write with a lookup per actor and place cost
        about 50 ms per document; the actors and places already stored are read once
        per save batch (`_known`), and the rows go out as multi-row INSERTs (parents
        before children, for the foreign keys).
        """
        if not claims:
            return
        known_actors, known_places = known.actors, known.places
        actors: list[dict] = []
        places: list[dict] = []
        claim_rows: list[dict] = []
        links: list[dict] = []
        # the linker reads these claims back next: it finds them decoded, under the JSON
        # text SQLite keeps as written, or by id and value (store/records.py)
        as_written = self.engine.dialect.name == "sqlite"
        for claim in claims:
            loc = claim.location
            record = claim.model_dump(mode="json")
            records.remember(record, claim, stored_as_written=as_written)
            claim_rows.append(
                {
                    "id": claim.id,
                    "document_id": document_id,
                    "segment_idx": claim.segment,
                    "event_type": claim.event_type,
                    "sub_event_type": claim.sub_event_type,
                    "date": claim.date,
                    "date_end": claim.date_end,
                    "lat": loc.lat if loc else None,
                    "lon": loc.lon if loc else None,
                    "place": loc.name if loc else None,
                    "killed_low": claim.killed.low if claim.killed else None,
                    "killed_high": claim.killed.high if claim.killed else None,
                    "injured_low": claim.injured.low if claim.injured else None,
                    "injured_high": claim.injured.high if claim.injured else None,
                    "stance": claim.stance,
                    "claimant": claim.claimant.name if claim.claimant else None,
                    "outlet": claim.outlet,
                    "syndication_group": claim.syndication_group,
                    "confidence": claim.confidence,
                    "record": record,
                }
            )
            if (
                loc
                and loc.gazetteer_id
                and loc.lat is not None
                and loc.lon is not None
                and loc.gazetteer_id not in known_places
            ):
                known_places.add(loc.gazetteer_id)
                places.append(
                    {
                        "id": loc.gazetteer_id,
                        "name": loc.name or "",
                        "lat": loc.lat,
                        "lon": loc.lon,
                        "country": loc.country,
                        "admin1": loc.admin1,
                    }
                )
            roles = [(a, "perpetrator") for a in claim.perpetrators] + [
                (a, "target") for a in claim.targets
            ]
            pairs: set[tuple[str, str]] = set()
            for actor, role in roles:
                if actor.name not in known_actors:
                    known_actors.add(actor.name)
                    actors.append(
                        {
                            "name": actor.name,
                            "side": actor.side,
                            "inter": actor.inter,
                            "country": actor.country,
                        }
                    )
                pairs.add((actor.name, role))
            if claim.claimant:
                name = claim.claimant.name
                if name not in known_actors:
                    known_actors.add(name)
                    actors.append({"name": name, "side": None, "inter": None, "country": None})
                pairs.add((name, "claimant"))
            links.extend({"claim_id": claim.id, "actor": a, "role": r} for a, r in sorted(pairs))
        s.flush()
        # table-level (Core) inserts: the ORM's bulk path costs twice the SQL it sends
        if actors:
            s.execute(ActorRow.__table__.insert(), actors)
        if places:
            s.execute(PlaceRow.__table__.insert(), places)
        if as_written:
            _insert_claims_sqlite(s, claim_rows)
        else:
            s.execute(ClaimRow.__table__.insert(), claim_rows)
        if links:
            s.execute(ClaimActorRow.__table__.insert(), links)

    def bulk_copy(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        """Load many rows into `table` fast; returns the row count. No ORM, no checks.

        PostgreSQL: `COPY ... FROM STDIN` through psycopg 3 (`cursor.copy`), the fastest
        way in, several times an INSERT's speed. SQLite: `executemany` of one prepared
        INSERT in one transaction, which is SQLite's fast path. For benchmarks, imports
        and restores, where rows are already valid; triggers still fire (SQLite) and
        indexes are maintained on both.
        """
        n = 0
        if self.engine.dialect.name == "postgresql":
            from psycopg import sql

            stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            raw = self.engine.raw_connection()
            try:
                with raw.cursor() as cur, cur.copy(stmt) as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                raw.commit()
            finally:
                raw.close()
            return n
        marks = ", ".join("?" for _ in columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 10_000:
                    cur.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', batch)
                    n += len(batch)
                    batch = []
            if batch:
                cur.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', batch)
                n += len(batch)
            raw.commit()
        finally:
            raw.close()
        return n

    # ------------------------------------------------------------------ reading

    def documents(self, limit: int | None = None) -> list[dict]:
        with self.session() as s:
            counts = dict(
                s.execute(
                    select(SegmentRow.document_id, func.count()).group_by(SegmentRow.document_id)
                ).all()
            )
            rows = s.execute(
                select(DocumentRow).order_by(DocumentRow.published, DocumentRow.name).limit(limit)
            ).scalars()
            return [_summary_with_counts(r, counts.get(r.id, 0)) for r in rows]

    def find_document(self, key: str) -> DocumentRow | None:
        """A document by id, id prefix or name."""
        with self.session() as s:
            row = s.get(DocumentRow, key)
            if row is None:
                row = s.execute(
                    select(DocumentRow)
                    .where((DocumentRow.id.startswith(key)) | (DocumentRow.name == key))
                    .limit(1)
                ).scalar_one_or_none()
            return row

    def document_detail(self, key: str) -> dict | None:
        row = self.find_document(key)
        if row is None:
            return None
        with self.session() as s:
            segs = (
                s.execute(
                    select(SegmentRow)
                    .where(SegmentRow.document_id == row.id)
                    .order_by(SegmentRow.idx)
                )
                .scalars()
                .all()
            )
            claims = [
                _with_incident(record, incident)
                for record, incident in s.execute(
                    select(ClaimRow.record, ClaimRow.incident_id)
                    .where(ClaimRow.document_id == row.id)
                    .order_by(ClaimRow.id)
                )
            ]
        detail = _summary_with_counts(row, len(segs))
        detail["text"] = row.text
        detail["segments_detail"] = [segment_summary(g) for g in segs]
        detail["claims"] = list(claims)
        return detail

    def claims(self, document_id: str | None = None) -> list[dict]:
        with self.session() as s:
            query = select(ClaimRow.record, ClaimRow.incident_id).order_by(
                ClaimRow.document_id, ClaimRow.id
            )
            if document_id:
                query = query.where(ClaimRow.document_id == document_id)
            return [_with_incident(record, incident) for record, incident in s.execute(query)]

    def stats(self) -> dict:
        with self.session() as s:
            count = lambda model: s.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
            groups = s.execute(
                select(func.count(func.distinct(SegmentRow.syndication_group)))
            ).scalar_one()
            return {
                "documents": count(DocumentRow),
                "segments": count(SegmentRow),
                "claims": count(ClaimRow),
                "incidents": count(IncidentRow),
                "actors": count(ActorRow),
                "outlets": count(OutletRow),
                "places": count(PlaceRow),
                "syndication_groups": groups,
            }


def document_summary(row: DocumentRow) -> dict:
    """A document's metadata, as the CLI and the API list it."""
    return {
        "id": row.id,
        "name": row.name,
        "title": row.title,
        "outlet": row.outlet,
        "published": row.published.isoformat() if row.published else None,
        "url": row.url,
        "language": row.language,
        "syndication_group": row.syndication_group,
    }


def _summary_with_counts(row: DocumentRow, segments: int) -> dict:
    return {**document_summary(row), "segments": segments, "notes": row.notes or []}


def segment_summary(row: SegmentRow) -> dict:
    """A segment's place in its document and what labels it (heading, source, time)."""
    return {
        "index": row.idx,
        "start": row.start,
        "end": row.end,
        "heading": row.heading,
        "source": row.source,
        "time": row.time,
        "kind": row.kind,
        "syndication_group": row.syndication_group,
    }


def _with_incident(record: dict, incident_id: str | None) -> dict:
    """A claim record with its incident: linking writes the `incident_id` column only (the
    record stays as extracted, so full-text indexes on it are not rebuilt per link)."""
    return {**record, "incident": incident_id} if incident_id else record
