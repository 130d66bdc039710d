"""Reading an XLSX file in memory that does not grow with its rows (issue 9, point 6).

engagekit's XLSX reader (:func:`engagekit.records.files.read_xlsx`) parses each sheet with
openpyxl's own row and cell parsers, but runs the loop over the sheet's XML itself, detaching
each ``<row>`` once it is read: openpyxl's loop (``WorkSheetParser.parse``, 3.1) leaves every
emptied row attached to ``<sheetData>``, about 85 bytes a row. These tests measure that with
``tracemalloc`` on files written as ``engagekit export --format xlsx`` writes them
(:func:`engagekit.records.exports.stream_xlsx`, XlsxWriter's constant-memory mode), and check
that the loop gives openpyxl's parsers exactly what openpyxl's own loop gives them, so that a
change in openpyxl fails here rather than in someone's import.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import re
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engagekit.records.exports import stream_xlsx
from engagekit.records.files import _parser, read_xlsx
from engagekit.records.kinds import EngagementEvent, EventKind, Record, RecordKind

SMALL = 2_000
"""Rows of the smaller file the memory is measured on; the larger has four times as many."""

FLAT = 1.3
"""How much more peak memory reading four times the rows may take. engagekit's loop peaks at
about 0.5 MB at either size (a 16 KB piece of XML parsed at a time, openpyxl's objects);
openpyxl's own loop keeps about 85 bytes a row and takes 1.9 times as much at these sizes."""

EXPORT_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
"""XlsxWriter's options as :func:`engagekit.records.exports.stream_xlsx` sets them: rows written
as they come, strings inline in the sheet."""


def narrow_sheet(path: Path, count: int) -> Path:
    """An ``event`` sheet of ``count`` rows of two cells, written as an export writes its sheets.

    Two cells a row keep the read quick under ``tracemalloc``; the memory a row leaves behind in
    openpyxl's loop is its ``<row>`` element, whatever its cells.
    """
    import xlsxwriter  # type: ignore[import-untyped]  # ships no type information

    workbook = xlsxwriter.Workbook(str(path), EXPORT_OPTIONS)
    sheet = workbook.add_worksheet("event")
    sheet.write_row(0, 0, ["id", "date"])
    for n in range(1, count + 1):
        sheet.write_number(n, 0, n)
        sheet.write_string(n, 1, f"2020-01-{n % 28 + 1:02d}")
    workbook.close()
    return path


def events(count: int) -> Iterator[Record]:
    for n in range(count):
        yield EngagementEvent(
            council_id="thurrock",
            id=n + 1,
            event_kind=EventKind.EVENT,
            date=dt.date(2020, 1, 1) + dt.timedelta(days=n % 2000),
            title=f"Event {n}",
            note=f"a note of its own, number {n}",
            attendance=n % 300,
            recorded_by="tester",
            recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )


def exported(path: Path, count: int) -> Path:
    """An XLSX export of ``count`` events, written by the function ``engagekit export`` uses."""

    def records_of(kind: RecordKind) -> Iterable[Record]:
        return events(count) if kind is RecordKind.EVENT else ()

    with path.open("wb") as out:
        stream_xlsx(records_of, out)
    return path


@pytest.fixture(scope="module")
def sized_files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("xlsx-sizes")
    return {count: narrow_sheet(folder / f"{count}.xlsx", count) for count in (SMALL, 4 * SMALL)}


def traced_peak(read: Callable[[], Iterable[Any]]) -> tuple[int, int]:
    """How many items ``read()`` gives, and the peak memory traced while they are read one at a time.

    The peak is taken from the first item on, once opening the workbook has been tidied away
    (``gc.collect``): opening peaks higher than a few thousand rows take, and would hide them.
    """
    tracemalloc.start()
    try:
        items = iter(read())
        count = sum(1 for _ in itertools.islice(items, 1))
        gc.collect()
        tracemalloc.reset_peak()
        count += sum(1 for _ in items)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def openpyxl_loop_rows(path: Path) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The event sheet's rows through openpyxl's own loop over the XML, with engagekit's parser otherwise."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        parser = _parser(workbook, workbook["event"])
        try:
            yield from WorkSheetParser.parse(parser)
        finally:
            parser.source.close()
    finally:
        workbook.close()


def engagekit_loop_rows(path: Path) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The same rows through engagekit's loop (:func:`engagekit.records.files._detached_rows`)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        parser = _parser(workbook, workbook["event"])
        try:
            yield from parser.parse()
        finally:
            parser.source.close()
    finally:
        workbook.close()


def test_reading_an_xlsx_holds_one_row_at_a_time(sized_files: dict[int, Path]) -> None:
    peaks = {}
    for count in (SMALL, *sized_files):  # the first read warms openpyxl's caches
        rows, peaks[count] = traced_peak(functools.partial(read_xlsx, sized_files[count]))
        assert rows == count  # the header is not a row of the file's records
    assert peaks[4 * SMALL] < peaks[SMALL] * FLAT, peaks


def test_the_measure_sees_openpyxls_own_loop_keep_every_row(sized_files: dict[int, Path]) -> None:
    """The same measure over openpyxl's loop grows with the rows: the test above can fail.

    Should a later openpyxl detach its rows itself, this fails; its loop could then be used as it is.
    """
    peaks = {}
    for count in (SMALL, *sized_files):
        rows, peaks[count] = traced_peak(functools.partial(openpyxl_loop_rows, sized_files[count]))
        assert rows == count + 1  # the header row too
    assert peaks[4 * SMALL] > peaks[SMALL] * FLAT, peaks


SHEET_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheetPr><outlinePr summaryBelow="1"/></sheetPr>
<dimension ref="A1:B2"/>
<sheetViews><sheetView workbookViewId="0"/></sheetViews>
<sheetFormatPr defaultRowHeight="15"/>
<cols><col min="1" max="3" width="12" customWidth="1"/></cols>
<sheetData>
<row r="1" spans="1:4"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="s"><v>0</v></c>
<c r="C1" t="str"><v>title</v></c><c r="D1" t="inlineStr"><is><r><t>no</t></r><r><t>te</t></r></is></c></row>
<row r="2" ht="30" customHeight="1"><c r="A2" s="1"><v>45000</v></c><c r="B2" t="s"><v>1</v></c>
<c r="C2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D2"><f>1/0</f></c></row>
<row><c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c><c><v>2.5E3</v></c>
<c t="inlineStr"><is><t>_x000D_ x</t></is></c></row>
<row r="7"><c r="B7"><v>-4</v></c><c><v>7</v></c></row>
<row r="8"><c r="A8" t="d"><v>2024-02-29T00:00:00</v></c><c r="C8"/></row>
<unknownElement><row r="9"><c r="A9"><v>9</v></c></row><nested><deeper a="1"/></nested></unknownElement>
<row r="10"><c r="A10"><v>10</v><unexpected/></c></row>
</sheetData>
<mergeCells count="2"><mergeCell ref="A7:B7"/><mergeCell ref="C8:D8"/></mergeCells>
<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>
</worksheet>
"""
"""A sheet with what a reader meets in the wild: a stale ``<dimension>``, rows and cells without
their ``r``, shared, inline and rich-text strings, a date style, formulas with and without a
saved value, a boolean, an error, a row height, and elements no sheet should have."""


def varied_workbook(path: Path) -> Path:
    """A workbook whose sheet is :data:`SHEET_XML`, with two shared strings and a date style (index 1)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))  # not constant memory: strings go to the shared table
    sheet = workbook.add_worksheet("event")
    sheet.write_string(0, 0, "shared 0")
    sheet.write_string(1, 0, "shared 1")
    sheet.write_datetime(2, 0, dt.datetime(2024, 1, 1), workbook.add_format({"num_format": "yyyy-mm-dd"}))
    workbook.close()
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    assert b"<si><t>shared 1</t></si>" in parts["xl/sharedStrings.xml"]
    parts["xl/worksheets/sheet1.xml"] = SHEET_XML.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_the_rows_are_those_openpyxls_own_loop_reads(tmp_path: Path) -> None:
    """Cell for cell, engagekit's loop gives what openpyxl's does, on a varied sheet and on an export."""
    path = varied_workbook(tmp_path / "varied.xlsx")
    ours = list(engagekit_loop_rows(path))
    assert ours == list(openpyxl_loop_rows(path))
    assert [number for number, _ in ours] == [1, 2, 3, 7, 8, 9, 10]
    values = {(cell["row"], cell["column"]): cell["value"] for _, cells in ours for cell in cells}
    assert values[(2, 1)] == dt.datetime(2023, 3, 15)  # serial 45000 in the date style
    assert values[(2, 2)] == "shared 1"
    assert values[(2, 3)] == "ab"
    assert values[(3, 4)] == "_x000D_ x"
    assert (values[(7, 2)], values[(7, 3)]) == (-4, 7)  # a cell without r follows the one before
    assert values[(9, 1)] == 9  # a row inside an element no sheet has is still read
    export = exported(tmp_path / "export.xlsx", 300)
    assert list(engagekit_loop_rows(export)) == list(openpyxl_loop_rows(export))


def test_the_loop_parses_with_the_xml_parser_openpyxl_uses() -> None:
    """openpyxl reads sheets with defusedxml's ``iterparse``; so does engagekit's loop.

    If openpyxl changes its parser (to lxml, say), engagekit's loop must be looked at again.
    """
    import defusedxml.ElementTree  # type: ignore[import-untyped]  # ships no type information
    import openpyxl
    import openpyxl.worksheet._reader

    assert getattr(openpyxl.worksheet._reader, "iterparse", None) is defusedxml.ElementTree.iterparse
    assert re.fullmatch(r"3\.1\.\d+", openpyxl.__version__), (
        f"engagekit's XLSX loop is tested against openpyxl 3.1, not {openpyxl.__version__}: "
        "check WorkSheetParser.parse and parse_row, then widen the pin in pyproject.toml"
    )
