"""Bodies that meet (forums, boards, networks) and the partner organisations in them."""

from __future__ import annotations

import calendar

import attrs

from engagekit.model.base import Model
from engagekit.model.certainty import Qualified
from engagekit.model.local import ForEach, Instance
from engagekit.model.places import AreaKind
from engagekit.model.sources import PartialDate, Source


@attrs.frozen(repr=False, eq=False)
class Partner(Qualified):
    """An organisation the council works with: police, fire, health, housing, the VCS, ..."""

    id: str
    name: str
    kind: str | None = None
    role: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class MonthWindow(Model):
    """Months of the year something falls due in: ``{start: 6, end: 7}`` is June to July."""

    start: int = attrs.field(validator=[attrs.validators.ge(1), attrs.validators.le(12)])
    end: int = attrs.field(validator=[attrs.validators.ge(1), attrs.validators.le(12)])

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the window ends (month {self.end}) before it starts (month {self.start})")

    def contains(self, month: int) -> bool:
        return self.start <= month <= self.end

    def describe(self) -> str:
        """``between June and July``, ``in June``."""
        if self.start == self.end:
            return f"in {calendar.month_name[self.start]}"
        return f"between {calendar.month_name[self.start]} and {calendar.month_name[self.end]}"


@attrs.frozen(repr=False, eq=False)
class MeetingQuota(Qualified):
    """How often a body commits to meet in public, per year, and what its AGM must do.

    ``from_year`` is the first calendar year the quota applies to (a body's or instance's
    ``starts`` also defers it: the first year judged is the first whole year after it starts).
    ``agm_window`` is when in the year the AGM is due; ``agm_considers`` is what the AGM must
    consider (a yearly report presented), checked against what a recorded AGM says it considered.
    """

    public_meetings: int = attrs.field(validator=attrs.validators.ge(0))
    agm: bool = False
    from_year: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([attrs.validators.ge(1900), attrs.validators.le(2999)])
    )
    agm_window: MonthWindow | None = None
    agm_considers: list[str] = attrs.field(factory=list)
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if (self.agm_window is not None or self.agm_considers) and not self.agm:
            raise ValueError("'agm_window' and 'agm_considers' need 'agm: true'")

    def describe(self) -> str:
        text = f"at least {self.public_meetings} public meetings"
        if self.agm:
            text += " and an AGM"
            if self.agm_window is not None:
                text += f" ({self.agm_window.describe()})"
        text += " a year"
        if self.agm_considers:
            text += f"; the AGM considers {', '.join(self.agm_considers)}"
        return text


@attrs.frozen(repr=False, eq=False)
class MembershipRule(Qualified):
    """A rule about who sits on a body, as the documents word it, checked where records carry the facts.

    ``one_seat_per`` (an area kind, e.g. ``parish``): each such area has at most one seat,
    judged from the body's recorded members. ``offices`` and ``held_by``: at least one of the
    offices (``[chair, vice-chair]``) is held by a member who is a ``held_by`` (``councillor``).
    """

    id: str
    text: str
    one_seat_per: AreaKind | None = None
    offices: list[str] = attrs.field(factory=list)
    held_by: str | None = attrs.field(
        default=None, metadata={"description": "Who must hold one of the offices; only 'councillor' is checked."}
    )
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if bool(self.offices) != (self.held_by is not None):
            raise ValueError("'offices' and 'held_by' go together: which offices, held by whom")
        if self.held_by is not None and self.held_by != "councillor":
            raise ValueError(f"only 'councillor' can be checked from records, not {self.held_by!r}")


@attrs.frozen(repr=False, eq=False)
class Body(Qualified):
    """A standing group that meets: a forum, a board, a network, a steering group.

    A body declared ``for_each`` place (a network per area) stands for one instance per place,
    each with its own id, records and findings; ``instances`` adds to or changes what one
    place's instance inherits. ``for_each: recorded`` declares a kind of body whose instances
    the documents do not list (Thurrock's community forums): officers register them in the
    records store. ``coverage`` says in words how many there are, where the documents say.
    A single body may name its place (``area``, ``cluster`` or ``phase``).
    """

    id: str
    name: str
    kind: str
    description: str | None = None
    members: list[str] = attrs.field(factory=list)
    membership_note: str | None = None
    led_by: str | None = None
    coverage: str | None = None
    independent: bool | None = None
    quota: MeetingQuota | None = None
    represented_on: list[str] = attrs.field(factory=list)
    for_each: ForEach | None = None
    instances: list[Instance] = attrs.field(factory=list)
    area: str | None = None
    cluster: str | None = None
    phase: str | None = None
    starts: PartialDate | None = None
    pilot: bool | None = None
    membership_rules: list[MembershipRule] = attrs.field(factory=list)
    local_plans: bool = attrs.field(
        default=False,
        metadata={"description": "True if it (or each instance) agrees local priorities and actions, kept as records."},
    )
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if self.instances and self.for_each is None:
            raise ValueError("'instances' needs 'for_each': say which places the body is made for")
        if self.for_each is not None and (self.area or self.cluster or self.phase):
            raise ValueError("a body made for each place cannot also name one place")
