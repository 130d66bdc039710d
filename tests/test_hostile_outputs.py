"""Hostile output paths, spreadsheets that stay data, and exports in bounded memory (issue 9).

Each case of the audit's "Output paths" section (``../shared/audits/2026-12-hostile-inputs.md``)
and the formula cases of its "Data silently lost" section, through the real command line:
click's CliRunner where the process does not matter, a real process where it does (a
terminal, a signal, a closed pipe). The export cases run on SQLite and PostgreSQL (the
``store_url`` fixture).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import pty
import signal
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result
from tests.store_backends import backend_url, comparable

import engagekit
from engagekit.cli import cli
from engagekit.cli.app import UsageProblem
from engagekit.cli.output import write_output
from engagekit.records import EngagementEvent, EventKind, open_store
from engagekit.records.exports import (
    XLSX_CELL_TEXT,
    ExportProblem,
    stream_xlsx,
    write_csv,
    write_json,
    write_xlsx,
)
from engagekit.records.kinds import Record, RecordKind
from engagekit.report import council_report
from engagekit.report.tables import (
    render_actions_csv,
    render_decidim_results,
    render_findings_csv,
    render_xlsx,
    xlsx_text,
)
from engagekit.spreadsheet_cells import RISKY_STARTS

openpyxl = pytest.importorskip("openpyxl")

COUNCIL = "thurrock"
BUSY_MS = 30_000
HYPERLINK = '=HYPERLINK("http://x","click")'
FERNBRIDGE = Path(__file__).resolve().parent.parent / "examples" / "fernbridge" / "fernbridge.yaml"
NULL_DEVICE = (1, 3)
FULL_DEVICE = (1, 7)

HOSTILE_TEXT = [
    "=1+2",
    "+44 1375 652 652",
    "-a note that starts with a minus",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "'quoted by an apostrophe",
    "'=already escaped once",
    "-3",
    "-3 people",
    "line one\nline two\r\nline three",
    "n" * 20_000,
    "emoji 😀🏳️‍🌈 and more",
    "שלום עולם، مرحبا بالعالم",
    "a literal _x0041_ is not an escape",
    HYPERLINK,
]
"""Text that a spreadsheet would run, or that a format may mangle, each kept as a record's note
(and, where it fits a title, its title)."""


# -- helpers ------------------------------------------------------------------------------


def environment(folder: Path, url: str) -> dict[str, str]:
    """ENGAGEKIT_* variables for a store at ``url``: nothing of the user's is read or written."""
    return {
        "ENGAGEKIT_DATABASE_URL": url,
        "ENGAGEKIT_CONFIG": str(folder / "no-config.toml"),
        "ENGAGEKIT_DATA_DIR": str(folder / "data"),
        "ENGAGEKIT_RECORDED_BY": "tester",
    }


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    return environment(tmp_path, store_url)


@pytest.fixture
def plain_env(tmp_path: Path) -> dict[str, str]:
    """No store: for the commands (report, schema) whose output path is what is tested."""
    return environment(tmp_path, f"sqlite:///{tmp_path / 'records.db'}")


def invoke(env: Mapping[str, str], *args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=dict(env), input=input)


def process_env(env: Mapping[str, str]) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEKIT_")}
    environment.update(env)
    return environment


def run(env: Mapping[str, str], *args: str, **options: Any) -> subprocess.CompletedProcess[bytes]:
    """``python -m engagekit ARGS`` in a real process."""
    options.setdefault("capture_output", True)
    return subprocess.run(
        [sys.executable, "-m", "engagekit", *args], env=process_env(env), timeout=120, check=False, **options
    )


def assert_one_line_error(code: int, stderr: str, *fragments: str, status: int = 2) -> None:
    assert code == status, stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("engagekit: "), stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, stderr


def leftovers(folder: Path) -> list[str]:
    """Temporary files an output left in ``folder``."""
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".") and path.name.endswith(".tmp"))


def record_hostile(env: Mapping[str, str]) -> None:
    """An event whose title is a live formula, recorded through the command line."""
    result = invoke(
        env, "record", "event", "-c", COUNCIL, "--kind", "event", "--title", HYPERLINK, "--date", "2026-01-02"
    )
    assert result.exit_code == 0, result.output


def export_bytes(env: Mapping[str, str], format_name: str) -> bytes:
    result = invoke(env, "export", "-c", COUNCIL, "-f", format_name)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def mknod(path: Path, device: tuple[int, int]) -> Path:
    """A character device like /dev/null or /dev/full at ``path``; the test is skipped where that is not allowed."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(*device))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here ({error.strerror}): mknod needs root or CAP_MKNOD")
    return path


@attrs.frozen
class Fifo:
    path: Path
    received: list[bytes]
    reader: threading.Thread


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Fifo]:
    """A FIFO with a thread reading everything written into it."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    received: list[bytes] = []

    def read() -> None:
        with path.open("rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    yield Fifo(path, received, reader)
    if reader.is_alive():  # nothing opened it for writing: let the reader go
        with path.open("wb"):
            pass
    reader.join(5)


# -- output paths: devices, FIFOs, symlinks, standard output --------------------------------


@pytest.mark.parametrize("format_name", ["csv", "json", "xlsx"])
def test_an_export_to_a_copy_of_dev_null_writes_into_it_and_leaves_the_device(
    env: dict[str, str], tmp_path: Path, format_name: str
) -> None:
    record_hostile(env)
    node = mknod(tmp_path / "null", NULL_DEVICE)
    result = invoke(env, "export", "-c", COUNCIL, "-f", format_name, "-o", str(node))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(node.stat().st_mode)
    assert (os.major(node.stat().st_rdev), os.minor(node.stat().st_rdev)) == NULL_DEVICE
    assert leftovers(tmp_path) == []


def test_a_report_to_a_copy_of_dev_null_leaves_the_device(plain_env: dict[str, str], tmp_path: Path) -> None:
    node = mknod(tmp_path / "null", NULL_DEVICE)
    result = invoke(plain_env, "report", "-c", "basildon", "--no-records", "-f", "html", "-o", str(node))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(node.stat().st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("format_name", ["csv", "xlsx"])
def test_an_export_to_a_full_device_is_one_line_naming_it(
    env: dict[str, str], tmp_path: Path, format_name: str
) -> None:
    record_hostile(env)
    node = mknod(tmp_path / "full", FULL_DEVICE)
    result = invoke(env, "export", "-c", COUNCIL, "-f", format_name, "-o", str(node))
    assert_one_line_error(result.exit_code, result.stderr, f"{node}: cannot write: No space left on device")
    assert stat.S_ISCHR(node.stat().st_mode)
    assert leftovers(tmp_path) == []


def test_standard_output_on_a_full_device_is_one_line(plain_env: dict[str, str]) -> None:
    with Path("/dev/full").open("wb") as full:
        result = run(plain_env, "schema", stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert_one_line_error(result.returncode, result.stderr.decode(), "standard output: cannot write")


@pytest.mark.parametrize("format_name", ["csv", "json", "xlsx"])
def test_an_export_into_a_fifo_is_written_through_it(env: dict[str, str], fifo: Fifo, format_name: str) -> None:
    record_hostile(env)
    result = invoke(env, "export", "-c", COUNCIL, "-f", format_name, "-o", str(fifo.path))
    assert result.exit_code == 0, result.output
    fifo.reader.join(10)
    assert stat.S_ISFIFO(fifo.path.stat().st_mode)
    [received] = fifo.received
    assert content_of(received, format_name) == content_of(export_bytes(env, format_name), format_name)


def content_of(data: bytes, format_name: str) -> Any:
    """What an export holds, apart from an XLSX file's own creation time."""
    if format_name != "xlsx":
        return data
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheets = {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}
    workbook.close()
    return sheets


def test_a_report_into_a_fifo_is_written_through_it(plain_env: dict[str, str], fifo: Fifo) -> None:
    result = invoke(plain_env, "report", "-c", "basildon", "--no-records", "-f", "json", "-o", str(fifo.path))
    assert result.exit_code == 0, result.output
    fifo.reader.join(10)
    assert stat.S_ISFIFO(fifo.path.stat().st_mode)
    assert json.loads(fifo.received[0])["council"]["id"] == "basildon"


def test_an_export_through_a_symlink_writes_its_target_and_keeps_the_link(env: dict[str, str], tmp_path: Path) -> None:
    record_hostile(env)
    (tmp_path / "published").mkdir()
    target = tmp_path / "published" / "records.csv"
    target.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(Path("published") / "records.csv")  # relative, as links usually are
    second = tmp_path / "again.csv"
    second.symlink_to(link)  # a link to a link: the final target is written
    for path in (link, second):
        result = invoke(env, "export", "-c", COUNCIL, "-o", str(path))
        assert result.exit_code == 0, result.output
        assert path.is_symlink()
    assert target.read_bytes() == export_bytes(env, "csv")
    assert leftovers(tmp_path) == []
    assert leftovers(target.parent) == []


def test_a_dangling_symlink_creates_its_target(plain_env: dict[str, str], tmp_path: Path) -> None:
    link = tmp_path / "schema.json"
    link.symlink_to("made-later.json")
    result = invoke(plain_env, "schema", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads((tmp_path / "made-later.json").read_text())["$schema"]


def test_dash_is_standard_output_not_a_file_named_dash(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_hostile(env)
    monkeypatch.chdir(tmp_path)
    for args in (["export", "-c", COUNCIL, "-o", "-"], ["export", "-c", COUNCIL, "-f", "json", "-o", "-"]):
        result = invoke(env, *args)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(("kind,", "{"))
    result = invoke(env, "report", "-c", COUNCIL, "-o", "-")
    assert result.exit_code == 0, result.output
    assert "Thurrock" in result.stdout
    assert not (tmp_path / "-").exists()


# -- output paths: modes, owners, read-only folders --------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_umask_not_0600(plain_env: dict[str, str], tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        result = invoke(plain_env, "schema", "-o", str(tmp_path / "schema.json"))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "schema.json").stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o604, 0o640])
def test_an_existing_file_keeps_its_mode(env: dict[str, str], tmp_path: Path, mode: int) -> None:
    record_hostile(env)
    path = tmp_path / "records.csv"
    path.write_text("old\n")
    path.chmod(mode)
    result = invoke(env, "export", "-c", COUNCIL, "-o", str(path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_bytes() == export_bytes(env, "csv")


def test_an_existing_file_keeps_its_owner_and_group(plain_env: dict[str, str], tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another owner needs root")
    path = tmp_path / "schema.json"
    path.write_text("{}")
    os.chown(path, 65534, 65534)
    result = invoke(plain_env, "schema", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)
    assert len(path.read_text()) > 2


def test_a_file_the_user_may_not_write_is_refused_not_replaced(plain_env: dict[str, str], tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write any file")
    path = tmp_path / "schema.json"
    path.write_text("{}")
    path.chmod(0o444)
    result = invoke(plain_env, "schema", "-o", str(path))
    assert_one_line_error(result.exit_code, result.stderr, f"{path}: cannot write: Permission denied")
    assert path.read_text() == "{}"


@pytest.fixture
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder in which no file can be made, holding a file that may be written."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "schema.json").write_text("old")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    locked = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if locked.returncode != 0:
        pytest.skip(f"cannot make an unwritable folder as root (chattr +i: {locked.stderr.decode().strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def test_a_writable_file_in_an_unwritable_folder_is_rewritten_in_place(
    plain_env: dict[str, str], unwritable_folder: Path
) -> None:
    path = unwritable_folder / "schema.json"
    result = invoke(plain_env, "schema", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text())["$schema"]
    assert result.stderr == f"engagekit: note: {path}: its folder cannot be written to, so it was rewritten in place\n"
    assert sorted(p.name for p in unwritable_folder.iterdir()) == ["schema.json"]


def test_a_new_file_in_an_unwritable_folder_is_one_line(plain_env: dict[str, str], unwritable_folder: Path) -> None:
    path = unwritable_folder / "new.json"
    result = invoke(plain_env, "schema", "-o", str(path))
    assert_one_line_error(result.exit_code, result.stderr, f"{path}: cannot write there")
    assert not path.exists()


def test_a_folder_that_does_not_exist_is_one_line(plain_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "schema.json"
    result = invoke(plain_env, "schema", "-o", str(path))
    assert_one_line_error(result.exit_code, result.stderr, f"{path}: cannot write there: No such file or directory")


# -- output paths: nothing left behind ------------------------------------------------------


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit, RuntimeError])
def test_an_interrupted_write_leaves_no_temporary_file_and_the_old_file(
    tmp_path: Path, stop: type[BaseException]
) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old\n")

    def writer(stream: Any) -> None:
        stream.write(b"half of it")
        raise stop()

    with pytest.raises(stop):
        write_output(writer, path)
    assert path.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The handler for SIGTERM is in place only while the file is written, then put back."""
    path, started = tmp_path / "out.csv", tmp_path / "started"
    path.write_text("old\n")
    program = f"""
import signal, sys, time
from pathlib import Path
from engagekit.cli.output import write_output

def writer(stream):
    stream.write(b"x" * 100_000)
    Path({str(started)!r}).touch()
    time.sleep(60)

before = signal.getsignal(signal.SIGTERM)
write_output(writer, Path({str(path)!r}))
"""
    process = subprocess.Popen([sys.executable, "-c", program], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert started.exists(), process.stderr.read() if process.stderr else ""
    assert len(leftovers(tmp_path)) == 1  # the temporary file is there while it is written
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in stderr
    assert leftovers(tmp_path) == []
    assert path.read_text() == "old\n"


def test_the_sigterm_handler_is_put_back_after_a_write(tmp_path: Path) -> None:
    def mine(number: int, frame: Any) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        write_output("text\n", tmp_path / "out.txt")
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    """``engagekit export | head``: the export stops when the reader goes, with no traceback."""
    program = """
from engagekit.cli.output import write_output
write_output((f"row {n}\\n" for n in range(10_000_000)), None)
"""
    producer = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None
    producer.stdout.read(100)
    producer.stdout.close()
    _, stderr = producer.communicate(timeout=60)
    assert producer.returncode == 128 + signal.SIGPIPE
    assert stderr == b""


# -- binary formats and terminals -------------------------------------------------------------


def run_on_terminal(env: Mapping[str, str], *args: str) -> tuple[int, str, bytes]:
    """Run with standard output on a pseudo-terminal: exit status, standard error, what the terminal got."""
    main, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "engagekit", *args], stdout=terminal, stderr=subprocess.PIPE, env=process_env(env)
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        _, stderr = process.communicate(timeout=120)
    finally:
        os.close(main)
    return process.returncode, stderr.decode(), shown


def test_an_xlsx_export_is_refused_on_a_terminal(env: dict[str, str]) -> None:
    record_hostile(env)
    code, stderr, shown = run_on_terminal(env, "export", "-c", COUNCIL, "-f", "xlsx")
    assert_one_line_error(code, stderr, "XLSX is a binary format: give --output FILE.xlsx or redirect the output")
    assert shown == b""


@pytest.mark.parametrize(("format_name", "name"), [("xlsx", "XLSX"), ("docx", "DOCX")])
def test_a_binary_report_is_refused_on_a_terminal(plain_env: dict[str, str], format_name: str, name: str) -> None:
    code, stderr, shown = run_on_terminal(plain_env, "report", "-c", "basildon", "--no-records", "-f", format_name)
    assert_one_line_error(code, stderr, f"{name} is a binary format: give --output FILE.{format_name}")
    assert shown == b""


def test_a_text_report_still_goes_to_a_terminal(plain_env: dict[str, str]) -> None:
    code, stderr, shown = run_on_terminal(plain_env, "report", "-c", "basildon", "--no-records")
    assert code == 0, stderr
    assert b"Basildon" in shown


@pytest.mark.parametrize("format_name", ["xlsx", "docx"])
def test_a_binary_report_can_be_piped(plain_env: dict[str, str], format_name: str) -> None:
    result = run(plain_env, "report", "-c", "basildon", "--no-records", "-f", format_name)
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(io.BytesIO(result.stdout)).testzip() is None


def test_an_xlsx_export_can_be_piped_and_imports_back(env: dict[str, str], tmp_path: Path) -> None:
    record_hostile(env)
    result = run(env, "export", "-c", COUNCIL, "-f", "xlsx")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "piped.xlsx"
    path.write_bytes(result.stdout)
    workbook = openpyxl.load_workbook(path, read_only=True)
    titles = [row[7] for row in workbook["event"].iter_rows(min_row=2, values_only=True)]
    workbook.close()
    assert titles == ["'" + HYPERLINK]


# -- spreadsheets that stay data --------------------------------------------------------------


def test_a_formula_title_is_exported_to_xlsx_as_a_string_and_imports_back(
    env: dict[str, str], tmp_path: Path, store_url: str
) -> None:
    """The audit: the cell was a formula, and re-importing gave an empty title."""
    record_hostile(env)
    path = tmp_path / "t.xlsx"
    result = invoke(env, "export", "-c", COUNCIL, "-o", str(path))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path)["event"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("title") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + HYPERLINK
    with backend_url(store_url.split(":")[0].split("+")[0], tmp_path, "fresh.db") as fresh_url:
        fresh = environment(tmp_path, fresh_url)
        result = invoke(fresh, "import", str(path), "-c", COUNCIL)
        assert result.exit_code == 0, result.output
        with open_store(fresh_url, busy_timeout_ms=BUSY_MS) as store:
            [event] = [record for record in store.records(COUNCIL) if isinstance(record, EngagementEvent)]
    assert event.title == HYPERLINK


def risky_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: starting with = + - @ tab or CR, other than a plain negative number."""
    found = []
    for row in rows:
        for cell in row:
            if cell.startswith(RISKY_STARTS) and not _is_negative_number(cell):
                found.append(cell)
    return found


def _is_negative_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.startswith("-") and cell[1:].replace(".", "", 1).isdigit()


def hostile_events() -> list[Record]:
    """An event per hostile text: as its note, and as its title where it fits one line."""
    return [
        EngagementEvent(
            council_id=COUNCIL,
            event_kind=EventKind.EVENT,
            date=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            title=text if "\n" not in text and "\t" not in text and "\r" not in text and len(text) < 500 else None,
            note=text,
            recorded_by=text[:200] if text.startswith(("=", "@", "+")) else "tester",
        )
        for n, text in enumerate(HOSTILE_TEXT)
    ]


def test_the_records_csv_export_runs_no_cell_as_a_formula(env: dict[str, str], store_url: str) -> None:
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store:
        store.add(engagekit.get_plugin_host(environ={}).council(COUNCIL), hostile_events())
    text = export_bytes(env, "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert risky_cells(rows) == []
    notes = [row[3] for row in rows[1:]]
    assert notes[:4] == ["'=1+2", "'+44 1375 652 652", "'-a note that starts with a minus", "'@SUM(A1:A9)"]
    assert notes[4:10] == [
        "'\tstarts with a tab",
        "'\rstarts with a carriage return",
        "''quoted by an apostrophe",
        "''=already escaped once",
        "-3",
        "'-3 people",
    ]


def test_the_records_xlsx_export_holds_strings_never_formulas(
    env: dict[str, str], store_url: str, tmp_path: Path
) -> None:
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store:
        store.add(engagekit.get_plugin_host(environ={}).council(COUNCIL), hostile_events())
    path = tmp_path / "records.xlsx"
    path.write_bytes(export_bytes(env, "xlsx"))
    sheet = openpyxl.load_workbook(path)["event"]
    kinds = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "f" not in kinds
    assert kinds <= {"s", "n"}
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert risky_cells([values]) == []


@pytest.fixture(scope="module")
def hostile_report() -> Any:
    """Basildon's report with a risky start on every kind of text the CSV outputs carry."""
    host = engagekit.get_plugin_host(environ={})
    report = council_report(host.council("basildon"), dt.date(2026, 3, 1), host=host)
    findings = [
        attrs.evolve(finding, message=start + finding.message, subject=start + finding.subject)
        for finding, start in zip(report.findings, RISKY_STARTS * len(report.findings), strict=False)
    ]
    return attrs.evolve(report, council_id="=HYPERLINK(1)", findings=findings)


@pytest.mark.parametrize("render", [render_actions_csv, render_findings_csv, render_decidim_results])
def test_every_report_csv_runs_no_cell_as_a_formula(hostile_report: Any, render: Any) -> None:
    rows = list(csv.reader(io.StringIO(render(hostile_report), newline="")))
    assert len(rows) > 1
    assert risky_cells(rows) == []


def test_the_findings_csv_keeps_each_risky_start_behind_an_apostrophe(hostile_report: Any) -> None:
    rows = list(csv.DictReader(io.StringIO(render_findings_csv(hostile_report), newline="")))
    starts = {row["message"][:2] for row in rows}
    assert starts >= {"'" + start for start in RISKY_STARTS}


def test_the_report_csvs_from_a_definition_with_formula_text_stay_data(
    plain_env: dict[str, str], tmp_path: Path
) -> None:
    """Through the command line: a definition whose plan holds text a spreadsheet would run."""
    text = FERNBRIDGE.read_text(encoding="utf-8")
    hostile = {
        '"Agree the site of the second community hub with the Valley Cluster."': '"=HYPERLINK(\\"http://x\\",\\"hub\\")"',
        '"Open the second community hub."': '"+Open the second community hub."',
        '"Plan hubs for the two remaining towns."': '"@Plan hubs"',
        'name: "Places"': 'name: "-Places"',
    }
    for old, new in hostile.items():
        assert old in text
        text = text.replace(old, new)
    definition = tmp_path / "fernbridge.yaml"
    definition.write_text(text, encoding="utf-8")
    for format_name in ("actions-csv", "findings-csv", "decidim-csv"):
        result = invoke(plain_env, "report", "--definition", str(definition), "--no-records", "-f", format_name)
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        assert risky_cells(rows) == [], format_name
    actions = invoke(plain_env, "report", "--definition", str(definition), "--no-records", "-f", "actions-csv")
    assert '\'=HYPERLINK(""http://x"",""hub"")' in actions.stdout


def test_the_report_xlsx_is_neutralised_with_the_same_function(hostile_report: Any) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(hostile_report)))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "f" not in {cell.data_type for cell in cells}
    assert risky_cells([[str(cell.value) for cell in cells if cell.data_type == "s"]]) == []
    assert workbook["actions"]["A2"].value == "'=HYPERLINK(1)"


def test_the_report_xlsx_holds_control_characters_escaped(hostile_report: Any) -> None:
    report = attrs.evolve(hostile_report, council_id="bell\x07 and _x0041_ and\rreturn")
    cell = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["actions"]["A2"]
    assert cell.value == "bell_x0007_ and _x005F_x0041_ and_x000D_return"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a\x01b", "a_x0001_b"),
        ("a\rb", "a_x000D_b"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("_x0041_", "_x005F_x0041_"),
        ("_x00_", "_x00_"),
        ("=1", "'=1"),
        ("\x00", "_x0000_"),
    ],
)
def test_xlsx_text_uses_the_office_open_xml_escape(text: str, escaped: str) -> None:
    assert xlsx_text(text) == escaped


def test_records_with_control_characters_can_still_be_exported_to_xlsx() -> None:
    """An old store may hold text XLSX cannot hold as it is; the export escapes it as Excel does."""
    event = EngagementEvent(
        id=1,
        council_id=COUNCIL,
        event_kind=EventKind.EVENT,
        date=dt.date(2026, 1, 1),
        note="bell\x07, escape\x1b[2J, null\x00 and a literal _x0041_",
        recorded_by="tester",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([event])), read_only=True)
    [row] = list(workbook["event"].iter_rows(min_row=2, values_only=True))
    workbook.close()
    assert row[2] == "bell_x0007_, escape_x001B_[2J, null_x0000_ and a literal _x005F_x0041_"


def test_a_text_longer_than_an_xlsx_cell_is_refused_naming_the_record() -> None:
    event = EngagementEvent(
        id=7,
        council_id=COUNCIL,
        event_kind=EventKind.EVENT,
        date=dt.date(2026, 1, 1),
        note="n" * (XLSX_CELL_TEXT + 1),
        recorded_by="tester",
    )
    with pytest.raises(ExportProblem, match=r"^event record 7: note holds 32,768 characters, more than the 32,767"):
        write_xlsx([event])


def test_more_records_of_a_kind_than_a_sheet_holds_go_on_to_further_sheets(tmp_path: Path) -> None:
    events = [
        EngagementEvent(
            id=n, council_id=COUNCIL, event_kind=EventKind.EVENT, date=dt.date(2026, 1, 1), recorded_by="tester"
        )
        for n in range(1, 8)
    ]
    buffer = io.BytesIO()
    stream_xlsx(lambda kind: events if kind is RecordKind.EVENT else [], buffer, sheet_rows=3)
    workbook = openpyxl.load_workbook(buffer, read_only=True)
    names = [name for name in workbook.sheetnames if name.startswith("event")]
    rows = {name: list(workbook[name].iter_rows(values_only=True)) for name in names}
    workbook.close()
    assert names == ["event", "event 2", "event 3", "event 4"]
    assert rows["event"][0][0] == "id"
    assert rows["event 2"][0][0] == "kind"
    assert [row[0] for row in rows["event 2"][1:]] == ["event", "event"]
    assert [len(rows[name]) - 1 for name in names] == [2, 2, 2, 1]


# -- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", ["csv", "xlsx", "json"])
def test_hostile_text_round_trips_through_every_export_format(
    env: dict[str, str], store_url: str, tmp_path: Path, format_name: str
) -> None:
    """Export, then import into an empty store: exactly the same records."""
    council = engagekit.get_plugin_host(environ={}).council(COUNCIL)
    with open_store(store_url, busy_timeout_ms=BUSY_MS) as store:
        store.add(council, hostile_events())
        original = list(store.records(COUNCIL))
    path = tmp_path / f"export.{format_name}"
    result = invoke(env, "export", "-c", COUNCIL, "-o", str(path))
    assert result.exit_code == 0, result.output
    backend = "postgresql" if store_url.startswith("postgresql") else "sqlite"
    with backend_url(backend, tmp_path, "fresh.db") as fresh_url:
        result = invoke(environment(tmp_path, fresh_url), "import", str(path), "-c", COUNCIL)
        assert result.exit_code == 0, result.output
        with open_store(fresh_url, busy_timeout_ms=BUSY_MS) as fresh:
            copied = list(fresh.records(COUNCIL))
    assert len(copied) == len(original)
    found = differences(comparable(original), comparable(copied))
    assert found == [], "\n".join(repr(each)[:300] for each in found)
    assert comparable(copied) == comparable(original)


def differences(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[tuple[int, str, Any, Any]]:
    """Each (record, field, value before, value after) that differs, for a readable failure."""
    return [
        (n, field, old.get(field), new.get(field))
        for n, (old, new) in enumerate(zip(before, after, strict=True))
        for field in sorted(set(old) | set(new))
        if old.get(field) != new.get(field)
    ]


def test_the_streamed_json_is_laid_out_as_before() -> None:
    events = hostile_events()
    events = [attrs.evolve(event, id=n) for n, event in enumerate(events, start=1)]
    rows = json.loads(write_json(events))["records"]
    assert write_json(events) == json.dumps({"schema_version": 1, "records": rows}, indent=2, ensure_ascii=False) + "\n"
    assert write_json([]) == json.dumps({"schema_version": 1, "records": []}, indent=2) + "\n"


def test_a_non_finite_reading_from_an_old_store_is_exported_as_text() -> None:
    """SQLite stored ``inf`` before readings were checked; the JSON stays JSON, the XLSX opens."""
    from engagekit.records import IndicatorReading

    reading = IndicatorReading(
        id=1, council_id="basildon", indicator_id="x", value=float("inf"), date=dt.date(2024, 1, 1), recorded_by="t"
    )
    assert json.loads(write_json([reading]))["records"][0]["value"] == "inf"
    assert "inf" in write_csv([reading])
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([reading])), read_only=True)
    values = list(workbook["indicator-reading"].iter_rows(min_row=2, values_only=True))
    workbook.close()
    assert "inf" in values[0]


# -- bounded memory ----------------------------------------------------------------------------


def many_events(count: int) -> list[Record]:
    return [
        EngagementEvent(
            council_id=COUNCIL,
            event_kind=EventKind.EVENT,
            date=dt.date(2020, 1, 1) + dt.timedelta(days=n % 2000),
            title=f"Event {n}",
            note=f"a note of its own, number {n}",
            attendance=n % 300,
            recorded_by="tester",
        )
        for n in range(count)
    ]


def traced_peak(call: Any) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


SMALL, LARGE = 200, 800
"""The sizes of the two stores whose exports' peak memory is compared."""

FLAT = 1.3
"""How much more peak memory an export of four times the records may take: far less than 4x
(what is left is noise from caches and the allocator, tens of kilobytes)."""


@pytest.fixture(scope="module")
def sized_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """SQLite stores of SMALL and LARGE events, made once for the memory tests."""
    council = engagekit.get_plugin_host(environ={}).council(COUNCIL)
    folder = tmp_path_factory.mktemp("sized")
    urls = {}
    for count in (SMALL, LARGE):
        urls[count] = f"sqlite:///{folder / f'{count}.db'}"
        with open_store(urls[count], busy_timeout_ms=BUSY_MS) as store:
            store.add(council, many_events(count))
    return urls


@pytest.mark.parametrize("format_name", ["csv", "json", "xlsx"])
def test_an_export_holds_one_record_at_a_time(sized_stores: dict[int, str], tmp_path: Path, format_name: str) -> None:
    """Peak Python memory of an export of N and of 4N records (SQLite) is flat, not four times.

    On PostgreSQL the store's query must stream too (a server-side cursor); that is the store's part.
    """
    peaks = {}
    for count, url in [(SMALL, sized_stores[SMALL]), *sized_stores.items()]:  # the first run warms the caches
        target = tmp_path / f"{count}.{format_name}"
        peaks[count] = export_peak(url, format_name, target)
        assert target.stat().st_size > count * 40
    assert peaks[LARGE] < peaks[SMALL] * FLAT, peaks


def export_peak(url: str, format_name: str, target: Path) -> int:
    """Peak traced memory of exporting the store at ``url`` to ``target`` as the command does."""
    from engagekit.records.exports import export_writer

    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        writer = export_writer(format_name, functools.partial(store.records, COUNCIL), lambda: store.records(COUNCIL))
        return traced_peak(lambda: write_output(writer, target, binary="xlsx"))


def test_the_memory_test_would_see_an_export_that_holds_every_record(sized_stores: dict[int, str]) -> None:
    """The same measure over the whole-file writers, which hold every record: it grows."""
    peaks = {}
    for count, url in [(SMALL, sized_stores[SMALL]), *sized_stores.items()]:
        with open_store(url, busy_timeout_ms=BUSY_MS) as store:
            peaks[count] = traced_peak(lambda: write_json(list(store.records(COUNCIL))))
    assert peaks[LARGE] > peaks[SMALL] * 2, peaks


def test_usage_problem_is_what_a_terminal_refusal_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, for the function the commands call before reading any record."""
    from engagekit.cli.output import refuse_binary_terminal

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    with pytest.raises(UsageProblem, match="XLSX is a binary format"):
        refuse_binary_terminal(None, "xlsx")
    refuse_binary_terminal(Path("out.xlsx"), "xlsx")  # a file is fine
