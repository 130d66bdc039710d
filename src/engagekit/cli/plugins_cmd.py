"""``engagekit plugins``: what is installed, its hooks, and what failed to load."""

from __future__ import annotations

import json
import sys

import attrs
import click

from engagekit.cli.app import App, pass_app
from engagekit.terminal_text import json_printable, printable


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def plugins(app: App, as_json: bool) -> None:
    """List plugins with their package, version and hooks, and any load errors.

    Exits 1 when a plugin failed to load or register, so scripts can check an installation.

    \b
    Examples:
      engagekit plugins
      engagekit plugins --json
      ENGAGEKIT_DISABLE_PLUGINS=thurrock engagekit plugins
    """
    host = app.host
    host.councils()  # loading councils is where broken definitions show up
    host.renderers()
    infos = host.plugins()
    errors = [str(problem) for problem in host.problems]
    if as_json:
        data = {"plugins": [attrs.asdict(info) for info in infos], "errors": errors}
        click.echo(json_printable(json.dumps(data, indent=2, ensure_ascii=False)))
        sys.exit(1 if errors else 0)
    for info in infos:  # names and versions come from installed packages' metadata: untrusted
        version = f" {info.version}" if info.version else ""
        kind = " (built in)" if info.builtin else ""
        click.echo(printable(f"{info.name}{kind}: {info.package or 'no package'}{version}", multiline=False))
        click.echo(printable(f"  hooks: {', '.join(info.hooks) or 'none'}", multiline=False))
    if errors:
        click.echo("\nProblems:")
        for error in errors:
            click.echo(f"  {printable(error)}")
        sys.exit(1)
