"""The records store's tables (SQLAlchemy Core), one per kind of record.

This is the shape the latest migration produces; ``tests/test_store.py`` checks that the
migrations and this module agree, so neither can drift from the other.
"""

from __future__ import annotations

import sqlalchemy as sa

REVISIONS = ("0001", "0002", "0003", "0004", "0005")
"""Every schema revision this engagekit knows, oldest first (``tests/test_store.py`` checks
them against the migrations): a store at any other revision was written by a newer engagekit,
which is known from one query, without loading Alembic."""

HEAD = REVISIONS[-1]
"""The newest migration; opening a store at this version needs no migration machinery."""

metadata = sa.MetaData()

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("council_id", sa.String(100), nullable=False),
    sa.Column("source_name", sa.String(1000), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("council_id", "sha256", name="uq_imports_council_file"),
)


def _common(name: str, *columns: sa.Column[object], indexes: tuple[sa.Index, ...] = ()) -> sa.Table:
    """A record table: its own columns plus who recorded it, when, and what it corrects."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("council_id", sa.String(100), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        *columns,
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes", sa.Integer, sa.ForeignKey(f"{name}.id"), index=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), index=True),
        *indexes,
    )


action_updates = _common(
    "action_updates",
    sa.Column("action_id", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("percent", sa.Integer),
    indexes=(sa.Index("ix_action_updates_action", "council_id", "action_id", "date"),),
)

indicator_readings = _common(
    "indicator_readings",
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    indexes=(sa.Index("ix_indicator_readings_indicator", "council_id", "indicator_id", "date"),),
)

events = _common(
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
    sa.Column("considered", sa.Text),
    indexes=(
        sa.Index("ix_events_council_date", "council_id", "date"),
        sa.Index("ix_events_body", "council_id", "body_id", "date"),
        # Consultations are few among many events: without this, finding them walks every event.
        # The index is partial on both backends (migration 0002 makes it so, and a test checks
        # each); only SQLite's condition is declared here, because naming a PostgreSQL option
        # makes SQLAlchemy import all its PostgreSQL dialects, about a tenth of a second of
        # every command's start, SQLite users' included.
        sa.Index(
            "ix_events_consultations",
            "council_id",
            "date",
            sqlite_where=sa.text("event_kind = 'consultation'"),
        ),
    ),
)

reviews = _common(
    "reviews",
    sa.Column("obligation_id", sa.String(100), nullable=False),
    sa.Column("review_kind", sa.String(20), nullable=False),
    sa.Column("approved_by", sa.String(200)),
    indexes=(sa.Index("ix_reviews_obligation", "council_id", "obligation_id", "date"),),
)

instances = _common(
    "instances",
    sa.Column("body_id", sa.String(100), nullable=False),
    sa.Column("instance", sa.String(100), nullable=False),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("area_id", sa.String(100)),
    sa.Column("cluster_id", sa.String(100)),
    sa.Column("end_date", sa.Date),
    indexes=(sa.Index("ix_instances_body", "council_id", "body_id", "instance"),),
)

local_priorities = _common(
    "local_priorities",
    sa.Column("body_id", sa.String(100)),
    sa.Column("area_id", sa.String(100)),
    sa.Column("cluster_id", sa.String(100)),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("title", sa.String(1000), nullable=False),
    sa.Column("agreed_by", sa.String(200)),
    indexes=(sa.Index("ix_local_priorities_year", "council_id", "year"),),
)

local_actions = _common(
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
    indexes=(sa.Index("ix_local_actions_action", "council_id", "action_id"),),
)

members = _common(
    "members",
    sa.Column("body_id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("area_id", sa.String(100)),
    sa.Column("office", sa.String(100)),
    sa.Column("councillor", sa.Boolean),
    sa.Column("end_date", sa.Date),
    indexes=(sa.Index("ix_members_body", "council_id", "body_id"),),
)

RECORD_TABLES = {
    "action-update": action_updates,
    "indicator-reading": indicator_readings,
    "event": events,
    "review": reviews,
    "instance": instances,
    "local-priority": local_priorities,
    "local-action": local_actions,
    "member": members,
}


def with_every_table() -> sa.MetaData:
    """The metadata with the web service's tables on it too (accounts, migration ``0004``; the
    forms' one-time keys, ``0005``), as the migrations make them.

    They are defined in :mod:`engagekit.accounts.tables`, on this same metadata, and loaded only
    by what uses them (the web service, ``engagekit users`` and ``tokens``, the migrations): a
    report or a record does not read them, and defining them costs every command start-up.
    """
    from engagekit.accounts import tables  # noqa: F401 (defining them adds them to the metadata)

    return metadata
