"""Build a council's report: header, summary, places, commitments, action plan, governance,
findings and sources, as plain data for any renderer.

The report says "not yet known" wherever the definition leaves a fact open, so a reader can
tell a gap in the documents from a fact.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from engagekit.model.action_plan import Outcome
from engagekit.model.council import Council, Programme
from engagekit.model.sources import Document, PartialDate, Source, human_date
from engagekit.report.charts import report_charts
from engagekit.report.document import BulletList, Fields, Paragraph, Report, Section, Table
from engagekit.rules.context import Evidence, NoEvidence
from engagekit.rules.findings import EvidenceItem, Finding, Status

UNKNOWN = "not yet known"


def build_report(
    council: Council,
    as_of: dt.date,
    findings: list[Finding],
    extra_sections: Iterable[Section] = (),
    *,
    latest_updates: Mapping[str, EvidenceItem] | None = None,
    evidence: Evidence | None = None,
) -> Report:
    """The whole report for ``council`` as of ``as_of`` from already-evaluated ``findings``.

    ``latest_updates`` (each action's latest recorded update) adds a "Latest update" column to
    the action plan.
    """
    docs = council.documents_by_id()
    programme = council.programme
    counts = Counter(finding.status for finding in findings)
    sections = [
        _header(council, as_of),
        _summary(findings, counts),
        Section("charts", "At a glance", list(report_charts(council, findings, evidence or NoEvidence(), as_of))),
        _places(council, docs),
        _commitments(programme, docs),
        _action_plan(programme, docs, latest_updates or {}),
        _governance(programme, findings, docs),
        _people(council, docs),
        _programme_detail(programme, docs),
        *[_earlier(earlier, docs) for earlier in council.earlier_programmes],
        *extra_sections,
        _findings(findings, docs),
        _sources(council),
    ]
    return Report(
        council_id=council.id,
        council_name=council.name,
        title=f"{council.name}: {programme.name}",
        as_of=as_of,
        sections=[section for section in sections if section.blocks or section.sections],
        status_counts={status.value: counts.get(status, 0) for status in Status},
        findings=findings,
    )


def _cite(source: Source | None, docs: dict[str, Document]) -> str:
    return source.cite(docs) if source else "no source given"


def _date(value: PartialDate | None) -> str:
    return value.human() if value else UNKNOWN


def _known_list(values: list[str] | None, empty: str = "none") -> str:
    if values is None:
        return UNKNOWN
    return ", ".join(values) if values else empty


def _header(council: Council, as_of: dt.date) -> Section:
    p = council.programme
    adopted = _date(p.adopted)
    if p.adopted and p.adopted_by:
        adopted += f" by {p.adopted_by}"
    items = [
        ("Council", council.name),
        ("ONS code", council.gss_code or UNKNOWN),
        ("Type of council", council.council_type.value if council.council_type else UNKNOWN),
        ("Programme", f"{p.name} ({p.kind})"),
        ("Period", p.period.human() if p.period else UNKNOWN),
        *([("Status", p.status)] if p.status and p.adopted else []),
        ("Adopted", adopted if p.adopted else f"not adopted in the documents{f' ({p.status})' if p.status else ''}"),
        ("Report as of", human_date(as_of)),
    ]
    blocks: list[Fields | Paragraph] = [Fields(items)]
    if p.summary:
        blocks.append(Paragraph(p.summary))
    return Section("header", "About this report", list(blocks))


def _summary(findings: list[Finding], counts: Counter[Status]) -> Section:
    rows = [[status.label, str(counts.get(status, 0))] for status in sorted(Status, key=lambda s: s.severity)]
    blocks: list[Table | Paragraph | BulletList] = [Table("Findings by status", ["Status", "Findings"], rows)]
    attention = [f for f in findings if f.status in (Status.RED, Status.AMBER)]
    if attention:
        attention.sort(key=lambda f: f.status.severity)
        blocks.append(
            BulletList(
                [f"{f.status.value.upper()}: {f.rule_title} — {f.message}" for f in attention], "Needs attention"
            )
        )
    elif findings:
        blocks.append(Paragraph("Nothing is overdue or due soon."))
    else:
        blocks.append(Paragraph("This council's definition has no reporting rules."))
    return Section("summary", "Summary", list(blocks))


def _places(council: Council, docs: dict[str, Document]) -> Section:
    names = {area.id: area.name for area in council.areas}
    cluster_names = {cluster.id: cluster.name for cluster in council.clusters}
    phase_names = {phase.id: phase.name for phase in council.phases}
    sections = []
    if council.areas:
        rows = [
            [
                area.name,
                area.kind.value,
                names.get(area.parent, "") if area.parent else "",
                area.gss_code or "",
                {True: "yes", False: "no", None: ""}[area.parished],
                ", ".join(area.localities),
            ]
            for area in council.areas
        ]
        sections.append(
            Section(
                "areas",
                "Areas",
                [Table("Areas", ["Area", "Kind", "Within", "ONS code", "Parished", "Localities"], rows)],
            )
        )
    if council.clusters:
        rows = [
            [
                cluster.name,
                ", ".join(cluster.localities) or "",
                _known_list(cluster.wards),
                phase_names.get(cluster.phase, cluster.phase) if cluster.phase else "",
            ]
            for cluster in council.clusters
        ]
        sections.append(
            Section(
                "clusters",
                "Clusters",
                [Table("Clusters", ["Cluster", "Localities", "Wards", "Phase"], rows)],
            )
        )
    if council.phases:
        rows = [
            [
                str(phase.order),
                phase.name,
                _known_list([cluster_names.get(c, c) for c in phase.clusters] if phase.clusters is not None else None),
                _date(phase.starts),
                phase.rationale or "",
            ]
            for phase in sorted(council.phases, key=lambda p: p.order)
        ]
        sections.append(
            Section(
                "phases",
                "Rollout phases",
                [Table("Rollout phases", ["Order", "Phase", "Clusters", "Starts", "Why"], rows)],
            )
        )
    if council.hubs:
        rows = [
            [
                hub.name,
                str(hub.count),
                hub.status.value,
                _known_list([names.get(a, a) for a in hub.areas] if hub.areas is not None else None),
                hub.venue or ", ".join(hub.venue_kinds) or UNKNOWN,
                hub.co_located_with or UNKNOWN,
                hub.delivery_model or "",
            ]
            for hub in council.hubs
        ]
        blocks: list[Table | Paragraph] = [
            Table("Community hubs", ["Hub", "Number", "Status", "Areas", "Venue", "Co-located with", "Delivery"], rows)
        ]
        blocks += [Paragraph(f"{hub.name}: {hub.description}") for hub in council.hubs if hub.description]
        sections.append(Section("hubs", "Community hubs", list(blocks)))
    if council.communities:
        rows = [[c.name, c.kind.value, c.description or "", ", ".join(c.examples)] for c in council.communities]
        sections.append(
            Section(
                "communities",
                "Communities",
                [Table("Communities", ["Community", "Of", "Description", "Examples"], rows)],
            )
        )
    return Section("places", "Places and communities", sections=sections)


def _commitments(programme: Programme, docs: dict[str, Document]) -> Section:
    serving: dict[str, list[str]] = {c.id: [] for c in programme.commitments}
    for planned in programme.action_plan.all_actions():
        served = set(planned.action.serves) | set(planned.outcome.serves)
        for commitment_id in served:
            serving.setdefault(commitment_id, []).append(f"{planned.action.id} {planned.action.text}")
    has_actions = any(True for _ in programme.action_plan.all_actions())
    sections = []
    for commitment in programme.commitments:
        label = f"{commitment.label}) " if commitment.label else ""
        blocks: list[Paragraph | BulletList] = []
        if commitment.tagline:
            blocks.append(Paragraph(commitment.tagline))
        if commitment.statement:
            blocks.append(Paragraph(commitment.statement))
        actions = serving.get(commitment.id, [])
        if actions:
            blocks.append(BulletList(actions, "Actions that serve it"))
        elif has_actions:
            blocks.append(Paragraph("No action in the action plan is linked to this yet."))
        blocks.append(Paragraph(f"Source: {_cite(commitment.source, docs)}"))
        sections.append(Section(f"commitment-{commitment.id}", f"{label}{commitment.name}", list(blocks)))
    kinds = sorted({c.kind.value for c in programme.commitments})
    title = "Commitments and principles" if len(kinds) != 1 else f"{kinds[0].capitalize()}s"
    intro = (
        []
        if has_actions or not sections
        else [Paragraph("This definition holds no action plan, so no actions are linked to these.")]
    )
    return Section("commitments", title, list(intro), sections)


def _action_plan(
    programme: Programme, docs: dict[str, Document], latest: Mapping[str, EvidenceItem] | None = None
) -> Section:
    plan = programme.action_plan
    sections = []
    commitment_names = {c.id: c.name for c in programme.commitments}
    label = plan.pillar_label
    for pillar in plan.pillars:
        blocks: list[Paragraph | BulletList | Table] = []
        if pillar.description:
            blocks.append(Paragraph(pillar.description))
        if pillar.priorities:
            items = []
            for priority in pillar.priorities:
                items.append(priority.name + (": " + " ".join(priority.explanation) if priority.explanation else ""))
            blocks.append(BulletList(items, "Policy priorities"))
        outcome_sections = [_outcome_section(outcome, commitment_names, latest) for outcome in pillar.outcomes]
        sections.append(
            Section(f"pillar-{pillar.id}", f"{label.capitalize()}: {pillar.name}", list(blocks), outcome_sections)
        )
    if plan.outcomes:
        sections.append(
            Section(
                "outcomes",
                "Outcomes" if plan.pillars else "Outcomes and actions",
                sections=[_outcome_section(outcome, commitment_names, latest) for outcome in plan.outcomes],
            )
        )
    if programme.indicators:
        rows = [
            [
                i.name,
                i.kind.value,
                i.unit or "",
                _number(i.baseline),
                _number(i.target),
                i.direction.value if i.direction else "",
                ", ".join(i.actions),
            ]
            for i in programme.indicators
        ]
        sections.append(
            Section(
                "indicators",
                "Indicators",
                [
                    Table(
                        "Indicators", ["Indicator", "Kind", "Unit", "Baseline", "Target", "Direction", "Actions"], rows
                    )
                ],
            )
        )
    total = sum(1 for _ in plan.all_actions())
    intro = [
        Paragraph(f"{len(plan.pillars)} {label}s, {sum(1 for _ in plan.all_outcomes())} outcomes, {total} actions.")
    ]
    planned = [item.action for item in plan.all_actions()]
    missing = [
        what
        for what, given in (("owners", any(a.owner for a in planned)), ("due dates", any(a.due for a in planned)))
        if not given
    ]
    if planned and missing:
        intro.append(Paragraph(f"The documents give no {' or '.join(missing)} for these actions: not yet known."))
    return Section("action-plan", "Action plan", list(intro) if sections else [], sections)


def _number(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    return f"{value:g}"


def _outcome_section(
    outcome: Outcome, commitment_names: dict[str, str], latest: Mapping[str, EvidenceItem] | None = None
) -> Section:
    blocks: list[Paragraph | BulletList | Table] = []
    if outcome.evidenced_by:
        blocks.append(BulletList(outcome.evidenced_by, "Evidenced in the following ways"))
    if outcome.actions:
        blocks.append(_actions_table(outcome, commitment_names, latest or {}))
    return Section(f"outcome-{outcome.id}", f"Outcome: {outcome.statement}", list(blocks))


def _actions_table(outcome: Outcome, commitment_names: dict[str, str], latest: Mapping[str, EvidenceItem]) -> Table:
    """The outcome's actions; columns the documents leave empty for every action are left out.

    An owner or due date missing from some actions shows as "not yet known"; a "Serves" column
    appears only where an action serves something besides its outcome's own commitments.
    """
    actions = outcome.actions
    columns = ["Id", "Action"]
    show_owner = any(a.owner for a in actions)
    show_due = any(a.due or a.review_point for a in actions)
    show_serves = any(set(a.serves) - set(outcome.serves) for a in actions)
    show_latest = bool(latest)
    columns += ["Owner"] * show_owner + ["Due"] * show_due + ["Serves"] * show_serves
    columns += ["Latest update"] * show_latest
    rows = []
    for action in actions:
        row = [action.id, action.text]
        if show_owner:
            row.append(action.owner or UNKNOWN)
        if show_due:
            row.append(action.due.human() if action.due else (action.review_point or UNKNOWN))
        if show_serves:
            row.append(", ".join(commitment_names.get(c, c) for c in action.serves))
        if show_latest:
            update = latest.get(action.id)
            row.append(_update_text(update) if update else "none recorded")
        rows.append(row)
    return Table("Actions", columns, rows)


def _update_text(update: EvidenceItem) -> str:
    percent = f" {update.value:g}%" if update.value is not None else ""
    return f"{update.kind}{percent} ({human_date(update.date)})"


def _governance(programme: Programme, findings: list[Finding], docs: dict[str, Document]) -> Section:
    g = programme.governance
    items = [
        ("Monitored by", g.monitored_by or UNKNOWN),
        ("Supported by", ", ".join(g.supported_by) or "none named"),
        ("Revisions approved by", g.approves_revisions or UNKNOWN),
    ]
    blocks: list[Fields | BulletList | Table] = [Fields(items)]
    if g.measures:
        blocks.append(BulletList(g.measures, "How progress is measured"))
    obligation_ids = {r.id for r in g.review_cycles} | {r.id for r in g.review_dates} | {r.id for r in g.reports_due}
    schedule = [f for f in findings if f.rule_id in obligation_ids]
    if schedule:
        rows = [
            [f.rule_title, human_date(f.due) if f.due else UNKNOWN, f.status.label, _cite(f.source, docs)]
            for f in schedule
        ]
        blocks.append(Table("Review and reporting schedule", ["What", "Due by", "Status", "Source"], rows))
    if g.delegations:
        rows = [[d.matter, d.to, d.consulting or "", _cite(d.source, docs)] for d in g.delegations]
        blocks.append(Table("Delegations", ["Matter", "Delegated to", "In consultation with", "Source"], rows))
    return Section("governance", "Governance and review schedule", list(blocks))


def _people(council: Council, docs: dict[str, Document]) -> Section:
    partner_names = {p.id: p.name for p in council.partners}
    body_names = {b.id: b.name for b in council.bodies}
    sections = []
    if council.bodies:
        rows = [
            [
                body.name,
                body.kind,
                ", ".join(partner_names.get(m, m) for m in body.members) or (body.membership_note or ""),
                body.quota.describe() if body.quota else "",
                ", ".join(body_names.get(b, b) for b in body.represented_on),
            ]
            for body in council.bodies
        ]
        notes = [
            Paragraph(f"{body.name}: {body.membership_note}")
            for body in council.bodies
            if body.membership_note and body.members
        ]
        notes += [Paragraph(f"{body.name}: {body.coverage}") for body in council.bodies if body.coverage]
        sections.append(
            Section(
                "bodies",
                "Forums, boards and networks",
                [Table("Bodies", ["Body", "Kind", "Members", "Meets", "Represented on"], rows), *notes],
            )
        )
    if council.partners:
        rows = [[p.name, p.kind or "", p.role or ""] for p in council.partners]
        sections.append(Section("partners", "Partners", [Table("Partners", ["Partner", "Kind", "Role"], rows)]))
    if council.methods:
        rows = [
            [m.name, ", ".join(level.value for level in m.levels) or "not stated", ", ".join(m.tools)]
            for m in council.methods
        ]
        sections.append(
            Section(
                "methods",
                "Engagement methods",
                [
                    Table(
                        "Engagement methods and their IAP2 participation levels",
                        ["Method", "IAP2 level", "Tools"],
                        rows,
                    )
                ],
            )
        )
    if council.abcd:
        abcd = council.abcd
        blocks: list[Paragraph | BulletList | Table] = []
        if abcd.description:
            blocks.append(Paragraph(abcd.description))
        if abcd.shift:
            blocks.append(Paragraph(abcd.shift))
        if abcd.questions:
            blocks.append(BulletList([q.wording for q in abcd.questions], "The three questions"))
        for example in abcd.examples:
            rows = [[q.meaning.capitalize(), text] for q, text in example.answers.items()]
            blocks.append(Table(f"Example: {example.name}", ["Question", "Answer"], rows))
        if abcd.principles:
            blocks.append(BulletList(abcd.principles, "Principles"))
        sections.append(Section("abcd", "Asset-Based Community Development", list(blocks)))
    return Section("people", "Bodies, partners and methods", sections=sections)


def _programme_detail(programme: Programme, docs: dict[str, Document]) -> Section:
    sections = []
    if programme.key_dates:
        rows = [
            [
                k.label,
                _date(k.date) + (f" – {k.end.human()}" if k.end else ""),
                k.note or "",
            ]
            for k in programme.key_dates
        ]
        sections.append(Section("key-dates", "Key dates", [Table("Key dates", ["What", "When", "Note"], rows)]))
    if programme.objectives:
        rows = [
            [o.name, o.kind, "; ".join(o.outcomes) or (o.description or ""), o.impact.value if o.impact else ""]
            for o in programme.objectives
        ]
        sections.append(
            Section(
                "objectives",
                "Objectives and promises",
                [Table("Objectives", ["Objective", "Kind", "Outcomes", "Impact"], rows)],
            )
        )
    sections += _statement_sections(programme)
    if programme.offers:
        offer_blocks: list[Paragraph | BulletList] = []
        for offer in programme.offers:
            offer_blocks.append(Paragraph(f"{offer.name} ({offer.scope}): {offer.description or ''}".rstrip(": ")))
            if offer.items:
                offer_blocks.append(BulletList(offer.items))
        sections.append(Section("offers", "Offers", list(offer_blocks)))
    if programme.initiatives:
        rows = [[i.name, i.kind or "", i.description or ""] for i in programme.initiatives]
        sections.append(
            Section(
                "initiatives", "Programmes and projects", [Table("Initiatives", ["Name", "Kind", "Description"], rows)]
            )
        )
    if programme.funding:
        rows = [
            [f"£{f.amount_gbp:,}", f.fund or "", f.agreed_by or "", _date(f.agreed), f.purpose or ""]
            for f in programme.funding
        ]
        sections.append(
            Section("funding", "Funding", [Table("Funding", ["Amount", "From", "Agreed by", "When", "For"], rows)])
        )
    if programme.assessments:
        rows = [
            [
                a.name,
                a.kind,
                a.status or "",
                _date(a.date) if a.date else "",
                _date(a.review_date) if a.review_date else "",
            ]
            for a in programme.assessments
        ]
        sections.append(
            Section(
                "assessments",
                "Impact assessments",
                [Table("Impact assessments", ["Assessment", "Kind", "Status", "Date", "Review date"], rows)],
            )
        )
    if programme.legal:
        legal_blocks: list[Paragraph | BulletList] = []
        for basis in programme.legal:
            legal_blocks.append(Paragraph(f"{basis.name}: {basis.description}" if basis.description else basis.name))
            if basis.items:
                legal_blocks.append(BulletList(basis.items))
        sections.append(Section("legal", "Legal framework", list(legal_blocks)))
    if programme.linked_documents:
        items = [d.title + (f" ({d.relation})" if d.relation else "") for d in programme.linked_documents]
        sections.append(Section("linked", "Linked policies and strategies", [BulletList(items)]))
    return Section("programme", f"More about {programme.name}", sections=sections)


def _statement_sections(programme: Programme) -> list[Section]:
    by_kind: dict[str, list[Paragraph | BulletList]] = {}
    for statement in programme.statements:
        blocks = by_kind.setdefault(statement.kind, [])
        text = f"{statement.title}: {statement.text}" if statement.text else statement.title
        blocks.append(Paragraph(text))
        if statement.items:
            blocks.append(BulletList(statement.items))
    return [
        Section(f"statements-{_slug(kind)}", kind[:1].upper() + kind[1:], list(blocks))
        for kind, blocks in by_kind.items()
    ]


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _earlier(programme: Programme, docs: dict[str, Document]) -> Section:
    items = [
        ("Programme", f"{programme.name} ({programme.kind})"),
        ("Period", programme.period.human() if programme.period else UNKNOWN),
        ("Adopted", _date(programme.adopted) + (f" by {programme.adopted_by}" if programme.adopted_by else "")),
    ]
    blocks: list[Fields | Paragraph] = [Fields(items)]
    if programme.summary:
        blocks.append(Paragraph(programme.summary))
    detail = _action_plan(programme, docs)
    commitments = _commitments(programme, docs) if programme.commitments else None
    more = _programme_detail(programme, docs)
    sub = [s for s in (commitments, detail) if s and (s.blocks or s.sections)] + more.sections
    g = programme.governance
    if g.review_dates or g.review_cycles:
        rows = [[r.subject, r.date.human()] for r in g.review_dates]
        rows += [[f"{r.subject} (every {r.every_months} months)", _date(r.starts)] for r in g.review_cycles]
        sub.append(Section(f"{programme.id}-reviews", "Review dates", [Table("Review dates", ["What", "When"], rows)]))
    return Section(f"earlier-{programme.id}", f"Earlier programme: {programme.name}", list(blocks), sub)


def _findings(findings: list[Finding], docs: dict[str, Document]) -> Section:
    if not findings:
        return Section("findings", "All findings", [Paragraph("No reporting rules apply.")])
    ordered = sorted(findings, key=lambda f: f.status.severity)
    rows = [[f.status.label, f.rule_title, f.subject, f.message, _cite(f.source, docs)] for f in ordered]
    columns = ["Status", "Rule", "About", "Finding", "Source"]
    if any(f.evidence for f in findings):
        columns.append("Evidence")
        for row, finding in zip(rows, ordered, strict=True):
            refs = [item.ref or item.summary for item in finding.evidence]
            row.append(", ".join(refs[-3:]) + (f" and {len(refs) - 3} more" if len(refs) > 3 else ""))
    return Section("findings", "All findings", [Table("Findings", columns, rows)])


def _sources(council: Council) -> Section:
    from engagekit.model.checks import _sources as walk_sources

    cited = Counter(source.document for _, source in walk_sources(council, ()))
    rows = [
        [
            d.title,
            d.publisher or "",
            d.date.human() if d.date else "",
            str(cited.get(d.id, 0)),
        ]
        for d in council.documents
    ]
    return Section(
        "sources",
        "Sources",
        [
            Paragraph("The facts in this report come from these documents, cited by section throughout."),
            Table("Sources", ["Document", "Publisher", "Date", "Facts cited"], rows),
        ],
    )
