"""``engagekit import``: records from a CSV, XLSX, JSON export or Decidim results file."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engagekit.cli.app import (
    App,
    UsageProblem,
    council_option,
    definition_option,
    parse_date,
    pass_app,
    shown,
    today,
)

if TYPE_CHECKING:
    from engagekit.model.council import Council
    from engagekit.records.decidim import DecidimImport
    from engagekit.records.fast import CsvTable
    from engagekit.records.rows import SourceRow

LISTED = 50
"""The most skipped Decidim results listed one by one (as many as an import's problems)."""


@click.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@council_option
@definition_option
@click.option("--kind", metavar="KIND", help="The kind of every row, for a file with no 'kind' column.")
@click.option(
    "--date",
    "date",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Decidim files: the date of results with no updated_at (default: today).",
)
@click.option(
    "--skip-unknown",
    is_flag=True,
    help="Decidim files: leave out (and list) results that match no action, instead of refusing the file.",
)
@click.option(
    "--decidim-ids",
    metavar="ID=N,...",
    help="Decidim files: the Decidim result id of engagekit actions, outcomes or pillars (CN-1=12,...).",
)
@click.option(
    "--decidim-statuses",
    metavar="STATUS=N,...",
    help="Decidim files: what numeric status/id values mean, for a file with no status/key (completed=5,...).",
)
@click.option("--by", metavar="NAME", help="Who imports (default: ENGAGEKIT_RECORDED_BY or your login).")
@click.option("--dry-run", is_flag=True, help="Check every row and say what would be added; write nothing.")
@pass_app
def import_(
    app: App,
    file: Path,
    council_id: str | None,
    definition: Path | None,
    kind: str | None,
    date: dt.date | None,
    skip_unknown: bool,
    decidim_ids: str | None,
    decidim_statuses: str | None,
    by: str | None,
    dry_run: bool,
) -> None:
    """Import records from FILE, all or nothing.

    CSV and XLSX files have a column per field and a 'kind' column (action-update,
    indicator-reading, event, review, instance, local-priority, local-action or member), or
    use --kind; an XLSX sheet named after a kind
    gives its rows that kind. A Decidim accountability results CSV (Decidim's own export,
    ';' or ',') becomes action updates: results match actions by external_id, id or title,
    statuses come from status/key or status/name, dates from updated_at. Any bad row and
    nothing is written: each is listed with its row number and column. The same file twice
    adds nothing.

    \b
    Examples:
      engagekit import examples/records/basildon.csv --council basildon
      engagekit import meetings.xlsx --council thurrock --dry-run
      engagekit import results.csv --council basildon --date 2026-03-31
      engagekit import decidim-results.csv --council basildon --skip-unknown
    """
    from engagekit.records.decidim import separator_of
    from engagekit.records.files import FileProblem, csv_table, file_sha256, json_rows, read_xlsx
    from engagekit.records.kinds import RecordKind
    from engagekit.terminal_text import printable

    council = app.council(council_id, definition)
    council_name = printable(council.name, multiline=False)
    default_kind = None
    if kind is not None:
        try:
            default_kind = RecordKind(kind)
        except ValueError:
            raise UsageProblem(f"--kind {kind!r} is not one of: {', '.join(k.value for k in RecordKind)}") from None
    suffix = file.suffix.lower()
    rows: Iterator[SourceRow] | CsvTable
    decidim: DecidimImport | None = None
    try:
        if suffix in (".csv", ".txt") and separator_of(file) is not None:
            decidim = _read_decidim(file, council, date, skip_unknown, decidim_ids, decidim_statuses)
            rows = iter(decidim.rows)
        else:
            decidim_options = {
                "--skip-unknown": skip_unknown,
                "--decidim-ids": decidim_ids,
                "--decidim-statuses": decidim_statuses,
            }
            given = [name for name, value in decidim_options.items() if value]
            if given:
                raise UsageProblem(f"{file}: {given[0]} is for Decidim results files, and this is not one")
            if suffix == ".xlsx":
                rows = read_xlsx(file)
            elif suffix == ".json":
                rows = json_rows(file)
            elif suffix in (".csv", ".txt"):
                rows = csv_table(file)
            else:
                raise UsageProblem(f"{file}: engagekit imports .csv, .xlsx and .json files, not {suffix or 'this'}")
        sha256 = file_sha256(file)
    except FileProblem as problem:
        raise UsageProblem(str(problem)) from None
    if decidim is not None:
        _tell_left_out(shown(str(file)), decidim)
    store = app.store()
    assert store is not None
    size = file.stat().st_size
    show_progress = sys.stderr.isatty() and size > 1_000_000
    try:
        with store:
            if show_progress:
                bar: click._termui_impl.ProgressBar[int]
                with click.progressbar(length=None, label=f"Importing {file.name}", file=sys.stderr) as bar:
                    result = store.import_rows(
                        council,
                        rows,
                        source_name=shown(str(file)),
                        sha256=sha256,
                        recorded_by=app.who(by),
                        default_kind=default_kind,
                        dry_run=dry_run,
                        progress=bar.update,
                    )
            else:
                result = store.import_rows(
                    council,
                    rows,
                    source_name=shown(str(file)),
                    sha256=sha256,
                    recorded_by=app.who(by),
                    default_kind=default_kind,
                    dry_run=dry_run,
                )
    except FileProblem as problem:
        raise UsageProblem(str(problem)) from None
    name = shown(str(file))  # a file name may hold any bytes; what is printed must not fail on them
    if result.already_imported:
        click.echo(f"{name}: already imported for {council_name}; nothing added.")
        return
    if result.problems:
        for bad in result.problems:
            click.echo(f"{name}: {shown(str(bad))}", err=True)
        if result.more_problems:
            click.echo(f"{name}: ... and {result.more_problems:,} more problems", err=True)
        total = len(result.problems) + result.more_problems
        problems = "problem" if total == 1 else "problems"
        in_rows = "row" if result.rows == 1 else "rows"
        click.echo(f"{name}: nothing imported: {total:,} {problems} in {result.rows:,} {in_rows}.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"{name}: {result.rows:,} rows checked; would add {result.rows:,} records for {council_name}.")
    else:
        click.echo(f"{name}: {result.rows:,} rows checked; added {result.added:,} records for {council_name}.")


def _read_decidim(
    file: Path,
    council: Council,
    date: dt.date | None,
    skip_unknown: bool,
    decidim_ids: str | None,
    decidim_statuses: str | None,
) -> DecidimImport:
    """A Decidim results file read with the command's options (a bad map is a usage problem)."""
    from engagekit.records.decidim import check_decidim_ids, parse_pairs, read_results

    try:
        ids = parse_pairs(decidim_ids, "--decidim-ids") if decidim_ids is not None else None
        if ids is not None:
            check_decidim_ids(council, ids)
        statuses = parse_pairs(decidim_statuses, "--decidim-statuses") if decidim_statuses is not None else None
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    return read_results(file, council, date or today(), decidim_ids=ids, status_ids=statuses, skip_unknown=skip_unknown)


def _tell_left_out(name: str, decidim: DecidimImport) -> None:
    """Say on standard error which results were left out, and why."""
    from engagekit.terminal_text import printable

    if decidim.skipped:
        count = len(decidim.skipped)
        results = "result" if count == 1 else "results"
        click.echo(f"{name}: skipped {count:,} unknown {results} (--skip-unknown):", err=True)
        for unknown in decidim.skipped[:LISTED]:
            click.echo(f"{name}: {printable(str(unknown), multiline=False)}", err=True)
        if count > LISTED:
            click.echo(f"{name}: ... and {count - LISTED:,} more", err=True)
    left: list[str] = []
    if decidim.parents:
        left.append(f"{decidim.parents:,} parent {'result' if decidim.parents == 1 else 'results'}")
    if decidim.no_status:
        left.append(f"{decidim.no_status:,} with no status")
    if left:
        click.echo(f"{name}: left out {' and '.join(left)}.", err=True)
