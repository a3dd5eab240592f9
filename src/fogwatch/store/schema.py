"""The relational schema: documents, segments, claims, incidents, actors, outlets, places.

Claims keep their full record as JSON (`record`) so nothing a source said is lost, and
copy the fields the API filters on into plain indexed columns. The Alembic migrations in
`store/migrations/` create exactly these tables; `tests/test_store.py` checks the two agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class OutletRow(Base):
    __tablename__ = "outlets"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(50))
    country: Mapped[str | None] = mapped_column(String(2))


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    syndication_group: Mapped[str | None] = mapped_column(String(40), index=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class SegmentRow(Base):
    __tablename__ = "segments"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    time: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    syndication_group: Mapped[str | None] = mapped_column(String(40), index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)


class LshBandRow(Base):
    """One MinHash LSH band of a segment: segments sharing a band are near-duplicate candidates."""

    __tablename__ = "lsh_bands"

    band: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    segment_idx: Mapped[int] = mapped_column(Integer, primary_key=True)


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_type: Mapped[str | None] = mapped_column(String(80), index=True)
    sub_event_type: Mapped[str | None] = mapped_column(String(80))
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(20), index=True)
    killed_acled: Mapped[int | None] = mapped_column(Integer)
    killed_best: Mapped[int | None] = mapped_column(Integer)
    record: Mapped[dict] = mapped_column(JSON)
    # reconcile.is_contested, decided once at reconciliation (migration 0006)
    contested: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class ClaimRow(Base):
    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    segment_idx: Mapped[int] = mapped_column(Integer)
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    event_type: Mapped[str | None] = mapped_column(String(80))
    sub_event_type: Mapped[str | None] = mapped_column(String(80))
    date: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str | None] = mapped_column(String(200))
    killed_low: Mapped[int | None] = mapped_column(Integer)
    killed_high: Mapped[int | None] = mapped_column(Integer)
    injured_low: Mapped[int | None] = mapped_column(Integer)
    injured_high: Mapped[int | None] = mapped_column(Integer)
    stance: Mapped[str] = mapped_column(String(10))
    claimant: Mapped[str | None] = mapped_column(String(200), index=True)
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    syndication_group: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    record: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_claims_date_type", "date", "event_type"),
        Index("ix_claims_lat_lon", "lat", "lon"),
    )


class ActorRow(Base):
    __tablename__ = "actors"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    side: Mapped[str | None] = mapped_column(String(40))
    inter: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(2))


class ClaimActorRow(Base):
    """Which actors a claim names, and in which role (perpetrator, target, claimant)."""

    __tablename__ = "claim_actors"

    claim_id: Mapped[str] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    actor: Mapped[str] = mapped_column(ForeignKey("actors.name"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class PlaceRow(Base):
    """A resolved place some claim points at (the full gazetteer lives in places/)."""

    __tablename__ = "places"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(String(200))
