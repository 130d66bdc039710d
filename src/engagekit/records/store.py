"""The records store: SQLite by default, PostgreSQL by URL, with migrations applied on first use.

Writes are all or nothing. An import runs in one transaction: a bad row, a killed process or
a crash leaves the store as it was. SQLite runs in WAL mode with a busy timeout. A transaction
that writes takes SQLite's write lock at its start (``BEGIN IMMEDIATE``), so two processes
writing at once both succeed, one after the other, instead of failing with "database is
locked"; a transaction that only reads takes no lock at all (a plain ``BEGIN``), so a report
runs at once while an import is writing.

Every use of the database (connecting, migrating, each query) runs inside one boundary,
:meth:`RecordStore._transaction`, which turns the database's errors into the classes of
:mod:`engagekit.records.errors`: one line naming the store, what is wrong and what to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import hashlib
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from engagekit.model.base import Model
from engagekit.records import schema
from engagekit.records.errors import (
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreIntegrityError,
    StoreNotKept,
    StoreReadOnly,
    StoreTooNew,
    StoreUnavailable,
    StoreUrlInvalid,
)
from engagekit.records.kinds import (
    RECORD_CLASSES,
    ActionStatus,
    ActionUpdate,
    EventKind,
    InstanceRecord,
    LocalAction,
    Record,
    RecordKind,
    ReviewKind,
    in_dependency_order,
)

if TYPE_CHECKING:  # checking and parsing rows is for writing: a report never loads them
    from engagekit.model.council import Council
    from engagekit.records.checks import Registrations, Vocabulary
    from engagekit.records.fast import CsvTable
    from engagekit.records.rows import SourceRow

__all__ = [
    "BATCH",
    "ImportProblem",
    "ImportResult",
    "RecordStore",
    "StoreError",
    "StoreStatus",
    "in_memory",
    "open_store",
    "redact",
]

RECORDED_IDS = (InstanceRecord, LocalAction)
"""Records that add ids later records may name: a registered instance, a local action."""

BATCH = 5_000
"""Rows inserted per statement during an import (memory stays flat however large the file)."""

READ_BATCH = 1_000
"""Rows a PostgreSQL server-side cursor hands over at a time when records are read for an export."""

POOL_SIZE = 10
"""Connections a store keeps open for reuse. The web service runs each request's store work in
its threadpool, and every request holds one connection at a time; 16 clients at once over two
workers are 8 a worker, so 10 serves them all without opening a connection per request (a new
PostgreSQL connection is a new server process, several milliseconds). A command uses one."""

POOL_OVERFLOW = 30
"""Connections opened beyond :data:`POOL_SIZE` in a burst, and closed once used: with them a worker
may have 40 at once, one for each thread of the service's threadpool (anyio's default 40), so no
thread waits for a connection while another thread idles. Two workers at their busiest hold 80,
within PostgreSQL's default ``max_connections`` of 100; more workers need a larger server
setting or a connection pooler in front of it."""

CONNECT_TIMEOUT_S = 5
"""How long to wait for a PostgreSQL server to answer before saying it does not (unless the URL says)."""

DUPLICATE_IMPORT = "uq_imports_council_file"
"""The unique constraint that recognises a file imported before: its content hash, per council."""


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's (engagekit.model.base)
class ImportProblem(Model):
    """One bad row: its number in the file (the header is row 1), the column, and what is wrong."""

    row: int
    column: str
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        return f"{_where(self.row, self.sheet)}, {self.column}: {self.message}"


def _where(row: int, sheet: str | None) -> str:
    return f"sheet {sheet!r}, row {row}" if sheet else f"row {row}"


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's (engagekit.model.base)
class ImportResult(Model):
    """What an import did (or, with ``dry_run``, would do)."""

    rows: int
    added: int
    already_imported: bool = False
    dry_run: bool = False
    problems: list[ImportProblem] = attrs.field(factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@attrs.frozen(repr=False, eq=False)  # repr, == and hash: Model's (engagekit.model.base)
class StoreStatus(Model):
    """Where the store is, its schema version, and how many records of each kind it holds."""

    url: str
    revision: str | None
    head: str
    counts: dict[str, int]

    @property
    def current(self) -> bool:
        return self.revision == self.head


class _Rollback(Exception):
    """Raised inside a transaction to undo it (a dry run, bad rows, or a file imported before)."""


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and ``db status``."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def in_memory(url: str) -> bool:
    """Whether ``url`` is a SQLite store held in memory, which ends with the process that made it."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return False
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:") or parsed.query.get("mode") == "memory"


def open_store(url: str | None = None, *, upgrade: bool = True, busy_timeout_ms: int | None = None) -> RecordStore:
    """Open the store at ``url`` (default: from settings), applying migrations unless told not to."""
    if url is None or busy_timeout_ms is None:
        from engagekit.settings import load_settings

        settings = load_settings()
        url = url or settings.store_url()
        busy_timeout_ms = settings.busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms
    store = RecordStore(url, busy_timeout_ms=busy_timeout_ms)
    if upgrade:
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
    return store


# -- SQLite's connections -----------------------------------------------------------------


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, path: Path | None) -> None:
    """Each connection: a busy timeout, WAL (set only when it is not already), foreign keys on.

    Setting WAL writes to the file, so a read-only file or a full disk refuses it; the
    connection then goes on in the mode the file has, and a write says what is wrong.
    """

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # engagekit issues BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        try:  # these open the file: a failure other than "not a database" is met again, and said, by the first query
            cursor.execute("PRAGMA synchronous = NORMAL")
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as error:
            if _sqlite_name(error).startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
                raise  # not a database at all: say so at once
        finally:
            cursor.close()
        connection_record.info["identity"] = _identity(path)

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get("engagekit_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _configure_postgresql(engine: Engine, busy_timeout_ms: int) -> None:
    """Each connection waits for another's lock no longer than the busy timeout, as SQLite does."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {max(1, int(busy_timeout_ms))}")
        dbapi_connection.commit()


def _identity(path: Path | None) -> tuple[int, int] | None:
    """The device and inode of the store's file, or ``None`` when there is no such file."""
    if path is None:
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _sqlite_name(error: BaseException | None) -> str:
    return str(getattr(error, "sqlite_errorname", "") or "")


class RecordStore:
    """Progress records for any number of councils, in one database."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError:
            raise StoreUrlInvalid(f"{url!r} is not a database URL (for example sqlite:///records.db)") from None
        self.url = url
        self.busy_timeout_ms = busy_timeout_ms
        self.path: Path | None = None
        """The SQLite file, when the store is one."""
        self._frozen: Engine | None = None
        """The SQLite file opened read-only and immutable, once it was found it cannot be shared."""
        self._probed = False
        backend = parsed.get_backend_name()
        if backend == "sqlite" and not in_memory(url) and parsed.database and not parsed.database.startswith("file:"):
            self.path = Path(parsed.database).expanduser()
            self._make_folder(self.path.parent)
        connect_args: dict[str, Any] = {}
        options: dict[str, Any] = {}
        if in_memory(url):
            options["poolclass"] = sa.pool.SingletonThreadPool  # one database per thread, kept while the store is open
        else:
            options.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        if backend == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            if "connect_timeout" not in parsed.query:
                connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        try:
            self.engine = sa.create_engine(parsed, connect_args=connect_args, **options)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ModuleNotFoundError) as error:
            raise StoreUrlInvalid(f"cannot use {redact(url)}: {error}") from None
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine, busy_timeout_ms, self.path)
        elif self.engine.dialect.name == "postgresql":
            _configure_postgresql(self.engine, busy_timeout_ms)

    def _make_folder(self, folder: Path) -> None:
        """Make the SQLite file's folder, or say why there cannot be one."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            if isinstance(error, (FileExistsError, NotADirectoryError)):
                reason = "a file stands where a folder is needed"
            raise StoreUnavailable(
                f"{redact(self.url)}: cannot make the store's folder {folder} ({reason}); "
                "choose another place with ENGAGEKIT_DATABASE_URL or ENGAGEKIT_DATA_DIR"
            ) from None

    def close(self) -> None:
        self.engine.dispose()
        if self._frozen is not None:
            self._frozen.dispose()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the boundary ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction, inside the error boundary: committed at the end, undone on any error.

        A write takes the write lock at once and, on SQLite, is committed only if the file it
        wrote to is still the store's file (not deleted or replaced meanwhile). A read takes
        no lock; on SQLite, a file that cannot be shared (a read-only folder, a full disk) is
        read as it stands.
        """
        with self._boundary(write=write):
            connection = self._connect(write=write)
            try:
                with connection.begin():
                    if write:
                        self._check_kept(connection)
                    yield connection
                    if write:
                        self._check_kept(connection)
            finally:
                connection.close()

    def _connect(self, *, write: bool) -> Connection:
        """A connection for a read or a write (the write flag chooses how SQLite begins)."""
        if not write and self._frozen is not None:
            return self._frozen.connect()
        connection = self.engine.connect().execution_options(engagekit_write=write)
        if write or self.path is None or self._probed:
            return connection
        try:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()  # opens the WAL index
        except sa.exc.DBAPIError as error:
            connection.close()
            if not self._unshareable(error):
                raise
            self._frozen = self._frozen_engine()
            return self._frozen.connect()
        connection.rollback()  # the probe's own transaction; the caller begins the real one
        self._probed = True
        return connection

    def _unshareable(self, error: sa.exc.DBAPIError) -> bool:
        """Whether a SQLite file failed to open only because its WAL index cannot be made here."""
        name = _sqlite_name(error.orig)
        shm = name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR_SHM"))
        return shm and self.path is not None and self.path.is_file()

    def _frozen_engine(self) -> Engine:
        """The SQLite file opened read-only and immutable: no lock and no WAL index needed."""
        assert self.path is not None
        location = urllib.parse.quote(str(self.path.resolve()))
        url = sa.engine.URL.create(
            "sqlite", database=f"file:{location}", query={"mode": "ro", "immutable": "1", "uri": "true"}
        )
        return sa.create_engine(url)

    def _check_kept(self, connection: Connection) -> None:
        """Refuse to commit when the store's file is not the file this connection writes to."""
        if self.path is None:
            return
        if _identity(self.path) != connection.info.get("identity"):
            raise StoreNotKept(f"{redact(self.url)} was deleted or replaced during the import; nothing was imported")

    @contextlib.contextmanager
    def _boundary(self, *, write: bool) -> Iterator[None]:
        """Turn the database's errors raised inside into :class:`StoreError` (one line each)."""
        try:
            yield
        except StoreError:
            raise
        except (sa.exc.DBAPIError, sqlite3.Error) as error:
            raise self.failure(error, write=write) from None
        except sa.exc.SQLAlchemyError as error:
            raise StoreUnavailable(f"{redact(self.url)}: {_first_line(error)}") from None

    def failure(self, error: BaseException, *, write: bool = True) -> StoreError:
        """The :class:`StoreError` that says what ``error`` (from the database) means for this store."""
        original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
        detail = _first_line(original)
        name = _sqlite_name(original)
        store = redact(self.url)
        if name or isinstance(original, sqlite3.Error):
            return self._sqlite_failure(name, detail, write=write)
        state = str(getattr(original, "sqlstate", "") or "")
        return _postgresql_failure(store, state, detail, write=write, busy_timeout_ms=self.busy_timeout_ms)

    def _sqlite_failure(self, name: str, detail: str, *, write: bool) -> StoreError:
        store = redact(self.url)
        path = self.path
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            return StoreCorrupt(
                f"{store} is not an engagekit records store: the file is corrupt or not a database ({detail}); "
                "restore it from a backup, or point ENGAGEKIT_DATABASE_URL at the store"
            )
        if path is not None and path.is_dir():
            return StoreCorrupt(
                f"{store} is a folder, not a database file; point ENGAGEKIT_DATABASE_URL at a file (sqlite:///records.db)"
            )
        if name.startswith("SQLITE_READONLY") or (
            write and name.startswith("SQLITE_CANTOPEN") and path is not None and not _writable(path)
        ):
            return StoreReadOnly(
                f"{store} is read-only ({detail}); reports can still read it, but to record or import "
                "make the file and its folder writable, or copy the store somewhere that is"
            )
        if name.startswith("SQLITE_FULL") or (name.startswith("SQLITE_IOERR") and _disk_full(path)):
            return StoreFull(
                f"{store}: the disk or the database is full ({detail}); free some space and try again "
                "(nothing was written)"
            )
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreBusy(
                f"{store} is busy: another process held its write lock for longer than the busy timeout "
                f"({self.busy_timeout_ms:,} ms); try again when it has finished, or raise ENGAGEKIT_BUSY_TIMEOUT_MS"
            )
        if name.startswith("SQLITE_CONSTRAINT"):
            return StoreIntegrityError(f"{store}: what was written breaks one of the store's rules ({detail})")
        if name.startswith("SQLITE_CANTOPEN"):
            return StoreUnavailable(
                f"{store} cannot be opened ({detail}); check that the path is right and that you may read "
                "the file and its folder"
            )
        if name.startswith("SQLITE_IOERR"):
            return StoreUnavailable(f"{store}: the disk failed to read or write the file ({detail}); check the disk")
        return StoreCorrupt(
            f"{store} cannot be used as an engagekit records store ({detail}); "
            "run 'engagekit db status' to see what it holds"
        )

    # -- schema ---------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Bring the schema up to date, keeping every record (a no-op when it is current).

        Whether it is current is one query and needs no Alembic; a store written by a newer
        engagekit is refused (:class:`StoreTooNew`) rather than touched.
        """
        with self._transaction(write=False) as connection:
            revision = _revision(connection)
        self._known(revision)
        if revision == schema.HEAD:
            return
        with self._transaction(write=True) as connection:
            revision = _revision(connection)  # another process may have migrated it meanwhile
            self._known(revision)
            if revision != schema.HEAD:
                from engagekit.records.migrate import upgrade

                upgrade(connection)

    def _known(self, revision: str | None) -> None:
        if revision is not None and revision not in schema.REVISIONS:
            raise StoreTooNew(too_new(revision))

    def status(self) -> StoreStatus:
        """The store's revision and its records per kind (``StoreTooNew`` if from a newer engagekit)."""
        with self._transaction(write=False) as connection:
            revision = _revision(connection)
            self._known(revision)
            counts: dict[str, int] = {}
            if revision is not None:
                present = _tables(connection)  # an old revision lacks later kinds
                for kind, table in schema.RECORD_TABLES.items():
                    if table.name in present:
                        counts[kind] = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        return StoreStatus(redact(self.url), revision, schema.HEAD, counts)

    # -- writing --------------------------------------------------------------------------

    def add(
        self,
        council: Council,
        records: Iterable[Record],
        *,
        alongside: Callable[[Connection, list[Record]], None] | None = None,
    ) -> list[Record]:
        """Check and store records (all or none); return them with their ids and times.

        ``alongside``, if given, is called in the same transaction once the records are written,
        with its connection and the records as stored: what it writes is committed with them or
        not at all (the web service writes its audit line so, one commit for both).

        The ids that records add (registered instances, local actions) are read from the store
        only when a record may need them (:meth:`Vocabulary.needs_recorded`); the definition's
        own ids are worked out once per definition (:meth:`Vocabulary.of`).
        """
        from engagekit.records.checks import Vocabulary
        from engagekit.records.rows import RowProblem

        records = list(records)
        own = Vocabulary.of(council)
        stored: list[Record] = []
        now = _now()
        with self._transaction(write=True) as connection:
            if any(isinstance(record, InstanceRecord) for record in records):
                _lock_registrations(connection, council.id)  # before they are read: see _lock_registrations
            recorded = any(own.needs_recorded(record) for record in records)
            vocabulary = self._vocabulary(connection, council) if recorded else own
            for record in records:
                if record.council_id != council.id:
                    raise ValueError(f"a record for {record.council_id!r} cannot be added to {council.id!r}")
                problems = vocabulary.problems(record) if recorded else []
                if record.supersedes is not None and not self._exists(connection, record, record.supersedes):
                    problems.append(("supersedes", f"no {record.kind.value} record #{record.supersedes} to correct"))
                elif isinstance(record, InstanceRecord) and not problems:
                    problems = _stale_correction(connection, record, vocabulary.given)
                if problems:
                    raise RowProblem(problems)
                values = _values(record, now)
                table = schema.RECORD_TABLES[record.kind.value]
                new_id = connection.execute(_insert_returning_id(table), values).scalar_one()
                stored.append(attrs.evolve(record, id=new_id, recorded_at=now))
                if isinstance(record, RECORDED_IDS):  # with its id: it now holds what it registers
                    vocabulary = vocabulary.with_recorded([stored[-1]])
                if isinstance(record, InstanceRecord):  # undone with the call, should a later record fail
                    vocabulary = attrs.evolve(vocabulary, given=vocabulary.given | {new_id})
            if alongside is not None:
                alongside(connection, stored)
        return stored

    def _vocabulary(self, connection: Connection, council: Council) -> Vocabulary:
        """The council's ids and those its records add (registered instances, local actions)."""
        from engagekit.records.checks import Vocabulary

        recorded: list[Record] = []
        for kind, query in _recorded_ids_queries():
            found = connection.execute(query, {"council_id": council.id}).mappings()
            recorded += [_record(kind, dict(row)) for row in found]
        return Vocabulary.of(council).with_recorded(recorded)

    def _exists(self, connection: Connection, record: Record, record_id: int) -> bool:
        return self._kind_exists(connection, record.kind.value, record.council_id, record_id)

    @staticmethod
    def _kind_exists(connection: Connection, kind: str, council_id: str, record_id: int) -> bool:
        table = schema.RECORD_TABLES[kind]
        query = sa.select(table.c.id).where(table.c.id == record_id, table.c.council_id == council_id)
        return connection.execute(query).first() is not None

    def import_rows(
        self,
        council: Council,
        rows: Iterable[Mapping[str, Any] | SourceRow] | CsvTable,
        *,
        source_name: str,
        sha256: str,
        recorded_by: str,
        default_kind: RecordKind | None = None,
        dry_run: bool = False,
        max_problems: int = 50,
        progress: Callable[[int], None] | None = None,
        alongside: Callable[[Connection, ImportResult], None] | None = None,
    ) -> ImportResult:
        """Import rows all or nothing; the same file (by ``sha256``) a second time adds nothing.

        ``rows`` are mappings (or :class:`SourceRow` with their place in the file), or a
        :class:`CsvTable`, which takes the fast path (:mod:`engagekit.records.fast`).

        Rows are read once, in batches, so memory does not grow with the file. Every bad row
        is reported (up to ``max_problems``, then a count of the rest) and nothing is written.
        A file imported before is recognised by its content hash alone; any other rule of the
        store a row breaks is a :class:`StoreIntegrityError` naming the row, and nothing is
        written. If the SQLite file is deleted or replaced meanwhile, nothing is kept
        (:class:`StoreNotKept`). ``alongside``, if given, is called in the import's transaction
        just before it commits, with what the import did: what it writes is kept only with the
        rows (it is not called for a dry run, rows with problems, or a file imported before).
        """
        from engagekit.records.checks import Registrations
        from engagekit.records.fast import CsvTable

        run = _Import(self, council, source_name, recorded_by, default_kind, max_problems, progress)
        try:
            with self._transaction(write=True) as connection:
                if self._already_imported(connection, council.id, sha256):
                    raise _Rollback
                run.import_id = self._record_import(connection, run, sha256)
                if run.import_id is None:
                    raise _Rollback  # another process imported the same file while this one read it
                # registrations are checked row by row against the store and the file's own rows
                run.vocabulary = attrs.evolve(self._vocabulary(connection, council), registered={})
                run.registrations = Registrations(
                    functools.partial(_registrations, connection, council.id),
                    functools.partial(_current_registration, connection, council.id),
                )
                if isinstance(rows, CsvTable) and rows.fast:
                    self._import_table(connection, rows, run)
                else:
                    self._import_general(connection, rows.source_rows() if isinstance(rows, CsvTable) else rows, run)
                if progress and run.count % 1000:
                    progress(run.count % 1000)
                if run.problems or dry_run:
                    raise _Rollback
                connection.execute(
                    schema.imports.update().where(schema.imports.c.id == run.import_id).values(rows=run.count)
                )
                if alongside is not None:
                    alongside(connection, ImportResult(rows=run.count, added=run.added))
        except _Rollback:
            pass  # undone on purpose: a dry run, rows with problems, or a file imported before
        if run.import_id is None:
            return ImportResult(rows=0, added=0, already_imported=True, dry_run=dry_run)
        return ImportResult(
            rows=run.count,
            added=0 if run.problems else run.added,
            dry_run=dry_run,
            problems=run.problems,
            more_problems=run.more,
        )

    def _record_import(self, connection: Connection, run: _Import, sha256: str) -> int | None:
        """The new import's id, or ``None`` if the same file was imported meanwhile (its hash, per council)."""
        values = {
            "council_id": run.council.id,
            "source_name": run.source_name[-1000:],
            "sha256": sha256,
            "rows": 0,
            "recorded_by": run.recorded_by,
            "recorded_at": run.now,
        }
        try:
            with connection.begin_nested():
                new_id: int = connection.execute(
                    schema.imports.insert().returning(schema.imports.c.id), values
                ).scalar_one()
        except sa.exc.IntegrityError as error:
            if _constraint(error) == DUPLICATE_IMPORT:
                return None
            raise StoreIntegrityError(
                f"{run.source_name}: the store refused to record the import ({_first_line(error.orig)}); "
                "nothing was imported"
            ) from None
        return new_id

    def _import_general(
        self, connection: Connection, rows: Iterable[Mapping[str, Any] | SourceRow], run: _Import
    ) -> None:
        """The general path: each row parsed to a record and checked, then written in batches.

        A row may carry the id it had in the file it came from (an export's ``id`` column), and a
        later row may correct it by that id (``supersedes``). What the file's ids became is kept
        in the database (:class:`_FileIds`, a temporary table), not in Python, so memory stays
        flat however many rows the file has; only the batch being built is held.
        """
        from engagekit.records.rows import RowProblem, SourceRow, parse_row

        batches: dict[str, list[tuple[int, str | None, dict[str, Any]]]] = {kind: [] for kind in schema.RECORD_TABLES}
        file_ids = _FileIds(connection)

        def flush(kind: str) -> None:
            batch = batches[kind]
            if batch:
                self._write_batch(connection, kind, batch, file_ids, run)
            batch.clear()

        for position, item in enumerate(rows, start=2):
            row, number, sheet = (
                (item.values, item.number, item.sheet) if isinstance(item, SourceRow) else (item, position, None)
            )
            run.tick()
            try:
                record, file_id = parse_row(
                    row, council_id=run.council.id, recorded_by=run.recorded_by, default_kind=run.default_kind
                )
                found = run.vocabulary.problems(record)
                if found:
                    raise RowProblem(found)
                if isinstance(record, RECORDED_IDS):  # later rows may name what this one registers
                    run.vocabulary = run.vocabulary.with_recorded([record])
            except RowProblem as bad:
                run.report(number, sheet, bad.problems)
                continue
            kind = record.kind.value
            values = _values(record, run.now, run.import_id)
            corrects: tuple[str, int] | None = None
            if record.supersedes is not None:
                if file_ids.pending(kind, record.supersedes):
                    flush(kind)  # the corrected record is earlier in this same batch
                seen, target = file_ids.find(kind, record.supersedes)
                if target is not None:
                    values["supersedes"] = target
                elif not seen and not self._kind_exists(connection, kind, run.council.id, record.supersedes):
                    run.report(number, sheet, [("supersedes", f"no {kind} record #{record.supersedes} to correct")])
                    continue
                corrects = ("file" if seen else "record", record.supersedes)
            if isinstance(record, InstanceRecord):
                own = ("file", file_id) if file_id is not None else None
                found = run.registrations.problems(record, _where(number, sheet), own=own, corrects=corrects)
                if found:
                    run.report(number, sheet, found)
                    continue
            if file_id is not None:
                values["_file_id"] = file_id
                file_ids.hold(kind, file_id)
            batches[kind].append((number, sheet, values))
            if len(batches[kind]) >= BATCH:
                flush(kind)
        for kind in batches:
            flush(kind)
        file_ids.drop()

    def _write_batch(
        self,
        connection: Connection,
        kind: str,
        batch: list[tuple[int, str | None, dict[str, Any]]],
        file_ids: _FileIds,
        run: _Import,
    ) -> None:
        """Insert one batch (a row the store refuses is named: :class:`StoreIntegrityError`).

        Rows carrying the id they had in their file are given their new ids before they are
        inserted (:func:`_reserve_ids`), so the whole batch goes in one statement and the file's
        ids are mapped to the new ones in one more. Once a row had problems nothing is written,
        but the file's ids are still noted, so that a correction naming one is not reported as
        correcting nothing.
        """
        table = schema.RECORD_TABLES[kind]
        carried = [values.pop("_file_id", None) for _, _, values in batch]
        if run.problems:
            file_ids.written(kind, [(file_id, None) for file_id in carried if file_id is not None])
            return
        mapped: list[tuple[int, int | None]] = []
        if any(file_id is not None for file_id in carried):
            for (_, _, values), new_id in zip(batch, _reserve_ids(connection, table, len(batch)), strict=True):
                values["id"] = new_id
            mapped = [
                (file_id, values["id"])
                for file_id, (_, _, values) in zip(carried, batch, strict=True)
                if file_id is not None
            ]
        self._insert_many(connection, table, [values for _, _, values in batch], [(n, s) for n, s, _ in batch], run)
        file_ids.written(kind, mapped)
        run.added += len(batch)

    def _insert_many(
        self,
        connection: Connection,
        table: sa.Table,
        values: list[dict[str, Any]],
        places: Sequence[tuple[int, str | None]],
        run: _Import,
    ) -> None:
        """Insert rows in one statement; if the store refuses one, find which and name it."""
        try:
            with connection.begin_nested():
                connection.execute(table.insert(), values)
        except sa.exc.IntegrityError as error:
            for (number, sheet), one in zip(places, values, strict=True):
                try:
                    with connection.begin_nested():
                        connection.execute(table.insert(), one)
                except sa.exc.IntegrityError as found:
                    raise run.refused(number, sheet, found) from None
            raise run.refused(places[0][0], places[0][1], error) from None

    def _import_table(self, connection: Connection, table: CsvTable, run: _Import) -> None:
        """The fast path for a CSV file: compiled rows, written in batches."""
        from engagekit.records.fast import RowCompiler

        sqlite = self.engine.dialect.name == "sqlite"
        stamp: Any = utc(run.now).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc(run.now)
        assert run.import_id is not None
        compiler = RowCompiler(
            table.header,
            council_id=run.council.id,
            recorded_by=run.recorded_by,
            recorded_at=stamp,
            import_id=run.import_id,
            vocabulary=run.vocabulary,
            default_kind=run.default_kind,
            sqlite=sqlite,
        )
        batches: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in schema.RECORD_TABLES}
        numbers: dict[str, list[int]] = {kind: [] for kind in schema.RECORD_TABLES}
        raw = connection.connection.dbapi_connection if sqlite else None
        cursor = raw.cursor() if raw is not None else None
        statements = {
            kind: f"INSERT INTO {schema.RECORD_TABLES[kind].name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
            for kind, (columns, _) in compiler.plans.items()
        }

        def write(kind: str) -> None:
            batch = batches[kind]
            if batch and not run.problems:
                if cursor is not None and raw is not None:
                    before = raw.total_changes
                    try:
                        cursor.executemany(statements[kind], batch)
                    except sqlite3.IntegrityError as error:  # the rows before the refused one went in
                        raise run.refused(numbers[kind][raw.total_changes - before], None, error) from None
                else:
                    columns = compiler.plans[kind][0]
                    self._insert_many(
                        connection,
                        schema.RECORD_TABLES[kind],
                        [dict(zip(columns, values, strict=True)) for values in batch],
                        [(n, None) for n in numbers[kind]],
                        run,
                    )
                run.added += len(batch)
            batch.clear()
            numbers[kind].clear()

        try:
            for number, cells in table.rows():
                run.tick()
                compiled = compiler.compile(cells)
                if compiled is None:
                    record, found = compiler.fallback(cells)
                    if isinstance(record, InstanceRecord):  # a fast file has no supersedes: each registers anew
                        found = run.registrations.problems(record, _where(number, None))
                        record = None if found else record
                    if record is None:
                        run.report(number, None, found)
                        continue
                    if not run.problems:  # a row only the general parser reads: write it the general way
                        try:
                            connection.execute(
                                schema.RECORD_TABLES[record.kind.value].insert(),
                                _values(record, run.now, run.import_id),
                            )
                        except sa.exc.IntegrityError as error:
                            raise run.refused(number, None, error) from None
                        run.added += 1
                    if isinstance(record, RECORDED_IDS):  # later rows may name what this one registers
                        compiler.learn(record)
                    continue
                kind, values = compiled
                batches[kind].append(values)
                numbers[kind].append(number)
                if len(batches[kind]) >= BATCH:
                    write(kind)
            for kind in batches:
                write(kind)
        finally:
            if cursor is not None:
                cursor.close()

    def _already_imported(self, connection: Connection, council_id: str, sha256: str) -> bool:
        query = sa.select(schema.imports.c.id).where(
            schema.imports.c.council_id == council_id, schema.imports.c.sha256 == sha256
        )
        return connection.execute(query).first() is not None

    # -- reading --------------------------------------------------------------------------

    def records(
        self,
        council_id: str,
        kind: RecordKind | None = None,
        *,
        include_superseded: bool = True,
        known_at: dt.datetime | None = None,
    ) -> Generator[Record, None, None]:
        """Records of a council in the order they were made (by kind, then id).

        Kinds come registrations first, so an export imports back in order: a forum is registered
        before its meetings, a local action agreed before its updates. The records are read in
        one transaction (one consistent view, however long the caller takes), and a failure of
        the store while they are read is a :class:`StoreError` like any other. They stream, so
        memory stays flat however many records an export writes: SQLite's cursor reads a row at
        a time; on PostgreSQL a server-side cursor hands over :data:`READ_BATCH` rows at a time
        (without it the driver would fetch the whole result first). A caller that stops early
        (the export asks for the first record of each kind) closes the cursor with the generator.
        """
        kinds = [kind] if kind else in_dependency_order()
        with self._transaction(write=False) as connection:
            postgresql = connection.dialect.name == "postgresql"
            streaming = {"yield_per": READ_BATCH} if postgresql else {}  # SQLite's cursor steps row by row already
            for each in kinds:
                table = schema.RECORD_TABLES[each.value]
                query = sa.select(table).where(table.c.council_id == council_id).order_by(table.c.id)
                if known_at is not None:
                    query = query.where(table.c.recorded_at <= utc(known_at))
                if not include_superseded:
                    query = query.where(_not_superseded(table, known_at))
                with connection.execute(query, execution_options=streaming) as result:
                    for row in result.mappings():
                        yield _record(each, row)

    def read(self, query: Any) -> list[Any]:
        """The rows of one query, read without taking any lock (inside the error boundary)."""
        with self._transaction(write=False) as connection:
            return list(connection.execute(query).mappings())

    def history(self, council_id: str, action_id: str) -> list[ActionUpdate]:
        """Every update of an action, corrections included, oldest first."""
        table = schema.action_updates
        query = (
            sa.select(table)
            .where(table.c.council_id == council_id, table.c.action_id == action_id)
            .order_by(table.c.date, table.c.id)
        )
        found = [_record(RecordKind.ACTION_UPDATE, row) for row in self.read(query)]
        return [record for record in found if isinstance(record, ActionUpdate)]

    def evidence(self, council: Council, known_at: dt.datetime | None = None) -> Any:
        """The records as evidence for the council's rules (see :mod:`engagekit.records.evidence`)."""
        from engagekit.records.evidence import StoreEvidence

        return StoreEvidence(self, council.id, known_at)


class _Import:
    """One import's running state: counts, problems found so far, and the ids it has learnt."""

    def __init__(
        self,
        store: RecordStore,
        council: Council,
        source_name: str,
        recorded_by: str,
        default_kind: RecordKind | None,
        max_problems: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.store = store
        self.council = council
        self.source_name = source_name
        self.recorded_by = recorded_by
        self.default_kind = default_kind
        self.max_problems = max_problems
        self.progress = progress
        self.now = _now()
        self.import_id: int | None = None
        from engagekit.records.checks import Registrations, Vocabulary

        self.vocabulary: Vocabulary = Vocabulary.of(council)
        self.registrations: Registrations = Registrations(dict)
        """Which registration holds each instance id (the import gives it the store's, in its transaction)."""
        self.count = 0
        self.added = 0
        self.more = 0
        self.problems: list[ImportProblem] = []

    def tick(self) -> None:
        """Count one more row read (and tell ``progress`` every thousand)."""
        self.count += 1
        if self.progress and self.count % 1000 == 0:
            self.progress(1000)

    def report(self, number: int, sheet: str | None, problems: Iterable[tuple[str, str]]) -> None:
        """Keep a bad row's problems (up to ``max_problems``, then count the rest)."""
        for column, message in problems:
            if len(self.problems) < self.max_problems:
                self.problems.append(ImportProblem(number, column, message, sheet))
            else:
                self.more += 1

    def refused(self, number: int, sheet: str | None, error: BaseException) -> StoreIntegrityError:
        """The error for a row the store itself refused, though every check passed."""
        original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
        return StoreIntegrityError(
            f"{self.source_name}: {_where(number, sheet)}: the store refused this row "
            f"({_first_line(original)}); nothing was imported"
        )


class _FileIds:
    """What the ids rows of one import's file carry became in the store, kept in a temporary table.

    An export's rows carry their ids, and a later row corrects an earlier one by the id it had
    in the file. Keeping that map in Python grows with the file (about 100 bytes a row); here
    it lives in a temporary table of the import's own connection (SQLite's temporary file,
    PostgreSQL's session), dropped at the end and gone with any rollback. Only the ids of the
    batch being built are held in memory, until the batch is written.

    A file id noted with no new id is one whose row was not written because an earlier row had
    problems: it is still known, so a correction naming it is not reported as correcting nothing.
    """

    NAME = "engagekit_import_file_ids"

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        temporary = "pg_temp" if connection.dialect.name == "postgresql" else "temp"
        self.table = f"{temporary}.{self.NAME}"
        """The table's name, in the schema of temporary tables (never a store table of that name)."""
        self._held: dict[str, set[int]] = {}
        self._made = False

    def hold(self, kind: str, file_id: int) -> None:
        """Note a file id in the batch being built (not yet written)."""
        self._held.setdefault(kind, set()).add(file_id)

    def pending(self, kind: str, file_id: int) -> bool:
        """Whether the batch being built holds a row that had ``file_id`` in the file."""
        return file_id in self._held.get(kind, ())

    def written(self, kind: str, mapped: Iterable[tuple[int, int | None]]) -> None:
        """A batch was written (or, after problems, passed over): keep its file ids and their new ids.

        A file that gives two rows the same id maps it to the later row, as the file reads.
        """
        held = self._held.pop(kind, set())
        latest = dict(mapped)
        latest.update((file_id, None) for file_id in held - latest.keys())
        if not latest:
            return
        self._make()
        self.connection.execute(
            sa.text(
                f"INSERT INTO {self.table} (kind, file_id, new_id) VALUES (:kind, :file_id, :new_id) "
                "ON CONFLICT (kind, file_id) DO UPDATE SET new_id = excluded.new_id"
            ),
            [{"kind": kind, "file_id": file_id, "new_id": new_id} for file_id, new_id in latest.items()],
        )

    def find(self, kind: str, file_id: int) -> tuple[bool, int | None]:
        """Whether an earlier batch held ``file_id``, and the id its row was given (``None`` if unwritten)."""
        if not self._made:
            return False, None
        found = self.connection.execute(
            sa.text(f"SELECT new_id FROM {self.table} WHERE kind = :kind AND file_id = :file_id"),
            {"kind": kind, "file_id": file_id},
        ).first()
        return (False, None) if found is None else (True, found[0])

    def drop(self) -> None:
        """Drop the table before the import commits (a rollback drops it anyway)."""
        if self._made:
            self.connection.execute(sa.text(f"DROP TABLE {self.table}"))
            self._made = False

    def _make(self) -> None:
        if self._made:
            return
        ending = " ON COMMIT DROP" if self.connection.dialect.name == "postgresql" else ""
        self.connection.execute(sa.text(f"DROP TABLE IF EXISTS {self.table}"))  # left by a connection reused
        self.connection.execute(
            sa.text(
                f"CREATE TEMPORARY TABLE {self.table} (kind VARCHAR(20) NOT NULL, file_id BIGINT NOT NULL, "
                f"new_id BIGINT, PRIMARY KEY (kind, file_id)){ending}"
            )
        )
        self._made = True


@functools.cache
def _recorded_ids_queries() -> tuple[tuple[RecordKind, Any], ...]:
    """The queries for a council's records that add ids (``:council_id``), not corrected since.

    Built once: building them costs more than running them on a store with few such records.
    """
    council_id = sa.bindparam("council_id", type_=sa.String())
    queries = []
    for kind in (RecordKind.INSTANCE, RecordKind.LOCAL_ACTION):
        table = schema.RECORD_TABLES[kind.value]
        live = sa.select(table).where(table.c.council_id == council_id, _not_superseded(table, None))
        queries.append((kind, live.order_by(table.c.id)))
    return tuple(queries)


REGISTRATIONS_LOCK = "engagekit registrations"
"""What the PostgreSQL advisory lock on a council's registrations is keyed on, with the council's id."""


def _lock_registrations(connection: Connection, council_id: str) -> None:
    """Hold the council's registrations until this transaction ends, so an instance is registered once.

    A registration is refused when another one holds its instance; that is read, and the new
    one written, in one write transaction. On SQLite that transaction already holds the
    store's write lock from its start (``BEGIN IMMEDIATE``), so no other writer runs between
    the read and the write. PostgreSQL lets two transactions run at once, and each would read
    the other's registration as not there yet: here a transaction that registers takes an
    advisory lock for the council first (released when it ends), and reads only once it has
    it, when any other registration of that council is committed and so seen. Other councils'
    writes, and this council's writes that register nothing, never wait for it.
    """
    if connection.dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"{REGISTRATIONS_LOCK} {council_id}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def _registrations(connection: Connection, council_id: str) -> dict[str, int]:
    """The record that registers each of the council's instances now, by full id, read under the lock."""
    _lock_registrations(connection, council_id)
    table = schema.RECORD_TABLES[RecordKind.INSTANCE.value]
    query = (
        sa.select(table.c.id, table.c.body_id, table.c.instance)
        .where(table.c.council_id == council_id, _not_superseded(table, None))
        .order_by(table.c.id)
    )
    return {f"{row.body_id}.{row.instance}": row.id for row in connection.execute(query)}


def _current_registration(connection: Connection, council_id: str, record_id: int) -> tuple[int, str] | None:
    """The registration that stands for stored registration ``record_id`` now, if it has been corrected.

    Its id and full id, found by following the corrections from ``record_id`` to one that no
    record corrects (the earliest correction, where a store written before that was refused
    holds two of one record); ``None`` if nothing corrects ``record_id``.
    """
    table = schema.RECORD_TABLES[RecordKind.INSTANCE.value]
    query = (
        sa.select(table.c.id, table.c.body_id, table.c.instance)
        .where(table.c.council_id == council_id, table.c.supersedes == sa.bindparam("corrected"))
        .order_by(table.c.id)
        .limit(1)
    )
    found: tuple[int, str] | None = None
    seen = {record_id}
    while (row := connection.execute(query, {"corrected": found[0] if found else record_id}).first()) is not None:
        if row.id in seen:  # a correction always names an earlier record, but never loop on a damaged store
            break
        seen.add(row.id)
        found = (row.id, f"{row.body_id}.{row.instance}")
    return found


def _stale_correction(connection: Connection, record: InstanceRecord, given: Set[int]) -> list[tuple[str, str]]:
    """The problem with ``record`` correcting a registration already corrected (none if it corrects the latest).

    ``given`` are the records written earlier in the same call: a correction among them is
    named as such, not by an id that a rollback would undo.
    """
    from engagekit.records.checks import already_corrected

    if record.supersedes is None:
        return []
    current = _current_registration(connection, record.council_id, record.supersedes)
    if current is None:
        return []
    corrected = f"instance record #{record.supersedes}"
    if current[0] in given:
        return [("supersedes", f"{corrected} is corrected twice in what was given; correct it once")]
    return [("supersedes", already_corrected(corrected, f"record {current[0]}", current[1]))]


@functools.cache
def _insert_returning_id(table: sa.Table) -> Any:
    """``INSERT INTO <table> ... RETURNING id``, built once per table."""
    return table.insert().returning(table.c.id)


def _reserve_ids(connection: Connection, table: sa.Table, count: int) -> list[int]:
    """``count`` new ids for ``table``, rising, for rows inserted with them by this transaction.

    PostgreSQL hands them out from the table's sequence, as an insert would, so other sessions
    never get the same. On SQLite the import holds the write lock from its first statement
    (``BEGIN IMMEDIATE``), so the ids after the largest one are this transaction's, and they are
    the ids SQLite itself would give.
    """
    if connection.dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        query = sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
        return sorted(connection.execute(query).scalars())
    largest = connection.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return list(range(largest + 1, largest + 1 + count))


# -- what the database's errors mean ------------------------------------------------------


def too_new(revision: str) -> str:
    """What a store written by a newer engagekit is told."""
    return f"this store was written by a newer engagekit (revision {revision}); upgrade engagekit"


def _postgresql_failure(store: str, state: str, detail: str, *, write: bool, busy_timeout_ms: int) -> StoreError:
    """A PostgreSQL error (by its SQLSTATE; none when the server never answered) as a StoreError."""
    if not state or state.startswith(("08", "28", "3D", "57P")):
        return StoreUnavailable(
            f"{store} is not answering or refused the connection ({detail}); check that the server is "
            "running, and the URL's host, port, user and database"
        )
    if state in ("25006", "42501"):
        return StoreReadOnly(
            f"{store} refused to be written ({detail}); reports can still read it, but to record or import "
            "use an account and a server that may write"
        )
    if state.startswith("53"):
        return StoreFull(f"{store}: the server is out of space or resources ({detail}); free some and try again")
    if state in ("55P03", "40P01", "40001", "57014"):
        return StoreBusy(
            f"{store} is busy: another session held a lock for longer than the busy timeout "
            f"({busy_timeout_ms:,} ms); try again when it has finished, or raise ENGAGEKIT_BUSY_TIMEOUT_MS"
        )
    if state.startswith("23"):
        return StoreIntegrityError(f"{store}: what was written breaks one of the store's rules ({detail})")
    if state.startswith("XX"):
        return StoreCorrupt(f"{store}: the server reports damaged data ({detail}); restore it from a backup")
    return StoreCorrupt(
        f"{store} cannot be used as an engagekit records store ({detail}); "
        "run 'engagekit db status' to see what it holds"
    )


def _first_line(error: BaseException | None) -> str:
    """The first line of an error's message (the database's own words), never empty."""
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0].strip() if text else type(error).__name__


def _writable(path: Path) -> bool:
    """Whether this process may write the file (if it exists) and its folder."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _disk_full(path: Path | None) -> bool:
    """Whether the disk holding ``path`` has (next to) no space left."""
    import shutil

    if path is None:
        return False
    try:
        return shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        return False


def _constraint(error: sa.exc.IntegrityError) -> str | None:
    """The name of the constraint an integrity error broke, when the database says which.

    PostgreSQL names it; SQLite names the columns of a unique constraint, which are looked up
    in :mod:`engagekit.records.schema`.
    """
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None)
    text = str(error.orig)
    prefix = "UNIQUE constraint failed: "
    if not text.startswith(prefix):
        return None
    named = [part.strip() for part in text[len(prefix) :].split(",")]
    tables = {part.split(".")[0] for part in named}
    if len(tables) != 1:
        return None
    table = schema.metadata.tables.get(tables.pop())
    columns = {part.split(".", 1)[-1] for part in named}
    if table is None:
        return None
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and {c.name for c in constraint.columns} == columns:
            return str(constraint.name)
    return None


def _revision(connection: Connection) -> str | None:
    """The store's schema revision in one query (``None`` for a database with no schema yet)."""
    if connection.dialect.name == "sqlite":
        try:
            return _version(connection)
        except sa.exc.OperationalError as error:
            if "no such table" in str(error.orig):
                return None
            raise
    try:
        with connection.begin_nested():
            return _version(connection)
    except sa.exc.ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) == "42P01":  # undefined_table
            return None
        raise


def _version(connection: Connection) -> str | None:
    revision: str | None = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return revision


def _tables(connection: Connection) -> set[str]:
    """The names of the store's tables."""
    return set(sa.inspect(connection).get_table_names())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(moment: dt.datetime) -> dt.datetime:
    """The same instant in UTC: SQLite keeps no zone, so every stored time is written in UTC."""
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _not_superseded(table: sa.Table, known_at: dt.datetime | None) -> Any:
    later = table.alias("later")
    correction = sa.select(later.c.id).where(later.c.supersedes == table.c.id)
    if known_at is not None:
        correction = correction.where(later.c.recorded_at <= utc(known_at))
    return ~sa.exists(correction)


def _values(record: Record, now: dt.datetime, import_id: int | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in attrs.fields(type(record)):
        if field.name in ("id", "recorded_at"):
            continue
        value = getattr(record, field.name)
        values[field.name] = value.value if isinstance(value, enum.Enum) else value
    values["recorded_at"] = utc(record.recorded_at or now)
    values["import_id"] = import_id
    return values


_ENUMS: dict[str, type[enum.Enum]] = {
    "status": ActionStatus,
    "event_kind": EventKind,
    "review_kind": ReviewKind,
}


def _record(kind: RecordKind, row: Mapping[Any, Any]) -> Record:
    from engagekit.model.engagement import ParticipationLevel

    cls: Any = RECORD_CLASSES[kind]
    fields: dict[str, Any] = {}
    for field in attrs.fields(cls):
        value = row.get(field.name)
        if value is not None and field.name in _ENUMS:
            value = _ENUMS[field.name](value)
        elif value is not None and field.name == "level":
            value = ParticipationLevel(value)
        elif value is not None and field.name == "councillor":
            value = bool(value)  # SQLite keeps a boolean as 0 or 1
        elif field.name == "recorded_at" and value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)  # SQLite keeps no zone; engagekit always writes UTC
        if value is not None or field.name in ("public", "agm"):
            fields[field.name] = bool(value) if field.name in ("public", "agm") else value
    return cls(**fields)  # type: ignore[no-any-return]
