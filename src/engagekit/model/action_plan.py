"""Commitments and the action plan: pillars → outcomes → actions, and their indicators.

An action plan is kept nested the way councils write it (a table of pillar, outcome and
actions). Outcomes a document does not place under any pillar sit in ``ActionPlan.outcomes``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

import attrs

from engagekit.model.base import Model
from engagekit.model.certainty import Qualified
from engagekit.model.engagement import AbcdQuestion, ParticipationLevel
from engagekit.model.sources import PartialDate, Source


class CommitmentKind(enum.Enum):
    """What sort of named statement a council signs up to."""

    COMMITMENT = "commitment"
    PRINCIPLE = "principle"
    OUTCOME = "outcome"
    VALUE = "value"


@attrs.frozen(repr=False, eq=False)
class Commitment(Qualified):
    """A named statement a council signs up to, such as B&NES's "To LISTEN"."""

    id: str
    name: str
    kind: CommitmentKind = CommitmentKind.COMMITMENT
    label: str | None = None
    tagline: str | None = None
    statement: str | None = None
    source: Source | None = None


class IndicatorKind(enum.Enum):
    """A number to move, or a thing to create."""

    NUMERIC = "numeric"
    MILESTONE = "milestone"


class Direction(enum.Enum):
    """Which way a numeric indicator should move."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


@attrs.frozen(repr=False, eq=False)
class Indicator(Qualified):
    """A measure of progress: numeric (unit, baseline, target, direction) or a milestone."""

    id: str
    name: str
    kind: IndicatorKind
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    direction: Direction | None = None
    actions: list[str] = attrs.field(factory=list)
    description: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Action(Qualified):
    """One thing the council said it would do, under an outcome."""

    id: str
    text: str
    owner: str | None = None
    partners: list[str] = attrs.field(factory=list)
    due: PartialDate | None = None
    review_point: str | None = None
    serves: list[str] = attrs.field(factory=list)
    level: ParticipationLevel | None = None
    abcd: AbcdQuestion | None = None
    note: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Outcome(Qualified):
    """A result the council wants, with the evidence it will look for and the actions towards it."""

    id: str
    statement: str
    evidenced_by: list[str] = attrs.field(factory=list)
    serves: list[str] = attrs.field(factory=list)
    actions: list[Action] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Priority(Qualified):
    """A policy priority under a pillar, with the lines that explain it."""

    name: str
    explanation: list[str] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Pillar(Qualified):
    """A focus area, realm or theme of the action plan."""

    id: str
    name: str
    description: str | None = None
    priorities: list[Priority] = attrs.field(factory=list)
    outcomes: list[Outcome] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class PlannedAction(Model):
    """An action seen with the pillar and outcome it sits under."""

    action: Action
    outcome: Outcome
    pillar: Pillar | None


@attrs.frozen(repr=False, eq=False)
class ActionPlan(Qualified):
    """Pillars with their outcomes and actions; ``pillar_label`` is what the council calls a pillar."""

    pillars: list[Pillar] = attrs.field(factory=list)
    outcomes: list[Outcome] = attrs.field(factory=list)
    pillar_label: str = "pillar"
    source: Source | None = None

    def all_outcomes(self) -> Iterator[tuple[Outcome, Pillar | None]]:
        """Every outcome in plan order, with its pillar (``None`` for one under no pillar)."""
        for pillar in self.pillars:
            for outcome in pillar.outcomes:
                yield outcome, pillar
        for outcome in self.outcomes:
            yield outcome, None

    def all_actions(self) -> Iterator[PlannedAction]:
        """Every action in plan order, with its outcome and pillar."""
        for outcome, pillar in self.all_outcomes():
            for action in outcome.actions:
                yield PlannedAction(action, outcome, pillar)
