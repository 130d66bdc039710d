"""The kinds of progress record: what has happened since a council adopted its programme.

Records are append-only. A correction is a new record that ``supersedes`` an earlier one, so
the state as of any past date can be reproduced. Every record keeps who recorded it and when
(``recorded_at``, set by the store), apart from the date the fact itself happened (``date``).
"""

from __future__ import annotations

import datetime as dt
import enum
import re

import attrs

from engagekit.model.engagement import ParticipationLevel


class RecordKind(enum.Enum):
    """The kinds of record, as written in the ``kind`` column of an import file."""

    ACTION_UPDATE = "action-update"
    INDICATOR_READING = "indicator-reading"
    EVENT = "event"
    REVIEW = "review"
    INSTANCE = "instance"
    LOCAL_PRIORITY = "local-priority"
    LOCAL_ACTION = "local-action"
    MEMBER = "member"


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
    considered: str | None = None

    kind = RecordKind.EVENT

    def __attrs_post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"it ends ({self.end_date}) before it starts ({self.date})")
        if self.attendance is not None and self.attendance < 0:
            raise ValueError("attendance cannot be negative")

    def considered_items(self) -> list[str]:
        """What the meeting considered (``annual report; accounts``), one item each."""
        return split_items(self.considered)


@attrs.frozen(kw_only=True)
class ReviewRecord(_Record):
    """A review approved, a report issued or a document updated, against a governance obligation."""

    obligation_id: str
    review_kind: ReviewKind = ReviewKind.REVIEW
    approved_by: str | None = None

    kind = RecordKind.REVIEW


@attrs.frozen(kw_only=True)
class InstanceRecord(_Record):
    """An officer registers one instance of a body declared ``for_each: recorded`` (a forum).

    ``body_id`` is the declared body; ``instance`` the instance's own short id, so its full id
    is ``<body_id>.<instance>``. ``date`` is when it started (or was first known); ``end_date``
    when it stopped. A correction (``supersedes``) renames or moves it, keeping its history.
    """

    body_id: str
    instance: str = attrs.field()
    name: str
    area_id: str | None = None
    cluster_id: str | None = None
    end_date: dt.date | None = None

    kind = RecordKind.INSTANCE

    @instance.validator
    def _slug(self, _: attrs.Attribute[str], value: str) -> None:
        if not _INSTANCE_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not a short id (lower-case letters, digits and '-')")

    def __attrs_post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"it ends ({self.end_date}) before it starts ({self.date})")
        if len(self.full_id) > 100:
            raise ValueError(f"its full id {self.full_id!r} is longer than 100 characters: give a shorter id")

    @property
    def full_id(self) -> str:
        """``community-forums.stanford``: the id its meetings and findings use."""
        return f"{self.body_id}.{self.instance}"


@attrs.frozen(kw_only=True)
class _LocalPlanRecord(_Record):
    """What a place's local plan is made of: whose it is, a body (instance) or the place itself."""

    body_id: str | None = None
    area_id: str | None = None
    cluster_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if not (self.body_id or self.area_id or self.cluster_id):
            raise ValueError("say whose it is: a body, an area or a cluster")

    @property
    def holder(self) -> str:
        """The id of the body instance or place it belongs to."""
        holder = self.body_id or self.area_id or self.cluster_id
        assert holder is not None
        return holder


@attrs.frozen(kw_only=True)
class LocalPriority(_LocalPlanRecord):
    """A priority a place's body (or the place itself) agreed for a year, on ``date``.

    The holder is ``body_id`` (a body or one of its instances) or a place (``area_id`` or
    ``cluster_id``); ``year`` is the plan year it is for.
    """

    year: int = attrs.field(validator=[attrs.validators.ge(1900), attrs.validators.le(2999)])
    title: str
    agreed_by: str | None = None

    kind = RecordKind.LOCAL_PRIORITY


@attrs.frozen(kw_only=True)
class LocalAction(_LocalPlanRecord):
    """An action a place's body (or the place) agreed on ``date``; it takes updates like any action.

    ``action_id`` must not be an id of the council-wide action plan; ``priority`` is the title
    of the local priority it serves, if any.
    """

    action_id: str = attrs.field()
    title: str
    owner: str | None = None
    due_date: dt.date | None = None
    priority: str | None = None
    year: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([attrs.validators.ge(1900), attrs.validators.le(2999)])
    )
    agreed_by: str | None = None

    kind = RecordKind.LOCAL_ACTION

    @action_id.validator
    def _slug(self, _: attrs.Attribute[str], value: str) -> None:
        if not _ACTION_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not an action id (letters, digits, '-', '_' and '.', up to 100)")


@attrs.frozen(kw_only=True)
class MemberRecord(_Record):
    """Someone sitting on a body (or one of its instances) from ``date``, until ``end_date``.

    ``area_id`` is the place the seat represents (a parish); ``office`` what they hold
    (``chair``, ``vice-chair``; none for an ordinary member); ``councillor`` whether they are one.
    These are the facts membership rules are checked against.
    """

    body_id: str
    name: str
    area_id: str | None = None
    office: str | None = None
    councillor: bool | None = None
    end_date: dt.date | None = None

    kind = RecordKind.MEMBER

    def __attrs_post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"it ends ({self.end_date}) before it starts ({self.date})")


_INSTANCE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
"""An instance's own id: short, since its full id (``<body>.<id>``) is what records name."""
_ACTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def in_dependency_order() -> list[RecordKind]:
    """Every kind, those that register ids (instances, local actions) before those that name them."""
    first = [RecordKind.INSTANCE, RecordKind.LOCAL_PRIORITY, RecordKind.LOCAL_ACTION]
    return first + [kind for kind in RecordKind if kind not in first]


def split_items(text: str | None) -> list[str]:
    """``"annual report; accounts"`` → ``["annual report", "accounts"]``."""
    return [item.strip() for item in (text or "").split(";") if item.strip()]


Record = (
    ActionUpdate
    | IndicatorReading
    | EngagementEvent
    | ReviewRecord
    | InstanceRecord
    | LocalPriority
    | LocalAction
    | MemberRecord
)
RECORD_CLASSES: dict[RecordKind, type[_Record]] = {
    RecordKind.ACTION_UPDATE: ActionUpdate,
    RecordKind.INDICATOR_READING: IndicatorReading,
    RecordKind.EVENT: EngagementEvent,
    RecordKind.REVIEW: ReviewRecord,
    RecordKind.INSTANCE: InstanceRecord,
    RecordKind.LOCAL_PRIORITY: LocalPriority,
    RecordKind.LOCAL_ACTION: LocalAction,
    RecordKind.MEMBER: MemberRecord,
}
