"""Check records against a council's definition: every id must be one the definition has."""

from __future__ import annotations

import attrs

from engagekit.model.council import Council
from engagekit.records.kinds import ActionUpdate, EngagementEvent, IndicatorReading, Record, ReviewRecord


@attrs.frozen
class Vocabulary:
    """The ids a council's records may refer to."""

    actions: frozenset[str]
    indicators: frozenset[str]
    bodies: frozenset[str]
    areas: frozenset[str]
    clusters: frozenset[str]
    hubs: frozenset[str]
    obligations: frozenset[str]

    @classmethod
    def of(cls, council: Council) -> Vocabulary:
        programme = council.programme
        governance = programme.governance
        obligations = {
            *(item.id for item in governance.review_cycles),
            *(item.id for item in governance.review_dates),
            *(item.id for item in governance.reports_due),
            *(item.id for item in governance.delegations),
        }
        return cls(
            actions=frozenset(planned.action.id for planned in programme.action_plan.all_actions()),
            indicators=frozenset(indicator.id for indicator in programme.indicators),
            bodies=frozenset(body.id for body in council.bodies),
            areas=frozenset(area.id for area in council.areas),
            clusters=frozenset(cluster.id for cluster in council.clusters),
            hubs=frozenset(hub.id for hub in council.hubs),
            obligations=frozenset(obligations),
        )

    def problems(self, record: Record) -> list[tuple[str, str]]:
        """``(column, message)`` for each id in ``record`` that the council does not have."""
        found: list[tuple[str, str]] = []

        def check(column: str, value: str | None, known: frozenset[str], what: str) -> None:
            if value is not None and value not in known:
                listed = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
                found.append((column, f"no {what} {value!r} in this council (known: {listed or 'none'})"))

        if isinstance(record, ActionUpdate):
            check("action", record.action_id, self.actions, "action")
        elif isinstance(record, IndicatorReading):
            check("indicator", record.indicator_id, self.indicators, "indicator")
        elif isinstance(record, EngagementEvent):
            check("body", record.body_id, self.bodies, "body")
            check("area", record.area_id, self.areas, "area")
            check("cluster", record.cluster_id, self.clusters, "cluster")
            check("hub", record.hub_id, self.hubs, "hub")
        elif isinstance(record, ReviewRecord):
            check("obligation", record.obligation_id, self.obligations, "review, report or delegation")
        return found
