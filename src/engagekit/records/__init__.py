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
from engagekit.records.rows import RowProblem

if TYPE_CHECKING:
    from engagekit.records.store import ImportProblem, ImportResult, RecordStore, StoreError, StoreStatus, open_store

_STORE = {"ImportProblem", "ImportResult", "RecordStore", "StoreError", "StoreStatus", "open_store"}


def __getattr__(name: str) -> Any:
    """The store's names load SQLAlchemy, so they are imported on first use only."""
    if name in _STORE:
        return getattr(importlib.import_module("engagekit.records.store"), name)
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
