"""The fast path for large CSV imports: rows straight to table-ordered tuples.

The general path (:func:`engagekit.records.rows.parse_row`) builds a mapping and a record
object per row, which costs more than SQLite itself. Here a parser is compiled once from the
file's header: each row becomes a tuple in the table's column order, checked as it goes
(required cells, dates, numbers, vocabularies, the council's ids, each text cell's length and
characters, by one precompiled pattern per column). The checks here accept only what the
general parser accepts (``tests/test_fuzz.py`` holds them to it); any row that fails one, or
that they are unsure of, is handed to the general parser, so the messages a person sees are
exactly the same.

:func:`csv_cells` reads a CSV file for both paths, with the bounds every CSV import has.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from engagekit.model.engagement import ParticipationLevel
from engagekit.records import cells
from engagekit.records.checks import Vocabulary
from engagekit.records.kinds import RECORD_CLASSES, ActionStatus, EventKind, Record, RecordKind, ReviewKind
from engagekit.records.rows import (
    _FALSE,
    _FIELDS,
    _REQUIRED,
    _TRUE,
    MULTILINE,
    TEXT_LIMITS,
    FileProblem,
    RowProblem,
    SourceRow,
    parse_row,
)
from engagekit.spreadsheet_cells import ESCAPE, restore

Convert = Callable[[str], Any]


CSV_FIELD_LIMIT = 5 * cells.LONG_TEXT
"""The most characters a CSV cell may hold to be read at all: a longer note than this is not
read into memory; one up to this is read and refused by its column's own limit, by name."""

CSV_ROW_LIMIT = 12 * cells.LONG_TEXT
"""The most characters one CSV row may hold (every long-text column at its longest fits)."""

MAX_COLUMNS = 1_000
"""The most columns a file may have (engagekit reads about forty; Decidim adds a title per locale)."""


def csv_cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The header (row 1) and each later row of a CSV file, numbered as a spreadsheet shows them.

    Spreadsheet cells engagekit wrote with a leading apostrophe (:mod:`engagekit.spreadsheet_cells`)
    come back as they were. A cell or row too long to be a record, a quote that is never
    closed, stray text after a closing quote and a file that is not UTF-8 are each a
    :class:`FileProblem` naming the row.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    number = 0
    with path.open(newline="", encoding="utf-8-sig") as stream:
        try:
            for cells_ in csv.reader(stream, strict=True):
                number += 1
                joined = "".join(cells_)  # one pass in C for the row's size and any escaped cell
                if len(cells_) > MAX_COLUMNS:
                    raise FileProblem(
                        f"{path}: row {number} has {len(cells_):,} cells; engagekit reads at most {MAX_COLUMNS:,}"
                    )
                if len(joined) > CSV_ROW_LIMIT:
                    raise FileProblem(
                        f"{path}: row {number} holds more than {CSV_ROW_LIMIT:,} characters, more than any record"
                    )
                if ESCAPE in joined:
                    cells_ = [restore(cell) if cell[:1] == ESCAPE else cell for cell in cells_]
                yield number, cells_
        except csv.Error as error:  # raised while reading the row after the last one given
            raise FileProblem(f"{path}: row {number + 1}: {_csv_problem(error)}") from None
        except UnicodeDecodeError:
            raise FileProblem(
                f"{path}: line {_first_bad_line(path)} is not UTF-8 text; save the file as CSV UTF-8"
            ) from None


def _first_bad_line(path: Path) -> int:
    """The number of the first line of ``path`` that is not UTF-8 (text is decoded a block at a time,
    so the row being read when the decoder fails is not where the bad byte is)."""
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _csv_problem(error: csv.Error) -> str:
    """What the csv module's complaint means, said for a person."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"a cell holds more than {CSV_FIELD_LIMIT:,} characters (a note may hold {cells.LONG_TEXT:,})"
    if "unexpected end of data" in text:
        return 'a quoted cell is never closed (a " with no closing ")'
    if "expected after" in text:
        return 'text follows a closing quote in a cell (write a quote inside a quoted cell as "")'
    if "NUL" in text or "null byte" in text:
        return "holds a NUL byte: this is not a text file"
    return f"cannot be read as CSV ({text})"


@attrs.frozen
class CsvTable:
    """A CSV file read as its header and numbered rows of cells (the header is row 1)."""

    path: Path
    header: list[str]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Each row after the header, with its number; blank rows are left out."""
        rows = csv_cells(self.path)
        next(rows, None)
        for number, cells_ in rows:
            if cells_:
                yield number, cells_

    def source_rows(self) -> Iterator[SourceRow]:
        """Each row as a mapping of column to cell, for the general path; a row wider than the header is refused."""
        for number, cells_ in self.rows():
            if len(cells_) > len(self.header):
                raise FileProblem(f"{self.path}: row {number} has {len(cells_)} cells for {len(self.header)} columns")
            yield SourceRow(number, dict(zip(self.header, cells_, strict=False)))

    @property
    def fast(self) -> bool:
        """Files that carry ids, corrections or record times (exports) take the general path."""
        return not {"id", "supersedes", "recorded_at"} & set(self.header)


class _Bad(Exception):
    """A cell failed a check: the row goes to the general parser for its messages."""


_DATE = re.compile(r"(?:19|20|21)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])", re.ASCII)
"""A date as :func:`engagekit.records.cells.date` reads one (the calendar is checked after)."""
_WHOLE = re.compile(r"[+-]?\d{1,10}", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:\d{1,16}(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)


def _date_text(cell: str) -> str:
    if not _DATE.fullmatch(cell):
        raise _Bad
    dt.date.fromisoformat(cell)  # a day the month does not have is a ValueError
    return cell  # the pattern admits only the form SQLite keeps


def _date(cell: str) -> dt.date:
    if not _DATE.fullmatch(cell):
        raise _Bad
    return dt.date.fromisoformat(cell)


def _bool(cell: str) -> bool:
    text = cell.lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad


def _choice(values: set[str]) -> Convert:
    def convert(cell: str) -> str:
        text = cell.lower()
        if text not in values:
            raise _Bad
        return text

    return convert


def _known(ids: frozenset[str]) -> Convert:
    def convert(cell: str) -> str:
        if cell not in ids:
            raise _Bad
        return cell

    return convert


def _bounded(limit: int, *, multiline: bool) -> Convert:
    """Text of at most ``limit`` characters with no control character (long text: line breaks and tabs)."""
    controls = cells.CONTROLS_EXCEPT_LINES if multiline else cells.CONTROLS
    pattern = re.compile(f"[^{controls}{cells.SURROGATES}]{{0,{limit}}}")

    def convert(cell: str) -> str:
        if not pattern.fullmatch(cell):
            raise _Bad
        return cell

    return convert


def _text(cell: str) -> str:
    return cell


def _whole(cell: str) -> int:
    if not (len(cell) <= 10 and cell.isascii() and cell.isdigit()) and not _WHOLE.fullmatch(cell):
        raise _Bad
    value = int(cell)
    if abs(value) > cells.LARGEST_WHOLE:
        raise _Bad
    return value


def _percent(cell: str) -> int:
    value = _whole(cell)
    if not 0 <= value <= 100:
        raise _Bad
    return value


def _count(cell: str) -> int:
    value = _whole(cell)
    if value < 0:
        raise _Bad
    return value


def _reading(cell: str) -> float:
    if not _NUMBER.fullmatch(cell):
        raise _Bad
    value = float(cell)
    if not -cells.LARGEST_NUMBER <= value <= cells.LARGEST_NUMBER:  # also false for inf and nan
        raise _Bad
    return value


_ENUM_VALUES = {
    "status": {member.value for member in ActionStatus},
    "event_kind": {member.value for member in EventKind},
    "review_kind": {member.value for member in ReviewKind},
    "level": {member.value for member in ParticipationLevel},
}
_REFERENCES = {
    "action_id": "actions",
    "indicator_id": "indicators",
    "body_id": "bodies",
    "area_id": "areas",
    "cluster_id": "clusters",
    "hub_id": "hubs",
    "obligation_id": "obligations",
}


_DEFAULTS: dict[RecordKind, dict[str, Any]] = {
    kind: {
        field.name: field.default
        for field in attrs.fields(RECORD_CLASSES[kind])
        if field.default is not attrs.NOTHING and not isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
    }
    for kind in RecordKind
}
"""Each kind's defaults, as its record class declares them (so both paths store the same for a blank cell)."""

FAST_KINDS = (RecordKind.ACTION_UPDATE, RecordKind.INDICATOR_READING, RecordKind.EVENT, RecordKind.REVIEW)
"""The kinds of record the fast path writes (the many; the rest are few)."""


class RowCompiler:
    """Turns rows of one CSV file into ``(kind, values)`` in each table's column order."""

    def __init__(
        self,
        header: list[str],
        *,
        council_id: str,
        recorded_by: str,
        recorded_at: Any,
        import_id: int,
        vocabulary: Vocabulary,
        default_kind: RecordKind | None,
        sqlite: bool,
    ) -> None:
        self.header = header
        self.council_id = council_id
        self.recorded_by = recorded_by
        self.default_kind = default_kind
        self.vocabulary = vocabulary
        self.width = len(header)
        self.index = {name: position for position, name in enumerate(header)}
        self.kind_at = self.index.get("kind")
        self.sqlite = sqlite
        self.recorded_at = recorded_at
        self.import_id = import_id
        self.plans: dict[str, tuple[list[str], list[tuple[int | None, Convert, bool, Any, bool]]]] = {}
        self._plan()
        # Registrations and local plans are few and refer to one another: the general path takes them.
        self.kinds = {kind.value for kind in FAST_KINDS}

    def _plan(self) -> None:
        """Compile each kind's steps against the current vocabulary."""
        date = _date_text if self.sqlite else _date
        for kind in FAST_KINDS:
            columns = ["council_id", "date"]
            # (cell position, converter, required, default, long text kept as written rather than stripped)
            steps: list[tuple[int | None, Convert, bool, Any, bool]] = [
                (None, _text, False, self.council_id, False),
                (self.index.get("date"), date, True, None, False),
            ]
            required = set(_REQUIRED[kind])
            limits = TEXT_LIMITS[kind]
            for column, (field, _) in _FIELDS[kind].items():
                convert: Convert
                if field in _ENUM_VALUES:
                    convert = _choice(_ENUM_VALUES[field])
                elif field in _REFERENCES:
                    convert = _known(getattr(self.vocabulary, _REFERENCES[field]))
                elif field in ("end_date",):
                    convert = date
                elif field in ("public", "agm"):
                    convert = (lambda cell: int(_bool(cell))) if self.sqlite else _bool
                elif field == "percent":
                    convert = _percent
                elif field == "attendance":
                    convert = _count
                elif field == "value":
                    convert = _reading
                else:
                    convert = _bounded(limits[field], multiline=field in MULTILINE)
                default = self._default(kind, field)
                columns.append(field)
                steps.append((self.index.get(column), convert, column in required, default, field in MULTILINE))
            columns += ["note", "recorded_by", "recorded_at", "supersedes", "import_id"]
            who = _bounded(limits["recorded_by"], multiline=False)  # a blank cell takes the importer's name,
            # which must be as sound as a cell would be: if it is not, such rows go to the general parser
            steps += [
                (self.index.get("note"), _bounded(limits["note"], multiline=True), False, None, True),
                (self.index.get("recorded_by"), who, not self._sound(who, self.recorded_by), self.recorded_by, False),
                (None, _text, False, self.recorded_at, False),
                (None, _text, False, None, False),
                (None, _text, False, self.import_id, False),
            ]
            self.plans[kind.value] = (columns, steps)

    def _default(self, kind: RecordKind, field: str) -> Any:
        """What a blank cell stores: the record class's own default (a review's kind is ``review``)."""
        default = _DEFAULTS[kind].get(field)
        if isinstance(default, enum.Enum):
            return default.value
        if isinstance(default, bool) and self.sqlite:
            return int(default)
        return default

    @staticmethod
    def _sound(convert: Convert, value: str) -> bool:
        """Whether ``value`` passes ``convert``."""
        try:
            convert(value.strip())
        except (_Bad, ValueError):
            return False
        return True

    def learn(self, record: Record) -> None:
        """Take in the ids ``record`` registers (a forum, a local action), so later rows naming them stay fast."""
        self.vocabulary = self.vocabulary.with_recorded([record])
        self._plan()

    def compile(self, cells: list[str]) -> tuple[str, tuple[Any, ...]] | None:
        """The row's kind and values, or ``None`` if any check fails (or the row is unusual)."""
        if len(cells) != self.width:
            return None
        if self.kind_at is not None and cells[self.kind_at]:
            kind = cells[self.kind_at].strip().lower()
            if kind not in self.kinds:
                return None
        elif self.default_kind is not None and self.default_kind.value in self.kinds:
            kind = self.default_kind.value
        else:
            return None
        _, steps = self.plans[kind]
        values = []
        try:
            for position, convert, required, default, as_written in steps:
                raw = cells[position] if position is not None else ""
                cell = raw.strip()
                if cell:
                    values.append(convert(raw if as_written else cell))
                elif required:
                    return None
                else:
                    values.append(default)
        except (_Bad, ValueError):
            return None
        if kind == "event":
            columns, _ = self.plans[kind]
            start, end = values[1], values[columns.index("end_date")]
            if end is not None and end < start:
                return None
            body = values[columns.index("body_id")]
            if values[columns.index("agm")] and body is None:
                return None  # an AGM must name its body: the general path says so
            if body in self.vocabulary.places and self.vocabulary.place_disagreements(
                body, values[columns.index("area_id")], values[columns.index("cluster_id")]
            ):
                return None  # a meeting of one place's body held in another: the general path says so
        return kind, tuple(values)

    def fallback(self, cells: list[str]) -> tuple[Record | None, list[tuple[str, str]]]:
        """A row :meth:`compile` refused, through the general parser: its record, or its problems."""
        if len(cells) != self.width:
            return None, [("row", f"has {len(cells)} cells for {self.width} columns")]
        row = dict(zip(self.header, cells, strict=True))
        try:
            record, _ = parse_row(
                row, council_id=self.council_id, recorded_by=self.recorded_by, default_kind=self.default_kind
            )
        except RowProblem as problem:
            return None, problem.problems
        found = self.vocabulary.problems(record)
        return (None, found) if found else (record, [])
