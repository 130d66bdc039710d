"""Each place's status, near the top of a report: what runs in each place and how it stands.

A council organised place by place (a forum per ward, a network per area) needs each place's
picture before the long sections: one row per instance of every arrangement made for each
place, with its worst finding; for kinds of body known only from records, how many are known
and that the list comes from records, not the documents; and each place's local plan (the
priorities agreed this year and the local actions with their latest update).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from engagekit.model.bodies import Body
from engagekit.model.council import Council
from engagekit.model.instances import Placed, obligation_places
from engagekit.model.local import PlaceKind, instance_name
from engagekit.model.sources import human_date
from engagekit.report.document import Block, BulletList, Paragraph, Section, Table
from engagekit.rules.context import Evidence, LocalActionEvidence, RuleContext
from engagekit.rules.findings import EvidenceItem, Finding
from engagekit.rules.local import instances_of

NOT_JUDGED = "not judged"


def place_status_section(
    council: Council, findings: list[Finding], evidence: Evidence, as_of: dt.date
) -> Section | None:
    """The "Places at a glance" section, or ``None`` for a council with nothing made per place."""
    context = RuleContext(council=council, as_of=as_of, evidence=evidence)
    by_subject: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.subject_id is not None:
            by_subject.setdefault(finding.subject_id, []).append(finding)
    rows: list[list[str]] = []
    blocks: list[Block] = []
    planning: list[tuple[Body, Placed]] = []
    for body in council.bodies:
        if body.for_each is None and not (body.area or body.cluster or body.phase):
            continue
        instances = instances_of(context, body)
        if body.for_each is not None and body.for_each.place is PlaceKind.RECORDED:
            blocks.append(Paragraph(_recorded_count(body, instances)))
        for placed in instances:
            where = placed.place.name if placed.place else "place not recorded"
            rows.append(_row(where, placed.label, by_subject, placed.id))
            if body.local_plans:
                planning.append((body, placed))
    governance = council.programme.governance
    obligations = [(c.id, c.subject, c.for_each, c.every_months is not None) for c in governance.review_cycles]
    obligations += [(r.id, r.title, r.for_each, r.timed) for r in governance.reports_due]
    for declared_id, subject, for_each, judged in obligations:
        if for_each is None:
            continue
        for oid, place in obligation_places(council, declared_id, for_each):
            row = _row(place.name, instance_name(subject, place.name), by_subject, oid)
            if not judged:
                row[2] = f"{NOT_JUDGED}: the documents set no date or interval"
            rows.append(row)
    if not rows and not blocks:
        return None
    if rows:
        rows.sort(key=lambda row: row[0])
        blocks.insert(0, Table("Each place's status", ["Place", "Arrangement", "Status", "Findings"], rows))
    sections = [_local_plans(planning, evidence, as_of)] if planning else []
    intro = Paragraph(
        f"What runs place by place and how each stands as of {human_date(as_of)}; the findings in full are below."
    )
    return Section("places-at-a-glance", "Places at a glance", [intro, *blocks], sections)


def _row(place: str, arrangement: str, by_subject: Mapping[str, list[Finding]], subject_id: str) -> list[str]:
    """One instance's row: its worst finding's status, and every finding's message."""
    found = by_subject.get(subject_id, [])
    if not found:
        return [place, arrangement, NOT_JUDGED, "no rule judges it"]
    worst = min(found, key=lambda finding: finding.status.severity)
    summary = " ".join(finding.message for finding in sorted(found, key=lambda f: f.status.severity))
    return [place, arrangement, worst.status.label, summary]


def _recorded_count(body: Body, instances: list[Placed]) -> str:
    """``Community Forums: 2 known (from records; the documents do not list them): A, B.``"""
    where = "the list comes from the records store, not from the documents"
    if not instances:
        return f"{body.name}: none known yet ({where}; officers register each one with 'engagekit record instance')."
    names = ", ".join(placed.label for placed in instances)
    return f"{body.name}: {len(instances)} known ({where}): {names}."


def _local_plans(planning: list[tuple[Body, Placed]], evidence: Evidence, as_of: dt.date) -> Section:
    """Each place's priorities agreed this year and its local actions, with their latest update."""
    year = as_of.year
    actions: dict[str, list[LocalActionEvidence]] = {}
    for action in evidence.local_actions(as_of):
        actions.setdefault(action.holder, []).append(action)
    latest = evidence.latest_action_updates(as_of)
    rows = []
    lists: list[Block] = []
    for _, placed in planning:
        priorities = evidence.local_priorities(placed.id, year, as_of)
        own = actions.get(placed.id, [])
        rows.append([placed.label, _priorities_text(priorities), str(len(own))])
        if own:
            lists.append(BulletList([_action_text(action, latest.get(action.id)) for action in own], placed.label))
    table = Table(f"Local plans for {year}", ["Body", "Priorities agreed", "Local actions"], rows)
    note = Paragraph("Local plans are records: who agreed what and when, not part of the definition.")
    return Section("local-plans", f"Local plans for {year}", [note, table, *lists])


def _priorities_text(priorities: list[EvidenceItem]) -> str:
    if not priorities:
        return "none recorded"
    return "; ".join(f"{item.summary} ({human_date(item.date)})" for item in priorities)


def _action_text(action: LocalActionEvidence, update: EvidenceItem | None) -> str:
    status = f"{update.kind} ({human_date(update.date)})" if update else "no update recorded"
    details = [f"agreed {human_date(action.agreed)}"]
    if action.owner:
        details.append(f"owner: {action.owner}")
    if action.due:
        details.append(f"due {human_date(action.due)}")
    if action.priority:
        details.append(f"for: {action.priority}")
    return f"{action.id} {action.title} — {status}; {', '.join(details)}"
