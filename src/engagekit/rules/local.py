"""Rules for arrangements made for each place: one finding per instance.

A body declared ``for_each`` place has its meeting quota judged for each instance; one
declared ``for_each: recorded`` is judged for each instance registered in the records store,
and while none is registered says so instead of judging. Review cycles and reports declared
for each place are judged per place, against reviews recorded under the instance's id. A
``local-plan`` rule asks, per instance, whether this year's local priorities are agreed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from engagekit.model.bodies import Body, MembershipRule
from engagekit.model.governance import LocalPlanRule, ReportDue, ReviewCycle
from engagekit.model.instances import (
    Place,
    Placed,
    body_instances,
    first_whole_year,
    obligation_places,
    recorded_instance,
)
from engagekit.model.local import ForEach, PlaceKind, instance_name
from engagekit.model.sources import PartialDate, human_date
from engagekit.rules.context import MemberEvidence, RuleContext
from engagekit.rules.findings import EvidenceItem, Finding, Status
from engagekit.rules.obligations import DUE_SOON_DAYS, quota_finding, report_due_finding, review_cycle_finding


def instances_of(context: RuleContext, body: Body) -> list[Placed]:
    """The instances ``body`` stands for as of the context's date: from the definition or the records."""
    if body.for_each is None or body.for_each.place is not PlaceKind.RECORDED:
        return body_instances(context.council, body)
    council = context.council
    places = {area.id: Place(PlaceKind.AREA, area.id, area.name) for area in council.areas}
    clusters = {cluster.id: Place(PlaceKind.CLUSTER, cluster.id, cluster.name) for cluster in council.clusters}
    found = []
    for recorded in context.evidence.recorded_instances(body.id, context.as_of):
        place = clusters.get(recorded.cluster_id or "") or places.get(recorded.area_id or "")
        found.append(
            recorded_instance(
                body,
                recorded.local_id,
                recorded.name,
                place=place,
                starts=PartialDate.from_date(recorded.started),
                ref=recorded.ref,
            )
        )
    return found


def none_recorded(context: RuleContext, body: Body, rule_id: str, title: str) -> Finding:
    """The finding for a kind of body whose instances come from records while none is registered."""
    return Finding(
        rule_id=rule_id,
        rule_title=title,
        subject=body.name,
        subject_id=body.id,
        status=Status.GREY,
        message=(
            f"None known yet: which {body.name} exist comes from the records store (an officer registers each "
            "one with 'engagekit record instance'), not from the documents, and none is registered."
        ),
        source=body.source,
    )


def quota_findings(context: RuleContext, body: Body) -> list[Finding]:
    """The meeting quota of ``body`` judged for each of its instances."""
    assert body.quota is not None
    if body.for_each is None:
        return [quota_finding(context, body)]
    instances = instances_of(context, body)
    if not instances:
        title = f"{body.name}: {body.quota.describe()} (each)"
        return [none_recorded(context, body, f"{body.id}-meeting-quota", title)]
    return [quota_finding(context, body, placed) for placed in instances]


def _per_place(context: RuleContext, for_each: ForEach, declared_id: str, subject: str) -> list[tuple[str, str]]:
    """``(instance id, subject)`` for each place an obligation is made for."""
    return [
        (oid, instance_name(subject, place.name))
        for oid, place in obligation_places(context.council, declared_id, for_each)
    ]


def cycle_findings(context: RuleContext, cycle: ReviewCycle) -> list[Finding]:
    """A review cycle judged once, or for each place it is declared for."""
    if cycle.for_each is None:
        return [review_cycle_finding(context, cycle)]
    places = _per_place(context, cycle.for_each, cycle.id, cycle.subject)
    return [review_cycle_finding(context, cycle, obligation_id=oid, subject=name) for oid, name in places]


def report_findings(context: RuleContext, report: ReportDue) -> list[Finding]:
    """A report due judged once, or for each place it is declared for."""
    adopted = context.council.programme.adopted
    if report.for_each is None:
        return [report_due_finding(context, report, adopted)]
    places = _per_place(context, report.for_each, report.id, report.title)
    return [report_due_finding(context, report, adopted, obligation_id=oid, subject=name) for oid, name in places]


def local_plan_findings(context: RuleContext, rule: LocalPlanRule) -> list[Finding]:
    """Has each instance of the rule's body agreed its local priorities for this year?"""
    body = next(b for b in context.council.bodies if b.id == rule.body)
    instances = instances_of(context, body)
    if not instances:
        return [none_recorded(context, body, rule.id, rule.title)]
    return [_local_plan_finding(context, rule, placed) for placed in instances]


def _local_plan_finding(context: RuleContext, rule: LocalPlanRule, placed: Placed) -> Finding:
    year = context.as_of.year
    title = f"{placed.label}: {rule.title}"

    def finding(
        status: Status, message: str, due: dt.date | None = None, evidence: Sequence[EvidenceItem] = ()
    ) -> Finding:
        return Finding(
            rule_id=rule.id,
            rule_title=title,
            subject=placed.label,
            subject_id=placed.id,
            status=status,
            message=message,
            due=due,
            evidence=list(evidence),
            source=rule.source,
        )

    first = first_whole_year(placed.starts)
    if first is not None and year < first:
        assert placed.starts is not None
        return finding(
            Status.GREY,
            f"Not yet judged: it starts in {placed.starts.human()}, so its first plan year judged is {first}.",
        )
    agreed = context.evidence.local_priorities(placed.id, year, context.as_of)
    window = rule.window
    deadline = dt.date(year, window.end, 1) if window else dt.date(year, 12, 1)
    deadline = _month_end(deadline)
    when = f" ({window.describe()})" if window else ""
    if agreed:
        last = max(agreed, key=lambda item: item.date)
        count = len(agreed)
        return finding(
            Status.GREEN,
            f"Agreed for {year}: {count} local {'priority' if count == 1 else 'priorities'}, "
            f"the latest recorded on {human_date(last.date)}.",
            deadline,
            agreed,
        )
    if context.as_of > deadline:
        return finding(Status.RED, f"Overdue: no local priorities recorded as agreed for {year}{when}.", deadline)
    if (deadline - context.as_of).days <= DUE_SOON_DAYS:
        days = (deadline - context.as_of).days
        return finding(
            Status.AMBER,
            f"Due soon: local priorities for {year} are due by {human_date(deadline)}{when} (in {days} days); "
            "none recorded yet.",
            deadline,
        )
    return finding(
        Status.GREY, f"Not yet due: local priorities for {year} are due by {human_date(deadline)}{when}.", deadline
    )


def _month_end(day: dt.date) -> dt.date:
    return PartialDate(day.year, day.month).latest


def membership_findings(context: RuleContext, body: Body, rule: MembershipRule) -> list[Finding]:
    """A membership rule judged for the body, or each of its instances, from the members recorded."""
    rule_id = f"{body.id}-{rule.id}"
    instances = instances_of(context, body)
    if not instances:
        return [none_recorded(context, body, rule_id, rule.text)]
    return [_membership_finding(context, body, rule, rule_id, placed) for placed in instances]


def _membership_finding(
    context: RuleContext, body: Body, rule: MembershipRule, rule_id: str, placed: Placed
) -> Finding:
    members = context.evidence.members(placed.id, context.as_of)
    status, message = Status.GREY, f"Not checked: no members of {placed.label} are recorded."
    if members and rule.one_seat_per is not None:
        status, message = _one_seat(context, rule, members)
    elif members:
        status, message = _office_holders(rule, members)
    return Finding(
        rule_id=rule_id,
        rule_title=f"{placed.label}: {rule.text}",
        subject=placed.label,
        subject_id=placed.id,
        status=status,
        message=message,
        evidence=[EvidenceItem(m.since, "member", _member_text(m), m.ref) for m in members],
        source=rule.source or body.source,
    )


def _one_seat(context: RuleContext, rule: MembershipRule, members: list[MemberEvidence]) -> tuple[Status, str]:
    assert rule.one_seat_per is not None
    kind = rule.one_seat_per.value
    names = {area.id: area.name for area in context.council.areas if area.kind is rule.one_seat_per}
    seats: dict[str, list[str]] = {}
    for member in members:
        if member.area_id in names:
            seats.setdefault(member.area_id, []).append(member.name)
    doubled = [f"{names[area]} ({', '.join(who)})" for area, who in seats.items() if len(who) > 1]
    if doubled:
        return Status.RED, f"Not met: more than one seat for a {kind}: {'; '.join(doubled)}."
    return Status.GREEN, f"Met: {len(seats)} {kind} seats recorded, none held twice."


def _office_holders(rule: MembershipRule, members: list[MemberEvidence]) -> tuple[Status, str]:
    offices = [office.lower() for office in rule.offices]
    holders = [m for m in members if m.office is not None and m.office.lower() in offices]
    wanted = " or ".join(rule.offices)
    if not holders:
        return Status.GREY, f"Not checked: no {wanted} is recorded."
    if any(m.councillor for m in holders):
        return Status.GREEN, f"Met: the {wanted} is held by a {rule.held_by}."
    if all(m.councillor is False for m in holders):
        who = ", ".join(_member_text(m) for m in holders)
        return Status.RED, f"Not met: no {wanted} is a {rule.held_by} ({who})."
    return Status.GREY, f"Not checked: the records do not say whether the {wanted} is a {rule.held_by}."


def _member_text(member: MemberEvidence) -> str:
    office = f", {member.office}" if member.office else ""
    councillor = {True: ", councillor", False: ", not a councillor", None: ""}[member.councillor]
    return f"{member.name}{office}{councillor}"
