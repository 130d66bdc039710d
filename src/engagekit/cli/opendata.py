"""``engagekit opendata``: a council's community hubs as Open Referral UK services (JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from engagekit.cli.app import App, council_option, definition_option, pass_app
from engagekit.cli.output import write_output


@click.command()
@council_option
@definition_option
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE (whole or not at all). Default: standard output.",
)
@pass_app
def opendata(app: App, council_id: str | None, definition: Path | None, output: Path | None) -> None:
    """Export a council's community hubs as Open Referral UK services (JSON).

    The output is a JSON array of service objects. Each one carries its organisation (the
    council), its service areas and, where a venue is named, its location. The array
    validates against Open Referral UK's compiled service_package schema. Hub entries the
    documents do not tell apart stay one service, and its description says how many hubs it
    stands for. No address, phone number or URL is written that the definition does not give.

    \b
    Examples:
      engagekit opendata --council basildon
      engagekit opendata --council bathnes --output bathnes-hubs.json
      engagekit opendata --definition my-council.yaml -o hubs.json
    """
    from engagekit.opendata.openreferral import dumps, hub_services

    council = app.council(council_id, definition)
    write_output(dumps(hub_services(council)), output)
