"""The instances an arrangement declared ``for_each`` place stands for.

:func:`places_for` lists the places a :class:`~engagekit.model.local.ForEach` picks;
:func:`body_instances` makes one :class:`Placed` per place for a body, applying what each
place's ``instances`` entry adds or changes. Instances registered in the records store (for
``for_each: recorded``) are made by :func:`recorded_instance` from what the store holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from engagekit.model.base import Model
from engagekit.model.certainty import qualified
from engagekit.model.local import ForEach, Instance, PlaceKind, instance_id, instance_name
from engagekit.model.sources import PartialDate, Source

if TYPE_CHECKING:
    from engagekit.model.bodies import Body
    from engagekit.model.council import Council


@attrs.frozen(repr=False, eq=False)
class Place(Model):
    """An area, cluster or phase an arrangement is made for."""

    kind: PlaceKind
    id: str
    name: str


@attrs.frozen(repr=False, eq=False)
class Placed(Model):
    """One place's instance of an arrangement (a body, an obligation) declared for each place.

    ``recorded`` is true for an instance registered in the records store rather than listed by
    the definition; ``ref`` then cites the record (``instance #3``).
    """

    id: str
    name: str
    declared_id: str
    place: Place | None
    starts: PartialDate | None = None
    pilot: bool | None = None
    members: list[str] = attrs.field(factory=list)
    membership_note: str | None = None
    description: str | None = None
    qualifier: str = ""
    source: Source | None = None
    recorded: bool = False
    ref: str | None = None

    @property
    def label(self) -> str:
        """The name with its qualifier and pilot flag: ``Wickham Network (pilot)``."""
        text = qualified(self.name, self.qualifier)
        return f"{text} (pilot)" if self.pilot else text


def places_for(council: Council, for_each: ForEach) -> list[Place]:
    """The places ``for_each`` picks, in the definition's order (none for ``recorded``)."""
    kind = for_each.place
    if kind is PlaceKind.AREA:
        found = [
            Place(kind, area.id, area.name)
            for area in council.areas
            if for_each.area_kind is None or area.kind is for_each.area_kind
        ]
    elif kind is PlaceKind.CLUSTER:
        found = [Place(kind, cluster.id, cluster.name) for cluster in council.clusters]
    elif kind is PlaceKind.PHASE:
        found = [Place(kind, phase.id, phase.name) for phase in sorted(council.phases, key=lambda p: p.order)]
    elif kind is PlaceKind.BODY:
        other = next((body for body in council.bodies if body.id == for_each.body), None)
        if other is None or other.for_each == for_each:  # checked elsewhere; never expand a body by itself
            return []
        found = [Place(kind, placed.id, placed.name) for placed in body_instances(council, other)]
    else:
        return []
    if for_each.only is not None:
        wanted = set(for_each.only)
        found = [place for place in found if place.id in wanted]
    return found


def place_ids(council: Council, kind: PlaceKind) -> set[str]:
    """Every id of an area, cluster or phase kind of place (for checking references)."""
    if kind is PlaceKind.AREA:
        return {area.id for area in council.areas}
    if kind is PlaceKind.CLUSTER:
        return {cluster.id for cluster in council.clusters}
    if kind is PlaceKind.PHASE:
        return {phase.id for phase in council.phases}
    return set()


def obligation_places(council: Council, declared_id: str, for_each: ForEach) -> list[tuple[str, Place]]:
    """``(instance id, place)`` for each place an obligation (a review cycle, a report) is made for.

    Each place's reviews or reports are recorded, and its findings made, under the instance id.
    """
    return [(instance_id(declared_id, place.id), place) for place in places_for(council, for_each)]


def body_instances(council: Council, body: Body) -> list[Placed]:
    """The instances of ``body`` the definition makes (none for a body made for each recorded one).

    A body not declared for each place is its own single instance.
    """
    if body.for_each is None:
        place = _own_place(council, body)
        return [
            Placed(
                id=body.id,
                name=body.name,
                declared_id=body.id,
                place=place,
                starts=body.starts,
                pilot=body.pilot,
                members=list(body.members),
                membership_note=body.membership_note,
                description=body.description,
                qualifier=body.qualifier(),
                source=body.source,
            )
        ]
    overrides = {instance.place: instance for instance in body.instances}
    return [_instance(body, place, overrides.get(place.id)) for place in places_for(council, body.for_each)]


def _instance(body: Body, place: Place, override: Instance | None) -> Placed:
    name = instance_name(body.name, place.name)
    starts, pilot, members, note = body.starts, body.pilot, list(body.members), body.membership_note
    description, qualifier, source = body.description, body.qualifier(), body.source
    if override is not None:
        name = override.name or name
        starts = override.starts or starts
        pilot = override.pilot if override.pilot is not None else pilot
        members = list(override.members) if override.members is not None else members
        note = override.membership_note or note
        description = override.description or description
        qualifier = override.qualifier() or qualifier
        source = override.source or source
    return Placed(
        id=instance_id(body.id, place.id),
        name=name,
        declared_id=body.id,
        place=place,
        starts=starts,
        pilot=pilot,
        members=members,
        membership_note=note,
        description=description,
        qualifier=qualifier,
        source=source,
    )


def _own_place(council: Council, body: Body) -> Place | None:
    """The one place a single body names, if it names one."""
    for kind, place_id, items in (
        (PlaceKind.AREA, body.area, council.areas),
        (PlaceKind.CLUSTER, body.cluster, council.clusters),
        (PlaceKind.PHASE, body.phase, council.phases),
    ):
        if place_id is not None:
            name = next((item.name for item in items if item.id == place_id), place_id)
            return Place(kind, place_id, name)
    return None


def recorded_instance(
    body: Body,
    local_id: str,
    name: str,
    *,
    place: Place | None,
    starts: PartialDate | None,
    ref: str | None,
) -> Placed:
    """An instance of ``body`` registered in the records store."""
    return Placed(
        id=instance_id(body.id, local_id),
        name=name,
        declared_id=body.id,
        place=place,
        starts=starts,
        members=list(body.members),
        description=None,
        source=None,
        recorded=True,
        ref=ref,
    )


def all_instances(council: Council) -> list[Placed]:
    """Every instance of every body the definition makes, in the definition's order."""
    return [placed for body in council.bodies for placed in body_instances(council, body)]


def first_whole_year(starts: PartialDate | None) -> int | None:
    """The first calendar year wholly after ``starts`` (the year itself if it starts on 1 January)."""
    if starts is None:
        return None
    if starts.precision == "day" and (starts.month, starts.day) == (1, 1):
        return starts.year
    if starts.precision == "month" and starts.month == 1:
        return starts.year
    return starts.year + 1
