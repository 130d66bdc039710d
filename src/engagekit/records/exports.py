"""Export files: a council's records as CSV, XLSX or JSON, each of which imports back.

An export round-trips: importing it into an empty store gives the same records, with their
original ``recorded_by`` and ``recorded_at``.

Each format is written as the records come (``stream_csv``, ``stream_json``, ``stream_xlsx``),
so an export of a million records holds one record at a time, not the store: CSV row by row,
JSON one object at a time in the same layout ``json.dumps(..., indent=2)`` gives, and XLSX with
XlsxWriter's constant-memory mode (rows go to a temporary file as they are written, strings
inline, no shared-strings table growing with the data). ``write_csv``, ``write_json`` and
``write_xlsx`` give a whole file for a list of records.

Spreadsheets stay data: every text cell of a CSV or XLSX passes through
:func:`engagekit.spreadsheet_cells.neutralise`, and XLSX cells are written as strings, never
formulas. Text an XLSX file cannot hold as it is (control characters, a carriage return) is
written with the escape Office Open XML defines for it (``_x0001_``, ``_x000D_``; a literal
``_x0041_`` in the text becomes ``_x005F_x0041_``), as Excel itself writes it, so old records
holding such text can still be exported.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, BinaryIO, TextIO

from engagekit.records.kinds import Record, RecordKind, in_dependency_order
from engagekit.records.rows import COMMON_COLUMNS, KIND_COLUMNS, record_to_row
from engagekit.spreadsheet_cells import neutralise

RecordsOfKind = Callable[[RecordKind], Iterable[Record]]
"""The records of one kind, in the order they were made (``lambda kind: store.records(c, kind)``)."""

XLSX_ROWS = 1_048_576
"""The most rows an XLSX sheet holds (the header included); more records of a kind go on to
further sheets, ``event 2``, ``event 3``..., each with a ``kind`` column, which imports read."""

XLSX_CELL_TEXT = 32_767
"""The most characters an XLSX cell holds."""


class ExportProblem(ValueError):
    """A record that the chosen format cannot hold (a text longer than an XLSX cell)."""


# -- columns --------------------------------------------------------------------------------


def columns_for(kinds: Iterable[RecordKind]) -> list[str]:
    """The columns an export of records of these kinds needs: the common ones, then each kind's."""
    present = set(kinds)
    if not present:
        return list(COMMON_COLUMNS)
    by_kind = [column for kind in RecordKind if kind in present for column in KIND_COLUMNS[kind]]
    return list(dict.fromkeys(COMMON_COLUMNS + by_kind))


def export_columns(records: list[Record]) -> list[str]:
    """The columns an export of these records needs."""
    return columns_for(record.kind for record in records)


def kinds_present(records_of: RecordsOfKind) -> set[RecordKind]:
    """The kinds that have at least one record, found by asking for the first of each kind,
    so a CSV's header can be written before its rows without reading the records twice."""
    found = set()
    for kind in RecordKind:
        records = iter(records_of(kind))
        try:
            if next(records, None) is not None:
                found.add(kind)
        finally:
            if isinstance(records, Iterator) and hasattr(records, "close"):
                records.close()  # a store's generator lets its connection go
    return found


# -- values ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A non-finite number (only an old store can hold one) as text, which any format can carry."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _data_row(record: Record) -> dict[str, Any]:
    """The record's values by column, for JSON: what it has, nothing neutralised."""
    return {key: _plain(value) for key, value in record_to_row(record).items() if value is not None}


# -- CSV ------------------------------------------------------------------------------------


def csv_writer(out: TextIO) -> Any:
    """A ``csv.writer`` whose rows end with a line feed and which quotes any cell holding a CR or LF.

    Python's writer quotes a cell only for the characters of its own line terminator, so with
    ``"\n"`` a cell holding a lone carriage return would be written bare and split the row when
    read. Rows are made with ``"\r\n"`` (so both are quoted) and written ending ``"\n"``.
    """
    return csv.writer(_LineFeedRows(out), lineterminator="\r\n")


class _LineFeedRows:
    """Takes the rows of a ``csv.writer`` (one ``write`` per row) and ends each with ``"\n"``."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, row: str) -> int:
        return self._out.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


def stream_csv(records: Iterable[Record], columns: list[str], out: TextIO) -> None:
    """Write a CSV header and a row per record to ``out`` (opened with ``newline=""``)."""
    writer = csv_writer(out)
    writer.writerow(columns)
    for record in records:
        row = record_to_row(record)
        writer.writerow([_csv_cell(row.get(column)) for column in columns])


def _csv_cell(value: Any) -> Any:
    return "" if value is None else neutralise(_plain(value))


def write_csv(records: Iterable[Record]) -> str:
    """A whole CSV export of ``records``."""
    rows = list(records)
    buffer = io.StringIO()
    stream_csv(rows, export_columns(rows), buffer)
    return buffer.getvalue()


# -- JSON -----------------------------------------------------------------------------------


def stream_json(records: Iterable[Record], out: TextIO) -> None:
    """Write ``{"schema_version": 1, "records": [...]}`` one record at a time, laid out exactly
    as ``json.dumps(document, indent=2, ensure_ascii=False)`` lays out the whole document."""
    out.write('{\n  "schema_version": 1,\n  "records": [')
    first = True
    for record in records:
        item = json.dumps(_data_row(record), indent=2, ensure_ascii=False, allow_nan=False)
        out.write(("\n    " if first else ",\n    ") + item.replace("\n", "\n    "))
        first = False
    out.write("]\n}\n" if first else "\n  ]\n}\n")


def write_json(records: Iterable[Record]) -> str:
    """A whole JSON export of ``records``."""
    buffer = io.StringIO()
    stream_json(records, buffer)
    return buffer.getvalue()


# -- XLSX -----------------------------------------------------------------------------------


def sheet_columns(kind: RecordKind, *, with_kind: bool = False) -> list[str]:
    """A kind's sheet's columns: the common ones (``kind`` only on a continuation sheet), then its own."""
    common = COMMON_COLUMNS if with_kind else [column for column in COMMON_COLUMNS if column != "kind"]
    return [*common, *KIND_COLUMNS[kind]]


def stream_xlsx(records_of: RecordsOfKind, out: BinaryIO | IO[bytes], *, sheet_rows: int = XLSX_ROWS) -> None:
    """One sheet per kind of record, named after the kind, each with its own columns, in the
    order registrations first, so the file imports back in order. Written in constant memory."""
    import shutil
    import tempfile

    import xlsxwriter  # type: ignore[import-untyped]  # ships no type information
    from xlsxwriter.exceptions import FileCreateError  # type: ignore[import-untyped]

    scratch = tempfile.mkdtemp(prefix="engagekit-xlsx-")  # XlsxWriter's row files, removed whatever happens
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": False,
        "tmpdir": scratch,
    }
    workbook = xlsxwriter.Workbook(_FailOnce(out), options)
    try:
        for kind in in_dependency_order():
            _write_kind(workbook, kind, records_of(kind), sheet_rows)
        workbook.close()
    except FileCreateError as error:  # XlsxWriter's wrapping of the OSError that writing raised
        cause = error.args[0] if error.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise OSError(str(error)) from None
    finally:
        _close_row_files(workbook)
        shutil.rmtree(scratch, ignore_errors=True)


def _close_row_files(workbook: Any) -> None:
    """Close the temporary row files of sheets an interrupted export never finished."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()


class _FailOnce:
    """A binary stream that, once an operation on it has failed, lets every later one pass.

    XlsxWriter leaves its zip file open when a write fails (a full disk); the zip file then
    tries to finish itself when it is collected, long after the error was reported, and would
    fail again (or meet the stream closed). After a failure, writes are counted, not made, so
    the zip file's sums of positions still add up. Until then everything goes to the stream.
    """

    def __init__(self, stream: BinaryIO | IO[bytes]) -> None:
        self._stream = stream
        self._failed = False
        self._position = 0

    def write(self, data: bytes) -> int:
        if self._failed:
            self._position += len(data)
            return len(data)
        try:
            written = self._stream.write(data)
        except (OSError, ValueError):
            self._failed = True
            raise
        self._position += written or 0
        return written

    def flush(self) -> None:
        if self._failed:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self._failed = True
            raise

    def tell(self) -> int:
        if self._failed:
            return self._position
        self._position = self._stream.tell()  # a pipe cannot: the zip file learns so, no failure
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._failed:
            self._position = offset if whence == 0 else self._position + offset
            return self._position
        try:
            self._position = self._stream.seek(offset, whence)  # seeking flushes: it may fail too
        except io.UnsupportedOperation:
            raise
        except (OSError, ValueError):
            self._failed = True
            raise
        return self._position

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _write_kind(workbook: Any, kind: RecordKind, records: Iterable[Record], sheet_rows: int) -> None:
    """The sheets of one kind: ``event``, then ``event 2``... when one sheet's rows run out."""
    sheet, columns, row_number, count = None, sheet_columns(kind), 0, 1
    for record in records:
        if sheet is None or row_number >= sheet_rows:
            sheet = workbook.add_worksheet(kind.value if count == 1 else f"{kind.value} {count}")
            columns = sheet_columns(kind, with_kind=count > 1)
            sheet.write_row(0, 0, columns)
            row_number, count = 1, count + 1
        row = record_to_row(record)
        for index, column in enumerate(columns):
            _xlsx_cell(sheet, row_number, index, row.get(column), record, column)
        row_number += 1
    if sheet is None:  # no record of the kind: its sheet with the header alone
        workbook.add_worksheet(kind.value).write_row(0, 0, columns)


def _xlsx_cell(sheet: Any, row: int, column: int, value: Any, record: Record, name: str) -> None:
    """A number as a number, anything else as a string cell (never a formula), neutralised."""
    if value is None:
        return
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        sheet.write_number(row, column, value)
        return
    text = neutralise(str(value))
    if len(text) > XLSX_CELL_TEXT:
        raise ExportProblem(
            f"{record.kind.value} record {record.id}: {name} holds {len(text):,} characters, more than "
            f"the {XLSX_CELL_TEXT:,} an XLSX cell can hold; export as CSV or JSON instead"
        )
    sheet.write_string(row, column, text)


def write_xlsx(records: Iterable[Record]) -> bytes:
    """A whole XLSX export of ``records``."""
    by_kind: dict[RecordKind, list[Record]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    buffer = io.BytesIO()
    stream_xlsx(lambda kind: by_kind.get(kind, []), buffer)
    return buffer.getvalue()


# -- to a stream --------------------------------------------------------------------------------

FORMATS = ("csv", "xlsx", "json")
"""The formats an export is written in."""


def export_writer(
    format_name: str, records_of: RecordsOfKind, every: Callable[[], Iterable[Record]]
) -> Callable[[BinaryIO], None]:
    """A function writing the export in ``format_name`` to a binary stream, reading the records as it goes.

    ``records_of`` gives one kind's records (for the XLSX sheets and the CSV header), ``every``
    all of them in export order (for CSV and JSON rows).
    """

    def write(stream: BinaryIO) -> None:
        if format_name == "xlsx":
            stream_xlsx(records_of, stream)
            return
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
        try:
            if format_name == "json":
                stream_json(every(), text)
            else:
                stream_csv(every(), columns_for(kinds_present(records_of)), text)
            text.flush()
        finally:
            with contextlib.suppress(ValueError):
                text.detach()  # the caller closes the stream itself

    if format_name not in FORMATS:
        raise ValueError(f"no export format {format_name!r}; formats: {', '.join(FORMATS)}")
    return write
