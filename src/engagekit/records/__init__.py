"""Progress records: what has happened, kept append-only in SQLite or PostgreSQL.

from engagekit.records import open_store, ActionUpdate, ActionStatus

with open_store() as store:
    store.add(council, [ActionUpdate(council_id="basildon", action_id="CN-1", ...)])
    report = engagekit.council_report(council, as_of, evidence=store.evidence(council))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engagekit.records.kinds import (
    ActionStatus,
    ActionUpdate,
    EngagementEvent,
    EventKind,
    IndicatorReading,
    InstanceRecord,
    LocalAction,
    LocalPriority,
    MemberRecord,
    Record,
    RecordKind,
    ReviewKind,
    ReviewRecord,
)

if TYPE_CHECKING:
    from engagekit.records.rows import RowProblem
    from engagekit.records.store import ImportProblem, ImportResult, RecordStore, StoreError, StoreStatus, open_store

_LATER = {
    "ImportProblem": "engagekit.records.store",
    "ImportResult": "engagekit.records.store",
    "RecordStore": "engagekit.records.store",
    "StoreError": "engagekit.records.errors",
    "StoreStatus": "engagekit.records.store",
    "open_store": "engagekit.records.store",
    "RowProblem": "engagekit.records.rows",
}
"""Names imported on first use: the store loads SQLAlchemy, and reading rows is for writing only."""


def __getattr__(name: str) -> Any:
    """The store's and the row parser's names, imported on first use only."""
    if name in _LATER:
        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module 'engagekit.records' has no attribute {name!r}")


__all__ = [
    "ActionStatus",
    "ActionUpdate",
    "EngagementEvent",
    "EventKind",
    "ImportProblem",
    "ImportResult",
    "IndicatorReading",
    "InstanceRecord",
    "LocalAction",
    "LocalPriority",
    "MemberRecord",
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
