"""The report's bodies, partners, engagement methods and ABCD approach.

A body declared for each place lists the instances it stands for under it. As everywhere in
the report, tables hold short facts with how sure each is, and the notes under them hold
every description, membership note, coverage, role and full qualifier.
"""

from __future__ import annotations

from engagekit.model.bodies import Body, MeetingQuota, Partner
from engagekit.model.council import Council
from engagekit.model.engagement import AbcdApproach, EngagementMethod
from engagekit.model.instances import body_instances
from engagekit.model.local import PlaceKind
from engagekit.report.caveats import Note, declared, mark, mark_field, notes, notes_list
from engagekit.report.document import Block, BulletList, Paragraph, Section, Table


def people_section(council: Council) -> Section:
    """Bodies, partners, methods and ABCD, each a sub-section where the council has any."""
    parts = [
        _bodies(council) if council.bodies else None,
        _partners(council.partners) if council.partners else None,
        _methods(council) if council.methods else None,
        _abcd(council.abcd) if council.abcd else None,
    ]
    return Section("people", "Bodies, partners and methods", sections=[part for part in parts if part])


def _bodies(council: Council) -> Section:
    partner_names = {p.id: p.name for p in council.partners}
    body_names = {b.id: declared(b.name, b.for_each) for b in council.bodies}
    show_led_by = any(body.led_by for body in council.bodies)

    def row(body: Body) -> list[str]:
        members = ", ".join(partner_names.get(m, m) for m in body.members)
        cells = [
            mark(body, declared(body.name, body.for_each) + (" (pilot)" if body.pilot else ""), brief=True),
            mark_field(body, "kind", body.kind, brief=True),
            mark_field(body, "members", members or ("not listed" if body.membership_note else ""), brief=True),
        ]
        if show_led_by:
            led_by = partner_names.get(body.led_by, body.led_by) if body.led_by else ""
            cells.append(mark_field(body, "led_by", led_by, brief=True))
        cells.append(mark(body.quota, body.quota.describe(), brief=True) if body.quota else "")
        cells.append(
            mark_field(body, "represented_on", ", ".join(body_names.get(b, b) for b in body.represented_on), brief=True)
        )
        return cells

    columns = ["Body", "Kind", "Members", *["Led by"] * show_led_by, "Meets", "Represented on"]
    blocks: list[Block] = [Table("Bodies", columns, [row(body) for body in council.bodies])]
    blocks += [block for body in council.bodies for block in _instances(council, body)]
    blocks += notes_list(note for body in council.bodies for note in _body_notes(council, body))
    return Section("bodies", "Forums, boards and networks", blocks)


def _body_notes(council: Council, body: Body) -> list[Note]:
    """A body's caveats, its quota's, and those of each instance entry (named as the instance is)."""
    name = declared(body.name, body.for_each)
    found = notes(
        body,
        name,
        (None, body.description),
        ("membership", body.membership_note),
        ("coverage", body.coverage),
        ("starts", body.starts.human() if body.starts else None),
    )
    if body.quota is not None:
        found += _quota_notes(name, body.quota)
    placed = {p.place.id: p.name for p in body_instances(council, body) if p.place is not None}
    for instance in body.instances:
        found += notes(
            instance,
            placed.get(instance.place, f"{name} ({instance.place})"),
            (None, instance.description),
            ("membership", instance.membership_note),
            ("starts", instance.starts.human() if instance.starts else None),
        )
    return found


def _quota_notes(name: str, quota: MeetingQuota) -> list[Note]:
    first = f"from {quota.from_year}" if quota.from_year is not None else None
    return notes(quota, f"{name}, its meetings", ("judged", first))


def _instances(council: Council, body: Body) -> list[Block]:
    """The instances a body declared for each place stands for, by their labels."""
    if body.for_each is None:
        return []
    if body.for_each.place is PlaceKind.RECORDED:
        return [
            Paragraph(
                f"{declared(body.name, body.for_each)}: one for each one recorded. The documents do not list them; "
                "officers register them in the records store."
            )
        ]
    labels = [placed.label for placed in body_instances(council, body)]
    title = f"{declared(body.name, body.for_each)}: one for {body.for_each.describe()}"
    return [BulletList(labels, title) if labels else Paragraph(f"{title}; there are none.")]


def _partners(partners: list[Partner]) -> Section:
    rows = [[mark(p, p.name, brief=True), mark_field(p, "kind", p.kind or "", brief=True)] for p in partners]
    found = [note for p in partners for note in notes(p, p.name, (None, p.role))]
    return Section("partners", "Partners", [Table("Partners", ["Partner", "Kind"], rows), *notes_list(found, "Roles")])


def _methods(council: Council) -> Section:
    body_names = {b.id: declared(b.name, b.for_each) for b in council.bodies}
    show_body = any(m.body for m in council.methods)

    def row(method: EngagementMethod) -> list[str]:
        levels = ", ".join(level.value for level in method.levels) or "not stated"
        cells = [
            mark(method, method.name, brief=True),
            mark_field(method, "levels", levels, brief=True),
            mark_field(method, "tools", ", ".join(method.tools), brief=True),
        ]
        if show_body:
            body = body_names.get(method.body, method.body) if method.body else ""
            cells.append(mark_field(method, "body", body, brief=True))
        return cells

    columns = ["Method", "IAP2 level", "Tools", *["Through"] * show_body]
    table = Table("Engagement methods and their IAP2 participation levels", columns, [row(m) for m in council.methods])
    found = [note for m in council.methods for note in notes(m, m.name, (None, m.description))]
    return Section("methods", "Engagement methods", [table, *notes_list(found)])


def _abcd(abcd: AbcdApproach) -> Section:
    blocks: list[Block] = []
    if abcd.description:
        blocks.append(Paragraph(mark_field(abcd, "description", abcd.description)))
    if abcd.shift:
        blocks.append(Paragraph(mark_field(abcd, "shift", abcd.shift)))
    if abcd.questions:
        blocks.append(BulletList([mark(q, q.wording) for q in abcd.questions], "The three questions"))
    for example in abcd.examples:
        rows = [[q.meaning.capitalize(), text] for q, text in example.answers.items()]
        blocks.append(Table(mark(example, f"Example: {example.name}", brief=True), ["Question", "Answer"], rows))
    if abcd.principles:
        blocks.append(BulletList(abcd.principles, mark_field(abcd, "principles", "Principles")))
    found = notes(abcd, "The approach", shown={"description", "shift", "principles"})
    found += [note for q in abcd.questions for note in notes(q, q.wording, inline=True)]
    found += [note for example in abcd.examples for note in notes(example, f"Example: {example.name}")]
    blocks += notes_list(found)
    return Section("abcd", "Asset-Based Community Development", blocks)
