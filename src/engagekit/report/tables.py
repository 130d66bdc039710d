"""Spreadsheet exports of a report: the action plan and the findings as CSV and XLSX, and the
action plan as a Decidim accountability results CSV.

The XLSX workbook also carries the rest of the report: a ``contents`` sheet listing every
section heading (and the sheet holding its tables), and a sheet for each section of the report
that has a table (or label–value pairs, such as the report's header), holding every table of
the section and its sub-sections, each under its headings and caption, with a bold header row.

Every text cell passes through :func:`engagekit.spreadsheet_cells.neutralise`, so text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or CR first) is shown as
text; the workbook's cells are string cells, never formulas, and text an XLSX cell cannot hold
as it is (control characters) is written with Office Open XML's ``_xHHHH_`` escape, as Excel does.

Everything is read from the :class:`~engagekit.report.document.Report` alone: the actions and
their latest updates from the tables of its ``action-plan`` section, the findings from
``report.findings``. A renderer sees nothing else.

    engagekit report --council basildon --format actions-csv --output actions.csv
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from engagekit.records.cells import SURROGATES
from engagekit.report.document import Chart, Fields, Report, Section, Table
from engagekit.rules.findings import Finding
from engagekit.spreadsheet_cells import neutralise
from engagekit.terminal_text import printable

ACTION_COLUMNS = ["council_id", "pillar", "outcome", "action_id", "action", "latest_status", "latest_date"]
"""The columns of the actions export, one row per action."""

FINDING_COLUMNS = [
    "status",
    "rule_id",
    "rule",
    "subject",
    "subject_id",
    "message",
    "due",
    "source_document",
    "source_section",
    "evidence",
]
"""The columns of the findings export, one row per finding."""

NONE_RECORDED = "none recorded"
"""What the "Latest update" cell says for an action with no update."""

_MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_LATEST = re.compile(r"^(?P<status>\S+)(?: (?P<percent>[0-9.eE+-]+)%)? \((?P<date>\d{1,2} [A-Z][a-z]+ \d{4})\)$")


@attrs.frozen
class LatestUpdate:
    """An action's latest update as the report shows it: ``in-progress 40% (1 March 2026)``."""

    status: str
    percent: float | None = None
    date: dt.date | None = None


@attrs.frozen
class ActionRow:
    """One action of the report's action plan, with the pillar and outcome it sits under.

    The ids of the pillar and outcome come from their section ids (``pillar-<id>``,
    ``outcome-<id>``); ``pillar`` is empty for an outcome under no pillar.
    """

    pillar_id: str
    pillar: str
    outcome_id: str
    outcome: str
    action_id: str
    action: str
    latest: LatestUpdate | None = None


def parse_latest_update(text: str) -> LatestUpdate | None:
    """The "Latest update" cell read back; ``None`` when nothing is recorded.

    A cell in any other shape is kept whole as the status, with no percentage or date.
    """
    text = text.strip()
    if not text or text == NONE_RECORDED:
        return None
    match = _LATEST.match(text)
    if match is None:
        return LatestUpdate(text)
    percent = None
    if match["percent"] is not None:
        try:
            percent = float(match["percent"])
        except ValueError:
            percent = None
    day, month, year = match["date"].split(" ")
    date = None
    if month in _MONTHS:
        try:
            date = dt.date(int(year), _MONTHS[month], int(day))
        except ValueError:
            date = None
    return LatestUpdate(match["status"], percent, date)


def action_rows(report: Report) -> list[ActionRow]:
    """Every action in the report's action plan, in plan order."""
    plan = next((section for section in report.sections if section.id == "action-plan"), None)
    if plan is None:
        return []
    return list(_walk_actions(plan, None))


def _walk_actions(section: Section, pillar: Section | None) -> Iterator[ActionRow]:
    if section.id.startswith("pillar-"):
        pillar = section
    table = _actions_table(section)
    if table is not None:
        pillar_id = _id_of(pillar, "pillar-") if pillar else ""
        pillar_name = _after_label(pillar.title) if pillar else ""
        outcome_id = _id_of(section, "outcome-")
        outcome = _after_label(section.title)
        at = {name: index for index, name in enumerate(table.columns)}
        for row in table.rows:
            latest = parse_latest_update(row[at["Latest update"]]) if "Latest update" in at else None
            yield ActionRow(pillar_id, pillar_name, outcome_id, outcome, row[at["Id"]], row[at["Action"]], latest)
    for sub in section.sections:
        yield from _walk_actions(sub, pillar)


def _actions_table(section: Section) -> Table | None:
    """The table of an outcome's actions (caption "Actions", with "Id" and "Action" columns)."""
    for block in section.blocks:
        if isinstance(block, Table) and block.caption == "Actions" and {"Id", "Action"} <= set(block.columns):
            return block
    return None


def _after_label(title: str) -> str:
    """``Connected Neighbourhoods`` from ``Focus area: Connected Neighbourhoods``."""
    _, sep, rest = title.partition(": ")
    return rest if sep else title


def _id_of(section: Section, prefix: str) -> str:
    """The pillar's or outcome's own id, from its section id; a slug of its title otherwise."""
    if section.id.startswith(prefix) and len(section.id) > len(prefix):
        return section.id[len(prefix) :]
    return slug(_after_label(section.title))


def slug(text: str) -> str:
    """``connected-neighbourhoods`` from ``Connected Neighbourhoods``."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


# -- rows ---------------------------------------------------------------------------------

Cell = str | int | dt.date | None


def _action_values(report: Report) -> Iterator[list[Cell]]:
    for row in action_rows(report):
        latest = row.latest
        yield [
            report.council_id,
            row.pillar,
            row.outcome,
            row.action_id,
            row.action,
            latest.status if latest else None,
            latest.date if latest else None,
        ]


def _ordered_findings(report: Report) -> list[Finding]:
    """Red first, then amber, grey and green, as the report lists them."""
    return sorted(report.findings, key=lambda finding: finding.status.severity)


def _finding_values(report: Report) -> Iterator[list[Cell]]:
    for finding in _ordered_findings(report):
        source = finding.source
        yield [
            finding.status.value,
            finding.rule_id,
            finding.rule_title,
            finding.subject,
            finding.subject_id,
            finding.message,
            finding.due,
            source.document if source else None,
            source.section if source else None,
            "; ".join(item.ref or item.summary for item in finding.evidence) or None,
        ]


def _text(value: Cell) -> str:
    """A CSV cell: blank, an ISO date, or text that stays text in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text: str = neutralise(value)
    return text


_NOT_IN_XLSX = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
"""What an XLSX cell's text cannot hold as it is: control characters other than tab and line
feed (a carriage return too, which XML would turn into a line feed), lone surrogates, and the
``_`` of a literal ``_xHHHH_``, which would otherwise be read as an escape."""


def xlsx_text(value: str) -> str:
    """``value`` as an XLSX string cell holds it: neutralised, with Office Open XML's escape
    (``_x0001_``; ``_x005F_`` for the underscore of a literal ``_xHHHH_``), as Excel writes it."""
    return _NOT_IN_XLSX.sub(lambda match: f"_x{ord(match[0]):04X}_", neutralise(value))


def _csv(columns: Sequence[str], rows: Iterator[Sequence[Cell]]) -> str:
    from engagekit.records.exports import csv_writer

    buffer = io.StringIO()
    writer = csv_writer(buffer)  # quotes a cell holding a lone CR, which csv.writer would not
    writer.writerow(columns)
    writer.writerows([_text(value) for value in row] for row in rows)
    return buffer.getvalue()


# -- renderers ----------------------------------------------------------------------------


def render_actions_csv(report: Report) -> str:
    """One row per action: where it sits in the plan and its latest recorded status (ISO date)."""
    return _csv(ACTION_COLUMNS, _action_values(report))


def render_findings_csv(report: Report) -> str:
    """One row per finding, red first: ids, the message, ISO due date, source and evidence refs."""
    return _csv(FINDING_COLUMNS, _finding_values(report))


SHEET_NAME_LENGTH = 31
"""The longest sheet name Excel accepts."""
_NOT_IN_SHEET_NAME = re.compile(f"[\\[\\]:*?/\\\\{SURROGATES}]")
"""What Excel refuses in a sheet name: ``[ ] : * ? / \\`` (and lone surrogates, which no XML holds)."""
RESERVED_SHEET_NAMES = {"history"}
"""Excel keeps the name "History" for itself."""
CONTENTS_COLUMNS = ["section", "level", "sheet"]
"""The columns of the ``contents`` sheet: every heading, its depth (1 for a top-level section)
and the sheet holding its tables (blank where it has none)."""


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name for ``title`` that Excel accepts and no other sheet in ``used`` (lower-cased) has.

    Characters Excel refuses and control characters are dropped, an apostrophe may not start or
    end it, it is cut to 31 characters, and a name already taken gets " (2)", " (3)"...
    The name is added to ``used``.
    """
    text = " ".join(_NOT_IN_SHEET_NAME.sub(" ", printable(title, multiline=False)).split()).strip("'").strip()
    base = text or "Section"
    name = base[:SHEET_NAME_LENGTH].rstrip().strip("'") or "Section"
    number = 1
    while name.lower() in used or name.lower() in RESERVED_SHEET_NAMES:
        number += 1
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip().strip("'") + suffix
    used.add(name.lower())
    return name


FIELD_COLUMNS = ["Field", "Value"]
"""The header row of a section's label–value pairs (its :class:`Fields`) on its sheet."""


def _has_table(section: Section) -> bool:
    return any(isinstance(block, Table | Chart | Fields) for block in section.blocks) or any(
        _has_table(sub) for sub in section.sections
    )


def _section_tables(section: Section, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Table]]:
    """Every table of ``section`` and its sub-sections (a chart's as its data, label–value pairs
    as a two-column table), with the headings above it."""
    path = (*path, section.title)
    for block in section.blocks:
        if isinstance(block, Fields):
            yield " › ".join(path), Table("", FIELD_COLUMNS, [[label, value] for label, value in block.items])
        elif isinstance(block, Table):
            yield " › ".join(path), block
        elif isinstance(block, Chart):
            yield " › ".join(path), block.table()
    for sub in section.sections:
        yield from _section_tables(sub, path)


def _contents(section: Section, level: int, sheet: str) -> Iterator[list[Cell]]:
    yield [section.title, level, sheet if _has_table(section) else None]
    for sub in section.sections:
        yield from _contents(sub, level + 1, sheet)


def render_xlsx(report: Report) -> bytes:
    """A workbook with an ``actions`` and a ``findings`` sheet (the columns of the two CSVs), a
    ``contents`` sheet, and a sheet for each section of the report that has a table.

    The actions, findings and contents sheets have a bold header row, frozen on screen and
    repeated on every printed page; dates are real dates. Every text cell is neutralised and
    escaped (:func:`xlsx_text`).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used = {"actions", "findings", "contents"}
    named = [(section, sheet_name(section.title, used)) for section in report.sections if _has_table(section)]
    sheet_of = {id(section): name for section, name in named}
    contents = (row for section in report.sections for row in _contents(section, 1, sheet_of.get(id(section), "")))
    sheets: list[tuple[str, list[str], Iterator[list[Cell]], dict[str, float]]] = [
        ("actions", ACTION_COLUMNS, _action_values(report), {"pillar": 28, "outcome": 50, "action": 80}),
        ("findings", FINDING_COLUMNS, _finding_values(report), {"rule": 40, "subject": 30, "message": 80}),
        ("contents", CONTENTS_COLUMNS, contents, {"section": 80, "sheet": 32}),
    ]
    for title, columns, rows, widths in sheets:
        sheet = workbook.create_sheet(title)
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = widths.get(column, 16)
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells: list[object] = []
            for value in row:
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, int):
                    cell = WriteOnlyCell(sheet, value=value)
                else:
                    cell = WriteOnlyCell(sheet, value=None if value is None else xlsx_text(value))
                    if cell.data_type == "f":
                        cell.data_type = "s"  # text that starts with "=" is text, never a formula
                cells.append(cell)
            sheet.append(cells)
    for section, name in named:
        _section_sheet(workbook.create_sheet(name), section, bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _section_sheet(sheet: Any, section: Section, bold: Any) -> None:
    """One section's tables, one under another: the headings above each and its caption in bold,
    then its header row in bold, its rows, and a blank row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    def text_cell(value: str, strong: bool = False) -> Any:
        cell = WriteOnlyCell(sheet, value=xlsx_text(value) if value else None)
        if cell.data_type == "f":
            cell.data_type = "s"  # text, never a formula
        if strong:
            cell.font = bold
        return cell

    tables = list(_section_tables(section))
    widest = max(len(table.columns) for _, table in tables)
    for index in range(1, widest + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index <= 2 else 24
    for number, (headings, table) in enumerate(tables):
        if number:
            sheet.append([])
        sheet.append([text_cell(headings, True)])
        if table.caption and table.caption != headings.rsplit(" › ", 1)[-1]:
            sheet.append([text_cell(table.caption, True)])
        sheet.append([text_cell(column, True) for column in table.columns])
        for row in table.rows:
            sheet.append([text_cell(value) for value in row])


def render_decidim_results(report: Report) -> str:
    """The action plan as a file for Decidim's "Import results from CSV": ``;``-separated,
    pillars and outcomes as parent results and actions as their children, engagekit's ids in
    ``external_id``, each action's latest percentage in ``progress``.

    A report format takes no options, so ``status/id`` (a Decidim status id, which only the
    Decidim site knows) is left blank, and so are ``id`` and ``parent/id``; ``engagekit export
    --format decidim`` writes status ids and fills in a Decidim export
    (:mod:`engagekit.interop.decidim_export`).
    """
    from engagekit.interop.decidim_export import import_file, lines_from_report

    text, _ = import_file(lines_from_report(report), statuses=None)
    return text
