"""incidents.contested: the one definition of "contested", stored and indexed.

Before this, the CLI, the API and the exports each decided "contested" their own way
(grade or flags; overlapping toll ranges; a per-origin tolerance), so `fogwatch
incidents --contested` and `fogwatch export --contested` could list different
incidents. Reconciliation now decides it once (`reconcile.is_contested`: graded
contested, or flagged casualties_disagree, perpetrator_disputed or denied) and every
reader filters on this column. Existing rows get it from their stored grade and flags;
`fogwatch link --rebuild` re-derives grades and flags under the current rules.

Revision ID: 0006
Revises: 0005
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# the same set as fogwatch.incidents.reconcile.CONTRADICTION_FLAGS, frozen here: a
# migration must mean the same thing whatever the code around it becomes
CONTRADICTION_FLAGS = {"casualties_disagree", "perpetrator_disputed", "denied"}


def upgrade() -> None:
    op.add_column(
        "incidents",
        sa.Column("contested", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_incidents_contested", "incidents", ["contested"])
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, grade, record FROM incidents")).fetchall()
    contested = []
    for iid, grade, record in rows:
        flags = set(
            (json.loads(record) if isinstance(record, str) else record or {}).get("flags") or []
        )
        if grade == "contested" or CONTRADICTION_FLAGS & flags:
            contested.append({"id": iid})
    if contested:
        conn.execute(sa.text("UPDATE incidents SET contested = true WHERE id = :id"), contested)


def downgrade() -> None:
    op.drop_index("ix_incidents_contested", "incidents")
    op.drop_column("incidents", "contested")
