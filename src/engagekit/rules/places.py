"""Rules about places: coverage (every town has a hub) and phase order (Phase One first)."""

from __future__ import annotations

from engagekit.model.governance import CoverageRule, PhaseOrderRule
from engagekit.model.places import HubStatus
from engagekit.model.sources import human_date
from engagekit.rules.context import RuleContext
from engagekit.rules.findings import EvidenceItem, Finding, Status
from engagekit.rules.obligations import DUE_SOON_DAYS


def coverage_finding(context: RuleContext, rule: CoverageRule) -> Finding:
    """Does every area of the rule's kind have an open hub?

    A hub entry counts for its areas when it is open (pilot or established) in the definition
    or recorded as opened. An entry standing for several hubs (``count`` > 1) that the
    documents do not tell apart is not credited to any one area by the definition; once hub
    sessions are recorded place by place, an area with a recorded hub session is covered.
    """
    council = context.council
    areas = [area for area in council.areas if area.kind == rule.area_kind]
    opened = context.evidence.hubs_opened(context.as_of)
    covered: dict[str, object] = {}
    for hub in council.hubs:
        is_open = hub.status.open or hub.id in opened
        if is_open and hub.count == 1:
            for area_id in hub.areas or []:
                covered.setdefault(area_id, hub)
    sessions = context.evidence.hub_sessions_by_area(context.as_of)
    for area in areas:
        if area.id in sessions:
            covered.setdefault(area.id, sessions[area.id])
    missing = [area.name for area in areas if area.id not in covered]
    # A session recorded for an entry of several hubs shows one of them running, not all.
    planned = sum(
        hub.count - (1 if hub.id in opened else 0) for hub in council.hubs if hub.status is HubStatus.PROPOSED
    )
    kind = rule.area_kind.value
    deadline = rule.by.latest if rule.by else None
    have = f"{len(areas) - len(missing)} of {len(areas)} {kind}s have an open hub"
    if not areas:
        status, message = Status.GREY, f"No {kind}s are defined, so coverage cannot be judged."
    elif not missing:
        status, message = Status.GREEN, f"Met: {have}."
    else:
        without = f" Without one: {', '.join(missing)}."
        unplaced = any(
            hub.status is HubStatus.PROPOSED and (hub.areas is None or hub.count > 1) for hub in council.hubs
        )
        where = "; where each will be is not yet known" if unplaced else ""
        hubs = "1 hub is" if planned == 1 else f"{planned} hubs are"
        pending = f" {hubs} planned{where}." if planned else ""
        if deadline and context.as_of > deadline:
            status = Status.RED
            message = f"Not met by {rule.by.human() if rule.by else ''}: {have}.{without}{pending}"
        elif deadline and (deadline - context.as_of).days <= DUE_SOON_DAYS:
            status, message = Status.AMBER, f"Due soon: {have}.{without}{pending}"
        elif len(missing) < len(areas):
            status, message = Status.AMBER, f"In progress: {have}.{without}{pending}"
        else:
            status = Status.GREY
            message = f"No evidence yet: {have}.{without}{pending}"
        if deadline and context.as_of <= deadline:
            message += f" Due by {rule.by.human() if rule.by else ''}."
    evidence = [opened[hub_id] for hub_id in sorted(opened)]
    evidence += [sessions[area.id] for area in areas if area.id in sessions and sessions[area.id] not in evidence]
    return Finding(
        rule_id=rule.id,
        rule_title=rule.title,
        subject=f"{kind.capitalize()}s of {council.name}",
        status=status,
        message=message,
        due=deadline,
        evidence=evidence,
        source=rule.source,
    )


def phase_order_finding(context: RuleContext, rule: PhaseOrderRule) -> Finding:
    """Did every cluster of an earlier phase start before any cluster of a later phase?"""
    council = context.council
    started = context.evidence.clusters_started(context.as_of)
    phases = sorted(council.phases, key=lambda phase: phase.order)
    names = {cluster.id: cluster.name for cluster in council.clusters}
    evidence: list[EvidenceItem] = [started[cluster_id] for cluster_id in sorted(started)]
    status, message = Status.GREY, "No cluster has a recorded start yet."
    if started:
        status, message = Status.GREEN, "In order: no cluster of a later phase started before an earlier phase's."
        for index, phase in enumerate(phases):
            earlier_ids = [c for p in phases[:index] for c in (p.clusters or [])]
            for cluster_id in phase.clusters or []:
                if cluster_id not in started:
                    continue
                begun = started[cluster_id].date
                waiting = [names.get(c, c) for c in earlier_ids if c not in started or started[c].date > begun]
                if waiting:
                    status = Status.RED
                    message = (
                        f"Out of order: {names.get(cluster_id, cluster_id)} ({phase.name}) started on "
                        f"{human_date(begun)} before {', '.join(waiting)} of an earlier phase."
                    )
                    break
            if status is Status.RED:
                break
        if status is Status.GREEN and phases:
            first = list(phases[0].clusters or [])
            not_started = [names.get(c, c) for c in first if c not in started]
            if not_started:
                status = Status.AMBER
                message = f"Under way: {phases[0].name} clusters not yet started: {', '.join(not_started)}."
    return Finding(
        rule_id=rule.id,
        rule_title=rule.title,
        subject="Cluster rollout",
        status=status,
        message=message,
        evidence=evidence,
        source=rule.source,
    )
