"""Running the records store's migrations (Alembic) on a connection engagekit already holds."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection


@functools.cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "engagekit.records:migrations")
    return config


def head_revision() -> str:
    """The newest schema version this engagekit knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The schema version of the store (``None`` for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate to ``revision`` inside the caller's transaction, keeping every record."""
    if revision == "head" and current_revision(connection) == head_revision():
        return
    config = _config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, revision)
    finally:
        config.attributes.pop("connection", None)
