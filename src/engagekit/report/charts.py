"""The report's charts, as data: findings by status, actions by status per pillar, indicators
over time, engagement per cluster (or area) per month, and the mix of IAP2 levels.

Each chart carries a sentence describing it and the table behind it, so a reader who cannot
see it loses nothing. Charts that would be empty (nothing recorded yet) are left out.

A reading that is not a finite number of at most :data:`~engagekit.records.cells.LARGEST_NUMBER`
(``inf``, ``nan``, ``1e308``) cannot be drawn (:func:`engagekit.report.document.drawable`). The
record boundary refuses such values, but an older store may hold them and the Python API can
pass them, so a chart leaves each one out and says so in its description (which date, which
value), rather than fail or draw nonsense. Dates near the ends of the calendar (``--as-of
0001-01-01``) keep the months a chart covers within it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from engagekit.model.council import Council
from engagekit.model.engagement import ParticipationLevel
from engagekit.records.kinds import ActionStatus
from engagekit.report.document import ONLY_DRAWABLE, Chart, Series, drawable
from engagekit.rules.context import EventCount, Evidence
from engagekit.rules.findings import EvidenceItem, Finding, Status

NONE_RECORDED = "none recorded"


def report_charts(council: Council, findings: list[Finding], evidence: Evidence, as_of: dt.date) -> list[Chart]:
    """Every chart that has something to show, in the order the report gives them."""
    charts = [findings_by_status(findings)]
    actions = actions_by_status(council, evidence, as_of)
    if actions:
        charts.append(actions)
    charts.extend(indicator_charts(council, evidence, as_of))
    start = _year_before(as_of)
    counts = evidence.event_counts(start, as_of)
    if counts:
        charts.append(engagement_by_place(council, counts, start, as_of))
        levels = levels_mix(counts)
        if levels:
            charts.append(levels)
    return charts


def findings_by_status(findings: list[Finding]) -> Chart:
    ordered = sorted(Status, key=lambda status: status.severity)
    counts = Counter(finding.status for finding in findings)
    parts = ", ".join(f"{counts.get(status, 0)} {status.value}" for status in ordered)
    return Chart(
        title="Findings by status",
        chart="bar",
        categories=[status.label for status in ordered],
        series=[Series("Findings", [float(counts.get(status, 0)) for status in ordered])],
        description=f"{len(findings)} findings: {parts}.",
        unit="findings",
    )


def actions_by_status(council: Council, evidence: Evidence, as_of: dt.date) -> Chart | None:
    plan = council.programme.action_plan
    if not plan.pillars or not any(True for _ in plan.all_actions()):
        return None
    latest = evidence.latest_action_updates(as_of)
    statuses = [status.value for status in ActionStatus] + [NONE_RECORDED]
    counts: dict[str, Counter[str]] = {pillar.name: Counter() for pillar in plan.pillars}
    for planned in plan.all_actions():
        if planned.pillar is None:
            continue
        update = latest.get(planned.action.id)
        counts[planned.pillar.name][update.kind if update else NONE_RECORDED] += 1
    used = [status for status in statuses if any(counter[status] for counter in counts.values())]
    total = Counter[str]()
    for counter in counts.values():
        total.update(counter)
    parts = ", ".join(f"{total[status]} {status}" for status in used)
    return Chart(
        title=f"Actions by latest status, per {plan.pillar_label}",
        chart="stacked",
        categories=list(counts),
        series=[Series(status, [float(counts[name][status]) for name in counts]) for status in used],
        description=f"{sum(total.values())} actions across {len(counts)} {plan.pillar_label}s: {parts}.",
        unit="actions",
    )


def indicator_charts(council: Council, evidence: Evidence, as_of: dt.date) -> list[Chart]:
    charts = []
    for indicator in council.programme.indicators:
        recorded = [r for r in evidence.indicator_readings(indicator.id, as_of) if r.value is not None]
        if not recorded:
            continue
        readings = [r for r in recorded if drawable(r.value)]
        left_out = [r for r in recorded if not drawable(r.value)]
        series = [Series("Reading", [r.value for r in readings])]
        target = ""
        notes = []
        if indicator.target is not None and drawable(indicator.target):
            series.append(Series("Target", [indicator.target for _ in readings]))
            target = f" against a target of {indicator.target:g}"
        elif indicator.target is not None:
            notes.append(f"The target ({indicator.target:g}) is not drawn: {ONLY_DRAWABLE}.")
        if left_out:
            notes.append(_left_out(left_out))
        charts.append(
            Chart(
                title=f"{indicator.name} over time",
                chart="line",
                categories=[r.date.isoformat() for r in readings],
                series=series,
                description=" ".join([_readings_sentence(readings, target), *notes]),
                unit=indicator.unit,
            )
        )
    return charts


def _readings_sentence(readings: list[EvidenceItem], target: str) -> str:
    """``3 readings from ... to ...; the latest is 12 against a target of 20.`` (or that none can be drawn)."""
    if not readings:
        return "No reading can be drawn."
    last = readings[-1]
    assert last.value is not None
    count = "1 reading" if len(readings) == 1 else f"{len(readings)} readings"
    return (
        f"{count} from {readings[0].date.isoformat()} to {last.date.isoformat()}; the latest is {last.value:g}{target}."
    )


def _left_out(readings: list[EvidenceItem]) -> str:
    """The note naming each reading a chart leaves out, with its date and value."""
    shown = ", ".join(f"{r.value:g} on {r.date.isoformat()}" for r in readings[:5])
    more = f" and {len(readings) - 5} more" if len(readings) > 5 else ""
    count = "1 reading is" if len(readings) == 1 else f"{len(readings)} readings are"
    return f"{count} left out of the chart ({shown}{more}): {ONLY_DRAWABLE}."


def engagement_by_place(council: Council, counts: list[EventCount], start: dt.date, as_of: dt.date) -> Chart:
    months = _months(start, as_of)
    by_cluster = any(item.cluster_id for item in counts)
    names = (
        {cluster.id: cluster.name for cluster in council.clusters}
        if by_cluster
        else {area.id: area.name for area in council.areas}
    )
    table: dict[str, Counter[str]] = {}
    for item in counts:
        key = (item.cluster_id if by_cluster else item.area_id) or "not recorded"
        table.setdefault(names.get(key, key), Counter())[item.month] += item.count
    places = sorted(table)
    total = sum(sum(counter.values()) for counter in table.values())
    where = "cluster" if by_cluster else "area"
    busiest = max(places, key=lambda name: sum(table[name].values()))
    return Chart(
        title=f"Engagement events per {where}, per month",
        chart="stacked",
        categories=months,
        series=[Series(place, [float(table[place][month]) for month in months]) for place in places],
        description=(
            f"{total:,} events from {months[0]} to {months[-1]} in {len(places)} {where}s; "
            f"the most were in {busiest} ({sum(table[busiest].values()):,})."
        ),
        unit="events",
    )


def levels_mix(counts: list[EventCount]) -> Chart | None:
    levels = [level.value for level in ParticipationLevel]
    mix = Counter[str]()
    for item in counts:
        mix[item.level or "not stated"] += item.count
    if not any(mix[level] for level in levels):
        return None
    categories = [*levels, "not stated"] if mix["not stated"] else levels
    total = sum(mix.values())
    parts = ", ".join(f"{mix[level]:,} {level}" for level in categories)
    return Chart(
        title="Engagement by IAP2 level of participation",
        chart="bar",
        categories=categories,
        series=[Series("Events", [float(mix[level]) for level in categories])],
        description=f"{total:,} events in the last year by level: {parts}.",
        unit="events",
    )


def _year_before(as_of: dt.date) -> dt.date:
    """The first day of the month eleven months before ``as_of``'s: twelve months in all.

    Never before the calendar's first day (``dt.date.min``): a year before January 0001 is not a date.
    """
    index = as_of.year * 12 + as_of.month - 1 - 11
    if index < dt.MINYEAR * 12:
        return dt.date.min
    return dt.date(index // 12, index % 12 + 1, 1)


def _months(start: dt.date, end: dt.date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
