"""Stores that are broken, busy, full, read-only, newer or unreachable; integrity never guessed;
the command line's own hostile arguments and settings (the audit of December 2026).

Each case runs through the real command line (click's runner, or a real process where the
process's own arguments or exit matter) with ``ENGAGEKIT_DATABASE_URL`` set, on SQLite and,
where it applies, PostgreSQL. Each asserts the exit status, a message of one line that names
the store and says what is wrong (never a traceback), and that the store is unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from tests.import_files import write_rows
from tests.store_backends import postgresql_url, sqlite_url

from engagekit.cli import cli
from engagekit.model import Council
from engagekit.plugins import get_plugin_host
from engagekit.records import ActionStatus, ActionUpdate, RecordStore, open_store, schema
from engagekit.records.errors import StoreFull, StoreNotKept
from engagekit.records.files import csv_table, file_sha256

BUSY_MS = 30_000
DAY = dt.date(2024, 1, 1)
MOMENT = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
RECORD = ("record", "action", "-c", "basildon", "--action", "CN-4", "--status", "in-progress", "--percent", "40")
"""A command that writes one record."""
REPORT = ("report", "-c", "basildon", "-f", "json")
"""A command that only reads."""
ROOT = Path(__file__).resolve().parent.parent
EXIT = {
    "integrity": 2,
    "unavailable": 10,
    "corrupt": 11,
    "read-only": 12,
    "full": 13,
    "busy": 14,
    "too-new": 15,
    "not-kept": 16,
}


# -- helpers ------------------------------------------------------------------------------


def environment(folder: Path, url: str, **more: str) -> dict[str, str]:
    """ENGAGEKIT_* for a store at ``url``, with no config file and a data folder of the test's own."""
    return {
        "ENGAGEKIT_DATABASE_URL": url,
        "ENGAGEKIT_CONFIG": str(folder / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(folder / "data"),
        "ENGAGEKIT_RECORDED_BY": "tester",
        "ENGAGEKIT_TODAY": "2026-12-02",
        **more,
    }


def invoke(env: Mapping[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env))


def run(env: Mapping[str, str], *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    """``python -m engagekit ARGS`` in a real process (arguments may be bytes), with ``env`` as its ENGAGEKIT_*."""
    variables = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    variables.update(env)
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), variables.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args], capture_output=True, env=variables, timeout=120, check=False
    )


def refused(result: Result, status: str, *words: str) -> str:
    """The one line ``result`` printed, once it is known to be a refusal with the status of ``status``."""
    assert result.exit_code == EXIT[status], (result.exit_code, result.output, result.exception)
    return one_line(result.stderr, *words)


def one_line(stderr: str, *words: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    (line,) = lines
    assert line.startswith("engagekit: "), line
    for word in words:
        assert word in line, (word, line)
    return line


def counts(url: str) -> dict[str, int]:
    """How many records of each kind the store holds."""
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        return store.status().counts


def updates_csv(path: Path, count: int = 3, *, ids: bool = False) -> Path:
    """Action updates for Basildon, one a day from 2024-01-01 (with an ``id`` column, the file takes
    the general path)."""
    rows = [
        {"kind": "action-update", "date": (DAY + dt.timedelta(days=n)).isoformat(), "action": "CN-4"}
        | {"status": "in-progress"}
        | ({"id": n + 1} if ids else {})
        for n in range(count)
    ]
    columns = ["kind", "date", "action", "status"] + (["id"] if ids else [])
    return write_rows(path, columns, rows)


@pytest.fixture(scope="module")
def basildon() -> Council:
    return get_plugin_host(environ={}).council("basildon")


@pytest.fixture
def stocked(store_url: str, basildon: Council) -> str:
    """A store at ``store_url`` holding one record."""
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store:
        store.add(basildon, [update()])
    return store_url


def update(**fields: Any) -> ActionUpdate:
    fields.setdefault("date", dt.date(2023, 6, 1))
    return ActionUpdate(
        council_id="basildon", action_id="CN-1", status=ActionStatus.IN_PROGRESS, recorded_by="alice", **fields
    )


def sqlite_store(folder: Path, basildon: Council, name: str = "records.db") -> tuple[str, Path]:
    """A SQLite store in ``folder`` with one record, and its file (WAL and index files gone)."""
    url = sqlite_url(folder, name)
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        store.add(basildon, [update()])
    return url, folder / name


def import_csv(store: RecordStore, council: Council, path: Path, **options: Any) -> Any:
    """Import a CSV file through the Python API (for a test to step in while it runs)."""
    return store.import_rows(
        council, csv_table(path), source_name=str(path), sha256=file_sha256(path), recorded_by="t", **options
    )


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@contextlib.contextmanager
def mounted(folder: Path, size: str) -> Iterator[Path]:
    """A small tmpfs at ``folder`` (root only; the test is skipped where one cannot be mounted)."""
    folder.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {made.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Fill the filesystem holding ``folder`` to the last byte."""
    with (folder / "filler").open("wb", buffering=0) as filler:
        for size in (1 << 16, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"x" * size)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` cannot be written: immutable for root (who ignores modes), else mode 0444."""
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if made.returncode != 0:
            pytest.skip(f"cannot make a file immutable here: {made.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- files that are not stores ------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda path: path.write_bytes(os.urandom(8192)), id="random-bytes"),
        pytest.param(lambda path: path.write_text("kind,date\nnot a database\n"), id="text-file"),
        pytest.param(lambda path: path.mkdir(), id="folder"),
    ],
)
@pytest.mark.parametrize("command", [REPORT, RECORD, ("db", "status"), ("db", "upgrade")], ids=" ".join)
def test_a_file_that_is_not_a_store_is_corrupt_and_left_as_it_is(
    tmp_path: Path, make: Any, command: tuple[str, ...]
) -> None:
    path = tmp_path / "records.db"
    make(path)
    before = files_of(tmp_path)
    result = invoke(environment(tmp_path, sqlite_url(tmp_path)), *command)
    line = refused(result, "corrupt", str(path))
    assert "folder" in line if path.is_dir() else "not a database" in line
    assert files_of(tmp_path) == before


def test_a_folder_that_cannot_exist_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    url = sqlite_url(tmp_path / "a-file" / "inside")
    for command in (RECORD, REPORT):
        refused(invoke(environment(tmp_path, url), *command), "unavailable", "cannot make the store's folder")
    assert (tmp_path / "a-file").read_text() == "not a folder\n"


def test_a_postgresql_server_not_answering_is_unavailable_at_once(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test"
    for command in (REPORT, RECORD, ("db", "status")):
        started = time.monotonic()
        result = invoke(environment(tmp_path, url), *command)
        refused(result, "unavailable", "127.0.0.1", "not answering")
        assert time.monotonic() - started < 10


def test_a_password_in_the_url_is_never_shown(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres:sekrit@127.0.0.1:{closed_port()}/test"
    line = refused(invoke(environment(tmp_path, url), *REPORT), "unavailable")
    assert "sekrit" not in line
    assert "***" in line


# -- read-only stores ---------------------------------------------------------------------


def test_a_read_only_sqlite_file_is_reported_on_and_refuses_writes(tmp_path: Path, basildon: Council) -> None:
    url, path = sqlite_store(tmp_path, basildon)
    env = environment(tmp_path, url)
    with read_only(path):
        before = path.read_bytes()
        report = invoke(env, *REPORT)
        assert report.exit_code == 0, report.output
        status = invoke(env, "db", "status")
        assert status.exit_code == 0, status.output
        assert "action-update: 1" in status.stdout
        refused(invoke(env, *RECORD), "read-only", str(path), "read-only")
        refused(invoke(env, "import", str(updates_csv(tmp_path / "u.csv")), "-c", "basildon"), "read-only")
        assert path.read_bytes() == before
    assert counts(url)["action-update"] == 1


def test_a_store_in_a_read_only_folder_is_reported_on_and_refuses_writes(tmp_path: Path, basildon: Council) -> None:
    _, path = sqlite_store(tmp_path, basildon)
    with mounted(tmp_path / "ro", "1m") as folder:
        shutil.copy(path, folder / "records.db")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        env = environment(tmp_path, sqlite_url(folder))
        report = invoke(env, *REPORT)
        assert report.exit_code == 0, report.output
        status = invoke(env, "db", "status")
        assert status.exit_code == 0, status.output
        assert "action-update: 1" in status.stdout
        refused(invoke(env, *RECORD), "read-only", "read-only")
        assert (folder / "records.db").read_bytes() == path.read_bytes()


def test_a_postgresql_store_that_refuses_writes_is_reported_on(tmp_path: Path, basildon: Council) -> None:
    with postgresql_url() as url:
        with open_store(url, busy_timeout_ms=BUSY_MS) as store:
            store.add(basildon, [update()])
        read_only_url = url + "%20-cdefault_transaction_read_only%3Don"
        env = environment(tmp_path, read_only_url)
        report = invoke(env, *REPORT)
        assert report.exit_code == 0, report.output
        refused(invoke(env, *RECORD), "read-only", "refused to be written")
        assert counts(url)["action-update"] == 1


# -- full stores --------------------------------------------------------------------------


def test_a_full_disk_still_reports_and_refuses_writes_leaving_the_store(tmp_path: Path, basildon: Council) -> None:
    _, path = sqlite_store(tmp_path, basildon)
    with mounted(tmp_path / "full", "512k") as folder:
        shutil.copy(path, folder / "records.db")
        fill(folder)
        env = environment(tmp_path, sqlite_url(folder))
        report = invoke(env, *REPORT)
        assert report.exit_code == 0, report.output
        status = invoke(env, "db", "status")
        assert status.exit_code == 0, status.output
        refused(invoke(env, *RECORD), "full", "full")
        refused(invoke(env, "import", str(updates_csv(tmp_path / "u.csv", 500)), "-c", "basildon"), "full")
        (folder / "filler").unlink()
        assert counts(sqlite_url(folder))["action-update"] == 1


def test_a_database_at_its_page_limit_is_full_and_keeps_what_it_had(tmp_path: Path, basildon: Council) -> None:
    url, _ = sqlite_store(tmp_path, basildon)
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:

        @sa.event.listens_for(store.engine, "connect")
        def _limit(dbapi_connection: Any, _: Any) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        store.engine.dispose()  # new connections, each with the limit
        with pytest.raises(StoreFull, match="full"):
            import_csv(store, basildon, updates_csv(tmp_path / "many.csv", 3000))
    assert counts(url)["action-update"] == 1


# -- busy stores --------------------------------------------------------------------------


@contextlib.contextmanager
def held_write(url: str) -> Iterator[None]:
    """Another connection holds a write transaction (an uncommitted import row) until the block ends."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            connection.commit()
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.execute(
            schema.imports.insert(),
            {
                "council_id": "basildon",
                "source_name": "a long import",
                "sha256": "0" * 64,
                "rows": 0,
                "recorded_by": "someone else",
                "recorded_at": MOMENT,
            },
        )
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE imports IN EXCLUSIVE MODE")
            connection.exec_driver_sql("LOCK TABLE action_updates IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            connection.rollback()
    engine.dispose()


def test_a_report_during_a_long_write_finishes_at_once(stocked: str, tmp_path: Path) -> None:
    env = environment(tmp_path, stocked, ENGAGEKIT_BUSY_TIMEOUT_MS="60000")
    with held_write(stocked):
        started = time.monotonic()
        report = invoke(env, *REPORT)
        status = invoke(env, "db", "status")
        export = invoke(env, "export", "-c", "basildon", "-o", str(tmp_path / "out.csv"))
        elapsed = time.monotonic() - started
    assert report.exit_code == 0, report.output
    assert status.exit_code == 0, status.output
    assert export.exit_code == 0, export.output
    assert elapsed < 20  # the writer holds its lock for the busy timeout's 60 s, and nothing waited for it


def test_a_write_held_up_beyond_the_busy_timeout_is_busy(stocked: str, tmp_path: Path) -> None:
    env = environment(tmp_path, stocked, ENGAGEKIT_BUSY_TIMEOUT_MS="300")
    path = updates_csv(tmp_path / "u.csv")
    with held_write(stocked):
        refused(invoke(env, *RECORD), "busy", "busy", "300 ms", "ENGAGEKIT_BUSY_TIMEOUT_MS")
        refused(invoke(env, "import", str(path), "-c", "basildon"), "busy")
    assert counts(stocked)["action-update"] == 1


def test_a_report_in_another_process_is_not_held_up_by_an_import(tmp_path: Path, basildon: Council) -> None:
    """Two real processes on SQLite: a report while another process holds the write lock."""
    url, path = sqlite_store(tmp_path, basildon)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            'c.execute("INSERT INTO imports (council_id, source_name, sha256, rows, recorded_by, recorded_at) '
            "VALUES ('basildon', 'x', 'y', 0, 'z', '2026-12-02 09:00:00')\")\n"
            "print('locked', flush=True)\n"
            "time.sleep(120)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        result = run(environment(tmp_path, url, ENGAGEKIT_BUSY_TIMEOUT_MS="120000"), *REPORT)
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


# -- a newer schema -----------------------------------------------------------------------


def test_a_store_from_a_newer_engagekit_is_refused_by_every_command_and_left(stocked: str, tmp_path: Path) -> None:
    engine = sa.create_engine(stocked)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999_future'")
    engine.dispose()
    env = environment(tmp_path, stocked)
    message = "engagekit: this store was written by a newer engagekit (revision 0999_future); upgrade engagekit"
    for command in (("db", "status"), ("db", "upgrade"), REPORT, RECORD, ("export", "-c", "basildon")):
        assert refused(invoke(env, *command), "too-new") == message
    engine = sa.create_engine(stocked)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0999_future"
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.action_updates)).scalar() == 1
    engine.dispose()


def test_the_known_revisions_are_the_migrations() -> None:
    from engagekit.records import migrate

    assert list(schema.REVISIONS) == migrate.revisions()
    assert migrate.head_revision() == schema.HEAD


# -- integrity is never guessed -----------------------------------------------------------


def unique_dates(url: str) -> None:
    """A rule of the store's own beyond engagekit's checks: one update per action per day."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE UNIQUE INDEX ux_one_a_day ON action_updates (council_id, action_id, date)")
    engine.dispose()


@pytest.mark.parametrize("path_taken", ["fast", "general"])
def test_a_row_the_store_refuses_is_named_exit_2_and_nothing_is_written(
    stocked: str, tmp_path: Path, path_taken: str
) -> None:
    """More rows than one batch, the last repeating the first's day: the store's own rule refuses it."""
    unique_dates(stocked)
    path = updates_csv(tmp_path / "u.csv", 7000, ids=path_taken == "general")
    with path.open("a", encoding="utf-8") as stream:  # row 7002 repeats the day of row 2
        stream.write("action-update,2024-01-01,CN-4,in-progress" + (",9999" if path_taken == "general" else "") + "\n")
    before = counts(stocked)
    line = refused(invoke(environment(tmp_path, stocked), "import", str(path), "-c", "basildon"), "integrity")
    assert line.startswith(f"engagekit: {path}: row 7002: the store refused this row (")
    assert line.endswith("nothing was imported")
    assert counts(stocked) == before
    again = invoke(environment(tmp_path, stocked), "import", str(path), "-c", "basildon", "--dry-run")
    assert again.exit_code == 2  # not taken for a file imported before


def test_the_refused_row_is_the_one_named(stocked: str, tmp_path: Path) -> None:
    unique_dates(stocked)
    rows = [
        {"kind": "action-update", "date": day, "action": "CN-4", "status": "in-progress"}
        for day in ("2024-04-01", "2024-04-02", "2024-04-03", "2024-04-02", "2024-04-05")
    ]
    path = write_rows(tmp_path / "u.csv", ["kind", "date", "action", "status"], rows)
    line = refused(invoke(environment(tmp_path, stocked), "import", str(path), "-c", "basildon"), "integrity")
    assert f"{path}: row 5: the store refused this row" in line
    assert counts(stocked)["action-update"] == 1


def test_a_file_imported_before_is_known_by_its_content_alone(stocked: str, tmp_path: Path) -> None:
    env = environment(tmp_path, stocked)
    first = updates_csv(tmp_path / "one.csv")
    assert invoke(env, "import", str(first), "-c", "basildon").exit_code == 0
    copy = tmp_path / "copy.csv"
    shutil.copy(first, copy)
    again = invoke(env, "import", str(copy), "-c", "basildon")
    assert again.exit_code == 0
    assert again.stdout == f"{copy}: already imported for Basildon Borough Council; nothing added.\n"
    assert counts(stocked)["action-update"] == 4


def test_a_correction_of_a_record_that_does_not_exist_is_a_row_problem(stocked: str, tmp_path: Path) -> None:
    rows = [{"kind": "action-update", "id": 1, "date": "2024-04-01", "action": "CN-4", "status": "completed"}]
    rows.append(rows[0] | {"id": 2, "supersedes": 777})
    path = write_rows(tmp_path / "c.csv", ["kind", "id", "date", "action", "status", "supersedes"], rows)
    result = invoke(environment(tmp_path, stocked), "import", str(path), "-c", "basildon")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: row 3, supersedes: no action-update record #777 to correct",
        f"{path}: nothing imported: 1 problem in 2 rows.",
    ]
    assert counts(stocked)["action-update"] == 1


def test_a_store_file_replaced_during_an_import_keeps_nothing(tmp_path: Path, basildon: Council) -> None:
    url, path = sqlite_store(tmp_path, basildon)
    replacement = tmp_path / "replacement.db"
    shutil.copy(path, replacement)
    source = updates_csv(tmp_path / "u.csv", 2500)

    def replace(_: int) -> None:
        if replacement.exists():
            replacement.replace(path)

    with open_store(url, busy_timeout_ms=BUSY_MS) as store, pytest.raises(StoreNotKept) as caught:
        store.import_rows(
            basildon,
            csv_table(source),
            source_name=str(source),
            sha256=file_sha256(source),
            recorded_by="t",
            progress=replace,
        )
    assert str(caught.value) == f"{url} was deleted or replaced during the import; nothing was imported"
    assert counts(url)["action-update"] == 1


def test_a_store_file_deleted_during_an_import_keeps_nothing(tmp_path: Path, basildon: Council) -> None:
    url, path = sqlite_store(tmp_path, basildon)
    source = updates_csv(tmp_path / "u.csv", 20)

    def delete(_: int) -> None:
        for each in tmp_path.glob("records.db*"):
            each.unlink()

    with open_store(url, busy_timeout_ms=BUSY_MS) as store, pytest.raises(StoreNotKept, match="deleted or replaced"):
        store.import_rows(
            basildon,
            csv_table(source),
            source_name=str(source),
            sha256=file_sha256(source),
            recorded_by="t",
            progress=delete,
        )
    assert not path.exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:kept?mode=memory&uri=true"])
def test_a_store_in_memory_is_refused_for_writing_and_may_be_read(tmp_path: Path, url: str) -> None:
    env = environment(tmp_path, url)
    for command in (RECORD, ("import", str(updates_csv(tmp_path / "u.csv")), "-c", "basildon"), ("db", "upgrade")):
        refused(invoke(env, *command), "not-kept", "in memory", "nothing would be kept")
    assert invoke(env, *REPORT).exit_code == 0
    assert list(tmp_path.glob("*.db")) == []


# -- the command line's own arguments and settings ----------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("report", "-c", "bathnes", "--council", "thurrock"),
        ("report", "-c", "basildon", "-c", "basildon"),
        ("show", "--council", "bathnes", "--council", "thurrock"),
        ("record", "action", "-c", "basildon", "--action", "CN-4", "--status", "done", "--council", "bathnes"),
        ("history", "CN-1", "-c", "basildon", "-c", "bathnes"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_single_valued_option_given_twice_is_an_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    url = sqlite_url(tmp_path)
    result = invoke(environment(tmp_path, url), *args)
    assert result.exit_code == 2
    assert result.stderr == "engagekit: --council given twice; give it once\n"
    assert result.stdout == ""
    assert not (tmp_path / "records.db").exists()


def test_any_option_given_twice_is_named(tmp_path: Path) -> None:
    result = invoke(environment(tmp_path, sqlite_url(tmp_path)), "report", "-c", "basildon", "-f", "json", "-f", "md")
    assert result.stderr == "engagekit: --format given twice; give it once\n"
    result = invoke(environment(tmp_path, sqlite_url(tmp_path)), "db", "status", "--help", "--help")
    assert result.exit_code == 0  # asking for help twice is still asking for help


def test_options_that_take_many_values_may_be_repeated(tmp_path: Path) -> None:
    import click

    from engagekit.cli import check_arguments

    @click.command()
    @click.option("--tag", multiple=True)
    @click.option("-v", "--verbose", count=True)
    def tagged(tag: tuple[str, ...], verbose: int) -> None:
        """A command whose options may repeat."""

    with click.Context(cli) as context:
        check_arguments(context, tagged, ["--tag", "a", "--tag", "b", "-vv"])


@pytest.mark.parametrize("option", ["--note", "--by", "--action"])
def test_an_argument_that_is_not_utf8_is_named(tmp_path: Path, option: str) -> None:
    url = sqlite_url(tmp_path)
    args: list[str | bytes] = list(RECORD)
    args += [option.encode(), b"caf\xe9 \xff"] if option != "--action" else []
    if option == "--action":
        args[args.index("CN-4")] = b"CN-\xff"
    result = run(environment(tmp_path, url), *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode() == f"engagekit: {option} holds bytes that are not UTF-8\n"
    assert result.stdout == b""
    assert not (tmp_path / "records.db").exists()


def test_a_file_name_that_is_not_utf8_is_read_and_shown(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    source = updates_csv(tmp_path / "u.csv")
    name = os.fsencode(tmp_path) + b"/upd\xe9tes.csv"
    source.rename(os.fsdecode(name))
    result = run(environment(tmp_path, url), b"import", name, b"-c", b"basildon")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert (
        result.stdout.decode()
        == f"{tmp_path}/upd\\xe9tes.csv: 3 rows checked; added 3 records for Basildon Borough Council.\n"
    )
    missing = run(environment(tmp_path, url), b"import", os.fsencode(tmp_path) + b"/n\xffne.csv", b"-c", b"basildon")
    assert missing.returncode == 2
    assert b"Traceback" not in missing.stderr


def test_a_config_file_that_is_not_toml_names_the_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('recorded_by = "me"\nbusy_timeout_ms = \n', encoding="utf-8")
    env = environment(tmp_path, sqlite_url(tmp_path)) | {"ENGAGEKIT_CONFIG": str(config)}
    for command in (RECORD, REPORT, ("db", "status")):
        result = invoke(env, *command)
        assert result.exit_code == 2
        one_line(result.stderr, str(config), "not valid TOML", "line 2")
    assert not (tmp_path / "records.db").exists()


def test_a_bad_setting_names_its_variable(tmp_path: Path) -> None:
    env = environment(tmp_path, sqlite_url(tmp_path), ENGAGEKIT_BUSY_TIMEOUT_MS="abc")
    for command in (RECORD, REPORT, ("db", "status")):
        result = invoke(env, *command)
        assert result.exit_code == 2
        assert result.stderr == "engagekit: ENGAGEKIT_BUSY_TIMEOUT_MS='abc': is not a whole number\n"
    negative = invoke(env | {"ENGAGEKIT_BUSY_TIMEOUT_MS": "-5"}, *RECORD)
    assert negative.stderr == "engagekit: ENGAGEKIT_BUSY_TIMEOUT_MS='-5': must be at least 0\n"


def test_a_bad_setting_in_the_config_file_names_the_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('busy_timeout_ms = "soon"\n', encoding="utf-8")
    env = environment(tmp_path, sqlite_url(tmp_path)) | {"ENGAGEKIT_CONFIG": str(config)}
    result = invoke(env, *RECORD)
    assert result.exit_code == 2
    assert result.stderr == f"engagekit: {config}: busy_timeout_ms = 'soon': is not a whole number\n"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("0001-01-01", "--as-of: 0001-01-01 is outside the dates engagekit keeps (1900-01-01 to 2199-12-31)"),
        ("2023-02-29", "--as-of: 2023-02-29 does not exist: February 2023 has 28 days"),
        ("20240102", "--as-of: '20240102' is not a date written YYYY-MM-DD (for example 2026-03-31)"),
        ("2024-W01-3", "--as-of: '2024-W01-3' is not a date written YYYY-MM-DD (for example 2026-03-31)"),
    ],
)
def test_as_of_is_read_strictly(tmp_path: Path, given: str, said: str) -> None:
    result = invoke(environment(tmp_path, sqlite_url(tmp_path)), "report", "-c", "basildon", "--as-of", given)
    assert result.exit_code == 2
    assert result.stderr == f"engagekit: {said}\n"


def test_engagekit_today_is_read_strictly(tmp_path: Path) -> None:
    env = environment(tmp_path, sqlite_url(tmp_path), ENGAGEKIT_TODAY="2199-12-32")
    result = invoke(env, "report", "-c", "basildon")
    assert result.exit_code == 2
    one_line(result.stderr, "ENGAGEKIT_TODAY", "2199-12-32")


# -- the error boundary holds for the Python API too ----------------------------------------


def test_records_read_from_a_store_that_fails_meanwhile_raise_a_store_error(tmp_path: Path, basildon: Council) -> None:
    from engagekit.records.errors import StoreError

    url, path = sqlite_store(tmp_path, basildon)
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        store.engine.dispose()
        path.write_bytes(os.urandom(4096))
        for each in tmp_path.glob("records.db-*"):
            each.unlink()
        with pytest.raises(StoreError, match="not a database"):
            list(store.records("basildon"))


def test_sqlite_errors_are_read_by_name(tmp_path: Path) -> None:
    """The fast path's raw sqlite3 errors are translated like SQLAlchemy's."""
    from engagekit.records.errors import StoreBusy, StoreIntegrityError
    from engagekit.records.store import RecordStore

    store = RecordStore(sqlite_url(tmp_path))
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY"
    assert isinstance(store.failure(busy), StoreBusy)
    broken = sqlite3.IntegrityError("NOT NULL constraint failed: events.date")
    broken.sqlite_errorname = "SQLITE_CONSTRAINT_NOTNULL"
    assert isinstance(store.failure(broken), StoreIntegrityError)
    store.close()


def test_a_thread_holding_a_read_does_not_block_a_writer(tmp_path: Path, basildon: Council) -> None:
    """Reads take no lock: a writer with no busy timeout at all goes ahead while records are being read."""
    url, _ = sqlite_store(tmp_path, basildon)
    with open_store(url, busy_timeout_ms=BUSY_MS) as reader, open_store(url, busy_timeout_ms=0) as writer:
        reading = iter(reader.records("basildon"))
        assert isinstance(reading, Generator)
        next(reading)  # a read transaction is open
        done = threading.Event()

        def write() -> None:
            writer.add(basildon, [update(date=DAY)])
            done.set()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(10)
        assert done.is_set()
        reading.close()
    assert counts(url)["action-update"] == 2


@pytest.mark.parametrize("url", ["not a url", "mysql://someone@somewhere/records", "nosuchdb://x/y"])
def test_a_url_engagekit_cannot_use_is_a_setting_to_correct(tmp_path: Path, url: str) -> None:
    for command in (REPORT, RECORD, ("db", "status")):
        result = invoke(environment(tmp_path, url), *command)
        assert result.exit_code == 2
        one_line(result.stderr, "URL" if url == "not a url" else "cannot use")


def test_the_consultation_index_is_partial_on_each_backend(store_url: str) -> None:
    """schema.py declares only SQLite's condition (PostgreSQL's would load its dialects at every
    start); the migration makes the index partial on both."""
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store, store.engine.connect() as connection:
        if store.engine.dialect.name == "sqlite":
            query = "SELECT sql FROM sqlite_master WHERE name = 'ix_events_consultations'"
        else:
            query = (
                "SELECT indexdef FROM pg_indexes "
                "WHERE indexname = 'ix_events_consultations' AND schemaname = current_schema()"
            )
        definition = connection.exec_driver_sql(query).scalar()
    assert definition is not None
    assert "WHERE" in definition.upper()
    assert "consultation" in definition
