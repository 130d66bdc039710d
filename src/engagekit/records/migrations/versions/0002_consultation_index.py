"""Find consultations without walking every event: a partial index on consultations.

A report asks for a council's consultations; with a million events, SQLite answered that by
walking the whole date index (1.4 s). This index holds consultations only (under 1 ms).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHERE = sa.text("event_kind = 'consultation'")


def upgrade() -> None:
    op.create_index(
        "ix_events_consultations",
        "events",
        ["council_id", "date"],
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_events_consultations", table_name="events")
