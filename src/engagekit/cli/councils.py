"""``engagekit councils``: the councils installed, one a line.

Names come from definitions, so each line is printed without terminal escapes or control
characters, and the JSON with its C1 controls escaped (:mod:`engagekit.terminal_text`).
"""

from __future__ import annotations

import json

import click

from engagekit.cli.app import App, pass_app
from engagekit.terminal_text import json_printable, printable


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def councils(app: App, as_json: bool) -> None:
    """List the councils that plugins and definition files provide.

    A file in an ENGAGEKIT_DEFINITIONS folder that looks like a definition but is not read
    (council.yaml~, council.yaml.bak, .council.yaml.swp) gets a one-line note on stderr.

    \b
    Examples:
      engagekit councils
      engagekit councils --json
    """
    registered = app.host.councils()
    app.warn_plugin_problems()
    app.note_skipped_definitions()
    if as_json:
        data = [
            {
                "id": entry.council.id,
                "name": entry.council.name,
                "gss_code": entry.council.gss_code,
                "type": entry.council.council_type.value if entry.council.council_type else None,
                "programme": entry.council.programme.name,
                "plugin": entry.plugin,
            }
            for entry in registered.values()
        ]
        click.echo(json_printable(json.dumps(data, indent=2, ensure_ascii=False)))
        return
    if not registered:
        click.echo("No councils are installed. Install a council plugin, or set ENGAGEKIT_DEFINITIONS.")
        return
    width = max(len(council_id) for council_id in registered)
    for council_id, entry in registered.items():
        council = entry.council
        line = f"{council_id:<{width}}  {council.name} — {council.programme.name} [{entry.plugin}]"
        click.echo(printable(line, multiline=False))
