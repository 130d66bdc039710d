"""Reporting rules and their findings, evaluated as of a date.

Rules come from three places: the current programme's governance (review cycles, review
dates, reports due), bodies' meeting quotas and the definition's ``rules:`` list — all
without Python — and :class:`Rule` objects that plugins register for what needs more.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import TypeVar

import attrs

from engagekit.model.base import Model
from engagekit.model.council import Council
from engagekit.model.governance import CoverageRule, LocalPlanRule, PhaseOrderRule
from engagekit.model.sources import Source
from engagekit.rules.context import Evidence, NoEvidence, RuleContext
from engagekit.rules.findings import EvidenceItem, Finding, Status
from engagekit.rules.local import (
    cycle_findings,
    local_plan_findings,
    membership_findings,
    quota_findings,
    report_findings,
)
from engagekit.rules.obligations import judge_deadline, review_date_finding
from engagekit.rules.places import coverage_finding, phase_order_finding
from engagekit.rules.progress import (
    GUNNING_RULE,
    INDICATOR_RULE,
    STALE_RULE,
    consultation_findings,
    indicator_findings,
    staleness_findings,
)

T = TypeVar("T")

__all__ = [
    "Evidence",
    "EvidenceItem",
    "Finding",
    "NoEvidence",
    "Rule",
    "RuleContext",
    "Status",
    "definition_rules",
    "evaluate",
    "judge_deadline",
]


@attrs.frozen(repr=False, eq=False)
class Rule(Model):
    """A reporting rule: an id, a title, and a check that turns a context into findings.

    Plugins build these for rules a definition file cannot express::

        register(Rule(id="toolkit-kept-up-to-date", title="...", check=my_check, source=...))
    """

    id: str
    title: str
    check: Callable[[RuleContext], Iterable[Finding]]
    source: Source | None = None
    origin: str = "definition"


def definition_rules(council: Council) -> list[Rule]:
    """The rules a council's definition implies, in the order the definition gives them."""
    programme = council.programme
    governance = programme.governance
    rules: list[Rule] = []
    # Obligations with no fixed interval or date are shown in reports but never judged.
    for cycle in governance.review_cycles:
        if cycle.every_months is not None:
            rules.append(Rule(cycle.id, cycle.subject, _each(cycle_findings, cycle), cycle.source))
    for review in governance.review_dates:
        rules.append(Rule(review.id, review.subject, _one(review_date_finding, review), review.source))
    for report in governance.reports_due:
        if report.timed:
            rules.append(Rule(report.id, report.title, _each(report_findings, report), report.source))
    for body in council.bodies:
        if body.quota is not None:
            rules.append(Rule(f"{body.id}-meeting-quota", body.name, _each(quota_findings, body), body.source))
        for membership in body.membership_rules:
            check = functools.partial(membership_findings, body=body, rule=membership)
            rules.append(Rule(f"{body.id}-{membership.id}", membership.text, check, membership.source))
    if governance.update_interval_days is not None:
        rules.append(Rule(STALE_RULE, "Actions kept up to date", staleness_findings, governance.source))
    if programme.indicators:
        rules.append(Rule(INDICATOR_RULE, "Indicators against their targets", indicator_findings))
    rules.append(Rule(GUNNING_RULE, "Consultations meet the Gunning principles", consultation_findings))
    for spec in programme.rules:
        if isinstance(spec, CoverageRule):
            rules.append(Rule(spec.id, spec.title, _one(coverage_finding, spec), spec.source))
        elif isinstance(spec, PhaseOrderRule):
            rules.append(Rule(spec.id, spec.title, _one(phase_order_finding, spec), spec.source))
        elif isinstance(spec, LocalPlanRule):
            rules.append(Rule(spec.id, spec.title, _each(local_plan_findings, spec), spec.source))
    return rules


def _one(judge: Callable[[RuleContext, T], Finding], item: T) -> Callable[[RuleContext], list[Finding]]:
    """A rule check that judges one definition item."""
    return lambda context: [judge(context, item)]


def _each(judge: Callable[[RuleContext, T], list[Finding]], item: T) -> Callable[[RuleContext], list[Finding]]:
    """A rule check that judges one definition item for each place it is made for."""
    return lambda context: judge(context, item)


def evaluate(
    council: Council,
    as_of: dt.date,
    *,
    evidence: Evidence | None = None,
    extra_rules: Iterable[Rule] = (),
) -> list[Finding]:
    """Every finding for ``council`` as of ``as_of``, in rule order.

    A rule that raises does not stop the others: it yields a grey finding saying it could
    not be evaluated, and why.
    """
    context = RuleContext(council=council, as_of=as_of, evidence=evidence or NoEvidence())
    findings: list[Finding] = []
    for rule in [*definition_rules(council), *extra_rules]:
        try:
            findings.extend(rule.check(attrs.evolve(context, findings=list(findings))))
        except Exception as error:  # a plugin's rule must not take the report down
            findings.append(
                Finding(
                    rule_id=rule.id,
                    rule_title=rule.title,
                    subject=rule.title,
                    status=Status.GREY,
                    message=f"Could not be evaluated: {type(error).__name__}: {error}",
                    source=rule.source,
                )
            )
    return findings
