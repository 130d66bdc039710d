"""Places: instances officers register, local priorities and actions, members, what a meeting considered.

A body declared for each recorded instance (a community forum) has its instances registered as
records; a place's body agrees local priorities and actions each year; an AGM records what it
considered (a yearly report presented); who sits on a body, for its membership rules. Existing
records are kept as they are.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _record_table(name: str, *columns: sa.Column[object]) -> None:
    """A record table as every kind has it (written out here so this revision never changes)."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("council_id", sa.String(100), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        *columns,
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes", sa.Integer, sa.ForeignKey(f"{name}.id")),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id")),
    )
    op.create_index(f"ix_{name}_supersedes", name, ["supersedes"])
    op.create_index(f"ix_{name}_import_id", name, ["import_id"])


def upgrade() -> None:
    op.add_column("events", sa.Column("considered", sa.Text))
    _record_table(
        "instances",
        sa.Column("body_id", sa.String(100), nullable=False),
        sa.Column("instance", sa.String(100), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("area_id", sa.String(100)),
        sa.Column("cluster_id", sa.String(100)),
        sa.Column("end_date", sa.Date),
    )
    op.create_index("ix_instances_body", "instances", ["council_id", "body_id", "instance"])
    _record_table(
        "local_priorities",
        sa.Column("body_id", sa.String(100)),
        sa.Column("area_id", sa.String(100)),
        sa.Column("cluster_id", sa.String(100)),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("agreed_by", sa.String(200)),
    )
    op.create_index("ix_local_priorities_year", "local_priorities", ["council_id", "year"])
    _record_table(
        "local_actions",
        sa.Column("action_id", sa.String(100), nullable=False),
        sa.Column("body_id", sa.String(100)),
        sa.Column("area_id", sa.String(100)),
        sa.Column("cluster_id", sa.String(100)),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("owner", sa.String(200)),
        sa.Column("due_date", sa.Date),
        sa.Column("priority", sa.String(1000)),
        sa.Column("year", sa.Integer),
        sa.Column("agreed_by", sa.String(200)),
    )
    op.create_index("ix_local_actions_action", "local_actions", ["council_id", "action_id"])
    _record_table(
        "members",
        sa.Column("body_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("area_id", sa.String(100)),
        sa.Column("office", sa.String(100)),
        sa.Column("councillor", sa.Boolean),
        sa.Column("end_date", sa.Date),
    )
    op.create_index("ix_members_body", "members", ["council_id", "body_id"])


def downgrade() -> None:
    for name in ("members", "local_actions", "local_priorities", "instances"):
        op.drop_table(name)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("considered")
