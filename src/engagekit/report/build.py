"""Build a council's report: header, summary, places, commitments, action plan, governance,
findings and sources, as plain data for any renderer.

The report says "not yet known" wherever the definition leaves a fact open, so a reader can
tell a gap in the documents from a fact, and prints how sure each fact is beside it
(:mod:`engagekit.report.caveats`). No description, note or caveat of the definition is left
out: long texts go into notes under the tables, so every format carries them whole.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from engagekit.model.action_plan import Action, Indicator, Outcome, Pillar
from engagekit.model.council import Council, Programme
from engagekit.model.sources import Document, human_date
from engagekit.report.caveats import (
    UNKNOWN,
    Note,
    adoption,
    cite_all,
    document_role,
    mark,
    mark_field,
    notes,
    notes_list,
)
from engagekit.report.charts import report_charts
from engagekit.report.data import council_data
from engagekit.report.document import Block, BulletList, Fields, Paragraph, Report, Section, Table
from engagekit.report.governance import earlier_obligations, governance_notes, governance_section, rule_items
from engagekit.report.people import people_section
from engagekit.report.place_status import place_status_section
from engagekit.report.places import places_section
from engagekit.report.programme import programme_detail_section
from engagekit.rules.context import Evidence, NoEvidence
from engagekit.rules.findings import EvidenceItem, Finding, Status

__all__ = ["UNKNOWN", "build_report"]


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
    evidence = evidence or NoEvidence()
    latest = latest_updates or {}
    at_places = place_status_section(council, findings, evidence, as_of)  # each place's status, near the top
    sections = [
        _header(council, as_of),
        _summary(findings, counts),
        *([at_places] if at_places else []),
        Section("charts", "At a glance", list(report_charts(council, findings, evidence, as_of))),
        places_section(council),
        _commitments(programme, docs),
        _action_plan(programme, docs, latest),
        governance_section(council, findings, docs, lambda obligation: evidence.reviews(obligation, as_of)),
        people_section(council),
        programme_detail_section(council, programme),
        *[_earlier(council, earlier, docs) for earlier in council.earlier_programmes],
        *extra_sections,
        _findings(council, findings, docs),
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
        data=council_data(council, as_of, findings, evidence, latest),
    )


# -- header and summary -------------------------------------------------------------------


def _header(council: Council, as_of: dt.date) -> Section:
    p = council.programme
    kind = council.council_type.value if council.council_type else UNKNOWN
    items = [
        ("Council", mark(council, council.name)),
        ("ONS code", mark_field(council, "gss_code", council.gss_code or UNKNOWN)),
        ("Type of council", mark_field(council, "council_type", kind)),
        *_programme_fields(p),
        ("Report as of", human_date(as_of)),
    ]
    blocks: list[Block] = [Fields(items)]
    if council.description:
        blocks.append(Paragraph(mark_field(council, "description", council.description)))
    blocks += _programme_text(p)
    found = notes(council, council.name, inline=True, shown={"name", "gss_code", "council_type", "description"})
    blocks += notes_list(found + _programme_notes(p))
    return Section("header", "About this report", blocks)


def _programme_fields(p: Programme) -> list[tuple[str, str]]:
    """Programme, period, status (where adopted) and adoption, each with how sure it is.

    Without an adoption date the status is given beside "adoption not recorded in the documents".
    """
    fields = [
        ("Programme", mark(p, f"{p.name} ({mark_field(p, 'kind', p.kind)})")),
        ("Period", mark_field(p, "period", p.period.human() if p.period else UNKNOWN)),
    ]
    if p.status and p.adopted:
        fields.append(("Status", mark_field(p, "status", p.status)))
    fields.append(("Adopted", adoption(p)))
    if p.adopted is None and p.adopted_by:
        fields.append(("Adoption by", mark_field(p, "adopted_by", p.adopted_by)))
    return fields


def _programme_text(p: Programme) -> list[Block]:
    return [Paragraph(mark_field(p, "summary", p.summary))] if p.summary else []


def _programme_notes(p: Programme) -> list[Note]:
    """How sure the programme's other fields are (those the header does not already mark)."""
    shown = {"name", "kind", "period", "adopted", "adopted_by", "summary"} | ({"status"} if p.adopted else set())
    return notes(p, p.name, inline=True, shown=shown)


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


# -- commitments and the action plan ------------------------------------------------------


def _commitments(programme: Programme, docs: dict[str, Document]) -> Section:
    serving: dict[str, list[str]] = {c.id: [] for c in programme.commitments}
    for planned in programme.action_plan.all_actions():
        served = set(planned.action.serves) | set(planned.outcome.serves)
        for commitment_id in served:
            serving.setdefault(commitment_id, []).append(
                f"{planned.action.id} {mark(planned.action, planned.action.text)}"
            )
    has_actions = any(True for _ in programme.action_plan.all_actions())
    sections = []
    for commitment in programme.commitments:
        label = f"{commitment.label}) " if commitment.label else ""
        blocks: list[Block] = []
        if commitment.tagline:
            blocks.append(Paragraph(mark_field(commitment, "tagline", commitment.tagline)))
        if commitment.statement:
            blocks.append(Paragraph(mark_field(commitment, "statement", commitment.statement)))
        actions = serving.get(commitment.id, [])
        if actions:
            blocks.append(BulletList(actions, "Actions that serve it"))
        elif has_actions:
            blocks.append(Paragraph("No action in the action plan is linked to this yet."))
        shown = {"name", "label", "tagline", "statement"}
        blocks += notes_list(notes(commitment, commitment.name, inline=True, shown=shown))
        blocks.append(Paragraph(f"Source: {cite_all(commitment, docs)}"))
        title = mark(commitment, f"{label}{commitment.name}")
        sections.append(Section(f"commitment-{commitment.id}", title, blocks))
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
    commitment_names = {c.id: c.name for c in programme.commitments}
    sections = [_pillar_section(pillar, plan.pillar_label, commitment_names, latest) for pillar in plan.pillars]
    if plan.outcomes:
        sections.append(
            Section(
                "outcomes",
                "Outcomes" if plan.pillars else "Outcomes and actions",
                sections=[_outcome_section(outcome, commitment_names, latest) for outcome in plan.outcomes],
            )
        )
    if programme.indicators:
        sections.append(_indicators(programme.indicators))
    total = sum(1 for _ in plan.all_actions())
    label = plan.pillar_label
    counted = f"{len(plan.pillars)} {label}s, {sum(1 for _ in plan.all_outcomes())} outcomes, {total} actions."
    intro: list[Block] = [Paragraph(mark(plan, counted))]
    planned = [item.action for item in plan.all_actions()]
    missing = [
        what
        for what, given in (("owners", any(a.owner for a in planned)), ("due dates", any(a.due for a in planned)))
        if not given
    ]
    if planned and missing:
        intro.append(Paragraph(f"The documents give no {' or '.join(missing)} for these actions: not yet known."))
    intro += notes_list(notes(plan, "The action plan", inline=True))
    return Section("action-plan", "Action plan", intro if sections else [], sections)


def _pillar_section(
    pillar: Pillar, label: str, commitment_names: dict[str, str], latest: Mapping[str, EvidenceItem] | None
) -> Section:
    blocks: list[Block] = []
    if pillar.description:
        blocks.append(Paragraph(mark_field(pillar, "description", pillar.description)))
    if pillar.priorities:
        items = [
            mark(priority, priority.name) + (": " + " ".join(priority.explanation) if priority.explanation else "")
            for priority in pillar.priorities
        ]
        blocks.append(BulletList(items, "Policy priorities"))
    found = notes(pillar, pillar.name, inline=True, shown={"name", "description"})
    found += [note for priority in pillar.priorities for note in notes(priority, priority.name, inline=True)]
    blocks += notes_list(found)
    outcomes = [_outcome_section(outcome, commitment_names, latest) for outcome in pillar.outcomes]
    title = mark(pillar, f"{label.capitalize()}: {pillar.name}")
    return Section(f"pillar-{pillar.id}", title, blocks, outcomes)


def _indicators(indicators: list[Indicator]) -> Section:
    rows = [
        [
            mark(i, i.name, brief=True),
            mark_field(i, "kind", i.kind.value, brief=True),
            mark_field(i, "unit", i.unit or "", brief=True),
            mark_field(i, "baseline", _number(i.baseline), brief=True),
            mark_field(i, "target", _number(i.target), brief=True),
            mark_field(i, "direction", i.direction.value if i.direction else "", brief=True),
            mark_field(i, "actions", ", ".join(i.actions), brief=True),
        ]
        for i in indicators
    ]
    columns = ["Indicator", "Kind", "Unit", "Baseline", "Target", "Direction", "Actions"]
    found = [note for i in indicators for note in notes(i, i.name, (None, i.description))]
    return Section("indicators", "Indicators", [Table("Indicators", columns, rows), *notes_list(found)])


def _number(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    return f"{value:g}"


def _outcome_section(
    outcome: Outcome, commitment_names: dict[str, str], latest: Mapping[str, EvidenceItem] | None = None
) -> Section:
    blocks: list[Block] = []
    if outcome.evidenced_by:
        blocks.append(
            BulletList(outcome.evidenced_by, mark_field(outcome, "evidenced_by", "Evidenced in the following ways"))
        )
    if outcome.actions:
        blocks.append(_actions_table(outcome, commitment_names, latest or {}))
    found = notes(outcome, outcome.statement, inline=True, shown={"statement", "evidenced_by"})
    found += [note for action in outcome.actions for note in notes(action, action.id, ("note", action.note))]
    blocks += notes_list(found)
    return Section(f"outcome-{outcome.id}", mark(outcome, f"Outcome: {outcome.statement}"), blocks)


def _actions_table(outcome: Outcome, commitment_names: dict[str, str], latest: Mapping[str, EvidenceItem]) -> Table:
    """The outcome's actions; columns the documents leave empty for every action are left out.

    An owner or due date missing from some actions shows as "not yet known"; a "Serves" column
    appears only where an action serves something besides its outcome's own commitments.
    """
    actions = outcome.actions
    show_owner = any(a.owner for a in actions)
    show_due = any(a.due or a.review_point for a in actions)
    show_serves = any(set(a.serves) - set(outcome.serves) for a in actions)
    show_latest = bool(latest)
    columns = ["Id", "Action"] + ["Owner"] * show_owner + ["Due"] * show_due + ["Serves"] * show_serves
    columns += ["Latest update"] * show_latest
    rows = []
    for action in actions:
        row = [action.id, mark(action, action.text, brief=True)]
        if show_owner:
            row.append(mark_field(action, "owner", action.owner or UNKNOWN, brief=True))
        if show_due:
            row.append(_action_due(action))
        if show_serves:
            row.append(
                mark_field(action, "serves", ", ".join(commitment_names.get(c, c) for c in action.serves), brief=True)
            )
        if show_latest:
            update = latest.get(action.id)
            row.append(_update_text(update) if update else "none recorded")
        rows.append(row)
    return Table("Actions", columns, rows)


def _action_due(action: Action) -> str:
    if action.due:
        return mark_field(action, "due", action.due.human(), brief=True)
    return mark_field(action, "review_point", action.review_point or UNKNOWN, brief=True)


def _update_text(update: EvidenceItem) -> str:
    percent = f" {update.value:g}%" if update.value is not None else ""
    return f"{update.kind}{percent} ({human_date(update.date)})"


# -- earlier programmes, findings and sources ---------------------------------------------


def _earlier(council: Council, programme: Programme, docs: dict[str, Document]) -> Section:
    blocks: list[Block] = [Fields(_programme_fields(programme)), *_programme_text(programme)]
    blocks += notes_list(_programme_notes(programme))
    detail = _action_plan(programme, docs)
    commitments = _commitments(programme, docs) if programme.commitments else None
    more = programme_detail_section(council, programme)
    sub = [s for s in (commitments, detail) if s and (s.blocks or s.sections)] + more.sections
    reviews = earlier_obligations(programme) + notes_list(governance_notes(programme, docs))
    if reviews:
        sub.append(Section(f"{programme.id}-reviews", "Review dates", reviews))
    return Section(f"earlier-{programme.id}", mark(programme, f"Earlier programme: {programme.name}"), blocks, sub)


def _findings(council: Council, findings: list[Finding], docs: dict[str, Document]) -> Section:
    """Every finding, most urgent first, citing every source of the item its rule comes from."""
    if not findings:
        return Section("findings", "All findings", [Paragraph("No reporting rules apply.")])
    items = rule_items(council)
    ordered = sorted(findings, key=lambda f: f.status.severity)
    rows = [
        [
            f.status.label,
            mark(items.get(f.rule_id), f.rule_title, brief=True),
            f.subject,
            f.message,
            cite_all(items[f.rule_id], docs) if f.rule_id in items else _cite(f, docs),
        ]
        for f in ordered
    ]
    columns = ["Status", "Rule", "About", "Finding", "Source"]
    if any(f.evidence for f in findings):
        columns.append("Evidence")
        for row, finding in zip(rows, ordered, strict=True):
            refs = [item.ref or item.summary for item in finding.evidence]
            row.append(", ".join(refs[-3:]) + (f" and {len(refs) - 3} more" if len(refs) > 3 else ""))
    return Section("findings", "All findings", [Table("Findings", columns, rows)])


def _cite(finding: Finding, docs: dict[str, Document]) -> str:
    return finding.source.cite(docs) if finding.source else "no source given"


def _sources(council: Council) -> Section:
    """The documents, whose each is, how many facts each supports, and each one's address and note."""
    from engagekit.model.checks import cited_documents

    cited = cited_documents(council)
    rows = [
        [d.title, d.publisher or "", d.date.human() if d.date else "", document_role(d), str(cited.get(d.id, 0))]
        for d in council.documents
    ]
    found = [
        Note(d.title, text, label)
        for d in council.documents
        for label, text in (("address", d.url), (None, d.note))
        if text
    ]
    return Section(
        "sources",
        "Sources",
        [
            Paragraph("The facts in this report come from these documents, cited by section throughout."),
            Table("Sources", ["Document", "Publisher", "Date", "Whose", "Facts cited"], rows),
            *notes_list(found),
        ],
    )
