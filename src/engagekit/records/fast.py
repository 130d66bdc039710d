"""The fast path for large CSV imports: rows straight to table-ordered tuples.

The general path (:func:`engagekit.records.rows.parse_row`) builds a mapping and a record
object per row, which costs more than SQLite itself. Here a parser is compiled once from the
file's header: each row becomes a tuple in the table's column order, checked as it goes
(required cells, dates, numbers, vocabularies, the council's ids). Any row that fails a check
is handed to the general parser, so the messages a person sees are exactly the same.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from engagekit.model.engagement import ParticipationLevel
from engagekit.records.checks import Vocabulary
from engagekit.records.kinds import ActionStatus, EventKind, Record, RecordKind, ReviewKind
from engagekit.records.rows import _FALSE, _FIELDS, _REQUIRED, _TRUE, MAX_INT, FileProblem, RowProblem, parse_row

Convert = Callable[[str], Any]


@attrs.frozen
class CsvTable:
    """A CSV file read as its header and numbered rows of cells (the header is row 1)."""

    path: Path
    header: list[str]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            try:
                next(reader, None)
                for cells in reader:
                    if cells:
                        yield reader.line_num, cells
            except (csv.Error, UnicodeDecodeError) as error:
                raise FileProblem(f"{self.path}: row {reader.line_num + 1} cannot be read ({error})") from None

    @property
    def fast(self) -> bool:
        """Files that carry ids, corrections or record times (exports) take the general path."""
        return not {"id", "supersedes", "recorded_at"} & set(self.header)


class _Bad(Exception):
    """A cell failed a check: the row goes to the general parser for its messages."""


def _date_text(cell: str) -> str:
    return dt.date.fromisoformat(cell).isoformat()


def _date(cell: str) -> dt.date:
    return dt.date.fromisoformat(cell)


def _bool(cell: str) -> bool:
    text = cell.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad


def _choice(values: set[str]) -> Convert:
    def convert(cell: str) -> str:
        text = cell.strip().lower()
        if text not in values:
            raise _Bad
        return text

    return convert


def _known(ids: frozenset[str]) -> Convert:
    def convert(cell: str) -> str:
        text = cell.strip()
        if text not in ids:
            raise _Bad
        return text

    return convert


def _text(cell: str) -> str:
    return cell.strip()


def _percent(cell: str) -> int:
    value = _whole(cell)
    if not 0 <= value <= 100:
        raise _Bad
    return value


def _whole(cell: str) -> int:
    value = int(cell)
    if abs(value) > MAX_INT:
        raise _Bad
    return value


def _count(cell: str) -> int:
    value = _whole(cell)
    if value < 0:
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
        self.plans: dict[str, tuple[list[str], list[tuple[int | None, Convert, bool, Any]]]] = {}
        self._plan()
        # Registrations and local plans are few and refer to one another: the general path takes them.
        self.kinds = {kind.value for kind in FAST_KINDS}

    def _plan(self) -> None:
        """Compile each kind's steps against the current vocabulary."""
        date = _date_text if self.sqlite else _date
        for kind in FAST_KINDS:
            columns = ["council_id", "date"]
            steps: list[tuple[int | None, Convert, bool, Any]] = [
                (None, _text, False, self.council_id),
                (self.index.get("date"), date, True, None),
            ]
            required = set(_REQUIRED[kind])
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
                    convert = float
                else:
                    convert = _text
                default = (
                    0
                    if (self.sqlite and field in ("public", "agm"))
                    else (False if field in ("public", "agm") else None)
                )
                columns.append(field)
                steps.append((self.index.get(column), convert, column in required, default))
            columns += ["note", "recorded_by", "recorded_at", "supersedes", "import_id"]
            steps += [
                (self.index.get("note"), _text, False, None),
                (self.index.get("recorded_by"), _text, False, self.recorded_by),
                (None, _text, False, self.recorded_at),
                (None, _text, False, None),
                (None, _text, False, self.import_id),
            ]
            self.plans[kind.value] = (columns, steps)

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
            for position, convert, required, default in steps:
                cell = cells[position].strip() if position is not None else ""
                if cell:
                    values.append(convert(cell))
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
