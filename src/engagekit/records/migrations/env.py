"""Alembic's environment: migrations run on the connection engagekit hands over."""

from __future__ import annotations

from alembic import context

from engagekit.records.schema import with_every_table

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=with_every_table(), render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
