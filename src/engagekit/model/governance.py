"""Governance: who monitors and approves, and the reviews and reports a programme owes.

Every review cycle, review date and report due here is also a reporting rule: the rules stage
checks each one as of a date, so a fact is written once and both shown and checked.
"""

from __future__ import annotations

import enum

import attrs

from engagekit.model.bodies import MonthWindow
from engagekit.model.certainty import Qualified
from engagekit.model.local import ForEach
from engagekit.model.places import AreaKind
from engagekit.model.sources import PartialDate, Source


@attrs.frozen(repr=False, eq=False)
class ReviewCycle(Qualified):
    """A review that recurs every ``every_months`` months from ``starts``.

    ``starts`` is ``None`` when the date the cycle counts from is not known (for example a
    strategy not yet adopted); the rule then says so instead of guessing. ``every_months`` is
    ``None`` for a review with no fixed interval ("to be tested, reviewed and revised over
    time"): it is shown, and reviews can be recorded against it, but it is never judged.
    ``for_each`` makes one cycle per place (each network reviews its own plan).
    """

    id: str
    subject: str
    every_months: int | None = attrs.field(validator=attrs.validators.optional(attrs.validators.ge(1)))
    starts: PartialDate | None = None
    approved_by: str | None = None
    note: str | None = None
    for_each: ForEach | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class ReviewDate(Qualified):
    """A one-off review due by a date ("Strategy Review Date: March 2022")."""

    id: str
    subject: str
    date: PartialDate
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class ReportDue(Qualified):
    """A report owed to a body: by a date, some months after adoption or after another date, or untimed.

    ``months_after`` counts from ``after`` (a meeting's date, say, described by ``after_what``)
    where the documents date the report from something other than an adoption they do not
    record. A report with none of ``due``, ``months_after_adoption`` and ``months_after`` has no
    date ("future reports focusing on ..."): it is shown, reports can be recorded against it,
    and it is never judged. ``for_each`` makes one report per place (a report per cluster).
    """

    id: str
    title: str
    to: str | None = None
    months_after_adoption: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(1))
    )
    due: PartialDate | None = None
    months_after: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.ge(1)))
    after: PartialDate | None = None
    after_what: str | None = None
    for_each: ForEach | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        given = [self.months_after_adoption, self.due, self.months_after]
        if sum(value is not None for value in given) > 1:
            raise ValueError("give at most one of 'due', 'months_after_adoption' and 'months_after'")
        if (self.months_after is None) != (self.after is None):
            raise ValueError("'months_after' and 'after' go together: how many months after which date")

    @property
    def timed(self) -> bool:
        """False for a report the documents give no date for (it is shown, never judged)."""
        return self.due is not None or self.months_after_adoption is not None or self.months_after is not None


@attrs.frozen(repr=False, eq=False)
class Delegation(Qualified):
    """A decision delegated to an officer, perhaps in consultation with someone."""

    id: str
    to: str
    matter: str
    consulting: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Governance(Qualified):
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


@attrs.frozen(repr=False, eq=False)
class CoverageRule(Qualified):
    """Every area of a kind (say, every town) must have something (say, an open hub) by a date."""

    id: str
    title: str
    area_kind: AreaKind
    target: CoverageTarget = CoverageTarget.HUB
    by: PartialDate | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class PhaseOrderRule(Qualified):
    """Clusters in an earlier phase must start before clusters in a later one."""

    id: str
    title: str
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class LocalPlanRule(Qualified):
    """Each instance of a body (each area network, say) agrees its local priorities every year.

    Judged per instance, for the calendar year of the report's date: green once priorities
    for the year are recorded as agreed, red once ``window`` (or the year) has passed without.
    An instance's ``starts`` defers its first year.
    """

    id: str
    title: str
    body: str
    window: MonthWindow | None = None
    source: Source | None = None


RuleSpec = CoverageRule | PhaseOrderRule | LocalPlanRule
"""A reporting rule configured in a definition file (besides those governance implies)."""

RULE_KINDS: dict[str, type[CoverageRule] | type[PhaseOrderRule] | type[LocalPlanRule]] = {
    "coverage": CoverageRule,
    "phase-order": PhaseOrderRule,
    "local-plan": LocalPlanRule,
}
"""The ``kind`` written in a definition file for each configurable rule."""
