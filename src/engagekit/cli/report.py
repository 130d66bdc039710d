"""``engagekit report``: a council's report as of a date, in any registered format."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, parse_date, pass_app, today


@click.command()
@council_option
@definition_option
@click.option(
    "--as-of",
    "as_of",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Report as of this date (default: today). Nothing after it counts.",
)
@click.option(
    "--format",
    "-f",
    "format_name",
    metavar="NAME",
    help="Output format: text, markdown, json, or one a plugin adds (default: from the --output "
    "file's extension, else text).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE instead of standard output (written whole or not at all).",
)
@click.option(
    "--colour/--no-colour",
    "colour",
    default=None,
    help="Colour status words in text output (default: when writing to a terminal, unless NO_COLOR is set).",
)
@click.option(
    "--records/--no-records",
    "use_records",
    default=True,
    help="Use the progress recorded in the store (the default, when a store exists).",
)
@pass_app
def report(
    app: App,
    council_id: str | None,
    definition: Path | None,
    as_of: dt.date | None,
    format_name: str | None,
    output: Path | None,
    use_records: bool,
    colour: bool | None,
) -> None:
    """Report a council's programme and its findings as of a date.

    Every reporting rule (reviews, reports due, meeting quotas, hub coverage, phase order,
    and any a plugin adds) is evaluated as of the date, and the report lists places,
    commitments, the action plan, governance, findings and sources.

    \b
    Examples:
      engagekit report --council basildon
      engagekit report --council bathnes --as-of 2013-11-09
      engagekit report --council thurrock --format markdown --output thurrock.md
      engagekit report --definition my-council.yaml --format json
    """
    from engagekit.cli.output import is_stdout, write_output
    from engagekit.report import council_report

    renderers = app.host.renderers()
    if format_name is None:
        by_extension: dict[str, str] = {}
        for name, renderer in renderers.items():  # built-ins first, so they keep their extensions
            by_extension.setdefault(renderer.extension, name)
        suffix = output.suffix.lstrip(".").lower() if output and not is_stdout(output) else ""
        format_name = by_extension.get(suffix, "text")
    if format_name not in renderers:
        raise UsageProblem(f"no format {format_name!r}; available: {', '.join(sorted(renderers))}")
    council = app.council(council_id, definition)
    store = app.store(must_exist=True) if use_records else None
    if store is None:
        result = council_report(council, as_of or today(), host=app.host)
    else:
        with store:
            result = council_report(council, as_of or today(), host=app.host, evidence=store.evidence(council))
    app.warn_plugin_problems()
    content = renderers[format_name].render(result)
    if colour is None:
        colour = is_stdout(output) and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if colour and format_name == "text" and isinstance(content, str):
        from engagekit.report.text import colour_statuses

        content = colour_statuses(content)
    binary = renderers[format_name].extension if isinstance(content, bytes) else None
    write_output(content, output, colour=colour, binary=binary)
