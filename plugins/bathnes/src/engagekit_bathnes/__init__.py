"""Bath & North East Somerset Council for engagekit: Connecting Communities (Cabinet, 8 May 2013).

The definition (``bathnes.yaml``) carries the Public Services Board, the five commitments,
clusters and their phases, the core and local offers, and the report due to Cabinet. This
module also shows a rule written in Python, for an obligation a definition file cannot
express: recommendation 2.4 asks for the Connecting Communities Toolkit to be kept up to
date, with no cycle, so the rule reports the last recorded update rather than a deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any

import engagekit
from engagekit.model import Council
from engagekit.model.sources import human_date
from engagekit.rules import Finding, Rule, RuleContext, Status

DEFINITION = files(__name__) / "bathnes.yaml"
TOOLKIT_DELEGATION = "toolkit-kept-updated"


@engagekit.hookimpl
def engagekit_register_councils(register: Callable[[Any], None]) -> None:
    register(DEFINITION)


@engagekit.hookimpl
def engagekit_register_rules(council: Council, register: Callable[[Rule], None]) -> None:
    if council.id != "bathnes":
        return
    delegation = next(d for d in council.programme.governance.delegations if d.id == TOOLKIT_DELEGATION)
    register(
        Rule(
            id="toolkit-kept-up-to-date",
            title="The Connecting Communities Toolkit is kept up to date",
            check=toolkit_kept_up_to_date,
            source=delegation.source,
        )
    )


def toolkit_kept_up_to_date(context: RuleContext) -> Iterable[Finding]:
    """Green once an update of the Toolkit is recorded since adoption; grey until then."""
    adopted = context.council.programme.adopted
    updates = [
        item
        for item in context.evidence.reviews(TOOLKIT_DELEGATION, context.as_of)
        if adopted is None or item.date >= adopted.earliest
    ]
    rule = "The Connecting Communities Toolkit is kept up to date"
    if updates:
        last = max(updates, key=lambda item: item.date)
        status = Status.GREEN
        message = (
            f"Last updated {human_date(last.date)} ({len(updates)} updates recorded). "
            "The report sets no interval for updates."
        )
    else:
        status = Status.GREY
        message = "No update of the Toolkit recorded yet. The report sets no interval for updates."
    delegation = next(d for d in context.council.programme.governance.delegations if d.id == TOOLKIT_DELEGATION)
    yield Finding(
        rule_id="toolkit-kept-up-to-date",
        rule_title=rule,
        subject="Connecting Communities Toolkit",
        status=status,
        message=message,
        evidence=sorted(updates, key=lambda item: item.date),
        source=delegation.source,
    )
