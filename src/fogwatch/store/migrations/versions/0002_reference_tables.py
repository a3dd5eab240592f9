"""reference datasets for the incidents stage's reference check

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_sets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column(
            "imported_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "reference_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("place_key", sa.String(length=200), nullable=True),
        sa.Column("admin1", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("event_type", sa.String(length=80), nullable=True),
        sa.Column("sub_event_type", sa.String(length=80), nullable=True),
        sa.Column("deaths", sa.Integer(), nullable=True),
        sa.Column("cause", sa.String(length=120), nullable=True),
        sa.Column("source_id", sa.String(length=80), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["reference_sets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reference_events", schema=None) as batch_op:
        batch_op.create_index("ix_reference_events_date", ["date"], unique=False)
        batch_op.create_index("ix_reference_events_lat_lon", ["lat", "lon"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reference_events_place_key"), ["place_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reference_events_set_id"), ["set_id"], unique=False)


def downgrade() -> None:
    op.drop_table("reference_events")
    op.drop_table("reference_sets")
