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
    type=click.Choice(["csv", "xlsx", "json", "decidim"]),
    help="Default: from --output's extension, else csv. decidim: the action plan as Decidim results.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE (whole or not at all).",
)
@click.option(
    "--decidim-statuses",
    metavar="STATUS=N,...",
    help="decidim: the Decidim status id of each engagekit status (in-progress=3,completed=5,...).",
)
@click.option(
    "--decidim-export",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    metavar="FILE",
    help="decidim: a Decidim export of the component's results to fill in (its statuses are used too).",
)
@click.option(
    "--decidim-ids",
    metavar="ID=N,...",
    help="decidim: the Decidim result id of engagekit actions, outcomes or pillars (CN-1=12,...).",
)
@click.option("--decidim-locale", metavar="LOCALE", help="decidim: the locale of titles (default: en).")
@pass_app
def export(
    app: App,
    council_id: str | None,
    definition: Path | None,
    format_name: str | None,
    output: Path | None,
    decidim_statuses: str | None,
    decidim_export: Path | None,
    decidim_ids: str | None,
    decidim_locale: str | None,
) -> None:
    """Export every record of a council, corrections included, with who recorded each and when.

    With --format decidim: the action plan with each action's latest status, for Decidim's
    results importer (status ids from --decidim-statuses), or a Decidim export of the results
    filled in (--decidim-export).

    \b
    Examples:
      engagekit export --council basildon --output basildon-records.csv
      engagekit export --council thurrock --format xlsx --output thurrock.xlsx
      engagekit export -c basildon -f decidim --decidim-statuses in-progress=3,completed=5 -o results.csv
      engagekit export -c basildon -f decidim --decidim-export decidim.csv -o filled.csv
    """
    from engagekit.records.exports import ExportProblem, export_writer
    from engagekit.terminal_text import printable

    council = app.council(council_id, definition)
    decidim_given = {"--decidim-statuses": decidim_statuses, "--decidim-export": decidim_export}
    decidim_given |= {"--decidim-ids": decidim_ids, "--decidim-locale": decidim_locale}
    if format_name == "decidim":
        from engagekit.cli.decidim_export import export_decidim

        export_decidim(app, council, output, decidim_statuses, decidim_export, decidim_ids, decidim_locale)
        return
    if given := [name for name, value in decidim_given.items() if value is not None]:
        raise UsageProblem(f"{given[0]} is for --format decidim")
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
            raise UsageProblem(printable(str(problem))) from None


def _no_records(kind: RecordKind | None) -> list[Record]:
    """What a council has recorded when there is no store yet: nothing."""
    return []
