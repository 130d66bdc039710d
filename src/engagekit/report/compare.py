"""Councils side by side: programme, commitments, actions by status, findings, engagement.

Comparisons are fairest between councils of the same type (a district with a district, a
unitary with a unitary), as mySociety's scorecards do; the comparison says so when the
councils it is given differ.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from engagekit.model.council import Council
from engagekit.report.caveats import adoption, mark, mark_field
from engagekit.report.charts import NONE_RECORDED, _year_before
from engagekit.report.document import Paragraph, Report, Section, Table
from engagekit.rules.context import Evidence
from engagekit.rules.findings import Status


def compare_councils(
    entries: Sequence[tuple[Council, Report, Evidence]],
    as_of: dt.date,
) -> Report:
    """A report comparing councils, from each one's report and evidence as of the same date."""
    councils = [council for council, _, _ in entries]
    names = [council.name for council in councils]
    blocks: list[Paragraph | Table] = []
    types = {council.council_type.value if council.council_type else "not known" for council in councils}
    if len(types) > 1:
        kinds = ", ".join(
            f"{c.name} ({c.council_type.value if c.council_type else 'type not known'})" for c in councils
        )
        blocks.append(
            Paragraph(
                f"These councils are of different types: {kinds}. A district and a unitary authority "
                "have different duties and budgets, so compare like with like where you can."
            )
        )
    rows: list[list[str]] = []

    def row(label: str, values: list[str]) -> None:
        rows.append([label, *values])

    row(
        "Type of council",
        [mark_field(c, "council_type", c.council_type.value if c.council_type else "not known") for c in councils],
    )
    row("ONS code", [mark_field(c, "gss_code", c.gss_code or "not known") for c in councils])
    row("Programme", [mark(c.programme, f"{c.programme.name} ({c.programme.kind})") for c in councils])
    row(
        "Period",
        [
            mark_field(c.programme, "period", c.programme.period.human() if c.programme.period else "not known")
            for c in councils
        ],
    )
    row("Adopted", [adoption(c.programme) for c in councils])
    row("Commitments and principles", [str(len(c.programme.commitments)) for c in councils])
    row("Actions in the plan", [str(sum(1 for _ in c.programme.action_plan.all_actions())) for c in councils])
    row("Clusters", [str(len(c.clusters)) for c in councils])
    row("Community hubs", [str(sum(h.count for h in c.hubs)) for c in councils])
    row("Forums, boards and networks", [str(len(c.bodies)) for c in councils])
    programme = Table("Programmes and places", ["", *names], rows)

    statuses: Counter[str] = Counter()
    by_council: list[Counter[str]] = []
    for council, _, evidence in entries:
        latest = evidence.latest_action_updates(as_of)
        counter = Counter(
            (latest[p.action.id].kind if p.action.id in latest else NONE_RECORDED)
            for p in council.programme.action_plan.all_actions()
        )
        by_council.append(counter)
        statuses.update(counter)
    action_rows = [[status, *(str(counter[status]) for counter in by_council)] for status in sorted(statuses)]
    actions = Table("Actions by latest status", ["Status", *names], action_rows)

    finding_rows = [
        [status.label, *(str(report.status_counts.get(status.value, 0)) for _, report, _ in entries)]
        for status in sorted(Status, key=lambda s: s.severity)
    ]
    findings = Table("Findings by status", ["Status", *names], finding_rows)

    start = _year_before(as_of)
    engagement_rows = []
    totals = [evidence.event_counts(start, as_of) for _, _, evidence in entries]
    engagement_rows.append(
        ["Engagement events recorded in the last 12 months", *(f"{sum(c.count for c in t):,}" for t in totals)]
    )
    engagement = Table("Engagement activity", ["", *names], engagement_rows)

    return Report(
        council_id="+".join(council.id for council in councils),
        council_name=", ".join(names),
        title=f"Comparing {', '.join(names[:-1])} and {names[-1]}",
        as_of=as_of,
        sections=[
            Section("about", "About this comparison", [*blocks, programme]),
            Section("actions", "Actions", [actions]),
            Section("findings", "Findings", [findings]),
            Section("engagement", "Engagement", [engagement]),
        ],
        status_counts={
            status.value: sum(report.status_counts.get(status.value, 0) for _, report, _ in entries)
            for status in Status
        },
    )
