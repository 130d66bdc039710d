"""Places and communities: areas, clusters, rollout phases, communities and hubs.

A value of ``None`` in a list field means "not yet known" (the documents leave it open);
an empty list means "known to be none". Reports show the difference.
"""

from __future__ import annotations

import enum

import attrs

from engagekit.model.certainty import Qualified
from engagekit.model.sources import PartialDate, Source


class AreaKind(enum.Enum):
    """The kind of place an :class:`Area` is."""

    BOROUGH = "borough"
    DISTRICT = "district"
    TOWN = "town"
    WARD = "ward"
    PARISH = "parish"
    NEIGHBOURHOOD = "neighbourhood"
    LOCALITY = "locality"


class CommunityKind(enum.Enum):
    """What holds a community together."""

    PLACE = "place"
    INTEREST = "interest"
    IDENTITY = "identity"
    VALUES = "values"


class HubStatus(enum.Enum):
    """Where a community hub is in its life: proposed → pilot → established → closed."""

    PROPOSED = "proposed"
    PILOT = "pilot"
    ESTABLISHED = "established"
    CLOSED = "closed"

    @property
    def open(self) -> bool:
        """True while the hub is running (as a pilot or established)."""
        return self in (HubStatus.PILOT, HubStatus.ESTABLISHED)


@attrs.frozen(repr=False, eq=False)
class Area(Qualified):
    """A place: the borough, a town, a ward, a parish, a neighbourhood or a locality."""

    id: str
    name: str
    kind: AreaKind
    parent: str | None = None
    gss_code: str | None = None
    parished: bool | None = None
    localities: list[str] = attrs.field(factory=list)
    description: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Phase(Qualified):
    """An ordered stage in rolling out engagement across clusters.

    ``clusters`` is ``None`` when the documents do not yet say which clusters the phase has.
    """

    id: str
    name: str
    order: int
    clusters: list[str] | None = None
    rationale: str | None = None
    starts: PartialDate | None = None
    description: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Cluster(Qualified):
    """A named grouping of areas or localities used for engagement.

    ``wards`` (and ``localities``) is ``None`` when the documents do not say which wards (or
    localities) fall in the cluster.
    """

    id: str
    name: str
    localities: list[str] | None = attrs.field(factory=list)
    wards: list[str] | None = None
    areas: list[str] = attrs.field(factory=list)
    phase: str | None = None
    parished: bool | None = None
    description: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Community(Qualified):
    """A community of place, interest, identity or shared values."""

    id: str
    name: str
    kind: CommunityKind
    description: str | None = None
    examples: list[str] = attrs.field(factory=list)
    areas: list[str] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Hub(Qualified):
    """A community hub, or several hubs the documents do not tell apart (``count``).

    ``areas`` is ``None`` when where the hub will be is not yet known; ``venue_kinds`` lists
    the kinds of venue it is in, or could be in while it is proposed.
    """

    id: str
    name: str
    status: HubStatus
    count: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    areas: list[str] | None = None
    cluster: str | None = None
    venue: str | None = None
    venue_kinds: list[str] = attrs.field(factory=list)
    co_located_with: str | None = None
    delivery_model: str | None = None
    steering_group: str | None = None
    description: str | None = None
    source: Source | None = None
