"""Import files: CSV, XLSX, engagekit's JSON exports and Decidim's accountability results CSV.

Readers stream rows one at a time (openpyxl in read-only mode for XLSX), so a file of a million
rows is read in constant memory. Exports are written by :mod:`engagekit.records.exports`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from engagekit.model.council import Council
from engagekit.records.fast import CsvTable
from engagekit.records.kinds import RecordKind
from engagekit.records.rows import ALL_COLUMNS, SourceRow
from engagekit.records.rows import FileProblem as FileProblem  # raised by the readers here

DECIDIM_COLUMNS = {"id", "parent/id", "status/id"}
"""The columns that mark a Decidim accountability results CSV."""


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks: the same file imported twice is recognised."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_decidim(columns: Iterable[str]) -> bool:
    names = set(columns)
    return names >= DECIDIM_COLUMNS and any(name.startswith("title/") for name in names)


def csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as stream:
        try:
            return next(csv.reader(stream))
        except StopIteration:
            raise FileProblem(f"{path}: the file is empty; it needs a header row") from None
        except (csv.Error, UnicodeDecodeError) as error:
            raise FileProblem(f"{path}: not a readable CSV file ({error})") from None


def read_csv(path: Path) -> Iterator[SourceRow]:
    """Rows of a CSV file, each with its line number (the header is line 1)."""
    header = csv_header(path)
    _check_columns(path, header)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        try:
            for row in reader:
                if None in row:
                    raise FileProblem(f"{path}: row {reader.line_num} has more cells than the header")
                yield SourceRow(reader.line_num, row)
        except (csv.Error, UnicodeDecodeError) as error:
            raise FileProblem(f"{path}: row {reader.line_num} cannot be read ({error})") from None


def csv_table(path: Path) -> CsvTable:
    """A CSV file for the fast import path, once its header is checked."""
    header = csv_header(path)
    _check_columns(path, header)
    return CsvTable(path, header)


def read_xlsx(path: Path) -> Iterator[SourceRow]:
    """Rows of every sheet; a sheet named after a kind (``event``, ...) gives rows that kind."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise FileProblem(f"{path}: not a readable XLSX workbook ({error})") from None
    kinds = {kind.value for kind in RecordKind}
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header_cells = next(rows, None)
            if header_cells is None:
                continue
            header = [str(cell).strip() if cell is not None else "" for cell in header_cells]
            _check_columns(Path(f"{path}[{sheet.title}]"), [h for h in header if h])
            sheet_kind = sheet.title if sheet.title in kinds else None
            for number, cells in enumerate(rows, start=2):
                if all(cell is None for cell in cells):
                    continue
                row = {name: cell for name, cell in zip(header, cells, strict=False) if name}
                if sheet_kind and not row.get("kind"):
                    row["kind"] = sheet_kind
                yield SourceRow(number, row, sheet.title)
    finally:
        workbook.close()


def _check_columns(path: Path, header: list[str]) -> None:
    if is_decidim(header):
        return
    unknown = [name for name in header if name not in ALL_COLUMNS]
    if unknown:
        raise FileProblem(
            f"{path}: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)} "
            f"(columns engagekit reads: {', '.join(ALL_COLUMNS)})"
        )


# -- Decidim ------------------------------------------------------------------------------

DECIDIM_STATUSES = {
    "not_started": "not-started",
    "not-started": "not-started",
    "planned": "not-started",
    "in_progress": "in-progress",
    "in-progress": "in-progress",
    "ongoing": "in-progress",
    "started": "in-progress",
    "executing": "in-progress",
    "at_risk": "at-risk",
    "at-risk": "at-risk",
    "delayed": "delayed",
    "completed": "completed",
    "complete": "completed",
    "finished": "completed",
    "done": "completed",
    "executed": "completed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}


def read_decidim(path: Path, council: Council, date: dt.date) -> Iterator[SourceRow]:
    """Decidim results mapped onto the council's actions, as action-update rows dated ``date``.

    A result matches an action by id, or by title (ignoring case and spaces at the ends).
    Results that match a pillar or outcome are left out (Decidim's parent levels); any other
    unmatched result is an error naming the row.
    """
    actions = {planned.action.id: planned.action for planned in council.programme.action_plan.all_actions()}
    by_title = {action.text.strip().lower(): action.id for action in actions.values()}
    parents = {pillar.id for pillar in council.programme.action_plan.pillars}
    parents |= {outcome.id for outcome, _ in council.programme.action_plan.all_outcomes()}
    for source in read_csv(path):
        row = source.values
        titles = [value for key, value in row.items() if key.startswith("title/") and value]
        result_id = (row.get("id") or "").strip()
        if result_id in parents:
            continue
        action_id = result_id if result_id in actions else None
        if action_id is None:
            action_id = next((by_title[t.strip().lower()] for t in titles if t.strip().lower() in by_title), None)
        status_key = (row.get("status/id") or "").strip().lower()
        if not status_key:
            continue  # a result with no status carries no progress to record
        mapped: dict[str, Any] = {"kind": RecordKind.ACTION_UPDATE.value, "date": date.isoformat()}
        mapped["action"] = action_id or result_id or (titles[0] if titles else "")
        mapped["status"] = DECIDIM_STATUSES.get(status_key, status_key)
        progress = (row.get("progress") or "").strip()
        if progress:
            try:
                mapped["percent"] = str(round(float(progress)))
            except ValueError:
                mapped["percent"] = progress
        mapped["note"] = f"Imported from Decidim result {result_id}" if result_id else "Imported from Decidim"
        yield SourceRow(source.number, mapped)


def json_rows(path: Path) -> Iterator[SourceRow]:
    """Rows of an engagekit JSON export."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileProblem(f"{path}: not readable JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise FileProblem(f"{path}: expected an engagekit export: an object with a 'records' list")
    for number, row in enumerate(data["records"], start=1):
        if not isinstance(row, dict):
            raise FileProblem(f"{path}: record {number} is not an object")
        unknown = [key for key in row if key not in ALL_COLUMNS]
        if unknown:
            raise FileProblem(f"{path}: unknown field {unknown[0]!r} in record {number}")
        yield SourceRow(number, row)
