"""Export files: a council's records as CSV, XLSX or JSON, each of which imports back.

An export round-trips: importing it into an empty store gives the same records, with their
original ``recorded_by`` and ``recorded_at``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from engagekit.records.kinds import Record, RecordKind, in_dependency_order
from engagekit.records.rows import COMMON_COLUMNS, KIND_COLUMNS, record_to_row


def export_columns(records: list[Record]) -> list[str]:
    """The columns an export needs: the common ones and those of the kinds present."""
    kinds = {record.kind for record in records}
    return list(dict.fromkeys(COMMON_COLUMNS + [c for kind in RecordKind if kind in kinds for c in KIND_COLUMNS[kind]]))


def write_csv(records: Iterable[Record]) -> str:
    rows = list(records)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=export_columns(rows) if rows else COMMON_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in record_to_row(record).items()})
    return buffer.getvalue()


def write_json(records: Iterable[Record]) -> str:
    data = [{k: v for k, v in record_to_row(record).items() if v is not None} for record in records]
    return json.dumps({"schema_version": 1, "records": data}, indent=2, ensure_ascii=False) + "\n"


def write_xlsx(records: Iterable[Record]) -> bytes:
    """One sheet per kind of record, named after the kind, each with its own columns."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    by_kind: dict[RecordKind, list[Record]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    for kind in in_dependency_order():  # registrations first, so the file imports back in order
        sheet = workbook.create_sheet(kind.value)
        columns = [c for c in COMMON_COLUMNS if c != "kind"] + KIND_COLUMNS[kind]
        sheet.append(columns)
        for record in by_kind.get(kind, []):
            row = record_to_row(record)
            sheet.append([row.get(column) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
