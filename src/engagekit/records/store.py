"""The records store: SQLite by default, PostgreSQL by URL, with migrations applied on first use.

Writes are all or nothing. An import runs in one transaction: a bad row, a killed process or
a crash leaves the store as it was. SQLite runs in WAL mode with a busy timeout and takes its
write lock at the start of each transaction (``BEGIN IMMEDIATE``), so two processes writing
at once both succeed, one after the other, instead of failing with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from engagekit.model.council import Council
from engagekit.records import schema
from engagekit.records.checks import Vocabulary
from engagekit.records.fast import CsvTable, RowCompiler
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
from engagekit.records.rows import RowProblem, SourceRow, parse_row

RECORDED_IDS = (InstanceRecord, LocalAction)
"""Records that add ids later records may name: a registered instance, a local action."""

BATCH = 5_000
"""Rows inserted per statement during an import (memory stays flat however large the file)."""


class StoreError(RuntimeError):
    """The store cannot be opened or used (a bad URL, a server that does not answer, ...)."""


@attrs.frozen
class ImportProblem:
    """One bad row: its number in the file (the header is row 1), the column, and what is wrong."""

    row: int
    column: str
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = f"sheet {self.sheet!r}, row {self.row}" if self.sheet else f"row {self.row}"
        return f"{where}, {self.column}: {self.message}"


@attrs.frozen
class ImportResult:
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


@attrs.frozen
class StoreStatus:
    """Where the store is, its schema version, and how many records of each kind it holds."""

    url: str
    revision: str | None
    head: str
    counts: dict[str, int]

    @property
    def current(self) -> bool:
        return self.revision == self.head


class _Rollback(Exception):
    """Raised inside a transaction to undo it (a dry run, or bad rows)."""


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # engagekit issues BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and ``db status``."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def open_store(url: str | None = None, *, upgrade: bool = True, busy_timeout_ms: int | None = None) -> RecordStore:
    """Open the store at ``url`` (default: from settings), applying migrations unless told not to."""
    if url is None or busy_timeout_ms is None:
        from engagekit.settings import Settings

        settings = Settings()
        url = url or settings.store_url()
        busy_timeout_ms = settings.busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms
    store = RecordStore(url, busy_timeout_ms=busy_timeout_ms)
    if upgrade:
        store.upgrade()
    return store


class RecordStore:
    """Progress records for any number of councils, in one database."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError:
            raise StoreError(f"{url!r} is not a database URL (for example sqlite:///records.db)") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            self.engine = sa.create_engine(parsed)
        except (sa.exc.ArgumentError, ModuleNotFoundError) as error:
            raise StoreError(f"cannot use {redact(url)}: {error}") from None
        self.url = url
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine, busy_timeout_ms)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _connect(self) -> Any:
        try:
            return self.engine.begin()
        except sa.exc.OperationalError as error:
            raise StoreError(f"cannot open {redact(self.url)}: {error.orig}") from None

    # -- schema ---------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Bring the schema up to date, keeping every record (a no-op when it is current)."""
        with self._connect() as connection:
            if _quick_revision(connection) == schema.HEAD:
                return
            from engagekit.records.migrate import upgrade

            upgrade(connection)

    def status(self) -> StoreStatus:
        from engagekit.records.migrate import current_revision, head_revision

        with self._connect() as connection:
            revision = current_revision(connection)
            counts: dict[str, int] = {}
            if revision is not None:
                present = set(sa.inspect(connection).get_table_names())  # an old revision lacks later kinds
                for kind, table in schema.RECORD_TABLES.items():
                    if table.name in present:
                        counts[kind] = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        return StoreStatus(redact(self.url), revision, head_revision(), counts)

    # -- writing --------------------------------------------------------------------------

    def add(self, council: Council, records: Iterable[Record]) -> list[Record]:
        """Check and store records (all or none); return them with their ids and times."""
        stored: list[Record] = []
        now = _now()
        with self._connect() as connection:
            vocabulary = self._vocabulary(connection, council)
            for record in records:
                if record.council_id != council.id:
                    raise ValueError(f"a record for {record.council_id!r} cannot be added to {council.id!r}")
                problems = vocabulary.problems(record)
                if record.supersedes is not None and not self._exists(connection, record, record.supersedes):
                    problems.append(("supersedes", f"no {record.kind.value} record #{record.supersedes} to correct"))
                if problems:
                    raise RowProblem(problems)
                values = _values(record, now)
                table = schema.RECORD_TABLES[record.kind.value]
                new_id = connection.execute(table.insert().returning(table.c.id), values).scalar_one()
                stored.append(attrs.evolve(record, id=new_id, recorded_at=now))
                if isinstance(record, RECORDED_IDS):
                    vocabulary = vocabulary.with_recorded([record])
        return stored

    def _vocabulary(self, connection: Connection, council: Council) -> Vocabulary:
        """The council's ids and those its records add (registered instances, local actions)."""
        recorded: list[Record] = []
        for kind in (RecordKind.INSTANCE, RecordKind.LOCAL_ACTION):
            table = schema.RECORD_TABLES[kind.value]
            query = sa.select(table).where(table.c.council_id == council.id, _not_superseded(table, None))
            recorded += [_record(kind, dict(row)) for row in connection.execute(query).mappings()]
        return Vocabulary.of(council).with_recorded(recorded)

    def _exists(self, connection: Connection, record: Record, record_id: int) -> bool:
        table = schema.RECORD_TABLES[record.kind.value]
        query = sa.select(table.c.id).where(table.c.id == record_id, table.c.council_id == record.council_id)
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
    ) -> ImportResult:
        """Import rows all or nothing; the same file (by ``sha256``) a second time adds nothing.

        ``rows`` are mappings (or :class:`SourceRow` with their place in the file), or a
        :class:`CsvTable`, which takes the fast path (:mod:`engagekit.records.fast`).

        Rows are read once, in batches, so memory does not grow with the file. Every bad row
        is reported (up to ``max_problems``, then a count of the rest) and nothing is written.
        """
        now = _now()
        problems: list[ImportProblem] = []
        more = 0
        count = 0
        added = 0
        try:
            with self._connect() as connection:
                if self._already_imported(connection, council.id, sha256):
                    return ImportResult(rows=0, added=0, already_imported=True, dry_run=dry_run)
                vocabulary = self._vocabulary(connection, council)
                import_id = connection.execute(
                    schema.imports.insert().returning(schema.imports.c.id),
                    {
                        "council_id": council.id,
                        "source_name": source_name[-1000:],
                        "sha256": sha256,
                        "rows": 0,
                        "recorded_by": recorded_by,
                        "recorded_at": now,
                    },
                ).scalar_one()
                if isinstance(rows, CsvTable):
                    if rows.fast:
                        count, added, more = self._import_table(
                            connection,
                            rows,
                            council,
                            vocabulary,
                            import_id,
                            now,
                            recorded_by,
                            default_kind,
                            problems,
                            max_problems,
                            progress,
                        )
                        rows = []
                    else:
                        table_rows = rows
                        rows = (
                            SourceRow(n, dict(zip(table_rows.header, c, strict=False))) for n, c in table_rows.rows()
                        )
                batches: dict[str, list[dict[str, Any]]] = {kind: [] for kind in schema.RECORD_TABLES}
                file_ids: dict[tuple[str, int], int] = {}
                pending_links: list[tuple[int, str | None, str, int]] = []  # (row, sheet, kind, supersedes)

                def flush(kind: str) -> None:
                    nonlocal added
                    batch = batches[kind]
                    if not batch or problems:
                        batch.clear()
                        return
                    table = schema.RECORD_TABLES[kind]
                    if any("_file_id" in values for values in batch):
                        for values in batch:  # rows others may point at: insert one by one to learn ids
                            file_id = values.pop("_file_id", None)
                            new_id = connection.execute(table.insert().returning(table.c.id), values).scalar_one()
                            if file_id is not None:
                                file_ids[(kind, file_id)] = new_id
                    else:
                        connection.execute(table.insert(), batch)
                    added += len(batch)
                    batch.clear()

                for position, item in enumerate(rows, start=2):
                    row, number, sheet = (
                        (item.values, item.number, item.sheet)
                        if isinstance(item, SourceRow)
                        else (item, position, None)
                    )
                    count += 1
                    if progress and count % 1000 == 0:
                        progress(1000)
                    try:
                        record, file_id = parse_row(
                            row, council_id=council.id, recorded_by=recorded_by, default_kind=default_kind
                        )
                        found = vocabulary.problems(record)
                        if found:
                            raise RowProblem(found)
                        if isinstance(record, RECORDED_IDS):  # later rows may name what this one registers
                            vocabulary = vocabulary.with_recorded([record])
                    except RowProblem as bad:
                        for column, message in bad.problems:
                            if len(problems) < max_problems:
                                problems.append(ImportProblem(number, column, message, sheet))
                            else:
                                more += 1
                        continue
                    kind = record.kind.value
                    values = _values(record, now, import_id)
                    if record.supersedes is not None:
                        target = file_ids.get((kind, record.supersedes))
                        if target is None:
                            flush(kind)  # the corrected record may be earlier in this same batch
                            target = file_ids.get((kind, record.supersedes))
                        if target is not None:
                            values["supersedes"] = target
                        else:
                            pending_links.append((number, sheet, kind, record.supersedes))
                    if file_id is not None:
                        values["_file_id"] = file_id
                    batches[kind].append(values)
                    if len(batches[kind]) >= BATCH:
                        flush(kind)
                for kind in batches:
                    flush(kind)
                for number, sheet, kind, target in pending_links:
                    table = schema.RECORD_TABLES[kind]
                    query = sa.select(table.c.id).where(table.c.id == target, table.c.council_id == council.id)
                    if connection.execute(query).first() is None:
                        problems.append(
                            ImportProblem(number, "supersedes", f"no {kind} record #{target} to correct", sheet)
                        )
                if progress and count % 1000:
                    progress(count % 1000)
                if problems or dry_run:
                    raise _Rollback
                connection.execute(schema.imports.update().where(schema.imports.c.id == import_id).values(rows=count))
        except _Rollback:
            pass  # undone on purpose: a dry run, or rows with problems (reported below)
        except sa.exc.IntegrityError:
            # Another process imported the same file while this one was reading it.
            return ImportResult(rows=count, added=0, already_imported=True, dry_run=dry_run)
        return ImportResult(
            rows=count,
            added=0 if problems else added,
            dry_run=dry_run,
            problems=problems,
            more_problems=more,
        )

    def _import_table(
        self,
        connection: Connection,
        table: CsvTable,
        council: Council,
        vocabulary: Vocabulary,
        import_id: int,
        now: dt.datetime,
        recorded_by: str,
        default_kind: RecordKind | None,
        problems: list[ImportProblem],
        max_problems: int,
        progress: Callable[[int], None] | None,
    ) -> tuple[int, int, int]:
        """The fast path for a CSV file: compiled rows, written in batches; returns (rows, added, more)."""
        sqlite = self.engine.dialect.name == "sqlite"
        stamp: Any = utc(now).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc(now)
        compiler = RowCompiler(
            table.header,
            council_id=council.id,
            recorded_by=recorded_by,
            recorded_at=stamp,
            import_id=import_id,
            vocabulary=vocabulary,
            default_kind=default_kind,
            sqlite=sqlite,
        )
        batches: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in schema.RECORD_TABLES}
        cursor = connection.connection.cursor() if sqlite else None
        statements = {
            kind: f"INSERT INTO {schema.RECORD_TABLES[kind].name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
            for kind, (columns, _) in compiler.plans.items()
        }
        count = added = more = 0

        def write(kind: str) -> None:
            nonlocal added
            batch = batches[kind]
            if batch and not problems:
                if cursor is not None:
                    cursor.executemany(statements[kind], batch)
                else:
                    columns = compiler.plans[kind][0]
                    connection.execute(
                        schema.RECORD_TABLES[kind].insert(),
                        [dict(zip(columns, values, strict=True)) for values in batch],
                    )
                added += len(batch)
            batch.clear()

        for number, cells in table.rows():
            count += 1
            if progress and count % 1000 == 0:
                progress(1000)
            compiled = compiler.compile(cells)
            if compiled is None:
                record, found = compiler.fallback(cells)
                if record is None:
                    for column, message in found:
                        if len(problems) < max_problems:
                            problems.append(ImportProblem(number, column, message))
                        else:
                            more += 1
                    continue
                if not problems:  # a row only the general parser reads: write it the general way
                    connection.execute(
                        schema.RECORD_TABLES[record.kind.value].insert(), _values(record, now, import_id)
                    )
                    added += 1
                if isinstance(record, RECORDED_IDS):  # later rows may name what this one registers
                    compiler.learn(record)
                continue
            kind, values = compiled
            batch = batches[kind]
            batch.append(values)
            if len(batch) >= BATCH:
                write(kind)
        for kind in batches:
            write(kind)
        if cursor is not None:
            cursor.close()
        return count, added, more

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
    ) -> Iterator[Record]:
        """Records of a council in the order they were made (by kind, then id).

        Kinds come registrations first, so an export imports back in order: a forum is registered
        before its meetings, a local action agreed before its updates.
        """
        kinds = [kind] if kind else in_dependency_order()
        with self._connect() as connection:
            for each in kinds:
                table = schema.RECORD_TABLES[each.value]
                query = sa.select(table).where(table.c.council_id == council_id).order_by(table.c.id)
                if known_at is not None:
                    query = query.where(table.c.recorded_at <= utc(known_at))
                if not include_superseded:
                    query = query.where(_not_superseded(table, known_at))
                for row in connection.execute(query).mappings():
                    yield _record(each, row)

    def history(self, council_id: str, action_id: str) -> list[ActionUpdate]:
        """Every update of an action, corrections included, oldest first."""
        table = schema.action_updates
        query = (
            sa.select(table)
            .where(table.c.council_id == council_id, table.c.action_id == action_id)
            .order_by(table.c.date, table.c.id)
        )
        with self._connect() as connection:
            found = [_record(RecordKind.ACTION_UPDATE, row) for row in connection.execute(query).mappings()]
        return [record for record in found if isinstance(record, ActionUpdate)]

    def evidence(self, council: Council, known_at: dt.datetime | None = None) -> Any:
        """The records as evidence for the council's rules (see :mod:`engagekit.records.evidence`)."""
        from engagekit.records.evidence import StoreEvidence

        return StoreEvidence(self, council.id, known_at)


def _quick_revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    revision: str | None = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return revision


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


def _record(kind: RecordKind, row: Mapping[str, Any]) -> Record:
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
