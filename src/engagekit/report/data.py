"""The council's data a report carries as data, not as display text: for programs reading the
JSON report (and its published schema, :mod:`engagekit.report.json_schema`).

Sections hold what a reader sees ("March 2022 (currently expected)"); these classes hold the
same facts as values: ids, ISO 8601 dates (a date the documents give only to the month or the
year keeps that precision: ``2022-03``, ``2022``), each item's certainty and the words of its
caveat, the programme with its key dates, the places, commitments, actions with their latest
recorded update, each place's status and the findings with their evidence.

Every field is a JSON value already (text, numbers, booleans, lists, nested classes), so the
JSON report is :func:`attrs.asdict` of these, and the schema is generated from their fields.
A ``None`` means the documents (or the records) leave the fact open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from engagekit.model.base import Model
from engagekit.model.certainty import Qualified
from engagekit.model.council import Council, Programme
from engagekit.model.instances import obligation_places
from engagekit.model.sources import PartialDate, Period
from engagekit.rules.context import Evidence, RuleContext
from engagekit.rules.findings import EvidenceItem, Finding

PARTIAL = {"date": "partial"}
"""Field metadata: an ISO 8601 date to the year, month or day (``2022``, ``2022-03``, ``2022-03-31``)."""
DAY = {"date": "day"}
"""Field metadata: an ISO 8601 calendar date (``2026-03-01``)."""


def _partial(value: PartialDate | None) -> str | None:
    if value is None:
        return None
    text = f"{value.year:04d}"
    if value.month is not None:
        text += f"-{value.month:02d}"
    if value.day is not None:
        text += f"-{value.day:02d}"
    return text


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@attrs.frozen(repr=False, eq=False)
class Caveats(Model):
    """How sure an item is: its certainty, the words a report prints beside it, and its fields' words."""

    certainty: str = "stated"
    words: str | None = attrs.field(default=None, metadata={"description": "What the report prints beside it."})
    fields: dict[str, str] = attrs.field(
        factory=dict, metadata={"description": "The words printed beside each qualified field, by field name."}
    )


def _caveats(item: Qualified) -> Caveats:
    fields = {name: words for name in item.qualifiers if (words := item.field_qualifier(name))}
    return Caveats(item.certainty.value, item.qualifier() or None, fields)


@attrs.frozen(repr=False, eq=False)
class KeyDate(Model):
    """A dated event in the programme's life (an approval, a consultation window)."""

    id: str
    label: str
    date: str | None = attrs.field(default=None, metadata=PARTIAL)
    end: str | None = attrs.field(default=None, metadata=PARTIAL)
    note: str | None = None
    caveats: Caveats = attrs.field(factory=Caveats)


@attrs.frozen(repr=False, eq=False)
class ProgrammeData(Model):
    """A programme (policy, strategy or framework): its status, period, adoption and key dates."""

    id: str
    name: str
    kind: str
    status: str | None = None
    start: str | None = attrs.field(default=None, metadata=PARTIAL)
    end: str | None = attrs.field(default=None, metadata=PARTIAL)
    adopted: str | None = attrs.field(default=None, metadata=PARTIAL)
    adopted_by: str | None = None
    summary: str | None = None
    key_dates: list[KeyDate] = attrs.field(factory=list)
    caveats: Caveats = attrs.field(factory=Caveats)


def _programme(programme: Programme) -> ProgrammeData:
    period = programme.period or Period()
    return ProgrammeData(
        id=programme.id,
        name=programme.name,
        kind=programme.kind,
        status=programme.status,
        start=_partial(period.start),
        end=_partial(period.end),
        adopted=_partial(programme.adopted),
        adopted_by=programme.adopted_by,
        summary=programme.summary,
        key_dates=[
            KeyDate(d.id, d.label, _partial(d.date), _partial(d.end), d.note, _caveats(d)) for d in programme.key_dates
        ],
        caveats=_caveats(programme),
    )


@attrs.frozen(repr=False, eq=False)
class AreaData(Model):
    """A place: the borough, a town, a ward, a parish, a neighbourhood or a locality."""

    id: str
    name: str
    kind: str
    parent: str | None = None
    gss_code: str | None = None
    parished: bool | None = None
    localities: list[str] = attrs.field(factory=list)
    caveats: Caveats = attrs.field(factory=Caveats)


@attrs.frozen(repr=False, eq=False)
class ClusterData(Model):
    """A grouping of areas or localities; ``wards`` or ``localities`` is ``None`` where not known."""

    id: str
    name: str
    areas: list[str] = attrs.field(factory=list)
    localities: list[str] | None = None
    wards: list[str] | None = None
    phase: str | None = None
    caveats: Caveats = attrs.field(factory=Caveats)


@attrs.frozen(repr=False, eq=False)
class PhaseData(Model):
    """A stage of rolling out across clusters; ``clusters`` is ``None`` where not yet known."""

    id: str
    name: str
    order: int
    clusters: list[str] | None = None
    starts: str | None = attrs.field(default=None, metadata=PARTIAL)
    caveats: Caveats = attrs.field(factory=Caveats)


@attrs.frozen(repr=False, eq=False)
class HubData(Model):
    """A community hub (or ``count`` hubs the documents do not tell apart)."""

    id: str
    name: str
    status: str
    count: int = 1
    areas: list[str] | None = None
    cluster: str | None = None
    venue: str | None = None
    caveats: Caveats = attrs.field(factory=Caveats)


@attrs.frozen(repr=False, eq=False)
class CommunityData(Model):
    """A community of place, interest, identity or shared values."""

    id: str
    name: str
    kind: str
    areas: list[str] = attrs.field(factory=list)
    examples: list[str] = attrs.field(factory=list)
    caveats: Caveats = attrs.field(factory=Caveats)


@attrs.frozen(repr=False, eq=False)
class PlacesData(Model):
    """Every kind of place the council has."""

    areas: list[AreaData] = attrs.field(factory=list)
    clusters: list[ClusterData] = attrs.field(factory=list)
    phases: list[PhaseData] = attrs.field(factory=list)
    hubs: list[HubData] = attrs.field(factory=list)
    communities: list[CommunityData] = attrs.field(factory=list)


def _places(council: Council) -> PlacesData:
    return PlacesData(
        areas=[
            AreaData(a.id, a.name, a.kind.value, a.parent, a.gss_code, a.parished, list(a.localities), _caveats(a))
            for a in council.areas
        ],
        clusters=[
            ClusterData(
                c.id,
                c.name,
                list(c.areas),
                None if c.localities is None else list(c.localities),
                None if c.wards is None else list(c.wards),
                c.phase,
                _caveats(c),
            )
            for c in council.clusters
        ],
        phases=[
            PhaseData(
                p.id,
                p.name,
                p.order,
                None if p.clusters is None else list(p.clusters),
                _partial(p.starts),
                _caveats(p),
            )
            for p in sorted(council.phases, key=lambda phase: phase.order)
        ],
        hubs=[
            HubData(
                h.id,
                h.name,
                h.status.value,
                h.count,
                None if h.areas is None else list(h.areas),
                h.cluster,
                h.venue,
                _caveats(h),
            )
            for h in council.hubs
        ],
        communities=[
            CommunityData(c.id, c.name, c.kind.value, list(c.areas), list(c.examples), _caveats(c))
            for c in council.communities
        ],
    )


@attrs.frozen(repr=False, eq=False)
class CommitmentData(Model):
    """A commitment or principle, with the ids of the actions that serve it."""

    id: str
    name: str
    kind: str
    label: str | None = None
    tagline: str | None = None
    statement: str | None = None
    actions: list[str] = attrs.field(factory=list)
    caveats: Caveats = attrs.field(factory=Caveats)


def _commitments(programme: Programme) -> list[CommitmentData]:
    serving: dict[str, list[str]] = {}
    for planned in programme.action_plan.all_actions():
        for commitment_id in sorted(set(planned.action.serves) | set(planned.outcome.serves)):
            serving.setdefault(commitment_id, []).append(planned.action.id)
    return [
        CommitmentData(c.id, c.name, c.kind.value, c.label, c.tagline, c.statement, serving.get(c.id, []), _caveats(c))
        for c in programme.commitments
    ]


@attrs.frozen(repr=False, eq=False)
class Update(Model):
    """An action's latest recorded update as of the report's date."""

    status: str
    date: str = attrs.field(metadata=DAY)
    percent: float | None = None
    summary: str | None = None


@attrs.frozen(repr=False, eq=False)
class ActionData(Model):
    """An action of the plan, where it sits, and its latest recorded update (``None``: none recorded)."""

    id: str
    text: str
    outcome: str
    pillar: str | None = None
    owner: str | None = None
    due: str | None = attrs.field(default=None, metadata=PARTIAL)
    review_point: str | None = None
    serves: list[str] = attrs.field(factory=list)
    latest: Update | None = None
    caveats: Caveats = attrs.field(factory=Caveats)


def _actions(programme: Programme, latest: Mapping[str, EvidenceItem]) -> list[ActionData]:
    rows = []
    for planned in programme.action_plan.all_actions():
        action = planned.action
        update = latest.get(action.id)
        rows.append(
            ActionData(
                id=action.id,
                text=action.text,
                outcome=planned.outcome.id,
                pillar=planned.pillar.id if planned.pillar else None,
                owner=action.owner,
                due=_partial(action.due),
                review_point=action.review_point,
                serves=list(action.serves),
                latest=Update(update.kind, update.date.isoformat(), update.value, update.summary or None)
                if update
                else None,
                caveats=_caveats(action),
            )
        )
    return rows


@attrs.frozen(repr=False, eq=False)
class PlaceStatus(Model):
    """One place's instance of an arrangement made for each place, and how it stands.

    ``status`` is the worst of its findings' statuses, ``None`` when no rule judges it.
    """

    place: str | None
    place_id: str | None
    arrangement: str
    subject_id: str
    status: str | None = None
    findings: list[str] = attrs.field(factory=list, metadata={"description": "The rule ids of its findings."})


def _place_status(council: Council, findings: list[Finding], evidence: Evidence, as_of: dt.date) -> list[PlaceStatus]:
    """What the report's "Places at a glance" table shows, by ids: each body's instances in their
    places, and each obligation made for each place."""
    from engagekit.model.local import instance_name
    from engagekit.rules.local import instances_of

    by_subject: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.subject_id is not None:
            by_subject.setdefault(finding.subject_id, []).append(finding)

    def status(subject_id: str, place: str | None, place_id: str | None, arrangement: str) -> PlaceStatus:
        found = sorted(by_subject.get(subject_id, []), key=lambda finding: finding.status.severity)
        worst = found[0].status.value if found else None
        return PlaceStatus(place, place_id, arrangement, subject_id, worst, [f.rule_id for f in found])

    context = RuleContext(council=council, as_of=as_of, evidence=evidence)
    rows = []
    for body in council.bodies:
        if body.for_each is None and not (body.area or body.cluster or body.phase):
            continue
        for placed in instances_of(context, body):
            place = placed.place
            rows.append(status(placed.id, place.name if place else None, place.id if place else None, placed.label))
    governance = council.programme.governance
    obligations = [(c.id, c.subject, c.for_each) for c in governance.review_cycles]
    obligations += [(r.id, r.title, r.for_each) for r in governance.reports_due]
    for declared_id, subject, for_each in obligations:
        if for_each is None:
            continue
        for oid, place in obligation_places(council, declared_id, for_each):
            rows.append(status(oid, place.name, place.id, instance_name(subject, place.name)))
    rows.sort(key=lambda row: row.place or "")
    return rows


@attrs.frozen(repr=False, eq=False)
class CouncilData(Model):
    """The council's data in a report: the programme, places, commitments, actions and place status."""

    gss_code: str | None
    council_type: str | None
    programme: ProgrammeData
    earlier_programmes: list[ProgrammeData]
    places: PlacesData
    commitments: list[CommitmentData]
    actions: list[ActionData]
    place_status: list[PlaceStatus]


def council_data(
    council: Council,
    as_of: dt.date,
    findings: list[Finding],
    evidence: Evidence,
    latest: Mapping[str, EvidenceItem],
) -> CouncilData:
    """The data behind a report of ``council`` as of ``as_of``."""
    programme = council.programme
    return CouncilData(
        gss_code=council.gss_code,
        council_type=council.council_type.value if council.council_type else None,
        programme=_programme(programme),
        earlier_programmes=[_programme(earlier) for earlier in council.earlier_programmes],
        places=_places(council),
        commitments=_commitments(programme),
        actions=_actions(programme, latest),
        place_status=_place_status(council, findings, evidence, as_of),
    )
