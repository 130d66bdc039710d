"""Arrangements that repeat for each place: a forum per ward, a network per area, a report per cluster.

Most councils run engagement place by place. A body, an obligation or a rule can be declared
once with ``for_each`` and engagekit makes one *instance* per place, each with its own id
(``<declared id>.<place id>``), records, findings and report rows. Where the documents do not
say which instances exist (Thurrock's community forums), ``for_each: recorded`` declares the
kind and officers register the instances in the records store.
"""

from __future__ import annotations

import enum

import attrs

from engagekit.model.base import Model
from engagekit.model.certainty import Qualified
from engagekit.model.places import AreaKind
from engagekit.model.sources import PartialDate, Source


class PlaceKind(enum.Enum):
    """What an arrangement repeats over."""

    AREA = "area"
    """Each area (of a kind, if ``area_kind`` is given)."""
    CLUSTER = "cluster"
    """Each cluster."""
    PHASE = "phase"
    """Each rollout phase."""
    RECORDED = "recorded"
    """Each instance officers register in the records store (the documents do not list them)."""
    BODY = "body"
    """Each instance of another body the definition makes (each area network's working group)."""


@attrs.frozen(repr=False, eq=False)
class ForEach(Model):
    """Which places an arrangement is made for: ``for_each: cluster`` or ``{place: area, area_kind: ward}``."""

    place: PlaceKind
    area_kind: AreaKind | None = attrs.field(
        default=None, metadata={"description": "With place 'area': only areas of this kind."}
    )
    only: list[str] | None = attrs.field(
        default=None, metadata={"description": "Only these places (by id); all of them when left out."}
    )
    body: str | None = attrs.field(
        default=None, metadata={"description": "With place 'body': the body whose every instance gets one."}
    )

    def __attrs_post_init__(self) -> None:
        if self.area_kind is not None and self.place is not PlaceKind.AREA:
            raise ValueError("'area_kind' goes only with place 'area'")
        if (self.body is not None) != (self.place is PlaceKind.BODY):
            raise ValueError("place 'body' and 'body' go together: say which body's instances it is made for")
        if self.only is not None and self.place is PlaceKind.RECORDED:
            raise ValueError("'only' cannot pick recorded instances: they come from the records store")

    def describe(self) -> str:
        """``each cluster``, ``each ward``, ``each one recorded``."""
        if self.place is PlaceKind.RECORDED:
            return "each one recorded"
        if self.place is PlaceKind.BODY:
            return f"each instance of {self.body}"
        if self.area_kind is not None:
            return f"each {self.area_kind.value}"
        return f"each {self.place.value}"


@attrs.frozen(repr=False, eq=False)
class Instance(Qualified):
    """What one place's instance adds to or changes in what it inherits from its declaration.

    ``place`` names the area, cluster or phase it is for. Anything left out is inherited.
    """

    place: str
    name: str | None = None
    description: str | None = None
    starts: PartialDate | None = attrs.field(
        default=None, metadata={"description": "When this instance starts; its obligations apply from then."}
    )
    pilot: bool | None = attrs.field(default=None, metadata={"description": "True for a pilot instance."})
    members: list[str] | None = attrs.field(
        default=None, metadata={"description": "Its own members (partner ids), instead of the declared ones."}
    )
    membership_note: str | None = None
    source: Source | None = None


def instance_id(declared_id: str, place_id: str) -> str:
    """``area-network.wickham``: the id of the instance of ``declared_id`` for one place."""
    return f"{declared_id}.{place_id}"


def instance_name(template: str, place_name: str) -> str:
    """The declared name with ``{place}`` replaced by the place's name (or the place's name added)."""
    if "{place}" in template:
        return template.replace("{place}", place_name)
    return f"{template}: {place_name}"
