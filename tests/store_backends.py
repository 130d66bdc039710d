"""Store URLs for the records store's tests: SQLite in a temporary folder, and PostgreSQL when one answers.

SQLite is always there. PostgreSQL is used when a server answers at ``127.0.0.1:5432`` (user
``postgres``, database ``test``); each test gets a schema of its own, made fresh and dropped
afterwards, and the URL's ``options=-csearch_path=...`` puts the store's tables in it. When no
server answers, a test asking for PostgreSQL is skipped, saying why.

    from tests.store_backends import backend_url

    with backend_url("postgresql", tmp_path) as url:
        ...
"""

from __future__ import annotations

import contextlib
import functools
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

BACKENDS = ("sqlite", "postgresql")
"""The backends the store runs on, as the ``store_url`` fixture's parameters."""

POSTGRESQL_HOST = "127.0.0.1"
POSTGRESQL_PORT = 5432
POSTGRESQL_URL = f"postgresql+psycopg://postgres@{POSTGRESQL_HOST}:{POSTGRESQL_PORT}/test"
"""The SQLAlchemy URL of the test server (no schema chosen)."""

_CONNINFO = f"host={POSTGRESQL_HOST} port={POSTGRESQL_PORT} user=postgres dbname=test"
_CONNECT_TIMEOUT_S = 2


def sqlite_url(folder: Path, name: str = "records.db") -> str:
    """A SQLite store in ``folder`` (created on first use)."""
    return f"sqlite:///{folder / name}"


@functools.cache
def postgresql_problem() -> str | None:
    """Why PostgreSQL cannot be used (``None`` when it can); asked once per test session."""
    import psycopg

    try:
        with psycopg.connect(_CONNINFO, connect_timeout=_CONNECT_TIMEOUT_S, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # any failure to connect means: skip, and say why
        detail = " ".join(str(error).split()) or type(error).__name__
        return f"PostgreSQL not reachable at {POSTGRESQL_HOST}:{POSTGRESQL_PORT}: {detail}"
    return None


def skip_unless_postgresql() -> None:
    """Skip the running test when PostgreSQL is not reachable, with a reason that says so."""
    problem = postgresql_problem()
    if problem is not None:
        pytest.skip(problem)


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_CONNINFO, connect_timeout=_CONNECT_TIMEOUT_S, autocommit=True) as connection:
        connection.execute("SET lock_timeout = '10s'")
        connection.execute(sql)


@contextlib.contextmanager
def postgresql_url() -> Iterator[str]:
    """A URL whose tables land in a fresh schema ``ek_<random>``, dropped (with its tables) afterwards."""
    skip_unless_postgresql()
    schema = f"ek_{secrets.token_hex(6)}"
    _admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRESQL_URL}?options=-csearch_path%3D{schema}"
    finally:
        _admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextlib.contextmanager
def backend_url(backend: str, folder: Path, name: str = "records.db") -> Iterator[str]:
    """A store URL on ``backend`` ("sqlite" or "postgresql"), isolated to the calling test."""
    if backend == "sqlite":
        yield sqlite_url(folder, name)
    elif backend == "postgresql":
        with postgresql_url() as url:
            yield url
    else:
        raise ValueError(f"no backend {backend!r}; backends: {', '.join(BACKENDS)}")


def comparable(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Records as plain data for comparing two stores: without their ids, each correction
    naming the position (kind, n-th record of that kind) of the record it corrects instead."""
    records = list(records)
    positions: dict[tuple[str, int], int] = {}
    for record in records:
        kind = record.kind.value
        positions[(kind, record.id)] = sum(1 for key in positions if key[0] == kind)
    found = []
    for record in records:
        data = attrs.asdict(record, recurse=False)
        data.pop("id")
        data["kind"] = record.kind.value
        if record.supersedes is not None:
            data["supersedes"] = (record.kind.value, positions[(record.kind.value, record.supersedes)])
        found.append(data)
    return found
