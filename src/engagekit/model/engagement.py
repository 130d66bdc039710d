"""How a council engages: methods and their IAP2 level, and Asset-Based Community Development.

The IAP2 Spectrum of Public Participation grades how much influence the public has, from
being informed to deciding. ABCD (Asset-Based Community Development) asks three questions of
any piece of work: what communities can do themselves, what with some help, and what they
need public services to do.
"""

from __future__ import annotations

import enum

import attrs

from engagekit.model.certainty import Qualified
from engagekit.model.sources import Source


class ParticipationLevel(enum.Enum):
    """A level of the IAP2 Spectrum of Public Participation, from least to most public influence."""

    INFORM = "inform"
    CONSULT = "consult"
    INVOLVE = "involve"
    COLLABORATE = "collaborate"
    EMPOWER = "empower"

    @property
    def meaning(self) -> str:
        """A plain-English line on what the level promises the public."""
        return _LEVEL_MEANINGS[self]


_LEVEL_MEANINGS = {
    ParticipationLevel.INFORM: "people are given balanced information to understand the issue",
    ParticipationLevel.CONSULT: "people's feedback is sought and it is said how it was used",
    ParticipationLevel.INVOLVE: "people work with the council so their concerns shape options",
    ParticipationLevel.COLLABORATE: "people are partners in each part of the decision",
    ParticipationLevel.EMPOWER: "the final decision is in people's hands",
}


class AbcdQuestion(enum.Enum):
    """The three ABCD questions, as a way of classifying an activity."""

    THEMSELVES = "themselves"
    WITH_HELP = "with-help"
    FROM_SERVICES = "from-services"

    @property
    def meaning(self) -> str:
        return _ABCD_MEANINGS[self]


_ABCD_MEANINGS = {
    AbcdQuestion.THEMSELVES: "what communities can do for themselves",
    AbcdQuestion.WITH_HELP: "what communities can do with some help",
    AbcdQuestion.FROM_SERVICES: "what communities need public services to do",
}


class AssetKind(enum.Enum):
    """The kinds of community asset ABCD maps."""

    ASSOCIATION = "association"
    INDIVIDUAL = "individual"
    INSTITUTION = "institution"
    PHYSICAL = "physical"
    ECONOMIC = "economic"
    CULTURAL = "cultural"


@attrs.frozen(repr=False, eq=False)
class EngagementMethod(Qualified):
    """A tool, channel or mechanism for engaging people, with the IAP2 levels it reaches."""

    id: str
    name: str
    description: str | None = None
    tools: list[str] = attrs.field(factory=list)
    levels: list[ParticipationLevel] = attrs.field(factory=list)
    body: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class AbcdWording(Qualified):
    """How a council words one of the three ABCD questions."""

    question: AbcdQuestion
    wording: str
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class AbcdExample(Qualified):
    """A worked example answering the three questions for one activity."""

    name: str
    answers: dict[AbcdQuestion, str] = attrs.field(factory=dict)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class AbcdApproach(Qualified):
    """A council's Asset-Based Community Development approach."""

    questions: list[AbcdWording] = attrs.field(factory=list)
    examples: list[AbcdExample] = attrs.field(factory=list)
    principles: list[str] = attrs.field(factory=list)
    shift: str | None = None
    description: str | None = None
    source: Source | None = None
