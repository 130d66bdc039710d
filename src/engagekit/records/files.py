"""Import files: CSV, XLSX, engagekit's JSON exports and Decidim's accountability results CSV
(read by :mod:`engagekit.records.decidim`).

Readers stream rows one at a time, so a file of a million rows is read in bounded memory, and
each is a boundary for untrusted input: whatever a file holds, a reader yields rows or raises
:class:`FileProblem` with one line naming the file, the row (and sheet) and what is wrong.

- CSV: UTF-8; no cell over :data:`~engagekit.records.fast.CSV_FIELD_LIMIT` characters, no row
  over :data:`~engagekit.records.fast.CSV_ROW_LIMIT`; quotes closed; at most
  :data:`~engagekit.records.fast.MAX_COLUMNS` columns, each named once.
- XLSX: a zip whose parts expand to at most :data:`XLSX_MAX_UNCOMPRESSED` bytes, none more
  than :data:`XLSX_MAX_RATIO` times its compressed size (a zip bomb is refused before it is
  read); XML entities refused (parsed with ``defusedxml``, as openpyxl does); every row read
  whatever the sheet's ``<dimension>`` says, and let go of once read (:func:`_detached_rows`),
  so a sheet's rows take no more memory at a million than at one; a formula with no saved
  value, or an error value, is a problem on its cell.
- JSON: ``{"schema_version": 1, "records": [...]}`` read one record at a time; a key twice in
  a record, nesting, and numbers too long to be a value are refused.

Text cells of CSV and XLSX files go through :func:`engagekit.spreadsheet_cells.restore`, the
inverse of what engagekit's exports do to keep spreadsheet cells data. Exports are written by
:mod:`engagekit.records.exports`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

from engagekit.model.council import Council
from engagekit.records import cells
from engagekit.records.fast import CSV_ROW_LIMIT, MAX_COLUMNS, CsvTable, csv_cells
from engagekit.records.kinds import RecordKind
from engagekit.records.rows import ALL_COLUMNS, BadCell, SourceRow
from engagekit.records.rows import FileProblem as FileProblem  # raised by the readers here
from engagekit.spreadsheet_cells import restore

NAMED_UNKNOWN = 5
"""A message about unknown columns names this many, then counts the rest."""


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks: the same file imported twice is recognised."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_decidim(columns: Iterable[str]) -> bool:
    """Whether a header is a Decidim accountability results file's (see :mod:`engagekit.records.decidim`)."""
    from engagekit.records.decidim import is_results_header

    return is_results_header(columns)


# -- CSV ----------------------------------------------------------------------------------


def csv_header(path: Path) -> list[str]:
    """The first row of a CSV file, its column names (checked by :func:`check_columns` for records)."""
    header = next(csv_cells(path), None)
    if header is None or not any(name.strip() for name in header[1]):
        raise FileProblem(f"{path}: the file is empty; it needs a header row")
    return [name.strip() for name in header[1]]


def read_csv(path: Path) -> Iterator[SourceRow]:
    """Rows of a CSV file, each with its row number (the header is row 1); blank rows are left out."""
    header = csv_header(path)
    check_columns(path, header)
    rows = csv_cells(path)
    next(rows, None)
    for number, cells_ in rows:
        if not cells_:
            continue
        if len(cells_) > len(header):
            raise FileProblem(f"{path}: row {number} has {len(cells_)} cells for {len(header)} columns")
        yield SourceRow(number, dict(zip(header, cells_, strict=False)))


def csv_table(path: Path) -> CsvTable:
    """A CSV file for the fast import path, once its header is checked."""
    header = csv_header(path)
    check_columns(path, header)
    return CsvTable(path, header)


def check_columns(where: Path | str, header: list[str]) -> None:
    """Refuse a header engagekit cannot read: too many columns, one named twice, unknown names.

    A header of a million unknown names gives a short message: the first few, and a count.
    """
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"{where}: the header has {len(header):,} columns; engagekit reads at most {MAX_COLUMNS:,}")
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen:
            raise FileProblem(
                f"{where}: column {name!r} appears twice in the header (columns {seen[name]} and {position}); keep one"
            )
        seen[name] = position
    if is_decidim(header):
        return
    unknown = [name for name in header if name not in ALL_COLUMNS]
    if unknown:
        named = ", ".join(repr(name[:60]) for name in unknown[:NAMED_UNKNOWN])
        more = f" and {len(unknown) - NAMED_UNKNOWN:,} more" if len(unknown) > NAMED_UNKNOWN else ""
        raise FileProblem(
            f"{where}: unknown column{'s' if len(unknown) > 1 else ''} {named}{more} "
            f"(columns engagekit reads: {', '.join(ALL_COLUMNS)})"
        )


# -- XLSX ---------------------------------------------------------------------------------

XLSX_MAX_UNCOMPRESSED = 4 * 1024**3
"""The most bytes an XLSX workbook's parts may expand to (a million typical records take about 0.7 GB)."""

XLSX_MAX_RATIO = 500
"""The most a part may expand over its compressed size: Excel's own files expand 5-20 times,
and an export of identical long notes about 300; a zip bomb, about 1,000."""

XLSX_RATIO_FROM = 10 * 1024**2
"""Parts smaller than this expand as they like (small parts compress unevenly)."""

XLSX_MAX_ROWS = 1_048_576
"""The most rows a sheet has in Excel; a row numbered past it is not a spreadsheet's."""

_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
"""The compression methods Excel and LibreOffice write."""


def check_xlsx(path: Path) -> None:
    """Refuse a file that is not a zip, or whose parts would expand past the bounds, before reading any of it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise FileProblem(f"{path}: not an XLSX workbook (it is not a zip file)") from None
    total = 0
    for part in parts:
        if part.compress_type not in _COMPRESSIONS:
            raise FileProblem(f"{path}: part {part.filename!r} is compressed in a way spreadsheets do not write")
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO:
            raise FileProblem(
                f"{path}: part {part.filename!r} expands {ratio:,.0f} times (to {part.file_size:,} bytes); "
                f"engagekit reads parts that expand at most {XLSX_MAX_RATIO} times"
            )
    if total > XLSX_MAX_UNCOMPRESSED:
        raise FileProblem(
            f"{path}: the workbook expands to {total:,} bytes; engagekit reads at most {XLSX_MAX_UNCOMPRESSED:,}"
        )


def read_xlsx(path: Path) -> Iterator[SourceRow]:
    """Rows of every sheet; a sheet named after a kind (``event``, ...) gives rows that kind.

    A sheet's header is its first row with a value; each later row keeps its number in the
    sheet. Rows are read from the sheet itself, not from its ``<dimension>`` (which other
    programs may leave stale).
    """
    from openpyxl import load_workbook

    check_xlsx(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on malformed parts; each means the same here
        raise FileProblem(f"{path}: not a readable XLSX workbook ({_reason(error)})") from None
    kinds = {kind.value for kind in RecordKind}
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # never trust a stale <dimension>
            yield from _sheet_rows(path, workbook, sheet, sheet.title if sheet.title in kinds else None)
    finally:
        workbook.close()


def _reason(error: BaseException) -> str:
    """A library's complaint as one short line."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


class _Uncalculated:
    """The value of a formula cell the file holds no saved result for."""


UNCALCULATED = _Uncalculated()

_ParsedRow = tuple[int, list[dict[str, Any]]]
"""A row as openpyxl's ``WorkSheetParser.parse_row`` gives it: its number and its cells."""


def _parser(workbook: Any, sheet: Any) -> Any:
    """openpyxl's streaming sheet parser, telling a formula with no saved value from an empty
    cell, and reading a sheet in memory that does not grow with its rows.

    openpyxl in read-only mode gives both as ``None``; an import must not take the first as a
    blank cell. Rows are parsed by openpyxl's own ``parse_row`` and ``parse_cell`` (the ones
    ``iter_rows`` uses), every row the sheet holds whatever its ``<dimension>`` says; only the
    loop over the XML is this module's (:func:`_detached_rows`), with the same ``defusedxml``
    parser openpyxl uses. Tested against openpyxl 3.1 (``tests/test_xlsx_memory.py`` compares
    the rows with openpyxl's own loop, so a change there fails loudly).
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse(self) -> Generator[_ParsedRow, None, None]:
            return _detached_rows(self.source, self.parse_row)

        def parse_row(self, row: Any) -> Any:
            found = super().parse_row(row)
            self.row_dimensions.clear()  # a row's height and style, kept by openpyxl per row; unused here
            return found

        def parse_cell(self, element: Any) -> Any:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = UNCALCULATED
            return cell

    return Parser(
        sheet._get_source(),
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )


def _detached_rows(source: Any, parse_row: Callable[[Any], _ParsedRow]) -> Generator[_ParsedRow, None, None]:
    """Each ``<row>`` of a worksheet's XML parsed by ``parse_row``, in memory that does not grow with the rows.

    openpyxl's own loop (``WorkSheetParser.parse``) empties each ``<row>`` once it is parsed but
    leaves it attached to ``<sheetData>``: about 85 bytes a row that stay until the sheet ends
    (85 MB for a million rows). Here every element that is not inside a row is emptied and
    detached from its parent as soon as it ends, so the tree holds only the elements still
    open and the row being read. Elements inside a row stay until the row ends, so
    ``parse_row`` sees exactly the subtree openpyxl's loop gives it. Start events are read only
    to know each element's parent.

    The parser is ``defusedxml``'s, as openpyxl's is: a sheet that declares entities is refused.
    """
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]  # ships no type information
    from openpyxl.worksheet._reader import ROW_TAG

    open_elements: list[Any] = []
    rows_open = 0
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            open_elements.append(element)
            rows_open += element.tag == ROW_TAG
            continue
        open_elements.pop()
        is_row = element.tag == ROW_TAG
        rows_open -= is_row
        found = parse_row(element) if is_row else None
        if is_row or not rows_open:
            element.clear()  # every row once parsed, as openpyxl does; anything else outside a row
        if not rows_open and open_elements:  # outside any row still being read: nothing looks at it again
            open_elements[-1].remove(element)  # its earlier siblings are gone already: the first child
        if found is not None:
            yield found


def _sheet_rows(path: Path, workbook: Any, sheet: Any, sheet_kind: str | None) -> Iterator[SourceRow]:
    from openpyxl.utils import get_column_letter

    parser = _parser(workbook, sheet)
    where = f"{path}, sheet {sheet.title!r}"
    header: dict[int, str] | None = None
    try:
        for number, found in parser.parse():
            if number > XLSX_MAX_ROWS:
                raise FileProblem(f"{where}: row {number:,} is past the last row a sheet has ({XLSX_MAX_ROWS:,})")
            values = {cell["column"]: _cell_value(cell) for cell in found if cell["value"] is not None}
            values = {column: value for column, value in values.items() if not _blank(value)}
            if not values:
                continue
            if header is None:
                header = {column: str(value).strip() for column, value in values.items()}
                check_columns(where, list(header.values()))
                continue
            if sum(len(value) for value in values.values() if isinstance(value, str)) > CSV_ROW_LIMIT:
                raise FileProblem(
                    f"{where}: row {number} holds more than {CSV_ROW_LIMIT:,} characters, more than any record"
                )
            row: dict[str, Any] = {}
            for column, value in values.items():
                name = header.get(column)
                if not name:
                    raise FileProblem(
                        f"{where}: cell {get_column_letter(column)}{number} has a value but its column has no name "
                        "in the header"
                    )
                row[name] = _bad_cell(value, f"{get_column_letter(column)}{number}")
            if sheet_kind and (row.get("kind") is None or _blank(row["kind"])):
                row["kind"] = sheet_kind
            yield SourceRow(number, row, sheet.title)
    except FileProblem:
        raise
    except Exception as error:  # a malformed part, an XML entity (defusedxml), a bad number: one line
        raise FileProblem(f"{where}: cannot be read ({_reason(error)})") from None
    finally:
        parser.source.close()


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
"""Office Open XML's escape for a character a cell cannot hold as it is (``_x000D_``; ``_x005F_`` is ``_``).

Excel writes it, and so do engagekit's XLSX exports; openpyxl's reader leaves it as it is."""


def _unescaped(found: re.Match[str]) -> str:
    return chr(int(found.group(1), 16))


def _cell_value(cell: dict[str, Any]) -> Any:
    """A cell's value as a row holds it: text unescaped (Office Open XML) and restored (engagekit's apostrophe)."""
    value = cell["value"]
    if cell.get("data_type") == "e":
        return _Error(str(value))
    if isinstance(value, str):
        return restore(_OOXML_ESCAPE.sub(_unescaped, value) if "_x" in value else value)
    if not isinstance(value, str | int | float | dt.date | _Uncalculated):  # rich text, times, durations
        return str(value) if not isinstance(value, dt.time | dt.timedelta) else _Odd(value)
    return value


class _Error:
    """An error value a spreadsheet saved in a cell (``#N/A``, ``#DIV/0!``)."""

    def __init__(self, text: str) -> None:
        self.text = text


class _Odd:
    """A time of day or a duration, which no column of a record holds."""

    def __init__(self, value: dt.time | dt.timedelta) -> None:
        self.value = value


def _bad_cell(value: Any, coordinate: str) -> Any:
    """A cell that holds no usable value, as a problem for its column; any other value as it is."""
    if value is UNCALCULATED:
        return BadCell(
            f"cell {coordinate} is a formula with no saved value (open the file in a spreadsheet, "
            "let it calculate and save it, or paste the values)"
        )
    if isinstance(value, _Error):
        return BadCell(f"cell {coordinate} holds the spreadsheet error {value.text[:20]}")
    if isinstance(value, _Odd):
        what = "a time of day" if isinstance(value.value, dt.time) else "a duration"
        return BadCell(f"cell {coordinate} holds {what}, which no column of a record takes")
    return value


# -- Decidim ------------------------------------------------------------------------------


def read_decidim(path: Path, council: Council, date: dt.date) -> Iterator[SourceRow]:
    """Decidim results mapped onto the council's actions, as action-update rows dated by their
    ``updated_at`` (else ``date``); an unknown result is a problem on its row.

    The reading and matching are :func:`engagekit.records.decidim.read_results`'s, which the
    ``import`` command calls itself for its options (``--skip-unknown``, id and status maps).
    """
    from engagekit.records.decidim import read_results

    yield from read_results(path, council, date).rows


# -- JSON ---------------------------------------------------------------------------------

SCHEMA_VERSION = 1
"""The version of the JSON export format this reader takes."""

JSON_MAX_RECORD = 12 * cells.LONG_TEXT * 6
"""The most characters one JSON record may take in the file (every long text at its longest, escaped)."""

JSON_MAX_NUMBER = 40
"""The most characters of a number named whole in a message (a longer one is shortened)."""

JSON_MAX_WHOLE_DIGITS = sys.int_info.default_max_str_digits
"""The most digits of a JSON integer made a Python ``int`` (4,300: Python's own bound on a
slow conversion); a longer one stays text, for its column to refuse."""

_CHUNK = 1 << 20


class JsonRefused(ValueError):
    """Raised while decoding a record: what is wrong with it."""


def refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused if it names a key twice (``json`` would keep the last silently).

    The key is shortened in the message, as values are: a repeated 1 MB key is no 1 MB line.
    """
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonRefused(f"field {field_name(key)} appears twice")
        result[key] = value
    return result


NAMED_KEY = 60
"""A message names at most this many characters of a field's name."""


def field_name(key: str) -> str:
    """A field's name quoted for a message, cut short if long."""
    return cells._shown(key, NAMED_KEY)


def whole_or_text(text: str) -> int | str:
    """A JSON integer; one too long to convert stays text, for the column's own check to refuse.

    Up to :data:`JSON_MAX_WHOLE_DIGITS` digits it is an ``int``, so a 50-digit number is
    "too large" by its column's range check, as a 15-digit one is, not "not a whole number".
    """
    if len(text) > JSON_MAX_WHOLE_DIGITS:
        return text
    try:
        return int(text)
    except ValueError:  # the interpreter's own bound (sys.set_int_max_str_digits) set lower
        return text


class WrittenNumber(float):
    """A JSON number a float cannot hold as written: ``1e400`` (infinite as a float) or
    ``1e-400`` (zero as a float).

    Its value is the float's, so every column refuses the infinite one as a float it cannot
    keep, and a number column keeps the tiny one as 0.0, as a CSV cell of it is kept; but it
    is never whole (a whole-number column refuses it rather than recording 0), and it is
    shown in a message as it was written (shortened), never as ``inf`` or ``0.0``.
    """

    written: str

    def __new__(cls, text: str) -> WrittenNumber:
        number = super().__new__(cls, text)
        number.written = text if len(text) <= JSON_MAX_NUMBER else cells._shown(text, JSON_MAX_NUMBER)
        return number

    def __repr__(self) -> str:
        return self.written

    __str__ = __repr__

    def is_integer(self) -> bool:
        """Never: a whole-number column refuses it (an infinite one is refused before it asks)."""
        return False


def exact_float(text: str) -> float:
    """A JSON number with a fraction or exponent; a :class:`WrittenNumber` if a float cannot hold it."""
    number = float(text)
    infinite = number - number != 0.0  # inf - inf is NaN
    if infinite or (number == 0.0 and _NONZERO.search(_MANTISSA.split(text, 1)[0])):
        return WrittenNumber(text)
    return number


_MANTISSA = re.compile("[eE]")
_NONZERO = re.compile("[1-9]")

_DECODER = json.JSONDecoder(object_pairs_hook=refuse_repeated_keys, parse_int=whole_or_text, parse_float=exact_float)


class _JsonStream:
    """An engagekit JSON export read a piece at a time: the top object's keys, and each record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream = path.open("rb")
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.at = 0
        self.eof = False

    def close(self) -> None:
        self.stream.close()

    def problem(self, what: str) -> FileProblem:
        return FileProblem(f"{self.path}: {what}")

    def _more(self) -> bool:
        """Read the next piece of the file into the buffer; ``False`` at the end of the file."""
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise self.problem("not UTF-8 text; save the file as UTF-8") from None
        if not chunk:
            self.eof = True
        self.buffer = self.buffer[self.at :] + text
        self.at = 0
        return bool(chunk) or bool(text)

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in " \t\r\n":
                self.at += 1
            if self.at < len(self.buffer):
                return self.buffer[self.at]
            if not self._more():
                return ""

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.peek()
            raise self.problem(
                f"not an engagekit export: expected {what}, found {found!r}"
                if found
                else f"ends early: expected {what}"
            )
        self.at += 1

    def value(self, what: str) -> Any:
        """The next JSON value, decoded whole: a record, a key or ``schema_version``.

        A value cut off at the end of the piece read so far fails to decode; more is read and
        it is tried again. A failure at the same place after more is read is the file's own.
        """
        self.peek()
        last: tuple[str, int] | None = None
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.at)
            except JsonRefused as refused:
                raise self.problem(f"{what}: {refused}") from None
            except RecursionError:
                raise self.problem(f"{what} is nested too deeply") from None
            except json.JSONDecodeError as error:
                failure = (error.msg, error.pos - self.at)
                if len(self.buffer) - self.at > JSON_MAX_RECORD:
                    raise self.problem(f"{what} is longer than {JSON_MAX_RECORD:,} characters") from None
                if failure != last and self._more():
                    last = failure
                    continue
                raise self.problem(f"{what} is not valid JSON ({error.msg})") from None
            except ValueError as error:  # a number Python will not convert
                raise self.problem(f"{what}: {_reason(error)}") from None
            cut = end >= len(self.buffer) and not self.eof and not isinstance(value, dict | list)
            if cut and self._more():  # a number cut at the end of the piece: read it whole
                continue
            self.at = end
            return value


def json_rows(path: Path) -> Iterator[SourceRow]:
    """Rows of an engagekit JSON export, one record at a time (memory does not grow with the file).

    The export is ``{"schema_version": 1, "records": [{...}, ...]}``; each record is an
    object of export columns. JSON text is not a spreadsheet's, so nothing is restored here.
    """
    reader = _JsonStream(path)
    try:
        yield from _json_records(reader)
    finally:
        reader.close()


def _json_records(reader: _JsonStream) -> Iterator[SourceRow]:
    reader.expect("{", "an object with a 'records' list")
    seen: set[str] = set()
    while reader.peek() != "}":
        if seen:
            reader.expect(",", "',' between fields")
        key = reader.value("a field name")
        if not isinstance(key, str):
            raise reader.problem("not an engagekit export: a field name must be text")
        if key in seen:
            raise reader.problem(f"field {field_name(key)} appears twice")
        seen.add(key)
        reader.expect(":", "':' after a field name")
        if key == "records":
            yield from _json_list(reader)
        elif key == "schema_version":
            version = reader.value("schema_version")
            if version != SCHEMA_VERSION or isinstance(version, bool):
                raise reader.problem(
                    f"schema_version {version!r} is not one this engagekit reads ({SCHEMA_VERSION}); "
                    "it may come from a newer engagekit"
                )
        else:
            raise reader.problem(f"unknown field {key[:60]!r} (an engagekit export has schema_version and records)")
    reader.at += 1
    if reader.peek():
        raise reader.problem("has more after the export's closing '}'")
    if "records" not in seen:
        raise reader.problem("expected an engagekit export: an object with a 'records' list")


def _json_list(reader: _JsonStream) -> Iterator[SourceRow]:
    reader.expect("[", "'records' to be a list")
    number = 0
    while reader.peek() != "]":
        if number:
            reader.expect(",", "',' between records")
        number += 1
        row = reader.value(f"record {number}")
        if not isinstance(row, dict):
            raise reader.problem(f"record {number} is not an object")
        unknown = [key for key in row if key not in ALL_COLUMNS]
        if unknown:
            raise reader.problem(f"unknown field {unknown[0][:60]!r} in record {number}")
        yield SourceRow(number, row)
    reader.at += 1
