"""The first schema: imports, action updates, indicator readings, events and reviews.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _common(name: str, *columns: sa.Column[object]) -> None:
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
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("council_id", sa.String(100), nullable=False),
        sa.Column("source_name", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("council_id", "sha256", name="uq_imports_council_file"),
    )
    _common(
        "action_updates",
        sa.Column("action_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("percent", sa.Integer),
    )
    op.create_index("ix_action_updates_action", "action_updates", ["council_id", "action_id", "date"])
    _common(
        "indicator_readings",
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_indicator_readings_indicator", "indicator_readings", ["council_id", "indicator_id", "date"])
    _common(
        "events",
        sa.Column("event_kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("end_date", sa.Date),
        sa.Column("body_id", sa.String(100)),
        sa.Column("public", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("agm", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("area_id", sa.String(100)),
        sa.Column("cluster_id", sa.String(100)),
        sa.Column("hub_id", sa.String(100)),
        sa.Column("level", sa.String(20)),
        sa.Column("attendance", sa.Integer),
        sa.Column("formative", sa.Text),
        sa.Column("reasons", sa.Text),
        sa.Column("responses", sa.Text),
    )
    op.create_index("ix_events_council_date", "events", ["council_id", "date"])
    op.create_index("ix_events_body", "events", ["council_id", "body_id", "date"])
    _common(
        "reviews",
        sa.Column("obligation_id", sa.String(100), nullable=False),
        sa.Column("review_kind", sa.String(20), nullable=False),
        sa.Column("approved_by", sa.String(200)),
    )
    op.create_index("ix_reviews_obligation", "reviews", ["council_id", "obligation_id", "date"])


def downgrade() -> None:
    for name in ("reviews", "events", "indicator_readings", "action_updates", "imports"):
        op.drop_table(name)
