"""A council's action plan as Decidim accountability results, in the form Decidim's admin
"Import results from CSV" reads (``ResultsCsvImporter``), or filled into a Decidim export.

Two files can be written:

- **An import file** (:func:`import_file`): ``;``-separated, Decidim's default; a row per
  pillar, outcome and action with engagekit's id in ``external_id``; ``id`` and ``parent/id``
  blank unless the Decidim ids are known (a made-up number would update whichever result of
  the component has that id); ``title/<locale>``, ``description/<locale>``, ``start_date``,
  ``end_date``, ``status/id`` (a Decidim status id, through a :class:`StatusMap`) and
  ``progress`` (the latest percentage recorded).
- **A filled-in export** (:func:`fill_in`): a Decidim export of the same component written
  back with the same columns, separator and ids, each result that matches an action given
  the action's latest status and progress; results that match nothing are left as they were
  and listed.

Decidim's statuses are made by its administrators: an engagekit status becomes a status id
through a map (from the command line, or the ``status/id`` and ``status/key`` of a Decidim
export). A status the export needs and the map lacks is an error naming it; engagekit
statuses that share one Decidim status are listed in the notes, never merged silently.

Every cell goes through :func:`engagekit.spreadsheet_cells.neutralise`, as in every CSV
engagekit writes. Decidim's importer keeps a cell as it is, so a title beginning ``=``,
``+``, ``-`` or ``@`` arrives in Decidim after an apostrophe; such cells are listed in the notes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from engagekit.model.council import Council
from engagekit.records.decidim import (
    STATUS_KEYS,
    DecidimTable,
    Matcher,
    result_title,
    status_token,
)
from engagekit.rules.findings import EvidenceItem

if TYPE_CHECKING:
    from engagekit.report.document import Report
from engagekit.spreadsheet_cells import neutralise

DEFAULT_LOCALE = "en"
"""The locale of the title and description columns unless another is asked for."""

LISTED = 50
"""The most unmatched results of a filled-in export named one by one."""

SEPARATOR = ";"
"""The separator of an import file: Decidim's default (``Decidim.default_csv_col_sep``)."""


def import_columns(locale: str = DEFAULT_LOCALE) -> list[str]:
    """The columns of an import file, in the order written."""
    return [
        "id",
        "parent/id",
        "external_id",
        f"title/{locale}",
        f"description/{locale}",
        "start_date",
        "end_date",
        "status/id",
        "progress",
    ]


class DecidimExportProblem(ValueError):
    """What stops a Decidim file being written: one line naming the status, option or row."""


@attrs.frozen
class ResultLine:
    """One result to give Decidim: a pillar, an outcome or an action, with engagekit's ids."""

    engagekit_id: str
    parent_id: str | None
    title: str
    description: str = ""
    end_date: dt.date | None = None
    status: str | None = None
    percent: float | None = None
    is_action: bool = False


def lines_from_council(council: Council, latest: Mapping[str, EvidenceItem]) -> list[ResultLine]:
    """The council's plan in plan order, each action with its latest update (``latest``, by action id)."""
    plan = council.programme.action_plan
    lines: list[ResultLine] = []
    seen: set[str] = set()
    for outcome, pillar in plan.all_outcomes():
        if pillar is not None and pillar.id not in seen:
            seen.add(pillar.id)
            lines.append(ResultLine(pillar.id, None, pillar.name, pillar.description or ""))
        lines.append(ResultLine(outcome.id, pillar.id if pillar else None, outcome.statement))
        for action in outcome.actions:
            update = latest.get(action.id)
            due = action.due
            end = dt.date(due.year, due.month, due.day) if due and due.month and due.day else None
            lines.append(
                ResultLine(
                    action.id,
                    outcome.id,
                    action.text,
                    end_date=end,
                    status=update.kind if update else None,
                    percent=update.value if update else None,
                    is_action=True,
                )
            )
    return lines


def lines_from_report(report: Report) -> list[ResultLine]:
    """The action plan of a report (pillars, outcomes, actions with their latest update), as
    :func:`engagekit.report.tables.action_rows` reads it back from the report's tables."""
    from engagekit.report.tables import action_rows

    lines: list[ResultLine] = []
    seen: set[str] = set()
    for row in action_rows(report):
        if row.pillar_id and row.pillar_id not in seen:
            seen.add(row.pillar_id)
            lines.append(ResultLine(row.pillar_id, None, row.pillar))
        if row.outcome_id not in seen:
            seen.add(row.outcome_id)
            lines.append(ResultLine(row.outcome_id, row.pillar_id or None, row.outcome))
        latest = row.latest
        lines.append(
            ResultLine(
                row.action_id,
                row.outcome_id,
                row.action,
                status=latest.status if latest else None,
                percent=latest.percent if latest else None,
                is_action=True,
            )
        )
    return lines


# -- statuses ------------------------------------------------------------------------------------


@attrs.frozen
class StatusMap:
    """Decidim status ids by key (an engagekit status or a Decidim status key), with the key
    and names each id has in a Decidim export, where one was read."""

    ids: dict[str, int]
    """Status ids by :func:`~engagekit.records.decidim.status_token` of their key."""
    keys: dict[int, str] = attrs.field(factory=dict)
    """The Decidim key of each id, as written in the export."""
    names: dict[int, dict[str, str]] = attrs.field(factory=dict)
    """The ``status/name/<locale>`` cells of each id, by column."""

    def resolve(self, status: str) -> tuple[str, int] | None:
        """The map's key and Decidim id for an engagekit status: its own key first, then the
        Decidim keys that mean it (:data:`~engagekit.records.decidim.STATUS_KEYS`)."""
        for word in (status, *STATUS_KEYS.get(status, ())):
            token = status_token(word)
            if token in self.ids:
                return word, self.ids[token]
        return None

    def key_of(self, status_id: int, fallback: str) -> str:
        return self.keys.get(status_id, fallback)


def status_map(given: Mapping[str, int] | None, export: DecidimTable | None) -> StatusMap:
    """The statuses of a Decidim export (``status/id`` with ``status/key``), then those given
    on the command line, which take precedence; a key with two ids in the export is refused."""
    ids: dict[str, int] = {}
    keys: dict[int, str] = {}
    names: dict[int, dict[str, str]] = {}
    if export is not None:
        name_columns = export.columns("status/name/")
        for number, cells in export.rows:
            written_id, key = export.get(cells, "status/id"), export.get(cells, "status/key")
            if not written_id:
                continue
            if not written_id.isascii() or not written_id.isdigit():
                raise DecidimExportProblem(
                    f"{export.path}: row {number}, status/id: {written_id[:20]!r} is not a Decidim status id"
                )
            status_id = int(written_id)
            if key:
                token = status_token(key)
                if ids.get(token, status_id) != status_id:
                    raise DecidimExportProblem(
                        f"{export.path}: row {number}, status/id: status {key[:40]!r} has id {status_id} here "
                        f"and {ids[token]} on an earlier row"
                    )
                ids[token] = status_id
                keys.setdefault(status_id, key)
            for column in name_columns:
                if name := export.get(cells, column):
                    names.setdefault(status_id, {}).setdefault(column, name)
    for key, value in (given or {}).items():
        ids[status_token(key)] = value
    return StatusMap(ids, keys, names)


def status_ids(lines: Iterable[ResultLine], statuses: StatusMap) -> tuple[dict[str, int], list[str]]:
    """The Decidim id of every engagekit status the lines use, and a note for each Decidim
    status that more than one of them becomes. A status with no id is a :class:`DecidimExportProblem`."""
    used: dict[str, list[str]] = {}
    for line in lines:
        if line.status:
            used.setdefault(line.status, []).append(line.engagekit_id)
    chosen: dict[str, int] = {}
    missing: list[str] = []
    for status, actions in used.items():
        found = statuses.resolve(status)
        if found is None:
            shown = ", ".join(actions[:3]) + (f" and {len(actions) - 3} more" if len(actions) > 3 else "")
            missing.append(f"{status!r} (the latest status of {shown})")
        else:
            chosen[status] = found[1]
    if missing:
        raise DecidimExportProblem(
            f"no Decidim status for engagekit status {'; '.join(missing)}: give each in --decidim-statuses "
            f"(for example --decidim-statuses {missing[0].split(chr(39))[1]}=ID) or read them from a Decidim export"
        )
    notes: list[str] = []
    by_id: dict[int, list[str]] = {}
    for status, status_id in chosen.items():
        by_id.setdefault(status_id, []).append(status)
    for status_id, merged in sorted(by_id.items()):
        if len(merged) > 1:
            key = statuses.keys.get(status_id)
            named = f"Decidim status {status_id}" + (f" ({key})" if key else "")
            notes.append(
                f"engagekit statuses {', '.join(sorted(merged))} all become {named}; Decidim will not tell them apart"
            )
    return chosen, notes


# -- writing ---------------------------------------------------------------------------------------


def _progress(percent: float | None) -> str:
    return "" if percent is None else f"{percent:g}"


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], separator: str) -> str:
    """The rows as CSV with ``separator``, each cell neutralised; rows end ``\\r\\n``, which Ruby's
    CSV (Decidim's reader) takes, and a cell holding CR or LF is quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _escaped(header: Sequence[str], row: Sequence[str], number: int, columns: Sequence[str]) -> Iterable[str]:
    """A note for each text cell of ``columns`` that is written behind an apostrophe."""
    for column in columns:
        if column in header:
            cell = row[list(header).index(column)]
            if neutralise(cell) != cell:
                yield (
                    f"row {number}, {column}: begins with {cell[:1]!r}, so it is written after an apostrophe "
                    "(a spreadsheet shows it as text; Decidim will keep the apostrophe)"
                )


def import_file(
    lines: Sequence[ResultLine],
    *,
    locale: str = DEFAULT_LOCALE,
    statuses: StatusMap | None,
    decidim_ids: Mapping[str, int] | None = None,
) -> tuple[str, list[str]]:
    """An import file for Decidim's results importer, and its notes (merged statuses, cells
    behind an apostrophe). With ``statuses`` ``None`` the ``status/id`` column is left blank."""
    ids = decidim_ids or {}
    chosen, notes = status_ids(lines, statuses) if statuses is not None else ({}, [])
    header = import_columns(locale)
    rows: list[list[str]] = []
    for line in lines:
        status_id = chosen.get(line.status) if line.status else None
        parent = ids.get(line.parent_id) if line.parent_id else None
        rows.append(
            [
                str(ids[line.engagekit_id]) if line.engagekit_id in ids else "",
                str(parent) if parent is not None else "",
                line.engagekit_id,
                line.title,
                line.description,
                "",
                line.end_date.isoformat() if line.end_date else "",
                str(status_id) if status_id is not None else "",
                _progress(line.percent) if line.is_action else "",
            ]
        )
    for number, row in enumerate(rows, start=2):
        notes.extend(_escaped(header, row, number, (f"title/{locale}", f"description/{locale}")))
    return _csv_text(header, rows, SEPARATOR), notes


def fill_in(
    export: DecidimTable,
    council: Council,
    lines: Sequence[ResultLine],
    statuses: StatusMap,
    *,
    decidim_ids: Mapping[str, int] | None = None,
) -> tuple[str, list[str]]:
    """The Decidim export written back with each matched action's latest status and progress,
    and the notes: merged statuses, cells behind an apostrophe, results left as they were."""
    matcher = Matcher.for_council(council, decidim_ids)
    by_id = {line.engagekit_id: line for line in lines}
    matched: dict[int, ResultLine] = {}
    unmatched: list[str] = []
    for number, cells in export.rows:
        found = matcher.match(export, cells)
        if found is None:
            result_id = export.get(cells, "id")
            named = f"result {result_id}" if result_id else "a result with no id"
            unmatched.append(
                f"row {number}: {named} {result_title(export, cells)[:80]!r} matches no action, outcome or pillar; "
                "left as it was"
            )
        elif (line := by_id.get(found[0])) is not None and line.is_action and line.status:
            matched[number] = line
    header = export.header
    at = {name: position for position, name in enumerate(header)}
    if matched and "status/id" not in at:
        raise DecidimExportProblem(f"{export.path}: the file has no status/id column to fill in")
    chosen, notes = status_ids(matched.values(), statuses)
    name_columns = export.columns("status/name/")
    rows: list[list[str]] = []
    for number, cells in export.rows:
        row = list(cells) + [""] * (len(header) - len(cells))
        line = matched.get(number)
        if line is not None and line.status is not None:
            status_id = chosen[line.status]
            row[at["status/id"]] = str(status_id)
            if "status/key" in at:
                resolved = statuses.resolve(line.status)
                row[at["status/key"]] = statuses.key_of(status_id, resolved[0] if resolved else line.status)
            for column in name_columns:
                row[at[column]] = statuses.names.get(status_id, {}).get(column, "")
            if line.percent is not None and "progress" in at:
                row[at["progress"]] = _progress(line.percent)
        rows.append(row)
    text_columns = export.columns("title/") + export.columns("description/")
    for (number, _), row in zip(export.rows, rows, strict=True):
        notes.extend(_escaped(header, row, number, text_columns))
    notes.extend(unmatched[:LISTED])
    if len(unmatched) > LISTED:
        notes.append(f"... and {len(unmatched) - LISTED:,} more results left as they were")
    filled = {line.engagekit_id for line in matched.values()}
    absent = [line.engagekit_id for line in lines if line.is_action and line.status and line.engagekit_id not in filled]
    if absent:
        named = ", ".join(absent[:8]) + (f" and {len(absent) - 8} more" if len(absent) > 8 else "")
        notes.append(
            f"{len(absent)} action{'s' if len(absent) > 1 else ''} with a recorded status "
            f"{'have' if len(absent) > 1 else 'has'} no result in {export.path.name}: {named} "
            "(a file without --decidim-export adds them as new results)"
        )
    return _csv_text(header, rows, export.separator), notes
