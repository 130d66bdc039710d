"""``engagekit history``: every update of one action, corrections included.

A record's note and who recorded it are untrusted text: each line is printed without terminal
escapes, control characters or line breaks (:func:`engagekit.terminal_text.printable`), so a
note cannot retitle or clear the terminal, or start a line that looks like another update.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, pass_app
from engagekit.terminal_text import printable


@click.command()
@council_option
@definition_option
@click.option("--action", "action_id", required=True, metavar="ID", help="The action's id.")
@pass_app
def history(app: App, council_id: str | None, definition: Path | None, action_id: str) -> None:
    """Show an action's updates, oldest first; corrected ones are marked.

    \b
    Examples:
      engagekit history --council basildon --action CN-4
      engagekit history -c basildon --action CC-2
    """
    council = app.council(council_id, definition)
    actions = {planned.action.id: planned.action.text for planned in council.programme.action_plan.all_actions()}
    store = app.store(must_exist=True)
    updates = []
    if store is not None:
        with store:
            if action_id not in actions:  # a local action a place's body agreed is an action too
                local = store.evidence(council).local_actions(dt.date.max)
                actions.update({action.id: action.title for action in local})
            if action_id in actions:
                updates = store.history(council.id, action_id)
    if action_id not in actions:
        known = ", ".join(actions)
        message = f"no action {action_id!r} in {council.id}; actions: {known or 'none'}"
        raise UsageProblem(printable(message, multiline=False))
    _echo(f"{action_id}: {actions[action_id]}")
    if not updates:
        click.echo("  No updates recorded.")
        return
    corrected = {update.supersedes for update in updates if update.supersedes}
    for update in updates:
        percent = f" {update.percent}%" if update.percent is not None else ""
        flag = "  (corrected)" if update.id in corrected else ""
        fixes = f"  corrects #{update.supersedes}" if update.supersedes else ""
        recorded = update.recorded_at.strftime("%Y-%m-%d %H:%M") if update.recorded_at else ""
        note = f" — {update.note}" if update.note else ""
        _echo(
            f"  #{update.id} {update.date.isoformat()} {update.status.value}{percent}{note}"
            f"  [by {update.recorded_by}, {recorded}]{fixes}{flag}"
        )


def _echo(line: str) -> None:
    """One line of output built from untrusted text, printed as one printable line."""
    click.echo(printable(line, multiline=False))
