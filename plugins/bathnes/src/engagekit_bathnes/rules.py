"""B&NES's rule written in Python: the Connecting Communities Toolkit is kept up to date.

Recommendation 2.4 asks the Divisional Director, Policy and Partnerships to keep the Toolkit
updated, but sets no interval, so no deadline can be computed: the rule reports the last
recorded update (green) or that none is recorded (grey), and never invents a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from engagekit.model import Council
from engagekit.model.sources import human_date
from engagekit.rules import Finding, Rule, RuleContext, Status

TOOLKIT_DELEGATION = "toolkit-kept-updated"
RULE_ID = "toolkit-kept-up-to-date"
TITLE = "The Connecting Communities Toolkit is kept up to date"


def toolkit_rule(council: Council) -> Rule:
    """The rule, citing the recommendation that delegates the Toolkit's upkeep."""
    delegation = next(d for d in council.programme.governance.delegations if d.id == TOOLKIT_DELEGATION)
    return Rule(id=RULE_ID, title=TITLE, check=toolkit_kept_up_to_date, source=delegation.source)


def toolkit_kept_up_to_date(context: RuleContext) -> Iterable[Finding]:
    """Green once an update of the Toolkit is recorded since adoption; grey until then."""
    adopted = context.council.programme.adopted
    updates = [
        item
        for item in context.evidence.reviews(TOOLKIT_DELEGATION, context.as_of)
        if adopted is None or item.date >= adopted.earliest
    ]
    if updates:
        last = max(updates, key=lambda item: item.date)
        status = Status.GREEN
        message = (
            f"Last updated {human_date(last.date)} ({len(updates)} update{'s' if len(updates) != 1 else ''} recorded). "
            "The report sets no interval for updates."
        )
    else:
        status = Status.GREY
        message = "No update of the Toolkit recorded yet. The report sets no interval for updates."
    delegation = next(d for d in context.council.programme.governance.delegations if d.id == TOOLKIT_DELEGATION)
    yield Finding(
        rule_id=RULE_ID,
        rule_title=TITLE,
        subject="Connecting Communities Toolkit",
        status=status,
        message=message,
        evidence=sorted(updates, key=lambda item: item.date),
        source=delegation.source,
    )
