"""``engagekit validate``: check council definitions and plugins."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from engagekit.cli.app import App, UsageProblem, pass_app

if TYPE_CHECKING:
    from engagekit.definition.quality import QualityWarning
    from engagekit.plugins import PluginProblem, RegisteredCouncil


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
@click.option("--strict", is_flag=True, help="Fail (exit 1) on quality warnings as well as on errors.")
@pass_app
def validate(app: App, council_id: str | None, definitions: tuple[Path, ...], strict: bool) -> None:
    """Check council definitions: every problem on a line of its own, with file, line and path.

    With no options, checks every installed council and plugin. A valid definition may still
    be weak: actions with no owner, commitments no action serves, hubs with no area yet,
    items with no source, phases with no clusters, dates in an odd order, a programme that
    owes no reviews or reports. These are warnings, on stderr after any errors, each written
    FILE:LINE: PATH: warning: MESSAGE. Checking every council counts each one's warnings;
    --council, --definition or --strict lists them.

    Exits 0 when all is valid (even with warnings), 1 when something is not or when --strict
    is given and there are warnings, 2 when the command itself is used wrongly. With --council,
    only that council counts: a problem with another plugin, or with another definition file,
    is a warning on stderr (ENGAGEKIT_STRICT_PLUGINS=1 still makes any plugin problem an error).

    \b
    Examples:
      engagekit validate
      engagekit validate --council basildon
      engagekit validate --definition my-council.yaml
      engagekit validate --definition my-council.yaml --strict
    """
    from engagekit.definition import DefinitionError
    from engagekit.definition.quality import definition_lines, load_with_lines, quality_warnings

    if council_id and definitions:
        raise UsageProblem("give --council or --definition, not both")
    failed = False
    warnings: list[QualityWarning] = []
    if definitions:
        for path in definitions:
            try:
                council, lines = load_with_lines(path)
            except DefinitionError as error:
                click.echo(str(error), err=True)
                failed = True
            else:
                click.echo(f"{path}: valid ({council.name})")
                warnings.extend(quality_warnings(council, lines, str(path)))
        _finish(failed, warnings, fail_on_warnings=strict and bool(warnings))
    host = app.host
    registered = host.councils()
    if council_id is not None:
        if council_id not in registered:
            app.council(council_id, None)  # raises with the councils available
        registered = {council_id: registered[council_id]}
    listed = council_id is not None or strict
    for entry in registered.values():
        where = entry.definition or f"plugin {entry.plugin}"
        lines = definition_lines(entry.definition) if entry.definition else {}
        found = quality_warnings(entry.council, lines, entry.definition or entry.council.id)
        counted = ""
        if found and not listed:
            plural = "" if len(found) == 1 else "s"
            counted = f"; {len(found)} warning{plural} (list them with --council {entry.council.id})"
        click.echo(f"{entry.council.id}: valid ({where}){counted}")
        warnings.extend(found)
    for problem in host.problems:
        if council_id is None or _concerns(problem, registered[council_id]):
            _echo_problem(str(problem))
            failed = True
        else:
            _echo_problem(f"warning: {problem}")
    host.problems.clear()
    app.note_skipped_definitions()
    _finish(failed, warnings if listed else [], fail_on_warnings=strict and bool(warnings))


def _concerns(problem: PluginProblem, entry: RegisteredCouncil) -> bool:
    """Whether a plugin problem is about the council being validated: its plugin's, and not about
    some other definition file that plugin reads (a broken file beside it in ENGAGEKIT_DEFINITIONS)."""
    if problem.plugin != entry.plugin:
        return False
    return problem.definition is None or problem.definition == entry.definition


def _echo_problem(text: str) -> None:
    """A problem on stderr, its first line after ``engagekit:`` and any others indented under it."""
    first, *rest = text.splitlines() or [""]
    click.echo(f"engagekit: {first}", err=True)
    for line in rest:
        click.echo(f"  {line}", err=True)


def _finish(failed: bool, shown: list[QualityWarning], *, fail_on_warnings: bool) -> NoReturn:
    """Print the warnings (after any errors) and exit: 1 on errors, or on warnings with --strict."""
    for warning in shown:
        click.echo(str(warning), err=True)
    sys.exit(1 if failed or fail_on_warnings else 0)
