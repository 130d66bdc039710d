"""Decidim accountability results read into engagekit: Decidim's own export, and the files
engagekit writes for Decidim's importer.

Decidim's export of a component's results (``ResultSerializer``, flattened with ``/``) is
``;``-separated by default, but an administrator may have set ``,``: the separator is found
from the header. Its columns include ``id``, ``parent/id``, ``title/<locale>``,
``status/id``, ``status/key``, ``status/name/<locale>``, ``progress`` and ``updated_at``
(0.28+ adds ``taxonomies/*``; 0.27 has ``category/*`` and ``scope/*`` instead); a file
written for Decidim's importer may add ``external_id``.

Each result is matched to one of the council's actions by ``external_id``, then by ``id``
(through a map of Decidim ids, or an engagekit id as earlier engagekit files wrote it), then by
title in any locale (case and spacing ignored). Results that are pillars or outcomes, or that
other results name as their ``parent/id`` (or that have children), are parent levels and are
left out. A result that matches nothing is *unknown*: a problem on its row, or left out and
listed when the import is asked to skip unknown results.

A result's status is read from ``status/key``, then ``status/name/<locale>``; a bare numeric
``status/id`` only through a map of status ids. Its date is ``updated_at``'s day, else the date
the import is given.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from engagekit.model.council import Council
from engagekit.records import cells
from engagekit.records.fast import CSV_FIELD_LIMIT, CSV_ROW_LIMIT, MAX_COLUMNS, _csv_problem, _first_bad_line
from engagekit.records.kinds import RecordKind
from engagekit.records.rows import BadCell, FileProblem, SourceRow
from engagekit.spreadsheet_cells import ESCAPE, restore

SEPARATORS = (";", ",")
"""The separators a Decidim results file may use: Decidim's default first."""

MAX_ROWS = 100_000
"""The most results one file may hold (a Decidim component holds hundreds; the file is read whole)."""

STATUS_KEYS: dict[str, tuple[str, ...]] = {
    "not-started": ("not_started", "planned", "not_yet_started", "pending"),
    "in-progress": ("in_progress", "ongoing", "started", "executing", "in_execution"),
    "at-risk": ("at_risk",),
    "delayed": ("delayed",),
    "completed": ("completed", "complete", "finished", "done", "executed"),
    "cancelled": ("cancelled", "canceled", "discarded"),
}
"""Each engagekit action status with the Decidim status keys (and names) read as it.

Decidim's statuses are made by each administrator (a key, a name per locale and a progress);
these are the keys and English names in common use. Keys are compared with :func:`status_token`.
"""

NAMED = 5
"""A message listing results names this many, then counts the rest."""


def status_token(text: str) -> str:
    """A status key or name as compared: ``in_progress`` from ``In progress`` or ``in-progress``."""
    return "_".join(re.split(r"[\s_\-]+", text.strip().casefold())).strip("_")


_STATUS_BY_TOKEN = {status_token(word): status for status, words in STATUS_KEYS.items() for word in (status, *words)}


def engagekit_status(key_or_name: str) -> str | None:
    """The engagekit status a Decidim status key or name means, or ``None`` if none is known."""
    return _STATUS_BY_TOKEN.get(status_token(key_or_name))


def title_token(text: str) -> str:
    """A title as compared: spacing collapsed, case ignored."""
    return " ".join(text.split()).casefold()


# -- the file --------------------------------------------------------------------------------


@attrs.frozen
class DecidimTable:
    """A Decidim results file read whole: its separator, header and rows (numbered as a
    spreadsheet shows them, the header being row 1)."""

    path: Path
    separator: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def columns(self, prefix: str) -> list[str]:
        """The header's columns whose names start with ``prefix`` (``title/`` gives every locale's)."""
        return [name for name in self.header if name.startswith(prefix)]

    def get(self, cells_: Sequence[str], column: str) -> str:
        """A row's cell in ``column``, stripped ('' when the file has no such column or the row is short)."""
        try:
            position = self.header.index(column)
        except ValueError:
            return ""
        return cells_[position].strip() if position < len(cells_) else ""


def is_results_header(names: Iterable[str]) -> bool:
    """Whether a header is a Decidim results file's: an ``id`` and a ``title/<locale>``, with
    ``parent/id``, a status or an ``external_id``."""
    found = set(names)
    if "id" not in found or not any(name.startswith("title/") for name in found):
        return False
    return bool(found & {"parent/id", "status/id", "status/key", "external_id"})


def separator_of(path: Path) -> str | None:
    """The separator of a Decidim results file (``;`` or ``,``), or ``None`` if its header is not one."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            first = stream.readline(CSV_ROW_LIMIT)
    except UnicodeDecodeError:
        return None
    for separator in SEPARATORS:
        try:
            header = next(csv.reader([first], delimiter=separator), [])
        except csv.Error:
            continue
        if is_results_header(name.strip() for name in header):
            return separator
    return None


def read_table(path: Path, separator: str | None = None) -> DecidimTable:
    """The whole of a Decidim results file, its separator found from the header when not given.

    The bounds of every CSV import hold (cell and row sizes, columns, quotes closed, UTF-8),
    and at most :data:`MAX_ROWS` results; cells engagekit wrote behind an apostrophe come back
    as they were. Anything else is a :class:`FileProblem` naming the file and row.
    """
    found = separator or separator_of(path)
    if found is None:
        raise FileProblem(
            f"{path}: not a Decidim results file: its header needs 'id' and a 'title/<locale>' column "
            "(with 'parent/id' or a status), separated by ';' or ','"
        )
    csv.field_size_limit(CSV_FIELD_LIMIT)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    number = 0
    with path.open(newline="", encoding="utf-8-sig") as stream:
        try:
            for cells_ in csv.reader(stream, delimiter=found, strict=True):
                number += 1
                if len(cells_) > MAX_COLUMNS:
                    raise FileProblem(
                        f"{path}: row {number} has {len(cells_):,} cells; engagekit reads at most {MAX_COLUMNS:,}"
                    )
                if sum(map(len, cells_)) > CSV_ROW_LIMIT:
                    raise FileProblem(
                        f"{path}: row {number} holds more than {CSV_ROW_LIMIT:,} characters, more than any result"
                    )
                cells_ = [restore(cell) if cell[:1] == ESCAPE else cell for cell in cells_]
                if number == 1:
                    header = [name.strip() for name in cells_]
                    _check_header(path, header)
                    continue
                if not any(cell.strip() for cell in cells_):
                    continue
                if len(cells_) > len(header):
                    raise FileProblem(f"{path}: row {number} has {len(cells_)} cells for {len(header)} columns")
                if len(rows) >= MAX_ROWS:
                    raise FileProblem(f"{path}: more than {MAX_ROWS:,} results; engagekit reads at most that many")
                rows.append((number, cells_))
        except csv.Error as error:
            raise FileProblem(f"{path}: row {number + 1}: {_csv_problem(error)}") from None
        except UnicodeDecodeError:
            raise FileProblem(
                f"{path}: line {_first_bad_line(path)} is not UTF-8 text; save the file as CSV UTF-8"
            ) from None
    if not header:
        raise FileProblem(f"{path}: the file is empty; it needs a header row")
    return DecidimTable(path, found, header, rows)


def _check_header(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen:
            raise FileProblem(
                f"{path}: column {name!r} appears twice in the header (columns {seen[name]} and {position}); keep one"
            )
        seen[name] = position


# -- maps given on the command line ----------------------------------------------------------


def parse_pairs(text: str, option: str) -> dict[str, int]:
    """``key=id,key=id`` as a mapping to positive whole numbers; a malformed pair is a
    :class:`ValueError` naming the option and the pair."""
    pairs: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise ValueError(f"{option}: {part.strip()[:60]!r} is not KEY=ID (for example in-progress=3)")
        if not value.isascii() or not value.isdigit() or int(value) < 1 or len(value) > 18:
            raise ValueError(f"{option}: {key[:60]!r} needs a Decidim id, a whole number from 1; not {value[:30]!r}")
        if key in pairs and pairs[key] != int(value):
            raise ValueError(f"{option}: {key[:60]!r} is given twice, as {pairs[key]} and {value}")
        pairs[key] = int(value)
    if not pairs:
        raise ValueError(f"{option}: give at least one KEY=ID pair")
    return pairs


def plan_ids(council: Council) -> tuple[set[str], set[str]]:
    """The ids of the council's actions, and of its parent levels (pillars and outcomes)."""
    plan = council.programme.action_plan
    actions = {planned.action.id for planned in plan.all_actions()}
    parents = {pillar.id for pillar in plan.pillars} | {outcome.id for outcome, _ in plan.all_outcomes()}
    return actions, parents


def check_decidim_ids(council: Council, ids: Mapping[str, int], option: str = "--decidim-ids") -> None:
    """Refuse a map of Decidim ids naming something the council's plan does not hold, or one
    Decidim id given to two things."""
    actions, parents = plan_ids(council)
    for key in ids:
        if key not in actions and key not in parents:
            raise ValueError(f"{option}: {key[:60]!r} is no action, outcome or pillar of this council")
    owners: dict[int, str] = {}
    for key, value in ids.items():
        if value in owners:
            raise ValueError(f"{option}: Decidim id {value} is given to both {owners[value]!r} and {key!r}")
        owners[value] = key


# -- matching ------------------------------------------------------------------------------------


@attrs.frozen
class Matcher:
    """Finds which of a council's actions (or parent levels) a Decidim result is."""

    actions: set[str]
    parents: set[str]
    by_decidim_id: dict[str, str]
    by_title: dict[str, str]

    @classmethod
    def for_council(cls, council: Council, decidim_ids: Mapping[str, int] | None = None) -> Matcher:
        plan = council.programme.action_plan
        actions, parents = plan_ids(council)
        by_title: dict[str, str] = {}
        for pillar in plan.pillars:
            by_title.setdefault(title_token(pillar.name), pillar.id)
        for outcome, _ in plan.all_outcomes():
            by_title.setdefault(title_token(outcome.statement), outcome.id)
        for planned in plan.all_actions():
            by_title[title_token(planned.action.text)] = planned.action.id  # an action's title wins
        by_decidim_id = {str(value): key for key, value in (decidim_ids or {}).items()}
        return cls(actions, parents, by_decidim_id, by_title)

    def match(self, table: DecidimTable, cells_: Sequence[str]) -> tuple[str, str] | None:
        """The engagekit id a result is and how it was found (``external_id``, ``id`` or ``title``)."""
        external = table.get(cells_, "external_id")
        if external in self.actions or external in self.parents:
            return external, "external_id"
        result_id = table.get(cells_, "id")
        if result_id in self.by_decidim_id:
            return self.by_decidim_id[result_id], "id"
        if result_id in self.actions or result_id in self.parents:
            return result_id, "id"  # an engagekit id in 'id', as earlier engagekit files wrote it
        for column in table.columns("title/"):
            found = self.by_title.get(title_token(table.get(cells_, column)))
            if found is not None:
                return found, "title"
        return None


def parent_results(table: DecidimTable) -> set[str]:
    """The ids of results other results sit under (their ``parent/id``)."""
    return {value for _, row in table.rows if (value := table.get(row, "parent/id"))}


def has_children(table: DecidimTable, cells_: Sequence[str]) -> bool:
    count = table.get(cells_, "children_count")
    return count.isascii() and count.isdigit() and int(count) > 0


def result_title(table: DecidimTable, cells_: Sequence[str]) -> str:
    """A result's first title (in the header's order of locales), or ''."""
    return next((text for column in table.columns("title/") if (text := table.get(cells_, column))), "")


# -- import --------------------------------------------------------------------------------------


@attrs.frozen
class Unknown:
    """A result that matches none of the council's actions."""

    row: int
    result_id: str
    title: str

    def __str__(self) -> str:
        named = f"result {self.result_id}" if self.result_id else "a result with no id"
        return f"row {self.row}: {named} {self.title[:80]!r}"


@attrs.frozen
class DecidimImport:
    """What a Decidim results file gives: action-update rows, and what was left out."""

    separator: str
    rows: list[SourceRow]
    parents: int
    """Results left out as parent levels (pillars, outcomes, results with children)."""
    no_status: int
    """Results left out because they carry no status."""
    skipped: list[Unknown]
    """Unknown results left out (only when asked to skip them)."""


def read_results(
    path: Path,
    council: Council,
    fallback_date: dt.date,
    *,
    decidim_ids: Mapping[str, int] | None = None,
    status_ids: Mapping[str, int] | None = None,
    skip_unknown: bool = False,
) -> DecidimImport:
    """The results of a Decidim file as action-update rows for ``council``.

    ``decidim_ids`` maps engagekit ids to Decidim result ids; ``status_ids`` maps engagekit
    statuses (or Decidim status keys) to Decidim status ids, for a file whose only status is a
    numeric ``status/id``. An unknown result is a problem on its row (``action``), unless
    ``skip_unknown``, when it is left out and listed in :attr:`DecidimImport.skipped`.
    """
    table = read_table(path)
    matcher = Matcher.for_council(council, decidim_ids)
    parents_named = parent_results(table)
    statuses_by_id = _statuses_by_id(status_ids or {})
    rows: list[SourceRow] = []
    skipped: list[Unknown] = []
    parents = no_status = 0
    first_row: dict[str, int] = {}
    for number, cells_ in table.rows:
        result_id = table.get(cells_, "id")
        found = matcher.match(table, cells_)
        if found is not None and found[0] in matcher.parents:
            parents += 1
            continue
        if found is None and ((result_id and result_id in parents_named) or has_children(table, cells_)):
            parents += 1
            continue
        status = _status(table, cells_, statuses_by_id)
        if status is None:
            no_status += 1  # a result with no status carries no progress to record
            continue
        mapped: dict[str, Any] = {"kind": RecordKind.ACTION_UPDATE.value}
        if found is not None and found[0] in first_row:
            mapped["action"] = BadCell(
                f"result {result_id[:20]!r} matches action {found[0]} by {found[1]}, as row {first_row[found[0]]} "
                "does; give each result its own external_id, or map the ids with --decidim-ids"
            )
        elif found is not None:
            mapped["action"] = found[0]
            first_row[found[0]] = number
        else:
            unknown = Unknown(number, result_id, result_title(table, cells_))
            if skip_unknown:
                skipped.append(unknown)
                continue
            mapped["action"] = BadCell(
                f"no action {(result_id or unknown.title)[:60]!r}: Decidim result {unknown.title[:60]!r} matches "
                "no action of the council by external_id, id or title (import with --skip-unknown to leave it out)"
            )
        mapped["status"] = status
        mapped["date"] = _date(table, cells_, fallback_date)
        progress = table.get(cells_, "progress")
        if progress:
            try:
                mapped["percent"] = str(round(cells.number(progress)))
            except ValueError as error:
                mapped["percent"] = BadCell(f"progress {error}")
        mapped["note"] = f"Imported from Decidim result {result_id}" if result_id else "Imported from Decidim"
        rows.append(SourceRow(number, mapped))
    return DecidimImport(table.separator, rows, parents, no_status, skipped)


def _statuses_by_id(status_ids: Mapping[str, int]) -> dict[str, str]:
    """Decidim status ids (as text) to the engagekit status each was given for."""
    by_id: dict[str, str] = {}
    for key, value in status_ids.items():
        status = engagekit_status(key)
        if status is not None:
            by_id.setdefault(str(value), status)
    return by_id


def _status(table: DecidimTable, cells_: Sequence[str], statuses_by_id: Mapping[str, str]) -> str | BadCell | None:
    """A result's engagekit status: from ``status/key``, then ``status/name/<locale>``, then a
    numeric ``status/id`` through the map (or a key in ``status/id``, as earlier engagekit files
    wrote it); ``None`` when the result has no status at all."""
    key = table.get(cells_, "status/key")
    names = [name for column in table.columns("status/name/") if (name := table.get(cells_, column))]
    status_id = table.get(cells_, "status/id")
    for text in (key, *names):
        if text and (status := engagekit_status(text)) is not None:
            return status
    if status_id:
        if status_id in statuses_by_id:
            return statuses_by_id[status_id]
        if not status_id.isdigit() and (status := engagekit_status(status_id)) is not None:
            return status
    if not (key or names or status_id):
        return None
    if key or names:
        said = f"status/key {key!r}" if key else f"status/name {names[0]!r}"
        return BadCell(
            f"{said[:80]} is not a status engagekit knows (it reads the keys {_known_keys()}); "
            "rename the status's key in Decidim or give --decidim-statuses"
        )
    return BadCell(
        f"status/id {status_id[:20]!r} alone does not say which status it is: the file has no status/key or "
        "status/name; give --decidim-statuses (for example in-progress=3)"
    )


def _known_keys() -> str:
    return ", ".join(words[0] for words in STATUS_KEYS.values())


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(table: DecidimTable, cells_: Sequence[str], fallback: dt.date) -> str | BadCell:
    """The day of ``updated_at`` as Decidim writes it (``2026-03-02 10:15:00 UTC`` or ISO 8601),
    or the fallback date when the file has none."""
    written = table.get(cells_, "updated_at")
    if not written:
        return fallback.isoformat()
    day = written[:10]
    if _DAY.fullmatch(day) and (len(written) == 10 or written[10] in " T"):
        try:
            return cells.date(day).isoformat()
        except ValueError as error:
            return BadCell(f"updated_at {error}")
    return BadCell(f"updated_at {written[:40]!r} is not a date and time as Decidim writes it (2026-03-02 10:15:00 UTC)")
