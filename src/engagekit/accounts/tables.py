"""The web service's tables in the records store (SQLAlchemy Core), on the records' own metadata:
the accounts' (migration ``0004``) and the forms' one-time submission keys (``0005``).

Importing this module adds them to :data:`engagekit.records.schema.metadata`; the migrations
and ``tests/test_store.py`` take that metadata with them (:func:`~engagekit.records.schema.with_every_table`)
and check them against the migrations like every other. A report or a record does not load them.
"""

from __future__ import annotations

import sqlalchemy as sa

from engagekit.records.schema import metadata

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("password_hash", sa.Text),  # none for an account that signs in only through OpenID Connect
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("email", name="uq_accounts_email"),
)

account_roles = sa.Table(
    "account_roles",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("council_id", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(10), nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("council_id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scope", sa.String(5), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),  # SHA-256 of the token; the token itself is never kept
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used", sa.DateTime(timezone=True)),
    sa.Column("revoked", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("digest", name="uq_api_tokens_digest"),
    sa.UniqueConstraint("council_id", "name", name="uq_api_tokens_council_name"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(320), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("council_id", sa.String(100)),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.Column("address", sa.String(100)),
    sa.Index("ix_audit_log_council_at", "council_id", "at"),
)

sign_in_failures = sa.Table(
    "sign_in_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("address", sa.String(100), nullable=False),
    sa.Index("ix_sign_in_failures_email", "email", "at"),
    sa.Index("ix_sign_in_failures_address", "address", "at"),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("digest", sa.String(64), nullable=False),  # SHA-256 of the session id the cookie carries
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("digest", name="uq_web_sessions_digest"),
)

form_submissions = sa.Table(
    "form_submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(64), nullable=False),  # a "check your answers" page's one-time key
    sa.Column("council_id", sa.String(100), nullable=False),
    sa.Column("form", sa.String(100), nullable=False),  # the form's slug: the confirmation page's address
    sa.Column("record_id", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("key", name="uq_form_submissions_key"),
    sa.Index("ix_form_submissions_created", "created"),
)
