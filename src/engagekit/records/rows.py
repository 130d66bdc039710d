"""Rows ↔ records: the columns of import and export files, and their parsing.

A row is a mapping of column name to value, as read from CSV (text) or XLSX (text, numbers,
dates, booleans). Each kind of record has its columns; ``kind`` says which kind a row is.
Every problem names the column and says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from engagekit.model.engagement import ParticipationLevel
from engagekit.records import cells
from engagekit.records.kinds import (
    ActionStatus,
    ActionUpdate,
    EngagementEvent,
    EventKind,
    IndicatorReading,
    InstanceRecord,
    LocalAction,
    LocalPriority,
    MemberRecord,
    Record,
    RecordKind,
    ReviewKind,
    ReviewRecord,
)

COMMON_COLUMNS = ["kind", "id", "date", "note", "recorded_by", "recorded_at", "supersedes"]
KIND_COLUMNS: dict[RecordKind, list[str]] = {
    RecordKind.ACTION_UPDATE: ["action", "status", "percent"],
    RecordKind.INDICATOR_READING: ["indicator", "value"],
    RecordKind.EVENT: [
        "event",
        "title",
        "end_date",
        "body",
        "public",
        "agm",
        "area",
        "cluster",
        "hub",
        "level",
        "attendance",
        "formative",
        "reasons",
        "responses",
        "considered",
    ],
    RecordKind.REVIEW: ["obligation", "review", "approved_by"],
    RecordKind.INSTANCE: ["body", "instance", "name", "area", "cluster", "end_date"],
    RecordKind.LOCAL_PRIORITY: ["body", "area", "cluster", "year", "title", "agreed_by"],
    RecordKind.LOCAL_ACTION: [
        "action",
        "body",
        "area",
        "cluster",
        "title",
        "owner",
        "due",
        "priority",
        "year",
        "agreed_by",
    ],
    RecordKind.MEMBER: ["body", "name", "area", "office", "councillor", "end_date"],
}
ALL_COLUMNS = list(dict.fromkeys(COMMON_COLUMNS + [column for columns in KIND_COLUMNS.values() for column in columns]))
"""Every column, in the order exports write them (a column several kinds share appears once)."""


@attrs.frozen
class SourceRow:
    """A row with where it stands in its file: the row number (the header is row 1) and sheet."""

    number: int
    values: Mapping[str, Any]
    sheet: str | None = None


@attrs.frozen
class BadCell:
    """A cell a reader could take no value from (a formula with no saved value, an error value).

    The reader puts it in the row in place of a value, and :func:`parse_row` reports its
    ``message`` on its column, with the rest of the row's problems.
    """

    message: str


class FileProblem(ValueError):
    """A file that cannot be read as records at all (not CSV, no header, unknown columns)."""


class RowProblem(ValueError):
    """What is wrong with one row: ``(column, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- what each column may hold --------------------------------------------------------------

ID = 100
"""An id (of an action, a body, a place, an obligation): the store's ``String(100)``."""
NAME = 500
"""A title or a name: ``String(500)``."""
WHO = 200
"""Who recorded, approved, agreed or owns something: ``String(200)``."""
LOCAL = 1000
"""A local priority's or local action's title, and the priority a local action serves: ``String(1000)``."""
LONG = cells.LONG_TEXT
"""A note or consultation evidence: the store's ``Text``, bounded here so every backend takes it."""

MULTILINE = frozenset({"note", "formative", "reasons", "responses", "considered"})
"""The fields that may hold line breaks and tabs (long text)."""

ENUM_FIELDS = frozenset({"status", "event_kind", "review_kind", "level"})
"""Text columns that hold a word from a fixed list (an :class:`enum.Enum`), not free text."""

COMMON_TEXT = {"note": LONG, "recorded_by": WHO}
TEXT_LIMITS: dict[RecordKind, dict[str, int]] = {
    RecordKind.ACTION_UPDATE: {**COMMON_TEXT, "action_id": ID},
    RecordKind.INDICATOR_READING: {**COMMON_TEXT, "indicator_id": ID},
    RecordKind.EVENT: {
        **COMMON_TEXT,
        "title": NAME,
        "body_id": ID,
        "area_id": ID,
        "cluster_id": ID,
        "hub_id": ID,
        "formative": LONG,
        "reasons": LONG,
        "responses": LONG,
        "considered": LONG,
    },
    RecordKind.REVIEW: {**COMMON_TEXT, "obligation_id": ID, "approved_by": WHO},
    RecordKind.INSTANCE: {**COMMON_TEXT, "body_id": ID, "instance": ID, "name": NAME, "area_id": ID, "cluster_id": ID},
    RecordKind.LOCAL_PRIORITY: {
        **COMMON_TEXT,
        "body_id": ID,
        "area_id": ID,
        "cluster_id": ID,
        "title": LOCAL,
        "agreed_by": WHO,
    },
    RecordKind.LOCAL_ACTION: {
        **COMMON_TEXT,
        "action_id": ID,
        "body_id": ID,
        "area_id": ID,
        "cluster_id": ID,
        "title": LOCAL,
        "owner": WHO,
        "priority": LOCAL,
        "agreed_by": WHO,
    },
    RecordKind.MEMBER: {**COMMON_TEXT, "body_id": ID, "name": NAME, "area_id": ID, "office": ID},
}
"""The most characters of each text field of each kind of record: the store's column sizes.

One table for every way into the store (files, ``engagekit record``, the Python API), so
SQLite, which does not enforce a column's size, takes nothing PostgreSQL would refuse;
``tests/test_hostile_files.py`` checks it against :mod:`engagekit.records.schema`.
"""


def _what(value: Any) -> str:
    """What sort of value ``value`` is, for a message about a value of the wrong sort."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return f"a {type(value).__name__}"


def cell_text(value: Any) -> str:
    """The text of a cell meant to hold text: a number a spreadsheet or JSON made of it is written out.

    A JSON object or list, true/false or a date where text is expected is an error, not its
    Python ``repr`` stored as text.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > 10**30:
            raise ValueError("is a number too long to be text")
        return str(value)
    if isinstance(value, float):
        cells.finite(value)
        return str(int(value)) if value.is_integer() else repr(value)
    raise ValueError(f"must be text, not {_what(value)}")


def text_parser(limit: int, *, multiline: bool = False) -> Callable[[Any], str]:
    """A parser for a text column of at most ``limit`` characters."""

    def parse(value: Any) -> str:
        return cells.text(cell_text(value), max_length=limit, multiline=multiline)

    return parse


def parse_date(value: Any) -> dt.date:
    """A date: a date cell (XLSX), or text written ``YYYY-MM-DD`` that exists, within engagekit's dates."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise ValueError(f"{value.isoformat()} is a date and time; give the date alone")
        return cells.within(value.date())
    if isinstance(value, dt.date):
        return cells.within(value)
    if isinstance(value, str):
        return cells.date(value)
    raise ValueError(f"must be a date written YYYY-MM-DD, not {_what(value)}")


MAX_INT = cells.LARGEST_WHOLE
"""The largest whole number a record holds (counts, percentages, record ids)."""


def parse_int(value: Any) -> int:
    """A whole number: ASCII digits in text, or a whole number cell, within ±:data:`MAX_INT`."""
    if isinstance(value, str):
        return cells.whole(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a whole number, not {_what(value)}")
    if isinstance(value, float):
        cells.finite(value)
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
    if abs(value) > MAX_INT:
        raise ValueError(f"is too large (the most is {MAX_INT:,})")
    return int(value)


def parse_id(value: Any) -> int:
    """A record's id (``id``, ``supersedes``): a whole number, 1 or more."""
    number = parse_int(value)
    if number < 1:
        raise ValueError(f"{number} is not a record id (ids are 1 or more)")
    return number


def parse_float(value: Any) -> float:
    """A finite number: ASCII digits in text (``-12``, ``3.5``, ``1e3``), or a number cell."""
    if isinstance(value, str):
        return cells.number(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {_what(value)}")
    if isinstance(value, int) and abs(value) > cells.LARGEST_NUMBER:
        raise ValueError(f"is too large (the most is {cells.LARGEST_NUMBER:,.0f})")
    return cells.finite(float(value), str(value))


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: Any) -> bool:
    """Yes or no: a true/false cell, or ``yes``/``no``, ``true``/``false``, ``y``/``n``, ``1``/``0``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if not isinstance(value, str):
        raise ValueError(f"must be yes or no, not {_what(value)}")
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{cells._shown(value)} is not yes or no")


def parse_datetime(value: Any) -> dt.datetime:
    """A moment (``recorded_at``): written ``YYYY-MM-DDTHH:MM:SS[±HH:MM]``, or a date-and-time cell; UTC if no zone."""
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        cells.within(moment.astimezone(dt.UTC) if dt.date.min < moment.date() < dt.date.max else moment)
        return moment
    if isinstance(value, str):
        return cells.datetime(value)
    raise ValueError(f"must be a date and time written YYYY-MM-DDTHH:MM:SS, not {_what(value)}")


def enum_parser(kind: type[enum.Enum]) -> Callable[[Any], enum.Enum]:
    choices = ", ".join(str(member.value) for member in kind)
    members = {str(member.value): member for member in kind}

    def parse(value: Any) -> enum.Enum:
        if not isinstance(value, str):
            raise ValueError(f"must be one of: {choices}; not {_what(value)}")
        text = value.strip().lower()
        if text not in members:
            raise ValueError(f"{cells._shown(value)} is not one of: {choices}")
        return members[text]

    return parse


def _texts(kind: RecordKind) -> dict[str, Callable[[Any], str]]:
    """A parser for each text field of ``kind``, bounded as its column is."""
    return {field: text_parser(limit, multiline=field in MULTILINE) for field, limit in TEXT_LIMITS[kind].items()}


_T = {kind: _texts(kind) for kind in RecordKind}
_NOTE = text_parser(LONG, multiline=True)
_WHO = text_parser(WHO)


# column → (record field, parser)
_FIELDS: dict[RecordKind, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    RecordKind.ACTION_UPDATE: {
        "action": ("action_id", _T[RecordKind.ACTION_UPDATE]["action_id"]),
        "status": ("status", enum_parser(ActionStatus)),
        "percent": ("percent", parse_int),
    },
    RecordKind.INDICATOR_READING: {
        "indicator": ("indicator_id", _T[RecordKind.INDICATOR_READING]["indicator_id"]),
        "value": ("value", parse_float),
    },
    RecordKind.EVENT: {
        "event": ("event_kind", enum_parser(EventKind)),
        "title": ("title", _T[RecordKind.EVENT]["title"]),
        "end_date": ("end_date", parse_date),
        "body": ("body_id", _T[RecordKind.EVENT]["body_id"]),
        "public": ("public", parse_bool),
        "agm": ("agm", parse_bool),
        "area": ("area_id", _T[RecordKind.EVENT]["area_id"]),
        "cluster": ("cluster_id", _T[RecordKind.EVENT]["cluster_id"]),
        "hub": ("hub_id", _T[RecordKind.EVENT]["hub_id"]),
        "level": ("level", enum_parser(ParticipationLevel)),
        "attendance": ("attendance", parse_int),
        "formative": ("formative", _T[RecordKind.EVENT]["formative"]),
        "reasons": ("reasons", _T[RecordKind.EVENT]["reasons"]),
        "responses": ("responses", _T[RecordKind.EVENT]["responses"]),
        "considered": ("considered", _T[RecordKind.EVENT]["considered"]),
    },
    RecordKind.REVIEW: {
        "obligation": ("obligation_id", _T[RecordKind.REVIEW]["obligation_id"]),
        "review": ("review_kind", enum_parser(ReviewKind)),
        "approved_by": ("approved_by", _T[RecordKind.REVIEW]["approved_by"]),
    },
    RecordKind.INSTANCE: {
        "body": ("body_id", _T[RecordKind.INSTANCE]["body_id"]),
        "instance": ("instance", _T[RecordKind.INSTANCE]["instance"]),
        "name": ("name", _T[RecordKind.INSTANCE]["name"]),
        "area": ("area_id", _T[RecordKind.INSTANCE]["area_id"]),
        "cluster": ("cluster_id", _T[RecordKind.INSTANCE]["cluster_id"]),
        "end_date": ("end_date", parse_date),
    },
    RecordKind.LOCAL_PRIORITY: {
        "body": ("body_id", _T[RecordKind.LOCAL_PRIORITY]["body_id"]),
        "area": ("area_id", _T[RecordKind.LOCAL_PRIORITY]["area_id"]),
        "cluster": ("cluster_id", _T[RecordKind.LOCAL_PRIORITY]["cluster_id"]),
        "year": ("year", parse_int),
        "title": ("title", _T[RecordKind.LOCAL_PRIORITY]["title"]),
        "agreed_by": ("agreed_by", _T[RecordKind.LOCAL_PRIORITY]["agreed_by"]),
    },
    RecordKind.LOCAL_ACTION: {
        "action": ("action_id", _T[RecordKind.LOCAL_ACTION]["action_id"]),
        "body": ("body_id", _T[RecordKind.LOCAL_ACTION]["body_id"]),
        "area": ("area_id", _T[RecordKind.LOCAL_ACTION]["area_id"]),
        "cluster": ("cluster_id", _T[RecordKind.LOCAL_ACTION]["cluster_id"]),
        "title": ("title", _T[RecordKind.LOCAL_ACTION]["title"]),
        "owner": ("owner", _T[RecordKind.LOCAL_ACTION]["owner"]),
        "due": ("due_date", parse_date),
        "priority": ("priority", _T[RecordKind.LOCAL_ACTION]["priority"]),
        "year": ("year", parse_int),
        "agreed_by": ("agreed_by", _T[RecordKind.LOCAL_ACTION]["agreed_by"]),
    },
    RecordKind.MEMBER: {
        "body": ("body_id", _T[RecordKind.MEMBER]["body_id"]),
        "name": ("name", _T[RecordKind.MEMBER]["name"]),
        "area": ("area_id", _T[RecordKind.MEMBER]["area_id"]),
        "office": ("office", _T[RecordKind.MEMBER]["office"]),
        "councillor": ("councillor", parse_bool),
        "end_date": ("end_date", parse_date),
    },
}
_REQUIRED: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.ACTION_UPDATE: ("action", "status"),
    RecordKind.INDICATOR_READING: ("indicator", "value"),
    RecordKind.EVENT: ("event",),
    RecordKind.REVIEW: ("obligation",),
    RecordKind.INSTANCE: ("body", "instance", "name"),
    RecordKind.LOCAL_PRIORITY: ("year", "title"),
    RecordKind.LOCAL_ACTION: ("action", "title"),
    RecordKind.MEMBER: ("body", "name"),
}
_CLASSES: dict[RecordKind, Callable[..., Record]] = {
    RecordKind.ACTION_UPDATE: ActionUpdate,
    RecordKind.INDICATOR_READING: IndicatorReading,
    RecordKind.EVENT: EngagementEvent,
    RecordKind.REVIEW: ReviewRecord,
    RecordKind.INSTANCE: InstanceRecord,
    RecordKind.LOCAL_PRIORITY: LocalPriority,
    RecordKind.LOCAL_ACTION: LocalAction,
    RecordKind.MEMBER: MemberRecord,
}
_parse_kind = enum_parser(RecordKind)


def parse_row(
    row: Mapping[str, Any],
    *,
    council_id: str,
    recorded_by: str,
    default_kind: RecordKind | None = None,
) -> tuple[Record, int | None]:
    """One row as a record, and the ``id`` it had in the file it came from (for ``supersedes``).

    :raises RowProblem: naming each column that is wrong.
    """
    problems: list[tuple[str, str]] = []

    def get(column: str, parser: Callable[[Any], Any]) -> Any:
        value = row.get(column)
        if _blank(value):
            return None
        if isinstance(value, BadCell):
            problems.append((column, value.message))
            return None
        try:
            return parser(value)
        except ValueError as error:
            problems.append((column, str(error)))
            return None

    def get_default(column: str, value: str, parser: Callable[[Any], Any]) -> Any:
        """A value given by the caller for a blank column (who imports), checked as the column would be."""
        try:
            return parser(value)
        except ValueError as error:
            problems.append((column, str(error)))
            return None

    kind = get("kind", _parse_kind) if not _blank(row.get("kind")) else default_kind
    if kind is None:
        if not problems:
            problems.append(
                ("kind", "missing: say which kind of record (" + ", ".join(k.value for k in RecordKind) + ")")
            )
        raise RowProblem(problems)
    fields: dict[str, Any] = {"council_id": council_id}
    date = get("date", parse_date)
    if date is None and not any(column == "date" for column, _ in problems):
        problems.append(("date", "missing"))
    fields["date"] = date
    fields["note"] = get("note", _NOTE)
    fields["recorded_by"] = get("recorded_by", _WHO)
    if fields["recorded_by"] is None and not any(column == "recorded_by" for column, _ in problems):
        fields["recorded_by"] = get_default("recorded_by", recorded_by, _WHO)
    fields["supersedes"] = get("supersedes", parse_id)
    fields["recorded_at"] = get("recorded_at", parse_datetime)  # kept when an export is imported
    source_id = get("id", parse_id)
    for column in _REQUIRED[kind]:
        if _blank(row.get(column)):
            problems.append((column, "missing"))
    for column, (field, parser) in _FIELDS[kind].items():
        value = get(column, parser)
        if value is not None:
            fields[field] = value
    if problems:
        raise RowProblem(problems)
    try:
        record = _CLASSES[kind](**fields)
    except (ValueError, TypeError) as error:
        raise RowProblem([("row", str(error))]) from None
    return record, source_id


_COLUMN_OF: dict[RecordKind, dict[str, str]] = {
    kind: {"note": "note", "recorded_by": "recorded_by", **{field: column for column, (field, _) in fields.items()}}
    for kind, fields in _FIELDS.items()
}
_WHOLE_FIELDS = ("id", "supersedes", "percent", "attendance", "year")
_DATE_FIELDS = ("date", "end_date", "due_date")


def value_problems(record: Record) -> list[tuple[str, str]]:
    """``(column, message)`` for each value of ``record`` that no file could have given it.

    A record built in Python (or by a plugin) skips :func:`parse_row`, so this checks what it
    holds by the same rules: text bounded by :data:`TEXT_LIMITS` with no control characters,
    finite numbers, whole numbers and dates within engagekit's range. The store runs it
    before it writes a record; reading records back does not (it would only slow reports).
    """
    found: list[tuple[str, str]] = []
    columns = _COLUMN_OF[record.kind]
    for field, limit in TEXT_LIMITS[record.kind].items():
        value = getattr(record, field)
        if value is None:
            continue
        try:
            if not isinstance(value, str):
                raise ValueError(f"must be text, not {_what(value)}")
            cells.text(value, max_length=limit, multiline=field in MULTILINE)
        except ValueError as error:
            found.append((columns.get(field, field), str(error)))
    for field in _WHOLE_FIELDS:
        value = getattr(record, field, None)
        if value is not None:
            try:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"must be a whole number, not {_what(value)}")
                parse_int(value)
            except ValueError as error:
                found.append((columns.get(field, field), str(error)))
    for field in _DATE_FIELDS:
        value = getattr(record, field, None)
        if value is not None:
            try:
                if not isinstance(value, dt.date):
                    raise ValueError(f"must be a date, not {_what(value)}")
                cells.within(value)
            except ValueError as error:
                found.append((columns.get(field, field), str(error)))
    if isinstance(record, IndicatorReading):
        try:
            parse_float(record.value)
        except ValueError as error:
            found.append(("value", str(error)))
    if record.recorded_at is not None:
        try:
            parse_datetime(record.recorded_at)
        except ValueError as error:
            found.append(("recorded_at", str(error)))
    return found


def record_to_row(record: Record) -> dict[str, Any]:
    """A record as a row of export columns (blank where it has no value)."""
    row: dict[str, Any] = {
        "kind": record.kind.value,
        "id": record.id,
        "date": record.date.isoformat(),
        "note": record.note,
        "recorded_by": record.recorded_by,
        "recorded_at": record.recorded_at.isoformat() if record.recorded_at else None,
        "supersedes": record.supersedes,
    }
    for column, (field, _) in _FIELDS[record.kind].items():
        value = getattr(record, field)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        row[column] = value
    return row
