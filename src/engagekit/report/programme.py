"""The rest of a programme in the report: key dates, objectives, statements, offers, initiatives,
funding, assessments, legal framework and linked documents.

None of these is judged. Each is shown with how sure it is; long texts (a key date's note, an
initiative's description, what funding is for) go into notes under the tables, or are
paragraphs of their own.
"""

from __future__ import annotations

from engagekit.model.council import Council, Programme
from engagekit.report.caveats import date_text, mark, mark_field, notes, notes_list
from engagekit.report.document import Block, BulletList, Paragraph, Section, Table


def programme_detail_section(council: Council, programme: Programme) -> Section:
    """Everything else the documents say about ``programme``, each kind a sub-section."""
    parts = [
        _key_dates(programme) if programme.key_dates else None,
        _objectives(programme) if programme.objectives else None,
        *_statements(programme),
        _offers(programme) if programme.offers else None,
        _initiatives(council, programme) if programme.initiatives else None,
        _funding(programme) if programme.funding else None,
        _assessments(programme) if programme.assessments else None,
        _legal(programme) if programme.legal else None,
        _linked(programme) if programme.linked_documents else None,
    ]
    return Section("programme", f"More about {programme.name}", sections=[part for part in parts if part])


def _key_dates(programme: Programme) -> Section:
    rows = []
    for k in programme.key_dates:
        when = mark_field(k, "date", date_text(k.date), brief=True)
        if k.end:
            when += f" – {mark_field(k, 'end', k.end.human(), brief=True)}"
        rows.append([mark(k, k.label, brief=True), when])
    found = [note for k in programme.key_dates for note in notes(k, k.label, (None, k.note))]
    return Section("key-dates", "Key dates", [Table("Key dates", ["What", "When"], rows), *notes_list(found)])


def _objectives(programme: Programme) -> Section:
    rows = [
        [
            mark(o, o.name, brief=True),
            mark_field(o, "kind", o.kind, brief=True),
            mark_field(o, "outcomes", "; ".join(o.outcomes), brief=True),
            mark_field(o, "impact", o.impact.value if o.impact else "", brief=True),
        ]
        for o in programme.objectives
    ]
    found = [note for o in programme.objectives for note in notes(o, o.name, (None, o.description))]
    table = Table("Objectives", ["Objective", "Kind", "Outcomes", "Impact"], rows)
    return Section("objectives", "Objectives and promises", [table, *notes_list(found)])


def _statements(programme: Programme) -> list[Section]:
    by_kind: dict[str, list[Block]] = {}
    for statement in programme.statements:
        blocks = by_kind.setdefault(statement.kind, [])
        title = mark(statement, statement.title)
        text = mark_field(statement, "text", statement.text) if statement.text else ""
        blocks.append(Paragraph(f"{title}: {text}" if text else title))
        if statement.items:
            blocks.append(BulletList(statement.items))
        blocks += notes_list(notes(statement, statement.title, inline=True, shown={"title", "text"}))
    return [
        Section(f"statements-{_slug(kind)}", kind[:1].upper() + kind[1:], list(blocks))
        for kind, blocks in by_kind.items()
    ]


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _offers(programme: Programme) -> Section:
    blocks: list[Block] = []
    for offer in programme.offers:
        head = f"{mark(offer, offer.name)} ({mark_field(offer, 'scope', offer.scope)})"
        text = mark_field(offer, "description", offer.description) if offer.description else ""
        blocks.append(Paragraph(f"{head}: {text}" if text else head))
        if offer.items:
            blocks.append(BulletList(offer.items))
        blocks += notes_list(notes(offer, offer.name, inline=True, shown={"name", "scope", "description"}))
    return Section("offers", "Offers", blocks)


def _initiatives(council: Council, programme: Programme) -> Section:
    partners = {p.id: p.name for p in council.partners}
    areas = {a.id: a.name for a in council.areas}
    rows = [
        [
            mark(i, i.name, brief=True),
            mark_field(i, "kind", i.kind or "", brief=True),
            mark_field(i, "partners", ", ".join(partners.get(p, p) for p in i.partners), brief=True),
            mark_field(i, "areas", ", ".join(areas.get(a, a) for a in i.areas), brief=True),
        ]
        for i in programme.initiatives
    ]
    found = [
        note for i in programme.initiatives for note in notes(i, i.name, ("status", i.status), (None, i.description))
    ]
    table = Table("Initiatives", ["Name", "Kind", "Partners", "Areas"], rows)
    return Section("initiatives", "Programmes and projects", [table, *notes_list(found)])


def _funding(programme: Programme) -> Section:
    rows = [
        [
            mark(f, mark_field(f, "amount_gbp", f"£{f.amount_gbp:,}", brief=True), brief=True),
            mark_field(f, "fund", f.fund or "", brief=True),
            mark_field(f, "agreed_by", f.agreed_by or "", brief=True),
            mark_field(f, "agreed", date_text(f.agreed), brief=True),
        ]
        for f in programme.funding
    ]
    found = [note for f in programme.funding for note in notes(f, f"£{f.amount_gbp:,}", ("for", f.purpose))]
    table = Table("Funding", ["Amount", "From", "Agreed by", "When"], rows)
    return Section("funding", "Funding", [table, *notes_list(found)])


def _assessments(programme: Programme) -> Section:
    rows = [
        [
            mark(a, a.name, brief=True),
            mark_field(a, "kind", a.kind, brief=True),
            mark_field(a, "status", a.status or "", brief=True),
            mark_field(a, "date", date_text(a.date) if a.date else "", brief=True),
            mark_field(a, "review_date", date_text(a.review_date) if a.review_date else "", brief=True),
        ]
        for a in programme.assessments
    ]
    found = [note for a in programme.assessments for note in notes(a, a.name, (None, a.description))]
    table = Table("Impact assessments", ["Assessment", "Kind", "Status", "Date", "Review date"], rows)
    return Section("assessments", "Impact assessments", [table, *notes_list(found)])


def _legal(programme: Programme) -> Section:
    blocks: list[Block] = []
    for basis in programme.legal:
        name = mark(basis, basis.name)
        text = mark_field(basis, "description", basis.description) if basis.description else ""
        blocks.append(Paragraph(f"{name}: {text}" if text else name))
        if basis.items:
            blocks.append(BulletList(basis.items))
        blocks += notes_list(notes(basis, basis.name, inline=True, shown={"name", "description"}))
    return Section("legal", "Legal framework", blocks)


def _linked(programme: Programme) -> Section:
    items = [
        mark(d, d.title) + (f" ({mark_field(d, 'relation', d.relation)})" if d.relation else "")
        for d in programme.linked_documents
    ]
    found = [note for d in programme.linked_documents for note in notes(d, d.title, inline=True, shown={"relation"})]
    return Section("linked", "Linked policies and strategies", [BulletList(items), *notes_list(found)])
