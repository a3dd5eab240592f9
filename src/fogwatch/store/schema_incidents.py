"""Tables of the incidents stage: trusted reference datasets for the reference check.

Kept apart from `schema.py` (owned by the store) and created by migration 0002. Importing
this module registers the tables on `fogwatch.store.schema.Base.metadata`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from fogwatch.store.schema import Base


class ReferenceSetRow(Base):
    """One imported reference file (an ACLED or UCDP export, a CSV, a table of counts)."""

    __tablename__ = "reference_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class ReferenceEventRow(Base):
    """One reference event (kind 'event') or one death count for a place and day ('count')."""

    __tablename__ = "reference_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("reference_sets.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date | None] = mapped_column(Date)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str | None] = mapped_column(String(200))
    place_key: Mapped[str | None] = mapped_column(String(200), index=True)
    admin1: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(100))
    event_type: Mapped[str | None] = mapped_column(String(80))
    sub_event_type: Mapped[str | None] = mapped_column(String(80))
    deaths: Mapped[int | None] = mapped_column(Integer)
    cause: Mapped[str | None] = mapped_column(String(120))
    source_id: Mapped[str | None] = mapped_column(String(80))
    record: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_reference_events_date", "date"),
        Index("ix_reference_events_lat_lon", "lat", "lon"),
    )
