"""The council and its programmes: the aggregate root of the model.

A :class:`Council` holds what lasts (places, hubs, bodies, partners, methods) and its
programmes: the current one, whose governance the rules check, and earlier ones kept for
the record (Basildon's 2016 Strengthening Communities Policy before its 2021 strategy).
Building a council checks every invariant at once; see :mod:`engagekit.model.checks`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

import attrs

from engagekit.model.action_plan import ActionPlan, Commitment, Indicator
from engagekit.model.bodies import Body, Partner
from engagekit.model.certainty import Qualified
from engagekit.model.colours import Colours
from engagekit.model.engagement import AbcdApproach, EngagementMethod
from engagekit.model.governance import Governance, RuleSpec
from engagekit.model.orgid import check_org_id
from engagekit.model.places import Area, Cluster, Community, Hub, Phase
from engagekit.model.sources import Document, PartialDate, Period, Source


class CouncilType(enum.Enum):
    """The tier of local government, so that like is compared with like."""

    DISTRICT = "district"
    UNITARY = "unitary"
    COUNTY = "county"
    METROPOLITAN = "metropolitan"
    LONDON_BOROUGH = "london-borough"


class ImpactLevel(enum.Enum):
    """How strongly a programme bears on a promise (a High/Medium/Low/None matrix)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"


@attrs.frozen(repr=False, eq=False)
class KeyDate(Qualified):
    """A dated event in a programme's life: an approval, a consultation window, a conference."""

    id: str
    label: str
    date: PartialDate | None = None
    end: PartialDate | None = None
    note: str | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if self.date and self.end and self.end.latest < self.date.earliest:
            raise ValueError(f"it ends ({self.end}) before it starts ({self.date})")


@attrs.frozen(repr=False, eq=False)
class Objective(Qualified):
    """A corporate promise, priority or objective the programme contributes to."""

    id: str
    name: str
    kind: str
    description: str | None = None
    outcomes: list[str] = attrs.field(factory=list)
    impact: ImpactLevel | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Statement(Qualified):
    """Something a document states that has no field of its own: a vision, barriers, benefits.

    ``kind`` groups statements in reports (``vision``, ``barrier``, ``benefit``, ...).
    """

    id: str
    kind: str
    title: str
    text: str | None = None
    items: list[str] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class LinkedDocument(Qualified):
    """Another policy or strategy the programme links to, named as the document names it."""

    title: str
    relation: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Initiative(Qualified):
    """A named programme, project or pilot (the Local Delivery Pilot, Community@67, ...)."""

    id: str
    name: str
    kind: str | None = None
    description: str | None = None
    partners: list[str] = attrs.field(factory=list)
    areas: list[str] = attrs.field(factory=list)
    status: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Offer(Qualified):
    """A package of engagement offered across an area or through clusters (a core or local offer)."""

    id: str
    name: str
    scope: str
    description: str | None = None
    items: list[str] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Funding(Qualified):
    """Money allocated to the programme, in whole pounds, and where it comes from."""

    id: str
    amount_gbp: int = attrs.field(validator=attrs.validators.ge(0))
    fund: str | None = None
    agreed_by: str | None = None
    agreed: PartialDate | None = None
    purpose: str | None = None
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class ImpactAssessment(Qualified):
    """An equality or service impact assessment (EqIA, CEIA, SIA) and its review date."""

    id: str
    kind: str
    name: str
    status: str | None = None
    date: PartialDate | None = None
    review_date: PartialDate | None = None
    description: str | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if self.date and self.review_date and self.review_date.latest < self.date.earliest:
            raise ValueError(f"it is reviewed ({self.review_date}) before it is made ({self.date})")


@attrs.frozen(repr=False, eq=False)
class LegalBasis(Qualified):
    """A law, duty or doctrine the programme must meet (the Gunning principles, the Equality Act)."""

    id: str
    name: str
    description: str | None = None
    items: list[str] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Programme(Qualified):
    """A policy, strategy or framework: what the council committed to, and how it will report."""

    id: str
    name: str
    kind: str = "strategy"
    status: str | None = None
    summary: str | None = None
    period: Period | None = None
    adopted: PartialDate | None = None
    adopted_by: str | None = None
    documents: list[str] = attrs.field(factory=list)
    key_dates: list[KeyDate] = attrs.field(factory=list)
    commitments: list[Commitment] = attrs.field(factory=list)
    action_plan: ActionPlan = attrs.field(factory=ActionPlan)
    indicators: list[Indicator] = attrs.field(factory=list)
    governance: Governance = attrs.field(factory=Governance)
    rules: list[RuleSpec] = attrs.field(factory=list)
    objectives: list[Objective] = attrs.field(factory=list)
    statements: list[Statement] = attrs.field(factory=list)
    linked_documents: list[LinkedDocument] = attrs.field(factory=list)
    initiatives: list[Initiative] = attrs.field(factory=list)
    offers: list[Offer] = attrs.field(factory=list)
    funding: list[Funding] = attrs.field(factory=list)
    assessments: list[ImpactAssessment] = attrs.field(factory=list)
    legal: list[LegalBasis] = attrs.field(factory=list)
    source: Source | None = None


@attrs.frozen(repr=False, eq=False)
class Council(Qualified):
    """A local authority's whole model. Building one checks every invariant.

    Raises :class:`engagekit.model.checks.CouncilInvalid` listing each broken invariant
    (duplicate ids, references that do not resolve, dates out of order) with its path.
    """

    id: str
    name: str
    programme: Programme
    gss_code: str | None = None
    council_type: CouncilType | None = None
    org_id: str | None = attrs.field(
        default=None,
        validator=check_org_id,
        metadata={
            "description": "The council's organisation identifier in org-id.guide form, the register's code then "
            "the council's code in it: GB-LAE-BAI is Basildon in the register of local authorities in England."
        },
    )
    description: str | None = None
    colours: Colours | None = attrs.field(
        default=None,
        metadata={
            "description": "The council's own colours for its web pages (brand, text_on_brand, links), each #RRGGBB "
            "and checked against WCAG 2.2 AA; without them the pages use engagekit's neutral palette."
        },
    )
    documents: list[Document] = attrs.field(factory=list)
    earlier_programmes: list[Programme] = attrs.field(factory=list)
    areas: list[Area] = attrs.field(factory=list)
    clusters: list[Cluster] = attrs.field(factory=list)
    phases: list[Phase] = attrs.field(factory=list)
    communities: list[Community] = attrs.field(factory=list)
    hubs: list[Hub] = attrs.field(factory=list)
    bodies: list[Body] = attrs.field(factory=list)
    partners: list[Partner] = attrs.field(factory=list)
    methods: list[EngagementMethod] = attrs.field(factory=list)
    abcd: AbcdApproach | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        from engagekit.model.checks import CouncilInvalid, council_problems

        problems = council_problems(self)
        if problems:
            raise CouncilInvalid(problems)

    def programmes(self) -> Iterator[Programme]:
        """The current programme, then the earlier ones."""
        yield self.programme
        yield from self.earlier_programmes

    def document(self, document_id: str) -> Document:
        """The document with this id (a :class:`KeyError` if there is none)."""
        for document in self.documents:
            if document.id == document_id:
                return document
        raise KeyError(document_id)

    def documents_by_id(self) -> dict[str, Document]:
        return {document.id: document for document in self.documents}

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)
