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
    from engagekit.records.fast import CsvTable
    from engagekit.records.rows import SourceRow


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
    help="Decidim files: the date of the statuses (default: today).",
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
    by: str | None,
    dry_run: bool,
) -> None:
    """Import records from FILE, all or nothing.

    CSV and XLSX files have a column per field and a 'kind' column (action-update,
    indicator-reading, event, review, instance, local-priority, local-action or member), or
    use --kind; an XLSX sheet named after a kind
    gives its rows that kind. A Decidim accountability results CSV (id, parent/id, status/id,
    title/<locale>, progress) becomes action updates. Any bad row and nothing is written:
    each is listed with its row number and column. The same file twice adds nothing.

    \b
    Examples:
      engagekit import examples/records/basildon.csv --council basildon
      engagekit import meetings.xlsx --council thurrock --dry-run
      engagekit import results.csv --council basildon --date 2026-03-31
    """
    from engagekit.records.files import (
        FileProblem,
        csv_header,
        csv_table,
        file_sha256,
        is_decidim,
        json_rows,
        read_decidim,
        read_xlsx,
    )
    from engagekit.records.kinds import RecordKind

    council = app.council(council_id, definition)
    default_kind = None
    if kind is not None:
        try:
            default_kind = RecordKind(kind)
        except ValueError:
            raise UsageProblem(f"--kind {kind!r} is not one of: {', '.join(k.value for k in RecordKind)}") from None
    suffix = file.suffix.lower()
    rows: Iterator[SourceRow] | CsvTable
    try:
        if suffix == ".xlsx":
            rows = read_xlsx(file)
        elif suffix == ".json":
            rows = json_rows(file)
        elif suffix in (".csv", ".txt"):
            rows = read_decidim(file, council, date or today()) if is_decidim(csv_header(file)) else csv_table(file)
        else:
            raise UsageProblem(f"{file}: engagekit imports .csv, .xlsx and .json files, not {suffix or 'this'}")
        sha256 = file_sha256(file)
    except FileProblem as problem:
        raise UsageProblem(str(problem)) from None
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
        click.echo(f"{name}: already imported for {council.name}; nothing added.")
        return
    if result.problems:
        for bad in result.problems:
            click.echo(f"{name}: {shown(str(bad))}", err=True)
        if result.more_problems:
            click.echo(f"{name}: ... and {result.more_problems:,} more problems", err=True)
        total = len(result.problems) + result.more_problems
        problems = "problem" if total == 1 else "problems"
        click.echo(f"{name}: nothing imported: {total:,} {problems} in {result.rows:,} rows.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"{name}: {result.rows:,} rows checked; would add {result.rows:,} records for {council.name}.")
    else:
        click.echo(f"{name}: {result.rows:,} rows checked; added {result.added:,} records for {council.name}.")
