"""What rules see: the council, the as-of date and the evidence recorded up to it.

:class:`Evidence` is the question rules ask of the records store. :class:`NoEvidence`
answers "nothing recorded" to every question, which is what a council has before it keeps
progress records: rules then say grey (no evidence) or red (overdue), never green.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from engagekit.model.base import Model
from engagekit.model.council import Council
from engagekit.rules.findings import EvidenceItem, Finding


@attrs.frozen(repr=False, eq=False)
class ConsultationEvidence(Model):
    """A recorded consultation and the evidence for each Gunning principle (``None`` if none)."""

    title: str
    opens: dt.date
    closes: dt.date | None
    formative: str | None
    reasons: str | None
    responses: str | None
    ref: str | None = None


@attrs.frozen(repr=False, eq=False)
class EventCount(Model):
    """How many engagement events in a month, for one cluster, area and IAP2 level (each may be ``None``)."""

    month: str
    cluster_id: str | None
    area_id: str | None
    level: str | None
    count: int


@attrs.frozen(repr=False, eq=False)
class RecordedInstance(Model):
    """An instance of a body that officers registered in the records store (a forum)."""

    id: str
    local_id: str
    name: str
    started: dt.date
    area_id: str | None = None
    cluster_id: str | None = None
    ended: dt.date | None = None
    ref: str | None = None


@attrs.frozen(repr=False, eq=False)
class LocalActionEvidence(Model):
    """A local action a place's body agreed, as recorded."""

    id: str
    holder: str
    title: str
    agreed: dt.date
    owner: str | None = None
    due: dt.date | None = None
    priority: str | None = None
    ref: str | None = None


@attrs.frozen(repr=False, eq=False)
class MemberEvidence(Model):
    """Someone recorded as sitting on a body on a date."""

    name: str
    area_id: str | None
    office: str | None
    councillor: bool | None
    since: dt.date
    ref: str | None = None


class Evidence(Protocol):
    """The records a rule can ask about, each up to and including a date."""

    def reviews(self, obligation_id: str, until: dt.date) -> list[EvidenceItem]:
        """Reviews approved or reports issued against a governance obligation (by its id)."""
        ...

    def meetings(self, body_id: str, start: dt.date, end: dt.date) -> list[EvidenceItem]:
        """Meetings of a body held between ``start`` and ``end`` inclusive (kind ``public`` or ``agm``)."""
        ...

    def meeting_counts(self, body_id: str, start: dt.date, end: dt.date) -> dict[str, int]:
        """How many meetings of a body between the dates, by kind (``public``, ``agm``, ``private``)."""
        ...

    def hubs_opened(self, until: dt.date) -> dict[str, EvidenceItem]:
        """Hubs recorded as open by ``until``, by hub id."""
        ...

    def clusters_started(self, until: dt.date) -> dict[str, EvidenceItem]:
        """The first recorded engagement in each cluster by ``until``, by cluster id."""
        ...

    def hub_sessions_by_area(self, until: dt.date) -> dict[str, EvidenceItem]:
        """The first hub session recorded in each area by ``until``, by area id."""
        ...

    def latest_action_updates(self, until: dt.date) -> dict[str, EvidenceItem]:
        """Each action's latest update by ``until`` (``kind`` is its status), by action id."""
        ...

    def indicator_readings(self, indicator_id: str, until: dt.date) -> list[EvidenceItem]:
        """An indicator's readings by ``until``, oldest first (``value`` holds the reading)."""
        ...

    def consultations(self, until: dt.date) -> list[ConsultationEvidence]:
        """Consultations that opened by ``until``, oldest first."""
        ...

    def event_counts(self, start: dt.date, end: dt.date) -> list[EventCount]:
        """Engagement events between the dates, counted by month (``YYYY-MM``), cluster, area and level."""
        ...

    def recorded_instances(self, body_id: str, until: dt.date) -> list[RecordedInstance]:
        """Instances of a body registered by ``until`` and not ended before it, in the order registered."""
        ...

    def local_priorities(self, holder_id: str, year: int, until: dt.date) -> list[EvidenceItem]:
        """Priorities a body instance or place agreed for ``year``, recorded as agreed by ``until``."""
        ...

    def local_actions(self, until: dt.date) -> list[LocalActionEvidence]:
        """Every local action agreed by ``until``, oldest first."""
        ...

    def members(self, body_id: str, on: dt.date) -> list[MemberEvidence]:
        """Who sits on a body (or instance) on a date: joined by then and not yet left."""
        ...


class NoEvidence:
    """Evidence for a council that has recorded nothing yet."""

    def reviews(self, obligation_id: str, until: dt.date) -> list[EvidenceItem]:
        return []

    def meetings(self, body_id: str, start: dt.date, end: dt.date) -> list[EvidenceItem]:
        return []

    def meeting_counts(self, body_id: str, start: dt.date, end: dt.date) -> dict[str, int]:
        return {}

    def hubs_opened(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {}

    def clusters_started(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {}

    def hub_sessions_by_area(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {}

    def latest_action_updates(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {}

    def indicator_readings(self, indicator_id: str, until: dt.date) -> list[EvidenceItem]:
        return []

    def consultations(self, until: dt.date) -> list[ConsultationEvidence]:
        return []

    def event_counts(self, start: dt.date, end: dt.date) -> list[EventCount]:
        return []

    def recorded_instances(self, body_id: str, until: dt.date) -> list[RecordedInstance]:
        return []

    def local_priorities(self, holder_id: str, year: int, until: dt.date) -> list[EvidenceItem]:
        return []

    def local_actions(self, until: dt.date) -> list[LocalActionEvidence]:
        return []

    def members(self, body_id: str, on: dt.date) -> list[MemberEvidence]:
        return []


@attrs.frozen(repr=False, eq=False)
class RuleContext(Model):
    """The council, the date the report is as of, the evidence, and findings made so far."""

    council: Council
    as_of: dt.date
    evidence: Evidence = attrs.field(factory=NoEvidence)
    findings: list[Finding] = attrs.field(factory=list)

    @property
    def has_evidence(self) -> bool:
        """False while the council has no records store (every answer is "nothing")."""
        return not isinstance(self.evidence, NoEvidence)
