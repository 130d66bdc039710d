"""Bodies that meet (forums, boards, networks) and the partner organisations in them."""

from __future__ import annotations

import attrs

from engagekit.model.sources import Source


@attrs.frozen
class Partner:
    """An organisation the council works with: police, fire, health, housing, the VCS, ..."""

    id: str
    name: str
    kind: str | None = None
    role: str | None = None
    source: Source | None = None


@attrs.frozen
class MeetingQuota:
    """How often a body commits to meet in public, per year."""

    public_meetings: int = attrs.field(validator=attrs.validators.ge(0))
    agm: bool = False
    source: Source | None = None

    def describe(self) -> str:
        text = f"at least {self.public_meetings} public meetings"
        if self.agm:
            text += " and an AGM"
        return text + " a year"


@attrs.frozen
class Body:
    """A standing group that meets: a forum, a board, a network, a steering group.

    One entry may stand for a kind of body the documents do not list one by one (Thurrock's
    community forums, "most wards" having one): ``coverage`` then says how many there are.
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
    source: Source | None = None
