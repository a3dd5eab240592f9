"""Indexes for the API's filters at scale: bbox, date range and type.

Measured with benchmarks/bench_queries.py (1 M claims, 200 k incidents, docs/performance.md).
What the filters in fogwatch.api.queries ask, and what serves it:

- bbox: `lat BETWEEN .. AND lon BETWEEN ..` on incidents and claims. Both backends get a
  B-tree on (lat, lon) for incidents (claims had one since 0001). PostgreSQL also gets
  a GiST index on (lat, lon, date) through btree_gist (a trusted extension since
  PostgreSQL 13, so a database owner may create it): GiST indexes all three ranges at
  once, where a B-tree can only range-scan its first column and filter the rest.
- date range: `coalesce(date_end, date) >= since` and `date <= until`: an expression
  index on coalesce(date_end, date), written exactly as the query writes it so both
  planners match it.
- type: `event_type = t OR sub_event_type = t`: one index per column, so the planner can
  OR two index lookups (SQLite's OR optimisation, PostgreSQL's BitmapOr).

Also the feed watcher's state (fogwatch.scale.watch): `watch_feeds` keeps each feed's
HTTP validators (ETag, Last-Modified) for conditional GETs, `watch_items` the ids of feed
items already ingested. Both live in the store, not in a file, so a watcher on another
machine pointed at the same PostgreSQL resumes where the last one stopped.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BTREE = [
    ("ix_incidents_lat_lon", "incidents", ["lat", "lon"]),
    ("ix_incidents_sub_event_type", "incidents", ["sub_event_type"]),
    ("ix_claims_event_type", "claims", ["event_type"]),
    ("ix_claims_sub_event_type", "claims", ["sub_event_type"]),
]
SINCE = [
    ("ix_incidents_since", "incidents"),
    ("ix_claims_since", "claims"),
]
GIST = [
    ("ix_incidents_lat_lon_date_gist", "incidents"),
    ("ix_claims_lat_lon_date_gist", "claims"),
]


def upgrade() -> None:
    op.create_table(
        "watch_feeds",
        sa.Column("url", sa.String(length=2000), primary_key=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_polled", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.String(length=200), nullable=True),
    )
    op.create_table(
        "watch_items",
        sa.Column("feed_url", sa.String(length=2000), primary_key=True),
        sa.Column("item_id", sa.String(length=2000), primary_key=True),
        sa.Column("document_id", sa.String(length=40), nullable=True),
        sa.Column("first_seen", sa.DateTime(), nullable=True),
    )
    for name, table, cols in BTREE:
        op.create_index(name, table, cols)
    for name, table in SINCE:
        op.create_index(name, table, [sa.text("coalesce(date_end, date)")])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for name, table in GIST:
            op.execute(f"CREATE INDEX {name} ON {table} USING gist (lat, lon, date)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _table in GIST:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, table in SINCE:
        op.drop_index(name, table_name=table)
    op.drop_table("watch_items")
    op.drop_table("watch_feeds")
    for name, table, _cols in BTREE:
        op.drop_index(name, table_name=table)
    op.drop_table("watch_items")
    op.drop_table("watch_feeds")
