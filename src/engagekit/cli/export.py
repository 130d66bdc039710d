"""``engagekit export``: a council's records as CSV, XLSX or JSON (each can be imported again)."""

from __future__ import annotations

from pathlib import Path

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, pass_app
from engagekit.cli.output import write_output


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
    type=click.Path(path_type=Path, dir_okay=False),
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
    from engagekit.records.exports import write_csv, write_json, write_xlsx

    council = app.council(council_id, definition)
    if format_name is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        format_name = suffix if suffix in ("csv", "xlsx", "json") else "csv"
    if format_name == "xlsx" and output is None:
        raise UsageProblem("XLSX is a binary format: give --output FILE.xlsx")
    store = app.store(must_exist=True)
    records = []
    if store is not None:
        with store:
            records = list(store.records(council.id))
    content: str | bytes
    if format_name == "xlsx":
        content = write_xlsx(records)
    elif format_name == "json":
        content = write_json(records)
    else:
        content = write_csv(records)
    write_output(content, output)
