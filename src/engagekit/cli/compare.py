"""``engagekit compare``: councils side by side, in any report format."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from engagekit.cli.app import App, UsageProblem, parse_date, pass_app, today
from engagekit.cli.output import is_stdout, write_output
from engagekit.terminal_text import printable


@click.command()
@click.option(
    "--council", "-c", "council_ids", multiple=True, required=True, metavar="ID", help="A council (two or more)."
)
@click.option(
    "--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD", help="Compare as of this date (default: today)."
)
@click.option(
    "--format", "-f", "format_name", default="text", show_default=True, metavar="NAME", help="Any report format."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE.",
)
@click.option(
    "--records/--no-records", "use_records", default=True, help="Use recorded progress (default: when a store exists)."
)
@pass_app
def compare(
    app: App,
    council_ids: tuple[str, ...],
    as_of: dt.date | None,
    format_name: str,
    output: Path | None,
    use_records: bool,
) -> None:
    """Compare councils side by side: programme, commitments, actions by status, findings, engagement.

    Says so when the councils are of different types (district and unitary), since like should
    be compared with like.

    \b
    Examples:
      engagekit compare --council basildon --council thurrock --council bathnes
      engagekit compare -c thurrock -c bathnes --format markdown --output compare.md
    """
    from engagekit.report import council_report
    from engagekit.report.compare import compare_councils
    from engagekit.rules.context import NoEvidence

    if len(set(council_ids)) < 2:
        raise UsageProblem("give at least two different councils: --council A --council B")
    renderers = app.host.renderers()
    if format_name not in renderers:
        raise UsageProblem(f"no format {format_name!r}; available: {', '.join(sorted(renderers))}")
    councils = [app.council(council_id, None) for council_id in dict.fromkeys(council_ids)]
    when = as_of or today()
    store = app.store(must_exist=True) if use_records else None
    entries = []
    for council in councils:
        evidence = store.evidence(council) if store else NoEvidence()
        entries.append((council, council_report(council, when, host=app.host, evidence=evidence), evidence))
    result = compare_councils(entries, when)
    if store:
        store.close()
    content = renderers[format_name].render(result)
    if isinstance(content, str) and is_stdout(output) and _on_terminal():
        # Councils' names come from their definitions: a format that does not make its text printable
        # (HTML keeps it as written) must still not let an escape in a name act on the terminal.
        content = printable(content)
    write_output(content, output)


def _on_terminal() -> bool:
    """Whether standard output is a terminal (false for a pipe, a file or a closed stream)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
