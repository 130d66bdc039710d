"""The report's governance: who monitors, the review and reporting schedule, delegations, rules.

The schedule holds each judged obligation's finding, with how sure the obligation and its
timing are. Review cycles with no fixed interval and reports with no date are listed as not
judged (they give no finding). Notes hold every note, qualifier and "counted from" of the
obligations, delegations and rules, so none is lost between the definition and the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engagekit.model.council import Council, Programme
from engagekit.model.governance import Governance, ReportDue, ReviewCycle, ReviewDate
from engagekit.model.instances import obligation_places, places_for
from engagekit.model.sources import Document, human_date
from engagekit.report.caveats import (
    UNKNOWN,
    Note,
    cite_all,
    declared,
    field_words,
    mark,
    mark_field,
    notes,
    notes_list,
)
from engagekit.report.document import Block, BulletList, Fields, Section, Table
from engagekit.rules.findings import EvidenceItem, Finding

Obligation = ReviewCycle | ReviewDate | ReportDue

_TIMING = {
    ReviewCycle: ("starts", "every_months"),
    ReviewDate: ("date",),
    ReportDue: ("due", "months_after_adoption", "months_after", "after"),
}
"""The fields an obligation's due date is worked out from, by kind."""


def obligations(governance: Governance) -> list[Obligation]:
    """Every review cycle, review date and report due, in that order."""
    return [*governance.review_cycles, *governance.review_dates, *governance.reports_due]


def judged(obligation: Obligation) -> bool:
    """False for a cycle with no fixed interval or a report with no date: shown, never judged."""
    if isinstance(obligation, ReviewCycle):
        return obligation.every_months is not None
    if isinstance(obligation, ReportDue):
        return obligation.timed
    return True


def governance_section(
    council: Council,
    findings: list[Finding],
    docs: dict[str, Document],
    recorded: Callable[[str], list[EvidenceItem]] | None = None,
) -> Section:
    """The current programme's governance, with its schedule judged as of the report's date.

    ``recorded`` gives the reviews recorded against an obligation id (as of the report's date),
    so those recorded against obligations that are never judged are shown too.
    """
    programme = council.programme
    g = programme.governance
    blocks: list[Block] = [Fields(_fields(g))]
    if g.measures:
        blocks.append(BulletList(g.measures, mark_field(g, "measures", "How progress is measured")))
    blocks += _schedule(programme, findings, docs)
    blocks += _not_judged(council, g, recorded)
    if g.delegations:
        rows = [[mark(d, d.matter, brief=True), d.to, d.consulting or "", cite_all(d, docs)] for d in g.delegations]
        blocks.append(Table("Delegations", ["Matter", "Delegated to", "In consultation with", "Source"], rows))
    blocks += notes_list(governance_notes(programme, docs))
    return Section("governance", "Governance and review schedule", blocks)


def _fields(g: Governance) -> list[tuple[str, str]]:
    items = [
        ("Monitored by", mark_field(g, "monitored_by", g.monitored_by or UNKNOWN)),
        ("Supported by", mark_field(g, "supported_by", ", ".join(g.supported_by) or "none named")),
        ("Revisions approved by", mark_field(g, "approves_revisions", g.approves_revisions or UNKNOWN)),
    ]
    if g.update_interval_days is not None:
        items.append(("Actions updated", mark_field(g, "update_interval_days", f"every {g.update_interval_days} days")))
    if g.consultation_min_days is not None:
        days = f"{g.consultation_min_days} days"
        items.append(("Shortest adequate consultation", mark_field(g, "consultation_min_days", days)))
    return items


def _schedule(programme: Programme, findings: list[Finding], docs: dict[str, Document]) -> list[Block]:
    by_id = {item.id: item for item in obligations(programme.governance)}
    rows = []
    for finding in findings:
        item = by_id.get(finding.rule_id)
        if item is None:
            continue
        due = human_date(finding.due) if finding.due else UNKNOWN
        rows.append(
            [
                mark(item, finding.rule_title, brief=True),
                _with(due, timing_words(programme, item)),
                finding.status.label,
                cite_all(item, docs),
            ]
        )
    return [Table("Review and reporting schedule", ["What", "Due by", "Status", "Source"], rows)] if rows else []


def timing_words(programme: Programme, item: Obligation) -> list[str]:
    """How sure the fields an obligation's due date comes from are (brief words, each once).

    A report due some months after adoption is only as sure as the adoption date.
    """
    words = [field_words(item, name, brief=True) for name in _TIMING[type(item)]]
    if isinstance(item, ReportDue) and item.months_after_adoption is not None:
        words.append(field_words(programme, "adopted", brief=True))
    return list(dict.fromkeys(word for word in words if word))


def _with(text: str, words: Iterable[str]) -> str:
    joined = "; ".join(words)
    return f"{text} ({joined})" if joined else text


def _not_judged(council: Council, g: Governance, recorded: Callable[[str], list[EvidenceItem]] | None) -> list[Block]:
    items = []
    for item in obligations(g):
        if judged(item):
            continue
        line = not_judged_line(council, item)
        if recorded is not None:
            ids = [item.id]
            for_each = item.for_each if isinstance(item, ReviewCycle | ReportDue) else None
            if for_each is not None:
                ids += [oid for oid, _ in obligation_places(council, item.id, for_each)]
            done = [review for oid in ids for review in recorded(oid)]
            if done:
                last = max(done, key=lambda review: review.date)
                line += f"; {len(done)} recorded, the latest on {human_date(last.date)} ({last.ref or last.kind})"
        items.append(line)
    return [BulletList(items, "Not judged")] if items else []


def not_judged_line(council: Council, item: Obligation) -> str:
    """``Report to the Board — one for each cluster: A, B — not judged: the documents set no date``."""
    if isinstance(item, ReviewCycle):
        what, why = mark(item, _sentence(declared(item.subject, item.for_each))), "no interval"
    elif isinstance(item, ReportDue):
        title = declared(item.title, item.for_each)
        to = f" to {item.to}" if item.to and item.to.lower() not in title.lower() else ""
        what, why = mark(item, title) + to, "no date"
    else:  # pragma: no cover - a review date always has its date
        return mark(item, item.subject)
    if item.for_each is not None:
        places = ", ".join(place.name for place in places_for(council, item.for_each))
        what += f" — one for {item.for_each.describe()}" + (f": {places}" if places else "")
    return f"{what} — not judged: the documents set {why}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def earlier_obligations(programme: Programme) -> list[Block]:
    """An earlier programme's reviews and reports, with when they were due; none is judged."""
    rows = [[_obligation_what(item), _obligation_when(programme, item)] for item in obligations(programme.governance)]
    return [Table("Review dates", ["What", "When"], rows)] if rows else []


def _obligation_what(item: Obligation) -> str:
    if isinstance(item, ReviewCycle):
        every = f"every {item.every_months} months" if item.every_months else "no fixed interval"
        return mark(item, f"{declared(item.subject, item.for_each)} ({every})", brief=True)
    if isinstance(item, ReportDue):
        return mark(item, declared(item.title, item.for_each) + (f" to {item.to}" if item.to else ""), brief=True)
    return mark(item, item.subject, brief=True)


def _obligation_when(programme: Programme, item: Obligation) -> str:
    if isinstance(item, ReviewCycle):
        when = f"from {item.starts.human()}" if item.starts else "start not yet known"
    elif isinstance(item, ReviewDate):
        when = item.date.human()
    elif item.due is not None:
        when = item.due.human()
    elif item.months_after_adoption is not None:
        when = f"{item.months_after_adoption} months after adoption"
    elif item.months_after is not None and item.after is not None:
        when = f"{item.months_after} months after {item.after_what or item.after.human()}"
    else:
        when = "no date set"
    return _with(when, timing_words(programme, item))


def governance_notes(programme: Programme, docs: dict[str, Document]) -> list[Note]:
    """Every caveat of a programme's governance: its own, each obligation's, delegation's and rule's."""
    g = programme.governance
    found = notes(g, "Governance", shown={"monitored_by", "supported_by", "approves_revisions", "measures"})
    found += [note for item in obligations(g) for note in _obligation_notes(item)]
    found += [note for d in g.delegations for note in notes(d, d.matter)]
    found += [note for rule in programme.rules for note in notes(rule, rule.title)]
    return found


def _obligation_notes(item: Obligation) -> list[Note]:
    made_for = ("made for", item.for_each.describe()) if not isinstance(item, ReviewDate) and item.for_each else None
    texts: list[tuple[str | None, str | None]] = [made_for] if made_for else []
    if isinstance(item, ReviewCycle):
        texts += [("approved by", item.approved_by), ("note", item.note)]
        subject = declared(item.subject, item.for_each)
    elif isinstance(item, ReportDue):
        after = f"{item.after_what} ({item.after.human()})" if item.after_what and item.after else None
        texts += [("counted from", after)]
        subject = declared(item.title, item.for_each)
    else:
        subject = item.subject
    return notes(item, subject, *texts)


def rule_items(council: Council) -> dict[str, object]:
    """The definition item behind each rule id of the current programme, for citing all its sources."""
    programme = council.programme
    items: dict[str, object] = {item.id: item for item in obligations(programme.governance)}
    items |= {rule.id: rule for rule in programme.rules}
    for body in council.bodies:
        if body.quota is not None:  # the quota's finding cites the body where the quota has no source
            items[f"{body.id}-meeting-quota"] = body.quota if body.quota.all_sources() else body
    return items
