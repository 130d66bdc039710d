"""``engagekit validate``: check council definitions and plugins."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engagekit.cli.app import App, UsageProblem, pass_app


@click.command()
@click.option("--council", "-c", "council_id", metavar="ID", help="Check one installed council.")
@click.option(
    "--definition",
    "-d",
    "definitions",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Check a definition file (repeatable).",
)
@pass_app
def validate(app: App, council_id: str | None, definitions: tuple[Path, ...]) -> None:
    """Check council definitions: every problem on a line of its own, with file, line and path.

    With no options, checks every installed council and plugin. Exits 0 when all is valid,
    1 when something is not, 2 when the command itself is used wrongly.

    \b
    Examples:
      engagekit validate
      engagekit validate --council basildon
      engagekit validate --definition my-council.yaml
    """
    from engagekit.definition import DefinitionError, load_definition

    if council_id and definitions:
        raise UsageProblem("give --council or --definition, not both")
    failed = False
    if definitions:
        for path in definitions:
            try:
                council = load_definition(path)
            except DefinitionError as error:
                click.echo(str(error), err=True)
                failed = True
            else:
                click.echo(f"{path}: valid ({council.name})")
        sys.exit(1 if failed else 0)
    host = app.host
    registered = host.councils()
    if council_id is not None:
        if council_id not in registered:
            app.council(council_id, None)  # raises with the councils available
        registered = {council_id: registered[council_id]}
    for entry in registered.values():
        where = entry.definition or f"plugin {entry.plugin}"
        click.echo(f"{entry.council.id}: valid ({where})")
    for problem in host.problems:
        click.echo(f"engagekit: {problem}", err=True)
        failed = True
    sys.exit(1 if failed else 0)
