"""Running the records store's migrations (Alembic) on a connection engagekit already holds.

Only migrating loads Alembic: whether a store is current, and whether it was written by a
newer engagekit, is read with one query against :data:`engagekit.records.schema.REVISIONS`.
"""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from engagekit.records import schema
from engagekit.records.errors import StoreTooNew


@functools.cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "engagekit.records:migrations")
    return config


def head_revision() -> str:
    """The newest schema version this engagekit's migrations reach."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """Every revision of the migrations, oldest first (``schema.REVISIONS`` must list the same)."""
    script = ScriptDirectory.from_config(_config())
    return [each.revision for each in reversed(list(script.walk_revisions()))]


def current_revision(connection: Connection) -> str | None:
    """The schema version of the store (``None`` for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate to ``revision`` inside the caller's transaction, keeping every record.

    A store at a revision these migrations do not know was written by a newer engagekit: that
    is a :class:`StoreTooNew`, never Alembic's own error.
    """
    current = current_revision(connection)
    if current is not None and current not in schema.REVISIONS:
        from engagekit.records.store import too_new

        raise StoreTooNew(too_new(current))
    if revision == "head" and current == head_revision():
        return
    config = _config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, revision)
    except CommandError as error:
        raise StoreTooNew(f"the store's schema cannot be brought to {revision}: {error}") from None
    finally:
        config.attributes.pop("connection", None)
