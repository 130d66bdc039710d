"""The kinds of progress record: what has happened since a council adopted its programme.

Records are append-only. A correction is a new record that ``supersedes`` an earlier one, so
the state as of any past date can be reproduced. Every record keeps who recorded it and when
(``recorded_at``, set by the store), apart from the date the fact itself happened (``date``).
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from engagekit.model.engagement import ParticipationLevel


class RecordKind(enum.Enum):
    """The four kinds, as written in the ``kind`` column of an import file."""

    ACTION_UPDATE = "action-update"
    INDICATOR_READING = "indicator-reading"
    EVENT = "event"
    REVIEW = "review"


class ActionStatus(enum.Enum):
    """Where an action stands; the vocabulary of action updates."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    AT_RISK = "at-risk"
    DELAYED = "delayed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EventKind(enum.Enum):
    """What sort of engagement event happened."""

    MEETING = "meeting"
    HUB_SESSION = "hub-session"
    CONSULTATION = "consultation"
    NEWSLETTER = "newsletter"
    EVENT = "event"


class ReviewKind(enum.Enum):
    """What sort of review or report was done against a governance obligation."""

    REVIEW = "review"
    REPORT = "report"
    UPDATE = "update"


@attrs.frozen(kw_only=True)
class _Record:
    council_id: str
    date: dt.date
    recorded_by: str
    note: str | None = None
    supersedes: int | None = None
    id: int | None = None
    recorded_at: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class ActionUpdate(_Record):
    """An action's status on a date, with an optional percentage complete."""

    action_id: str
    status: ActionStatus
    percent: int | None = attrs.field(default=None)

    @percent.validator
    def _percent(self, _: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and not 0 <= value <= 100:
            raise ValueError(f"percent must be from 0 to 100, not {value}")

    kind = RecordKind.ACTION_UPDATE


@attrs.frozen(kw_only=True)
class IndicatorReading(_Record):
    """An indicator's value on a date."""

    indicator_id: str
    value: float

    kind = RecordKind.INDICATOR_READING


@attrs.frozen(kw_only=True)
class EngagementEvent(_Record):
    """A meeting, hub session, consultation, newsletter or event.

    A meeting names its ``body_id`` and whether it was ``public`` and an ``agm``. A
    consultation has ``end_date`` (when it closed) and evidence for each Gunning principle.
    """

    event_kind: EventKind
    title: str | None = None
    end_date: dt.date | None = None
    body_id: str | None = None
    public: bool = False
    agm: bool = False
    area_id: str | None = None
    cluster_id: str | None = None
    hub_id: str | None = None
    level: ParticipationLevel | None = None
    attendance: int | None = None
    formative: str | None = None
    reasons: str | None = None
    responses: str | None = None

    kind = RecordKind.EVENT

    def __attrs_post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"it ends ({self.end_date}) before it starts ({self.date})")
        if self.attendance is not None and self.attendance < 0:
            raise ValueError("attendance cannot be negative")


@attrs.frozen(kw_only=True)
class ReviewRecord(_Record):
    """A review approved, a report issued or a document updated, against a governance obligation."""

    obligation_id: str
    review_kind: ReviewKind = ReviewKind.REVIEW
    approved_by: str | None = None

    kind = RecordKind.REVIEW


Record = ActionUpdate | IndicatorReading | EngagementEvent | ReviewRecord
RECORD_CLASSES: dict[RecordKind, type[ActionUpdate | IndicatorReading | EngagementEvent | ReviewRecord]] = {
    RecordKind.ACTION_UPDATE: ActionUpdate,
    RecordKind.INDICATOR_READING: IndicatorReading,
    RecordKind.EVENT: EngagementEvent,
    RecordKind.REVIEW: ReviewRecord,
}
