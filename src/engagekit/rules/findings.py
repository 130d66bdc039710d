"""Findings: what a rule concludes about one subject as of a date, with a RAG status."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from engagekit.model.base import Model
from engagekit.model.sources import Source


class Status(enum.Enum):
    """A finding's status. Grey means no evidence has been recorded either way."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        """The word shown in reports, so status never depends on colour alone."""
        return _LABELS[self]

    @property
    def severity(self) -> int:
        """Red first, then amber, grey and green: the order findings are listed in."""
        return _SEVERITY[self]


_LABELS = {
    Status.GREEN: "Green – on track",
    Status.AMBER: "Amber – needs attention",
    Status.RED: "Red – overdue or not met",
    Status.GREY: "Grey – no evidence recorded",
}
_SEVERITY = {Status.RED: 0, Status.AMBER: 1, Status.GREY: 2, Status.GREEN: 3}


@attrs.frozen(repr=False, eq=False)
class EvidenceItem(Model):
    """A recorded fact a finding rests on (a review approved, a meeting held)."""

    date: dt.date
    kind: str
    summary: str
    ref: str | None = None
    value: float | None = None
    considered: tuple[str, ...] = ()
    """What a meeting considered (an AGM's yearly report), where the record says."""


@attrs.frozen(repr=False, eq=False)
class Finding(Model):
    """One rule's conclusion about one subject."""

    rule_id: str
    rule_title: str
    subject: str
    status: Status
    message: str
    due: dt.date | None = None
    evidence: list[EvidenceItem] = attrs.field(factory=list)
    source: Source | None = None
    subject_id: str | None = None
