"""Indexes for the API's page queries at 1 M claims (docs/decisions.md, "Query indexes").

What `fogwatch.api.queries.incident_page_ids` / `claim_page_ids` ask, and what serves it:

- Incidents come newest first: `ORDER BY date DESC, id` over dated incidents, then undated
  ones by id. `ix_incidents_page` is in that order, so a page walks it and stops after
  101 rows; it carries every column the filters test (lat, lon, types, date_end), so
  rows the filters drop are rejected inside the index, without reading the table
  (SQLite: extra key columns; PostgreSQL: INCLUDE, read by index-only scans).
- Claims come in id order: `ix_claims_page` walks ids the same way. When the filters
  include a date range, `ix_claims_date` reads just that range instead.
- `since` (`coalesce(date_end, date) >= since`) gets a redundant lower bound
  `date >= since - longest span`, so both ends of a date range are index bounds. The
  longest span is `max(date_end - date)`, read from `ix_*_span` in one seek, so it is
  exact whatever writes the rows (no trigger, no bookkeeping table).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FILTERED = "lat, lon, event_type, sub_event_type, date_end"
SPAN = {
    "sqlite": "julianday(date_end) - julianday(date)",
    "postgresql": "date_end - date",
}
# name, table, SQLite key columns, PostgreSQL key columns, PostgreSQL INCLUDE columns
PAGE = [
    ("ix_incidents_page", "incidents", f"date DESC, id, {FILTERED}", "date DESC, id", FILTERED),
    ("ix_claims_page", "claims", f"id, date, {FILTERED}", "id", f"date, {FILTERED}"),
    ("ix_claims_date", "claims", f"date, {FILTERED}, id", "date", f"{FILTERED}, id"),
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, table, sqlite_cols, pg_cols, pg_include in PAGE:
        if dialect == "postgresql":
            op.execute(f"CREATE INDEX {name} ON {table} ({pg_cols}) INCLUDE ({pg_include})")
        else:
            op.execute(f"CREATE INDEX {name} ON {table} ({sqlite_cols})")
    for table in ("incidents", "claims"):
        op.execute(f"CREATE INDEX ix_{table}_span ON {table} (({SPAN[dialect]}))")


def downgrade() -> None:
    for table in ("incidents", "claims"):
        op.execute(f"DROP INDEX ix_{table}_span")
    for name, *_ in PAGE:
        op.execute(f"DROP INDEX {name}")
