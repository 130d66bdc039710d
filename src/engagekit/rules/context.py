"""What rules see: the council, the as-of date and the evidence recorded up to it.

:class:`Evidence` is the question rules ask of the records store. :class:`NoEvidence`
answers "nothing recorded" to every question, which is what a council has before it keeps
progress records: rules then say grey (no evidence) or red (overdue), never green.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from engagekit.model.council import Council
from engagekit.rules.findings import EvidenceItem, Finding


class Evidence(Protocol):
    """The records a rule can ask about, each up to and including a date."""

    def reviews(self, obligation_id: str, until: dt.date) -> list[EvidenceItem]:
        """Reviews approved or reports issued against a governance obligation (by its id)."""
        ...

    def meetings(self, body_id: str, start: dt.date, end: dt.date) -> list[EvidenceItem]:
        """Meetings of a body held between ``start`` and ``end`` inclusive (kind ``public`` or ``agm``)."""
        ...

    def hubs_opened(self, until: dt.date) -> dict[str, EvidenceItem]:
        """Hubs recorded as open by ``until``, by hub id."""
        ...

    def clusters_started(self, until: dt.date) -> dict[str, EvidenceItem]:
        """The first recorded engagement in each cluster by ``until``, by cluster id."""
        ...


class NoEvidence:
    """Evidence for a council that has recorded nothing yet."""

    def reviews(self, obligation_id: str, until: dt.date) -> list[EvidenceItem]:
        return []

    def meetings(self, body_id: str, start: dt.date, end: dt.date) -> list[EvidenceItem]:
        return []

    def hubs_opened(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {}

    def clusters_started(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {}


@attrs.frozen
class RuleContext:
    """The council, the date the report is as of, the evidence, and findings made so far."""

    council: Council
    as_of: dt.date
    evidence: Evidence = attrs.field(factory=NoEvidence)
    findings: list[Finding] = attrs.field(factory=list)

    @property
    def has_evidence(self) -> bool:
        """False while the council has no records store (every answer is "nothing")."""
        return not isinstance(self.evidence, NoEvidence)
