"""The records store as evidence for the rules (the :class:`engagekit.rules.Evidence` protocol).

Corrections are honoured: a record superseded by a later one is not evidence. ``known_at``
reproduces what the store knew at a past moment (records made after it are ignored).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from engagekit.records import schema
from engagekit.records.kinds import split_items
from engagekit.records.store import _not_superseded, utc
from engagekit.rules.context import (
    ConsultationEvidence,
    EventCount,
    LocalActionEvidence,
    MemberEvidence,
    RecordedInstance,
)
from engagekit.rules.findings import EvidenceItem

if TYPE_CHECKING:
    from engagekit.records.store import RecordStore


class StoreEvidence:
    """Answers the rules' questions from one council's records."""

    def __init__(self, store: RecordStore, council_id: str, known_at: dt.datetime | None = None) -> None:
        self.store = store
        self.council_id = council_id
        self.known_at = utc(known_at) if known_at is not None else None
        self._latest: dict[dt.date, dict[str, EvidenceItem]] = {}
        self._registered: dict[tuple[str, dt.date], list[RecordedInstance]] = {}

    def _current(self, table: sa.Table) -> list[Any]:
        conditions = [table.c.council_id == self.council_id, _not_superseded(table, self.known_at)]
        if self.known_at is not None:
            conditions.append(table.c.recorded_at <= self.known_at)
        return conditions

    def _rows(self, query: Any) -> list[Any]:
        """The query's rows, read without a lock and inside the store's error boundary."""
        return self.store.read(query)

    def reviews(self, obligation_id: str, until: dt.date) -> list[EvidenceItem]:
        table = schema.reviews
        query = (
            sa.select(table)
            .where(*self._current(table), table.c.obligation_id == obligation_id, table.c.date <= until)
            .order_by(table.c.date, table.c.id)
        )
        return [
            EvidenceItem(
                row["date"],
                row["review_kind"],
                row["note"] or f"{row['review_kind'].capitalize()} recorded by {row['recorded_by']}",
                f"review #{row['id']}",
            )
            for row in self._rows(query)
        ]

    def meetings(self, body_id: str, start: dt.date, end: dt.date) -> list[EvidenceItem]:
        table = schema.events
        query = (
            sa.select(table)
            .where(
                *self._current(table),
                table.c.event_kind == "meeting",
                table.c.body_id == body_id,
                table.c.date >= start,
                table.c.date <= end,
            )
            .order_by(table.c.date, table.c.id)
        )
        items = []
        for row in self._rows(query):
            kind = "agm" if row["agm"] else ("public" if row["public"] else "private")
            considered = tuple(split_items(row["considered"]))
            title = row["title"] or f"{kind} meeting"
            items.append(EvidenceItem(row["date"], kind, title, f"event #{row['id']}", considered=considered))
        return items

    def meeting_counts(self, body_id: str, start: dt.date, end: dt.date) -> dict[str, int]:
        table = schema.events
        kind = sa.case((table.c.agm, "agm"), (table.c.public, "public"), else_="private")
        query = (
            sa.select(kind.label("kind"), sa.func.count().label("n"))
            .where(
                *self._current(table),
                table.c.event_kind == "meeting",
                table.c.body_id == body_id,
                table.c.date >= start,
                table.c.date <= end,
            )
            .group_by(kind)
        )
        return {row["kind"]: row["n"] for row in self._rows(query)}

    def hubs_opened(self, until: dt.date) -> dict[str, EvidenceItem]:
        """A hub counts as open from its first recorded session."""
        return self._firsts(schema.events.c.hub_id, until, schema.events.c.event_kind == "hub-session", "hub session")

    def hub_sessions_by_area(self, until: dt.date) -> dict[str, EvidenceItem]:
        """An area has a hub running from the first hub session recorded in it."""
        events = schema.events
        return self._firsts(events.c.area_id, until, events.c.event_kind == "hub-session", "hub session")

    def clusters_started(self, until: dt.date) -> dict[str, EvidenceItem]:
        """A cluster counts as started from its first recorded engagement of any kind."""
        return self._firsts(schema.events.c.cluster_id, until, sa.true(), "first engagement")

    def latest_action_updates(self, until: dt.date) -> dict[str, EvidenceItem]:
        """Each action's latest current update, chosen by SQL (and kept for the same date)."""
        if until in self._latest:
            return self._latest[until]
        table = schema.action_updates
        ranked = (
            sa.select(
                table,
                sa.func.row_number()
                .over(partition_by=table.c.action_id, order_by=(table.c.date.desc(), table.c.id.desc()))
                .label("position"),
            )
            .where(*self._current(table), table.c.date <= until)
            .subquery()
        )
        latest: dict[str, EvidenceItem] = {}
        for row in self._rows(sa.select(ranked).where(ranked.c.position == 1)):
            percent = f" ({row['percent']}%)" if row["percent"] is not None else ""
            latest[row["action_id"]] = EvidenceItem(
                row["date"],
                row["status"],
                (row["note"] or f"{row['status']}{percent}"),
                f"action update #{row['id']}",
                float(row["percent"]) if row["percent"] is not None else None,
            )
        self._latest[until] = latest
        return latest

    def indicator_readings(self, indicator_id: str, until: dt.date) -> list[EvidenceItem]:
        table = schema.indicator_readings
        query = (
            sa.select(table)
            .where(*self._current(table), table.c.indicator_id == indicator_id, table.c.date <= until)
            .order_by(table.c.date, table.c.id)
        )
        return [
            EvidenceItem(
                row["date"], "reading", row["note"] or f"{row['value']:g}", f"reading #{row['id']}", row["value"]
            )
            for row in self._rows(query)
        ]

    def consultations(self, until: dt.date) -> list[ConsultationEvidence]:
        table = schema.events
        query = (
            sa.select(table)
            # Written as a literal, as in the partial index, so SQLite can use that index.
            .where(*self._current(table), sa.text("events.event_kind = 'consultation'"), table.c.date <= until)
            .order_by(table.c.date, table.c.id)
        )
        return [
            ConsultationEvidence(
                title=row["title"] or f"Consultation opened {row['date'].isoformat()}",
                opens=row["date"],
                closes=row["end_date"],
                formative=row["formative"],
                reasons=row["reasons"],
                responses=row["responses"],
                ref=f"event #{row['id']}",
            )
            for row in self._rows(query)
        ]

    def event_counts(self, start: dt.date, end: dt.date) -> list[EventCount]:
        table = schema.events
        month = sa.func.substr(sa.cast(table.c.date, sa.String), 1, 7)
        if self.store.engine.dialect.name == "postgresql":
            month = sa.func.to_char(table.c.date, "YYYY-MM")
        query = (
            sa.select(
                month.label("month"), table.c.cluster_id, table.c.area_id, table.c.level, sa.func.count().label("n")
            )
            .where(*self._current(table), table.c.date >= start, table.c.date <= end)
            .group_by(month, table.c.cluster_id, table.c.area_id, table.c.level)
            .order_by(month)
        )
        return [
            EventCount(row["month"], row["cluster_id"], row["area_id"], row["level"], row["n"])
            for row in self._rows(query)
        ]

    def recorded_instances(self, body_id: str, until: dt.date) -> list[RecordedInstance]:
        """Current registrations (corrections honoured) made by ``until`` and not ended before it.

        Kept for the date: every rule on the body's instances and the report's places ask it.
        """
        if (body_id, until) in self._registered:
            return list(self._registered[body_id, until])
        table = schema.instances
        query = (
            sa.select(table)
            .where(*self._current(table), table.c.body_id == body_id, table.c.date <= until)
            .order_by(table.c.date, table.c.id)
        )
        found: dict[str, RecordedInstance] = {}
        for row in self._rows(query):
            if row["end_date"] is not None and row["end_date"] < until:
                continue
            local = row["instance"]
            found.setdefault(
                local,
                RecordedInstance(
                    id=f"{body_id}.{local}",
                    local_id=local,
                    name=row["name"],
                    started=row["date"],
                    area_id=row["area_id"],
                    cluster_id=row["cluster_id"],
                    ended=row["end_date"],
                    ref=f"instance #{row['id']}",
                ),
            )
        self._registered[body_id, until] = list(found.values())
        return list(found.values())

    def local_priorities(self, holder_id: str, year: int, until: dt.date) -> list[EvidenceItem]:
        table = schema.local_priorities
        holder = sa.func.coalesce(table.c.body_id, table.c.area_id, table.c.cluster_id)
        query = (
            sa.select(table)
            .where(*self._current(table), holder == holder_id, table.c.year == year, table.c.date <= until)
            .order_by(table.c.date, table.c.id)
        )
        return [
            EvidenceItem(
                row["date"],
                "priority",
                row["title"] + (f" (agreed by {row['agreed_by']})" if row["agreed_by"] else ""),
                f"local priority #{row['id']}",
            )
            for row in self._rows(query)
        ]

    def local_actions(self, until: dt.date) -> list[LocalActionEvidence]:
        table = schema.local_actions
        query = sa.select(table).where(*self._current(table), table.c.date <= until).order_by(table.c.date, table.c.id)
        return [
            LocalActionEvidence(
                id=row["action_id"],
                holder=row["body_id"] or row["area_id"] or row["cluster_id"],
                title=row["title"],
                agreed=row["date"],
                owner=row["owner"],
                due=row["due_date"],
                priority=row["priority"],
                ref=f"local action #{row['id']}",
            )
            for row in self._rows(query)
        ]

    def members(self, body_id: str, on: dt.date) -> list[MemberEvidence]:
        table = schema.members
        query = (
            sa.select(table)
            .where(
                *self._current(table),
                table.c.body_id == body_id,
                table.c.date <= on,
                sa.or_(table.c.end_date.is_(None), table.c.end_date >= on),
            )
            .order_by(table.c.date, table.c.id)
        )
        return [
            MemberEvidence(
                name=row["name"],
                area_id=row["area_id"],
                office=row["office"],
                councillor=None if row["councillor"] is None else bool(row["councillor"]),
                since=row["date"],
                ref=f"member #{row['id']}",
            )
            for row in self._rows(query)
        ]

    def _firsts(self, column: Any, until: dt.date, condition: Any, what: str) -> dict[str, EvidenceItem]:
        """The earliest matching event for each value of ``column``, citing that event itself."""
        table = schema.events
        ranked = (
            sa.select(
                column.label("key"),
                table.c.date,
                table.c.id,
                sa.func.row_number().over(partition_by=column, order_by=(table.c.date, table.c.id)).label("position"),
            )
            .where(*self._current(table), column.is_not(None), table.c.date <= until, condition)
            .subquery()
        )
        return {
            row["key"]: EvidenceItem(row["date"], what, f"{what} on {row['date'].isoformat()}", f"event #{row['id']}")
            for row in self._rows(sa.select(ranked).where(ranked.c.position == 1))
        }
