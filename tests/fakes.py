"""Stand-ins shared by the tests."""

from __future__ import annotations

import dataclasses
import datetime as dt

from engagekit.rules import EvidenceItem
from engagekit.rules.context import (
    ConsultationEvidence,
    EventCount,
    LocalActionEvidence,
    MemberEvidence,
    RecordedInstance,
)


@dataclasses.dataclass
class FakeEvidence:
    """A records store in memory; each answer holds only what was recorded up to the date asked about."""

    recorded_reviews: dict[str, list[EvidenceItem]] = dataclasses.field(default_factory=dict)
    recorded_meetings: dict[str, list[EvidenceItem]] = dataclasses.field(default_factory=dict)
    opened_hubs: dict[str, EvidenceItem] = dataclasses.field(default_factory=dict)
    started_clusters: dict[str, EvidenceItem] = dataclasses.field(default_factory=dict)
    action_updates: dict[str, list[EvidenceItem]] = dataclasses.field(default_factory=dict)
    readings: dict[str, list[EvidenceItem]] = dataclasses.field(default_factory=dict)
    recorded_consultations: list[ConsultationEvidence] = dataclasses.field(default_factory=list)
    recorded_event_counts: list[EventCount] = dataclasses.field(default_factory=list)
    hub_sessions: dict[str, EvidenceItem] = dataclasses.field(default_factory=dict)
    registered: dict[str, list[RecordedInstance]] = dataclasses.field(default_factory=dict)
    priorities: dict[tuple[str, int], list[EvidenceItem]] = dataclasses.field(default_factory=dict)
    agreed_actions: list[LocalActionEvidence] = dataclasses.field(default_factory=list)
    sitting: dict[str, list[MemberEvidence]] = dataclasses.field(default_factory=dict)

    def reviews(self, obligation_id: str, until: dt.date) -> list[EvidenceItem]:
        return [item for item in self.recorded_reviews.get(obligation_id, []) if item.date <= until]

    def meetings(self, body_id: str, start: dt.date, end: dt.date) -> list[EvidenceItem]:
        return [item for item in self.recorded_meetings.get(body_id, []) if start <= item.date <= end]

    def meeting_counts(self, body_id: str, start: dt.date, end: dt.date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.meetings(body_id, start, end):
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return counts

    def hubs_opened(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {hub: item for hub, item in self.opened_hubs.items() if item.date <= until}

    def clusters_started(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {cluster: item for cluster, item in self.started_clusters.items() if item.date <= until}

    def hub_sessions_by_area(self, until: dt.date) -> dict[str, EvidenceItem]:
        return {area: item for area, item in self.hub_sessions.items() if item.date <= until}

    def latest_action_updates(self, until: dt.date) -> dict[str, EvidenceItem]:
        latest = {}
        for action_id, items in self.action_updates.items():
            known = [item for item in items if item.date <= until]
            if known:
                latest[action_id] = max(known, key=lambda item: item.date)
        return latest

    def indicator_readings(self, indicator_id: str, until: dt.date) -> list[EvidenceItem]:
        return sorted((i for i in self.readings.get(indicator_id, []) if i.date <= until), key=lambda i: i.date)

    def consultations(self, until: dt.date) -> list[ConsultationEvidence]:
        return [item for item in self.recorded_consultations if item.opens <= until]

    def event_counts(self, start: dt.date, end: dt.date) -> list[EventCount]:
        first, last = start.isoformat()[:7], end.isoformat()[:7]
        return [item for item in self.recorded_event_counts if first <= item.month <= last]

    def recorded_instances(self, body_id: str, until: dt.date) -> list[RecordedInstance]:
        return [
            item
            for item in self.registered.get(body_id, [])
            if item.started <= until and (item.ended is None or item.ended >= until)
        ]

    def local_priorities(self, holder_id: str, year: int, until: dt.date) -> list[EvidenceItem]:
        return [item for item in self.priorities.get((holder_id, year), []) if item.date <= until]

    def local_actions(self, until: dt.date) -> list[LocalActionEvidence]:
        return [item for item in self.agreed_actions if item.agreed <= until]

    def members(self, body_id: str, on: dt.date) -> list[MemberEvidence]:
        return [member for member in self.sitting.get(body_id, []) if member.since <= on]
