"""``engagekit opendata``: a council's community hubs as a static Open Referral UK API (a folder of JSON)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, parse_date, pass_app, today

if TYPE_CHECKING:
    from engagekit.model import Council


@click.command()
@council_option
@definition_option
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, allow_dash=False),
    metavar="DIR",
    help="The folder to write the tree into: a new one, an empty one, or one an earlier export wrote "
    "(replaced whole). Required.",
)
@click.option(
    "--as-of",
    "as_of",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Publish the hubs as they stand on this date (default: today).",
)
@click.option(
    "--per-page",
    "per_page",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    metavar="N",
    help="Services on each page of the services listing.",
)
@click.option(
    "--records/--no-records",
    "use_records",
    default=True,
    help="Count a proposed hub open from its first hub session recorded in the store (the default, "
    "when a store exists).",
)
@pass_app
def opendata(
    app: App,
    council_id: str | None,
    definition: Path | None,
    output: Path | None,
    as_of: dt.date | None,
    per_page: int,
    use_records: bool,
) -> None:
    """Publish a council's community hubs as an Open Referral UK API, in a folder.

    The folder holds what the profile's API serves: index.json (GET /: the version, the
    profile and its OpenAPI address), services.json (GET /services: the first page of the
    services; further pages are services/page-2.json and on) and services/ID.json (GET
    /services/ID: one full service). Each validates against the Open Referral UK schemas.
    The council is the organisation, with its org-id identifier (GB-LAE) and its GSS code's
    statistics.data.gov.uk address; service areas carry their GSS codes' addresses. Nothing
    is written that the definition does not give: no addresses, phone numbers or web sites.

    The folder is written whole or not at all: an earlier export in it is replaced
    whole, and a file, or a folder holding anything else, is refused.

    \b
    Examples:
      engagekit opendata --council basildon --output basildon-oruk
      engagekit opendata --council bathnes --as-of 2026-04-01 --output bathnes-oruk
      engagekit opendata --definition my-council.yaml --per-page 20 -o my-council-oruk
    """
    from engagekit.cli.output import _terminated_as_exit
    from engagekit.opendata.api import tree
    from engagekit.opendata.tree import TreeProblem, write_tree

    if output is None:
        raise UsageProblem("say where to write the tree: --output DIR (a folder)")
    if str(output) == "-":
        raise UsageProblem("the export is a folder of JSON files and cannot go to standard output; give --output DIR")
    if output.suffix.lower() == ".json" and not output.is_dir():
        raise UsageProblem(
            f"{output}: the export is a folder of JSON files (index.json, services.json, services/), "
            "not one file; give a folder name"
        )
    council = app.council(council_id, definition)
    day = as_of or today()
    opened = _first_sessions(app, council, day) if use_records else {}
    documents = tree(council, day, per_page=per_page, opened=opened)
    try:
        with _terminated_as_exit():
            write_tree(documents, output)
    except TreeProblem as problem:
        raise UsageProblem(str(problem)) from None
    except OSError as error:
        raise UsageProblem(f"{output}: cannot write the tree: {error.strerror or error}") from None


def _first_sessions(app: App, council: Council, day: dt.date) -> dict[str, dt.date]:
    """Each hub's first recorded session on or before ``day``, from the store if there is one."""
    store = app.store(must_exist=True)
    if store is None:
        return {}
    with store:
        opened = store.evidence(council).hubs_opened(day)
    return {hub_id: item.date for hub_id, item in opened.items()}
