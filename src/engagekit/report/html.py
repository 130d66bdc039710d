"""The HTML report: one self-contained, accessible page (WCAG 2.2 AA) for publishing or printing.

The page is drawn by Jinja2 templates (``templates/report.html.j2``) with autoescaping on for
everything, so no text from a definition, plugin or record is ever read as HTML. The only
markup not written by the templates is the stylesheet (``templates/report.css``, inlined) and
the charts' SVG (:mod:`engagekit.report.svg`, which escapes every text it draws).

This module imports Jinja2, so it is imported only when HTML is rendered.
"""

from __future__ import annotations

import functools
import re

import attrs
import jinja2
from markupsafe import Markup

from engagekit.model.sources import human_date
from engagekit.report.document import ONLY_DRAWABLE, Block, BulletList, Chart, Fields, Paragraph, Report, Section, Table
from engagekit.report.svg import render_svg, undrawable_count
from engagekit.rules.findings import Status

LANGUAGE = "en-GB"

_STATUS_BY_LABEL = {status.label: status for status in Status}
_STATUS_PREFIXES = {f"{status.value.upper()}: ": status for status in Status}
"""How the summary's "Needs attention" list starts each item (``RED: ...``)."""


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("engagekit.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(report: Report) -> str:
    """``report`` as a complete HTML page: styles and charts inline, nothing fetched."""
    environment = _environment()
    assert environment.loader is not None
    css, _, _ = environment.loader.get_source(environment, "report.css")
    page = _page(report)
    return environment.get_template("report.html.j2").render(page=page, css=Markup(css))


# -- the page as view data: what the templates draw, every text still plain ----------------


@attrs.frozen
class StatusView:
    value: str
    label: str


@attrs.frozen
class Cell:
    text: str
    header: bool = False
    status: StatusView | None = None

    @property
    def word(self) -> bool:
        """A short code or id ("CN-1", "E07000066"): kept on one line, not broken at a hyphen."""
        return 0 < len(self.text) <= 16 and not any(ch.isspace() for ch in self.text)


@attrs.frozen
class ColumnView:
    text: str
    hidden: bool = False
    """An empty header cell: its text is for screen readers only."""


@attrs.frozen
class TableView:
    id: str
    caption: str
    caption_hidden: bool
    columns: list[ColumnView]
    rows: list[list[Cell]]
    kind: str = "table"


@attrs.frozen
class ItemView:
    text: str
    status: StatusView | None = None


@attrs.frozen
class ListView:
    id: str
    title: str | None
    items: list[ItemView]
    kind: str = "list"


@attrs.frozen
class ParagraphView:
    text: str
    kind: str = "paragraph"


@attrs.frozen
class FieldsView:
    items: list[tuple[str, str]]
    kind: str = "fields"


@attrs.frozen
class ChartView:
    id: str
    title: str
    description: str
    svg: Markup
    table: TableView
    kind: str = "chart"


BlockView = ParagraphView | ListView | FieldsView | TableView | ChartView


@attrs.frozen
class SectionView:
    id: str
    heading_id: str
    level: int
    title: str
    blocks: list[BlockView]
    sections: list[SectionView]


@attrs.frozen
class SummaryItem:
    status: StatusView
    count: int
    noun: str


@attrs.frozen
class PageView:
    lang: str
    title: str
    page_title: str
    council_name: str
    as_of: str
    as_of_iso: str
    summary: list[SummaryItem]
    total_findings: int
    findings_anchor: str | None
    sections: list[SectionView]
    schema_version: int


class _Ids:
    """Unique, safe ``id`` values for the page, whatever a section's own id holds."""

    def __init__(self) -> None:
        self.used = {"main-content", "contents-heading", "status-summary-heading"}

    def make(self, base: str, prefix: str) -> str:
        """A new id: ``prefix-`` and a slug of ``base``, numbered if taken.

        A slug never holds ``--``, so ids made by adding ``--heading`` (and so on) to these
        can never clash with another.
        """
        slug = re.sub(r"[^a-z0-9]+", "-", base.lower())[:60].strip("-") or "part"
        candidate = f"{prefix}-{slug}"
        number = 1
        while candidate in self.used:
            number += 1
            candidate = f"{prefix}-{slug}-{number}"
        self.used.add(candidate)
        return candidate


def _status(status: Status) -> StatusView:
    return StatusView(status.value, status.label)


def _page(report: Report) -> PageView:
    ids = _Ids()
    sections = [_section(section, 2, ids) for section in report.sections]
    ordered = sorted(Status, key=lambda status: status.severity)
    summary = [
        SummaryItem(
            _status(status),
            report.status_counts.get(status.value, 0),
            "finding" if report.status_counts.get(status.value, 0) == 1 else "findings",
        )
        for status in ordered
    ]
    findings = next((s.id for s in sections if s.id == "section-findings"), None)
    as_of = human_date(report.as_of)
    return PageView(
        lang=LANGUAGE,
        title=report.title,
        page_title=f"{report.title} – report as of {as_of}",
        council_name=report.council_name,
        as_of=as_of,
        as_of_iso=report.as_of.isoformat(),
        summary=summary,
        total_findings=sum(item.count for item in summary),
        findings_anchor=findings,
        sections=sections,
        schema_version=report.schema_version,
    )


def _section(section: Section, level: int, ids: _Ids) -> SectionView:
    anchor = ids.make(section.id, "section")
    blocks = [_block(block, section, ids) for block in section.blocks]
    return SectionView(
        id=anchor,
        heading_id=f"{anchor}--heading",
        level=min(level, 6),
        title=section.title,
        blocks=blocks,
        sections=[_section(sub, level + 1, ids) for sub in section.sections],
    )


def _block(block: Block, section: Section, ids: _Ids) -> BlockView:
    if isinstance(block, Paragraph):
        return ParagraphView(block.text)
    if isinstance(block, BulletList):
        # Only the summary's "Needs attention" list starts items with a status ("RED: ...").
        items = [_item(item) if section.id == "summary" else ItemView(item) for item in block.items]
        return ListView(ids.make(block.title or "list", "list"), block.title, items)
    if isinstance(block, Fields):
        return FieldsView(list(block.items))
    if isinstance(block, Table):
        return table_view(block, ids.make(block.caption, "table"), hide_caption=block.caption == section.title)
    if isinstance(block, Chart):
        chart_id = ids.make(block.title, "chart")
        block = _noting_undrawable(block)
        return ChartView(
            id=chart_id,
            title=block.title,
            description=block.description,
            svg=Markup(render_svg(block, chart_id)),  # every text in it is escaped by render_svg
            table=table_view(block.table(), f"{chart_id}--data", first_header="Category"),
        )
    raise TypeError(f"cannot render a {type(block).__name__} as HTML")  # pragma: no cover


def _noting_undrawable(chart: Chart) -> Chart:
    """``chart`` with a sentence added to its description for values the SVG leaves out.

    The report's own charts leave such readings out themselves and say which; this covers a
    chart a plugin or the Python API made, whose ``inf`` or ``nan`` would otherwise vanish unsaid.
    """
    count = undrawable_count(chart)
    if not count:
        return chart
    values = "1 value is" if count == 1 else f"{count} values are"
    note = f"{values} not drawn (see the table): {ONLY_DRAWABLE}."
    return attrs.evolve(chart, description=f"{chart.description} {note}".strip())


def _item(text: str) -> ItemView:
    for prefix, status in _STATUS_PREFIXES.items():
        if text.startswith(prefix):
            return ItemView(text[len(prefix) :], _status(status))
    return ItemView(text)


def table_view(
    table: Table, table_id: str, *, hide_caption: bool = False, first_header: str | None = None
) -> TableView:
    """A table's cells, with header cells marked.

    The first cell of each row is a row header when the first column names the rows: every
    one is filled in and no two are the same. Cells that hold a status label get a badge.
    """
    columns = []
    for index, text in enumerate(table.columns):
        if text.strip():
            columns.append(ColumnView(text))
        else:
            columns.append(ColumnView(first_header if index == 0 and first_header else f"Column {index + 1}", True))
    first = [row[0] for row in table.rows if row]
    names_rows = (
        len(table.columns) > 1 and bool(first) and all(text.strip() for text in first) and len(set(first)) == len(first)
    )
    rows = [
        [
            Cell(
                text,
                header=names_rows and index == 0,
                status=_status(_STATUS_BY_LABEL[text]) if text in _STATUS_BY_LABEL else None,
            )
            for index, text in enumerate(row)
        ]
        for row in table.rows
    ]
    return TableView(table_id, table.caption, hide_caption, columns, rows)
