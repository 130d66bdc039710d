"""Progress records: what has happened, kept append-only in SQLite or PostgreSQL.

from engagekit.records import open_store, ActionUpdate, ActionStatus

with open_store() as store:
    store.add(council, [ActionUpdate(council_id="basildon", action_id="CN-1", ...)])
    report = engagekit.council_report(council, as_of, evidence=store.evidence(council))
"""

from engagekit.records.kinds import (
    ActionStatus,
    ActionUpdate,
    EngagementEvent,
    EventKind,
    IndicatorReading,
    Record,
    RecordKind,
    ReviewKind,
    ReviewRecord,
)
from engagekit.records.rows import RowProblem
from engagekit.records.store import ImportProblem, ImportResult, RecordStore, StoreError, StoreStatus, open_store

__all__ = [
    "ActionStatus",
    "ActionUpdate",
    "EngagementEvent",
    "EventKind",
    "ImportProblem",
    "ImportResult",
    "IndicatorReading",
    "Record",
    "RecordKind",
    "RecordStore",
    "ReviewKind",
    "ReviewRecord",
    "RowProblem",
    "StoreError",
    "StoreStatus",
    "open_store",
]
