"""B&NES's rule written in Python: the Connecting Communities Toolkit is kept up to date.

Recommendation 2.4 is a request, not a delegation: it asks the Divisional Director, Policy and
Partnerships "to work with local groups and communities to keep updated the Connecting
Communities Toolkit". It sets no interval, so the definition carries it as a review cycle with
no fixed interval (``toolkit-kept-updated``), which engagekit shows but never judges. This rule
reports the last update recorded against it (green) or that none is recorded (grey), and never
invents a deadline.
"""

from __future__ import annotations

from collections.abc import Iterable

from engagekit.model import Council
from engagekit.model.governance import ReviewCycle
from engagekit.model.sources import human_date
from engagekit.rules import Finding, Rule, RuleContext, Status

TOOLKIT_OBLIGATION = "toolkit-kept-updated"
RULE_ID = "toolkit-kept-up-to-date"
TITLE = "The Connecting Communities Toolkit is kept up to date"


def toolkit_cycle(council: Council) -> ReviewCycle:
    """The request (recommendation 2.4) as the definition carries it."""
    return next(c for c in council.programme.governance.review_cycles if c.id == TOOLKIT_OBLIGATION)


def toolkit_rule(council: Council) -> Rule:
    """The rule, citing the recommendation that asks for the Toolkit's upkeep."""
    return Rule(id=RULE_ID, title=TITLE, check=toolkit_kept_up_to_date, source=toolkit_cycle(council).source)


def toolkit_kept_up_to_date(context: RuleContext) -> Iterable[Finding]:
    """Green once an update of the Toolkit is recorded; grey until then."""
    meeting = context.council.document("connecting-communities-2013").date
    updates = [
        item
        for item in context.evidence.reviews(TOOLKIT_OBLIGATION, context.as_of)
        if meeting is None or item.date >= meeting.earliest
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
    yield Finding(
        rule_id=RULE_ID,
        rule_title=TITLE,
        subject="Connecting Communities Toolkit",
        status=status,
        message=message,
        evidence=sorted(updates, key=lambda item: item.date),
        source=toolkit_cycle(context.council).source,
    )
