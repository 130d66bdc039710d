"""``engagekit publish``: a council's public pages as a static site, in a folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, parse_date, pass_app, today


@click.command()
@council_option
@definition_option
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, allow_dash=False),
    metavar="DIR",
    help="The folder to write the site into: a new one, an empty one, or one an earlier publish wrote "
    "(replaced whole). Required.",
)
@click.option(
    "--as-of",
    "as_of",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Publish the report as of this date (default: today).",
)
@click.option(
    "--records/--no-records",
    "use_records",
    default=True,
    help="Use the progress recorded in the store (the default, when a store exists).",
)
@pass_app
def publish(
    app: App,
    council_id: str | None,
    definition: Path | None,
    output: Path | None,
    as_of: dt.date | None,
    use_records: bool,
) -> None:
    """Write a council's public pages as a static site, in a folder.

    The same pages as 'engagekit serve' (the dashboard, drawn by the same templates), with
    every link relative, so the folder works from any static web host or opened from disk:
    index.html, councils/ID/index.html, the report in every format beside it,
    councils/ID/oruk/ (the Open Referral UK API, as 'engagekit opendata' writes it) and
    static/ (the stylesheets). A static site has no as-of form: it shows one date.

    The folder is written whole or not at all: a site published before is replaced whole,
    and a file, or a folder holding anything else, is refused.

    \b
    Examples:
      engagekit publish --council basildon --output basildon-site
      engagekit publish --council bathnes --as-of 2026-04-01 -o bathnes-site
    """
    from engagekit.cli.output import _terminated_as_exit
    from engagekit.report import council_report
    from engagekit.web.publish import PublishProblem, site_files, write_site

    if output is None:
        raise UsageProblem("say where to write the site: --output DIR (a folder)")
    council = app.council(council_id, definition)
    day = as_of or today()
    store = app.store(must_exist=True) if use_records else None
    opened: dict[str, dt.date] = {}
    if store is None:
        report = council_report(council, day, host=app.host)
    else:
        with store:
            evidence = store.evidence(council)
            report = council_report(council, day, host=app.host, evidence=evidence)
            opened = {hub_id: item.date for hub_id, item in evidence.hubs_opened(day).items()}
    app.warn_plugin_problems()
    files = site_files(council, report, list(app.host.renderers().values()), opened)
    try:
        with _terminated_as_exit():
            write_site(files, output)
    except PublishProblem as problem:
        raise UsageProblem(str(problem)) from None
    except OSError as error:
        raise UsageProblem(f"{output}: cannot write the site: {error.strerror or error}") from None
