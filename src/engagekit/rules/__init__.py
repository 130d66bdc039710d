"""Reporting rules and their findings, evaluated as of a date.

Rules come from three places: the current programme's governance (review cycles, review
dates, reports due), bodies' meeting quotas and the definition's ``rules:`` list — all
without Python — and :class:`Rule` objects that plugins register for what needs more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import attrs

from engagekit.model.council import Council
from engagekit.model.governance import CoverageRule, PhaseOrderRule
from engagekit.model.sources import Source
from engagekit.rules.context import Evidence, NoEvidence, RuleContext
from engagekit.rules.findings import EvidenceItem, Finding, Status
from engagekit.rules.obligations import (
    judge_deadline,
    quota_finding,
    report_due_finding,
    review_cycle_finding,
    review_date_finding,
)
from engagekit.rules.places import coverage_finding, phase_order_finding

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


@attrs.frozen
class Rule:
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
    for cycle in governance.review_cycles:
        rules.append(Rule(cycle.id, cycle.subject, lambda c, x=cycle: [review_cycle_finding(c, x)], cycle.source))
    for review in governance.review_dates:
        rules.append(Rule(review.id, review.subject, lambda c, x=review: [review_date_finding(c, x)], review.source))
    for report in governance.reports_due:
        rules.append(
            Rule(
                report.id,
                report.title,
                lambda c, x=report: [report_due_finding(c, x, c.council.programme.adopted)],
                report.source,
            )
        )
    for body in council.bodies:
        if body.quota is not None:
            rules.append(
                Rule(f"{body.id}-meeting-quota", body.name, lambda c, x=body: [quota_finding(c, x)], body.source)
            )
    for spec in programme.rules:
        if isinstance(spec, CoverageRule):
            rules.append(Rule(spec.id, spec.title, lambda c, x=spec: [coverage_finding(c, x)], spec.source))
        elif isinstance(spec, PhaseOrderRule):
            rules.append(Rule(spec.id, spec.title, lambda c, x=spec: [phase_order_finding(c, x)], spec.source))
    return rules


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
