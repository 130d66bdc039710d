"""Governance: who monitors and approves, and the reviews and reports a programme owes.

Every review cycle, review date and report due here is also a reporting rule: the rules stage
checks each one as of a date, so a fact is written once and both shown and checked.
"""

from __future__ import annotations

import enum

import attrs

from engagekit.model.places import AreaKind
from engagekit.model.sources import PartialDate, Source


@attrs.frozen
class ReviewCycle:
    """A review that recurs every ``every_months`` months from ``starts``.

    ``starts`` is ``None`` when the date the cycle counts from is not known (for example a
    strategy not yet adopted); the rule then says so instead of guessing.
    """

    id: str
    subject: str
    every_months: int = attrs.field(validator=attrs.validators.ge(1))
    starts: PartialDate | None = None
    approved_by: str | None = None
    note: str | None = None
    source: Source | None = None


@attrs.frozen
class ReviewDate:
    """A one-off review due by a date ("Strategy Review Date: March 2022")."""

    id: str
    subject: str
    date: PartialDate
    source: Source | None = None


@attrs.frozen
class ReportDue:
    """A report owed to a body: by a date, or a number of months after the programme's adoption."""

    id: str
    title: str
    to: str | None = None
    months_after_adoption: int | None = None
    due: PartialDate | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if (self.months_after_adoption is None) == (self.due is None):
            raise ValueError("give exactly one of 'months_after_adoption' and 'due'")


@attrs.frozen
class Delegation:
    """A decision delegated to an officer, perhaps in consultation with someone."""

    id: str
    to: str
    matter: str
    consulting: str | None = None
    source: Source | None = None


@attrs.frozen
class Governance:
    """Who monitors delivery, who approves revisions, and what is reviewed and reported when.

    ``update_interval_days`` is how often each action should be updated (an action not updated
    within it is amber, within twice it red); ``consultation_min_days`` is the shortest
    consultation the council counts as adequate time (Gunning's third principle). Both are the
    council's own monitoring choices: leave them out where nobody has decided them.
    """

    monitored_by: str | None = None
    supported_by: list[str] = attrs.field(factory=list)
    approves_revisions: str | None = None
    measures: list[str] = attrs.field(factory=list)
    review_cycles: list[ReviewCycle] = attrs.field(factory=list)
    review_dates: list[ReviewDate] = attrs.field(factory=list)
    reports_due: list[ReportDue] = attrs.field(factory=list)
    delegations: list[Delegation] = attrs.field(factory=list)
    update_interval_days: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(1))
    )
    consultation_min_days: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(1))
    )
    source: Source | None = None


class CoverageTarget(enum.Enum):
    """What must be present in every area of a kind."""

    HUB = "hub"


@attrs.frozen
class CoverageRule:
    """Every area of a kind (say, every town) must have something (say, an open hub) by a date."""

    id: str
    title: str
    area_kind: AreaKind
    target: CoverageTarget = CoverageTarget.HUB
    by: PartialDate | None = None
    source: Source | None = None


@attrs.frozen
class PhaseOrderRule:
    """Clusters in an earlier phase must start before clusters in a later one."""

    id: str
    title: str
    source: Source | None = None


RuleSpec = CoverageRule | PhaseOrderRule
"""A reporting rule configured in a definition file (besides those governance implies)."""

RULE_KINDS: dict[str, type[CoverageRule] | type[PhaseOrderRule]] = {
    "coverage": CoverageRule,
    "phase-order": PhaseOrderRule,
}
"""The ``kind`` written in a definition file for each configurable rule."""
