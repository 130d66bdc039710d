"""Accounts for the web service: accounts, their roles per council, API tokens, the audit log,
sign-in failures (for throttling) and sign-in sessions. Records are untouched.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("created", MOMENT, nullable=False),
        sa.Column("disabled", MOMENT),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
    )
    op.create_table(
        "account_roles",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("council_id", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(10), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("council_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(5), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created", MOMENT, nullable=False),
        sa.Column("last_used", MOMENT),
        sa.Column("revoked", MOMENT),
        sa.UniqueConstraint("digest", name="uq_api_tokens_digest"),
        sa.UniqueConstraint("council_id", "name", name="uq_api_tokens_council_name"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("who", sa.String(320), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("council_id", sa.String(100)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("address", sa.String(100)),
    )
    op.create_index("ix_audit_log_council_at", "audit_log", ["council_id", "at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
    )
    op.create_index("ix_sign_in_failures_email", "sign_in_failures", ["email", "at"])
    op.create_index("ix_sign_in_failures_address", "sign_in_failures", ["address", "at"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created", MOMENT, nullable=False),
        sa.Column("expires", MOMENT, nullable=False),
        sa.Column("ended", MOMENT),
        sa.UniqueConstraint("digest", name="uq_web_sessions_digest"),
    )
