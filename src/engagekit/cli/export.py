"""``engagekit export``: a council's records as CSV, XLSX or JSON (each can be imported again)."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, pass_app

if TYPE_CHECKING:
    from engagekit.records.kinds import Record, RecordKind

from engagekit.cli.output import is_stdout, refuse_binary_terminal, write_output


@click.command()
@council_option
@definition_option
@click.option(
    "--format",
    "-f",
    "format_name",
    type=click.Choice(["csv", "xlsx", "json"]),
    help="Default: from --output's extension, else csv.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE (whole or not at all).",
)
@pass_app
def export(
    app: App, council_id: str | None, definition: Path | None, format_name: str | None, output: Path | None
) -> None:
    """Export every record of a council, corrections included, with who recorded each and when.

    \b
    Examples:
      engagekit export --council basildon --output basildon-records.csv
      engagekit export --council thurrock --format xlsx --output thurrock.xlsx
    """
    from engagekit.records.exports import ExportProblem, export_writer

    council = app.council(council_id, definition)
    if format_name is None:
        suffix = output.suffix.lower().lstrip(".") if output and not is_stdout(output) else ""
        format_name = suffix if suffix in ("csv", "xlsx", "json") else "csv"
    binary = "xlsx" if format_name == "xlsx" else None
    if binary:
        refuse_binary_terminal(output, binary)  # before reading any record
    store = app.store(must_exist=True)
    with store if store is not None else contextlib.nullcontext():
        records_of = _no_records if store is None else functools.partial(store.records, council.id)
        writer = export_writer(format_name, records_of, lambda: records_of(None))
        try:
            write_output(writer, output, binary=binary)
        except ExportProblem as problem:
            raise UsageProblem(str(problem)) from None


def _no_records(kind: RecordKind | None) -> list[Record]:
    """What a council has recorded when there is no store yet: nothing."""
    return []
