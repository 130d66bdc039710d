"""Rules that read recorded progress: stale actions, indicators against target, consultations.

These need records: with none they say grey, never green.
"""

from __future__ import annotations

import datetime as dt

from engagekit.model.action_plan import Direction, Indicator
from engagekit.model.sources import Source, human_date
from engagekit.rules.context import ConsultationEvidence, RuleContext
from engagekit.rules.findings import EvidenceItem, Finding, Status

STALE_RULE = "actions-updated"
INDICATOR_RULE = "indicators-on-target"
GUNNING_RULE = "consultations-meet-gunning"

GUNNING = (
    "consult while proposals are at a formative stage",
    "give sufficient reasons to permit intelligent consideration",
    "allow adequate time",
    "take responses conscientiously into account",
)
"""The Gunning principles (R v Brent LBC ex p Gunning (1985); R (Moseley) v Haringey [2014] UKSC 56)."""

FINISHED = {"completed", "cancelled"}


def staleness_findings(context: RuleContext) -> list[Finding]:
    """Each open action: updated within the interval (green), late (amber), twice late (red).

    Local actions a place's body agreed (records, not the definition) are judged the same way,
    from the day they were agreed.
    """
    governance = context.council.programme.governance
    interval = governance.update_interval_days
    if interval is None:
        return []
    latest = context.evidence.latest_action_updates(context.as_of)
    title = f"Every action updated at least every {interval} days"
    findings = [
        _stale(context, interval, title, action.id, action.text, action.source, latest.get(action.id))
        for action in (planned.action for planned in context.council.programme.action_plan.all_actions())
    ]
    for local in context.evidence.local_actions(context.as_of):
        update = latest.get(local.id) or EvidenceItem(local.agreed, "agreed", "agreed", local.ref)
        findings.append(_stale(context, interval, title, local.id, local.title, None, update))
    return findings


def _stale(
    context: RuleContext,
    interval: int,
    title: str,
    action_id: str,
    text: str,
    source: Source | None,
    update: EvidenceItem | None,
) -> Finding:
    if update is None:
        status, message, due = Status.GREY, "No update recorded yet.", None
    elif update.kind in FINISHED:
        status, message = Status.GREEN, f"{update.kind.capitalize()} on {human_date(update.date)}."
        due = None
    else:
        age = (context.as_of - update.date).days
        due = update.date + dt.timedelta(days=interval)
        said = f"Last update {human_date(update.date)} ({update.kind}), {age} days ago"
        if age <= interval:
            status, message = Status.GREEN, f"{said}."
        elif age <= 2 * interval:
            status, message = Status.AMBER, f"{said}: more than {interval} days."
        else:
            status, message = Status.RED, f"{said}: more than twice the {interval}-day interval."
    return Finding(
        rule_id=STALE_RULE,
        rule_title=title,
        subject=f"{action_id} {text}",
        subject_id=action_id,
        status=status,
        message=message,
        due=due,
        evidence=[update] if update else [],
        source=source,
    )


def indicator_findings(context: RuleContext) -> list[Finding]:
    """Each indicator's latest reading against its target and direction."""
    return [_indicator(context, indicator) for indicator in context.council.programme.indicators]


def _indicator(context: RuleContext, indicator: Indicator) -> Finding:
    readings = context.evidence.indicator_readings(indicator.id, context.as_of)
    unit = f" {indicator.unit}" if indicator.unit else ""
    latest = readings[-1] if readings else None
    if latest is None or latest.value is None:
        status, message = Status.GREY, "No reading recorded yet."
        if indicator.target is not None:
            message += f" Target: {indicator.target:g}{unit}."
    elif indicator.target is None or indicator.direction is None:
        status = Status.GREY
        message = f"Latest reading {latest.value:g}{unit} on {human_date(latest.date)}; no target set to judge it by."
    else:
        value, target = latest.value, indicator.target
        met = {
            Direction.INCREASE: value >= target,
            Direction.DECREASE: value <= target,
            Direction.MAINTAIN: value == target,
        }[indicator.direction]
        reading = f"{value:g}{unit} on {human_date(latest.date)} against a target of {target:g}{unit}"
        if met:
            status, message = Status.GREEN, f"On target: {reading}."
        else:
            start = (
                indicator.baseline
                if indicator.baseline is not None
                else (readings[0].value if len(readings) > 1 else None)
            )
            wrong_way = start is not None and (
                (indicator.direction is Direction.INCREASE and value < start)
                or (indicator.direction is Direction.DECREASE and value > start)
            )
            if wrong_way:
                status, message = Status.RED, f"Moving away from target: {reading} (from {start:g}{unit})."
            else:
                status, message = Status.AMBER, f"Not yet on target: {reading}."
    return Finding(
        rule_id=INDICATOR_RULE,
        rule_title="Indicators against their targets",
        subject=indicator.name,
        subject_id=indicator.id,
        status=status,
        message=message,
        evidence=list(readings[-3:]),
        source=indicator.source,
    )


def consultation_findings(context: RuleContext) -> list[Finding]:
    """Each recorded consultation against the four Gunning principles."""
    programme = context.council.programme
    minimum = programme.governance.consultation_min_days
    source = next((basis.source for basis in programme.legal if "gunning" in basis.id.lower()), None)
    return [_consultation(context, item, minimum, source) for item in context.evidence.consultations(context.as_of)]


def _consultation(
    context: RuleContext, item: ConsultationEvidence, minimum: int | None, source: Source | None
) -> Finding:
    gaps: list[str] = []
    unknown: list[str] = []
    if not item.formative:
        gaps.append(f"1 ({GUNNING[0]}): no evidence recorded")
    if not item.reasons:
        gaps.append(f"2 ({GUNNING[1]}): no evidence recorded")
    closed = item.closes is not None and item.closes < context.as_of
    if item.closes is None:
        gaps.append(f"3 ({GUNNING[2]}): no closing date recorded")
    elif minimum is None:
        unknown.append(f"3 ({GUNNING[2]}): the council has set no minimum length to judge it by")
    elif (item.closes - item.opens).days < minimum:
        days = (item.closes - item.opens).days
        gaps.append(f"3 ({GUNNING[2]}): open {days} days, under the council's minimum of {minimum}")
    if not item.responses:
        (gaps if closed else unknown).append(
            f"4 ({GUNNING[3]}): {'no evidence recorded' if closed else 'not yet, the consultation is open'}"
        )
    period = f"{human_date(item.opens)} – {human_date(item.closes) if item.closes else 'not recorded'}"
    if not gaps and not unknown:
        status, message = Status.GREEN, f"Meets all four Gunning principles ({period})."
    elif gaps and closed:
        status, message = Status.RED, f"Falls short ({period}): principle " + "; principle ".join(gaps) + "."
    elif gaps:
        status, message = Status.AMBER, f"Open ({period}); so far missing: principle " + "; principle ".join(gaps) + "."
    else:
        status, message = (
            Status.GREY,
            f"Cannot be fully judged ({period}): principle " + "; principle ".join(unknown) + ".",
        )
    return Finding(
        rule_id=GUNNING_RULE,
        rule_title="Consultations meet the Gunning principles",
        subject=item.title,
        status=status,
        message=message,
        due=item.closes,
        evidence=[EvidenceItem(item.opens, "consultation", item.title, item.ref)],
        source=source,
    )
