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


class FileProblem(ValueError):
    """A file that cannot be read as records at all (not CSV, no header, unknown columns)."""


class RowProblem(ValueError):
    """What is wrong with one row: ``(column, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD") from None


MAX_INT = 2**31 - 1
"""The largest whole number a record holds (counts, percentages, record ids)."""


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
    if abs(number) > MAX_INT:
        raise ValueError(f"{number} is too large")
    return number


def parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes or no")


def parse_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time written YYYY-MM-DDTHH:MM:SS") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def enum_parser(kind: type[enum.Enum]) -> Callable[[Any], enum.Enum]:
    choices = ", ".join(str(member.value) for member in kind)
    members = {str(member.value): member for member in kind}

    def parse(value: Any) -> enum.Enum:
        text = str(value).strip().lower()
        if text not in members:
            raise ValueError(f"{value!r} is not one of: {choices}")
        return members[text]

    return parse


def _text(value: Any) -> str:
    return str(value).strip()


# column → (record field, parser)
_FIELDS: dict[RecordKind, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    RecordKind.ACTION_UPDATE: {
        "action": ("action_id", _text),
        "status": ("status", enum_parser(ActionStatus)),
        "percent": ("percent", parse_int),
    },
    RecordKind.INDICATOR_READING: {
        "indicator": ("indicator_id", _text),
        "value": ("value", parse_float),
    },
    RecordKind.EVENT: {
        "event": ("event_kind", enum_parser(EventKind)),
        "title": ("title", _text),
        "end_date": ("end_date", parse_date),
        "body": ("body_id", _text),
        "public": ("public", parse_bool),
        "agm": ("agm", parse_bool),
        "area": ("area_id", _text),
        "cluster": ("cluster_id", _text),
        "hub": ("hub_id", _text),
        "level": ("level", enum_parser(ParticipationLevel)),
        "attendance": ("attendance", parse_int),
        "formative": ("formative", _text),
        "reasons": ("reasons", _text),
        "responses": ("responses", _text),
        "considered": ("considered", _text),
    },
    RecordKind.REVIEW: {
        "obligation": ("obligation_id", _text),
        "review": ("review_kind", enum_parser(ReviewKind)),
        "approved_by": ("approved_by", _text),
    },
    RecordKind.INSTANCE: {
        "body": ("body_id", _text),
        "instance": ("instance", _text),
        "name": ("name", _text),
        "area": ("area_id", _text),
        "cluster": ("cluster_id", _text),
        "end_date": ("end_date", parse_date),
    },
    RecordKind.LOCAL_PRIORITY: {
        "body": ("body_id", _text),
        "area": ("area_id", _text),
        "cluster": ("cluster_id", _text),
        "year": ("year", parse_int),
        "title": ("title", _text),
        "agreed_by": ("agreed_by", _text),
    },
    RecordKind.LOCAL_ACTION: {
        "action": ("action_id", _text),
        "body": ("body_id", _text),
        "area": ("area_id", _text),
        "cluster": ("cluster_id", _text),
        "title": ("title", _text),
        "owner": ("owner", _text),
        "due": ("due_date", parse_date),
        "priority": ("priority", _text),
        "year": ("year", parse_int),
        "agreed_by": ("agreed_by", _text),
    },
    RecordKind.MEMBER: {
        "body": ("body_id", _text),
        "name": ("name", _text),
        "area": ("area_id", _text),
        "office": ("office", _text),
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
    fields["note"] = get("note", _text)
    fields["recorded_by"] = get("recorded_by", _text) or recorded_by
    fields["supersedes"] = get("supersedes", parse_int)
    fields["recorded_at"] = get("recorded_at", parse_datetime)  # kept when an export is imported
    source_id = get("id", parse_int)
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
