"""The Word report, laid out like a UK committee report: a title page, numbered sections, real
headings and tables a screen reader can follow.

    engagekit report --council basildon --format docx --output basildon.docx

The document is drawn from the :class:`~engagekit.report.document.Report` alone and carries
every section the HTML report does, ordered as a committee paper is: a title page ("About this
report": the council, the programme, its status and adoption with their caveats, the date the
report is as of, and what the report is), then 1. the summary (the status counts, what needs
attention and the charts, "At a glance", each as its description and the table of its data),
2. all findings, 3. the action plan with latest status, 4. the programme in detail (every other
section in the report's order: places at a glance, places, commitments, governance, bodies, the
rest of the programme, earlier programmes, plugins' sections) and 5. the sources. No
description or caveat of the report is left out of the paper. Headings use Word's Heading
styles (so they appear in the navigation pane), every table has a header row that repeats on
each printed page and a caption, and a status is always a word, never a colour alone.

Every text passes through one sanitiser first (:func:`word_text`): Word's XML cannot hold
control characters or lone surrogates, which a definition or a record may, so they are taken
out (terminal escape sequences whole) instead of failing the document.

python-docx is needed only here: this module is imported when a Word report is asked for.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.model.sources import human_date
from engagekit.records.cells import SURROGATES
from engagekit.report.document import Block, BulletList, Chart, Fields, Paragraph, Report, Section, Series, Table
from engagekit.rules.findings import Finding, Status
from engagekit.terminal_text import printable

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

SUMMARY = "1. Summary"
FINDINGS = "2. All findings"
ACTION_PLAN = "3. Action plan"
DETAILS = "4. The programme in detail"
SOURCES = "5. Sources"
HEADINGS = [SUMMARY, FINDINGS, ACTION_PLAN, DETAILS, SOURCES]
"""The report's numbered sections, in order (each a Heading 1)."""

ABOUT = "About this report"
"""The title page's heading (the report's ``header`` section)."""
AT_A_GLANCE = "At a glance"
"""The summary's part holding the charts (the report's ``charts`` section), if it has any."""

OWN_PLACES = {"header", "summary", "findings", "action-plan", "sources", "charts"}
"""Report sections the Word report draws in a place of their own: the header on the title page,
the charts in the summary, the rest under their numbered headings."""

STATUS_OF_REPORT = (
    "This report is drawn by engagekit from the public documents listed under Sources and the "
    "progress recorded up to the date it is as of; it is not itself a decision or a document of the "
    "council. Where the documents are tentative (a fact only expected, proposed, inferred or not "
    "stated), their words stand in brackets beside the fact, and the notes under each table give them in full."
)
"""What the title page says the document is."""

_NOT_IN_WORD = re.compile(f"[{SURROGATES}\ufffe\uffff]")

FINDING_COLUMNS = ["Status", "Rule", "About", "Finding", "Source"]
"""The columns of the findings table; any other column of the report's (the evidence, with
records) goes in a second table, "Evidence behind the findings", keyed by rule and subject."""
EVIDENCE_KEYS = ["Rule", "About"]
ACTION_COLUMNS = ["Id", "Action", "Owner", "Due", "Serves", "Latest update"]
"""The columns of an action table in the Word report, those the report's table has, in this order."""

TABLE_STYLE = "Table Grid"
PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.0

_WIDTHS = {
    "Status": 3.0,
    "Rule": 3.5,
    "About": 3.0,
    "Finding": 5.5,
    "Source": 3.5,
    "Id": 1.5,
    "Action": 9.0,
    "Owner": 2.5,
    "Due": 2.5,
    "Latest update": 3.5,
    "Serves": 3.0,
    "Evidence": 6.0,
    "Findings": 2.0,
}
"""Relative column widths by header; a column not named here gets 3."""


def word_text(text: str) -> str:
    """``text`` as Word's XML can hold it: no terminal escapes, no control characters other
    than tab and line feed, no lone surrogates or non-characters."""
    if text.isprintable():
        return text
    return _NOT_IN_WORD.sub("", printable(text))


def render_docx(report: Report) -> bytes:
    """The report as a Word document (.docx)."""
    import docx

    report = word_report(report)
    document = docx.Document()
    writer = _Writer(document)
    writer.setup(report)

    writer.title_page(report)

    document.add_heading(SUMMARY, level=1)
    writer.summary(report)
    writer.charts(report)

    document.add_heading(FINDINGS, level=1)
    writer.findings(report)

    document.add_heading(ACTION_PLAN, level=1)
    writer.action_plan(report)

    document.add_heading(DETAILS, level=1)
    writer.details(report)

    document.add_heading(SOURCES, level=1)
    writer.sources(report)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _section(report: Report, section_id: str) -> Section | None:
    return next((section for section in report.sections if section.id == section_id), None)


def word_report(report: Report) -> Report:
    """``report`` with every text the Word report draws passed through :func:`word_text`."""
    return attrs.evolve(
        report,
        title=word_text(report.title),
        council_name=word_text(report.council_name),
        council_id=word_text(report.council_id),
        sections=[_word_section(section) for section in report.sections],
        findings=[_word_finding(finding) for finding in report.findings],
    )


def _word_section(section: Section) -> Section:
    return Section(
        section.id,
        word_text(section.title),
        [_word_block(block) for block in section.blocks],
        [_word_section(sub) for sub in section.sections],
    )


def _word_block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return attrs.evolve(block, text=word_text(block.text))
    if isinstance(block, BulletList):
        title = None if block.title is None else word_text(block.title)
        return attrs.evolve(block, items=[word_text(item) for item in block.items], title=title)
    if isinstance(block, Fields):
        return attrs.evolve(block, items=[(word_text(label), word_text(value)) for label, value in block.items])
    if isinstance(block, Table):
        return Table(
            word_text(block.caption),
            [word_text(column) for column in block.columns],
            [[word_text(cell) for cell in row] for row in block.rows],
        )
    if isinstance(block, Chart):
        return attrs.evolve(
            block,
            title=word_text(block.title),
            categories=[word_text(category) for category in block.categories],
            series=[Series(word_text(series.name), series.values) for series in block.series],
            description=word_text(block.description),
            unit=None if block.unit is None else word_text(block.unit),
        )
    return block  # pragma: no cover - a kind of block the Word report does not draw


def _word_finding(finding: Finding) -> Finding:
    source = finding.source
    if source is not None:
        source = attrs.evolve(source, document=word_text(source.document), section=word_text(source.section))
    return attrs.evolve(
        finding,
        rule_title=word_text(finding.rule_title),
        subject=word_text(finding.subject),
        message=word_text(finding.message),
        source=source,
    )


def _field(report: Report, label: str) -> str | None:
    header = _section(report, "header")
    for block in header.blocks if header else []:
        if isinstance(block, Fields):
            for name, value in block.items:
                if name == label:
                    return value
    return None


def _programme(report: Report) -> str:
    """The programme's name and kind from the report's header, else from its title."""
    programme = _field(report, "Programme")
    if programme:
        return programme
    _, sep, rest = report.title.partition(": ")
    return rest if sep else report.title


def _columns(table: Table, wanted: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """The ``wanted`` columns the table has, in the order of ``wanted``, and its rows cut to them."""
    at = {name: index for index, name in enumerate(table.columns)}
    columns = [name for name in wanted if name in at]
    return columns, [[row[at[name]] for name in columns] for row in table.rows]


class _Writer:
    """Adds the report's parts to a python-docx document, numbering its tables."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.tables = 0
        self._style_ids: dict[str, str] = {}

    def styled(self, text: str, style: str) -> DocxParagraph:
        """A new paragraph in a named style.

        python-docx looks a style up by name, and checks whether it is the default, on every
        paragraph (about 1 ms each, most of a long report's time); the id is looked up once here
        and set on the paragraph's properties directly.
        """
        paragraph = self.document.add_paragraph(text)
        if style not in self._style_ids:
            self._style_ids[style] = self.document.styles[style].style_id
        paragraph._p.get_or_add_pPr().style = self._style_ids[style]
        return paragraph

    # -- document setup -------------------------------------------------------------------

    def setup(self, report: Report) -> None:
        """A4 pages, British English, core properties and a footer with the page number."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        document = self.document
        for section in document.sections:
            section.page_width = Cm(PAGE_WIDTH_CM)
            section.page_height = Cm(PAGE_HEIGHT_CM)
            section.left_margin = section.right_margin = Cm(MARGIN_CM)
            section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
            footer = section.footer.paragraphs[0]
            footer.text = f"{report.council_name}: report as of {human_date(report.as_of)}. Page "
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            footer._p.append(field)

        normal = document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        for lang in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
            lang.set(qn("w:val"), "en-GB")

        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        properties = document.core_properties
        properties.title = report.title
        properties.subject = f"{_programme(report)}: report as of {human_date(report.as_of)}"
        properties.author = "engagekit"
        properties.last_modified_by = "engagekit"
        properties.keywords = f"{report.council_id}; community engagement; action plan; findings"
        properties.language = "en-GB"
        properties.category = "Committee report"
        properties.created = now
        properties.modified = now
        properties.revision = 1

    # -- parts ----------------------------------------------------------------------------

    def title_page(self, report: Report) -> None:
        """The title, a line naming the council, programme and date, the header's facts with
        their caveats, and what the document is; then a page break."""
        from docx.enum.text import WD_BREAK

        document = self.document
        document.add_heading(report.title, level=0)
        programme = _programme(report)
        document.add_paragraph(f"{report.council_name} — {programme} — Report as of {human_date(report.as_of)}")
        header = _section(report, "header")
        self.styled(header.title if header else ABOUT, "Subtitle")
        if header is not None:
            self.blocks(header)
        status = document.add_paragraph()
        status.add_run("Status of this report: ").bold = True
        status.add_run(STATUS_OF_REPORT)
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def charts(self, report: Report) -> None:
        """The report's charts under "At a glance": each one's description and its data as a table."""
        section = _section(report, "charts")
        if section is None or not section.blocks:
            return
        self.document.add_heading(section.title, level=2)
        self.blocks(section)

    def summary(self, report: Report) -> None:
        counts = report.status_counts
        total = sum(counts.values())
        self.document.add_paragraph(
            f"{total} finding{'' if total == 1 else 's'} as of {human_date(report.as_of)}, by status:"
            if total
            else "This council's definition has no reporting rules, so there are no findings."
        )
        rows = [[status.label, str(counts.get(status.value, 0))] for status in sorted(Status, key=_severity)]
        self.table("Findings by status", ["Status", "Findings"], rows)

        self.document.add_heading("Needs attention", level=2)
        attention = sorted(
            (f for f in report.findings if f.status in (Status.RED, Status.AMBER)), key=lambda f: f.status.severity
        )
        if attention:
            for finding in attention:
                self.styled(f"{finding.status.label}: {finding.rule_title} — {finding.message}", "List Bullet")
        elif report.findings:
            self.document.add_paragraph("Nothing is overdue or due soon.")
        else:
            self.document.add_paragraph("Nothing: there are no findings.")

    def findings(self, report: Report) -> None:
        section = _section(report, "findings")
        table = next((b for b in section.blocks if isinstance(b, Table)), None) if section else None
        extra: tuple[list[str], list[list[str]]] = ([], [])
        if table is not None:
            columns, rows = _columns(table, FINDING_COLUMNS)
            more = [name for name in table.columns if name not in FINDING_COLUMNS]
            if more:
                keys, cells = _columns(table, [*EVIDENCE_KEYS, *more])
                extra = (keys, [row for row in cells if any(row[len(EVIDENCE_KEYS) :])])
        elif report.findings:  # a report without its findings section: cite document ids
            columns = FINDING_COLUMNS
            rows = [
                [
                    f.status.label,
                    f.rule_title,
                    f.subject,
                    f.message,
                    f"{f.source.document}, {f.source.section}" if f.source else "no source given",
                ]
                for f in sorted(report.findings, key=lambda f: f.status.severity)
            ]
        else:
            self.document.add_paragraph("No reporting rules apply.")
            return
        self.document.add_paragraph("Every finding, most urgent first. The status is given in words.")
        self.table("Findings", columns, rows)
        keys, cells = extra
        if cells:
            self.document.add_paragraph("The records each finding rests on, latest last.")
            self.table("Evidence behind the findings", keys, cells)

    def action_plan(self, report: Report) -> None:
        section = _section(report, "action-plan")
        if section is None:
            self.document.add_paragraph("This council's definition holds no action plan.")
            return
        self.blocks(section)
        for sub in section.sections:
            self.part(sub, 2)

    def part(self, section: Section, level: int) -> None:
        self.document.add_heading(section.title, level=min(level, 9))
        self.blocks(section)
        for sub in section.sections:
            self.part(sub, level + 1)

    def details(self, report: Report) -> None:
        """Every section not drawn elsewhere, each under a Heading 2, in the report's order."""
        rest = [section for section in report.sections if section.id not in OWN_PLACES]
        if not rest:
            self.document.add_paragraph("The report has nothing more to say.")
        for section in rest:
            self.part(section, 2)

    def sources(self, report: Report) -> None:
        section = _section(report, "sources")
        if section is None:
            self.document.add_paragraph("No sources are listed.")
            return
        self.blocks(section)

    # -- blocks ---------------------------------------------------------------------------

    def blocks(self, section: Section) -> None:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.document.add_paragraph(block.text)
            elif isinstance(block, BulletList):
                if block.title:
                    self.document.add_paragraph().add_run(block.title).bold = True
                for item in block.items:
                    self.styled(item, "List Bullet")
            elif isinstance(block, Fields):
                for label, value in block.items:
                    paragraph = self.document.add_paragraph()
                    paragraph.add_run(f"{label}: ").bold = True
                    paragraph.add_run(value)
            elif isinstance(block, Table):
                if block.caption == "Actions":
                    columns, rows = _columns(block, ACTION_COLUMNS)
                    self.table("Actions", columns, rows)
                else:
                    self.table(block.caption, block.columns, block.rows)
            elif isinstance(block, Chart):
                self.document.add_paragraph(f"{block.title}: {block.description}")
                data = block.table()
                self.table(data.caption, data.columns, data.rows)

    def table(self, caption: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A captioned table; its first row is a bold header that repeats on every page."""
        from docx.shared import Cm

        self.tables += 1
        self.styled(f"Table {self.tables}: {caption}", "Caption")
        table = self.document.add_table(rows=0, cols=len(columns))
        table.style = TABLE_STYLE
        table.autofit = False
        # Widths go on the columns before any row exists: new cells take their column's width,
        # which is far cheaper than setting every cell's width afterwards.
        weights = [_WIDTHS.get(name, 3.0) for name in columns]
        usable = PAGE_WIDTH_CM - 2 * MARGIN_CM
        for column, weight in zip(table.columns, weights, strict=True):
            column.width = Cm(usable * weight / sum(weights))
        cells = table.add_row().cells
        for cell, name in zip(cells, columns, strict=True):
            cell.paragraphs[0].add_run(name).bold = True
        _repeat_header(table)
        if rows:
            # One empty row built by python-docx serves as a template; each data row is a copy
            # filled with a run per cell (building thousands of rows through the API is slow).
            template = table.add_row()._tr
            table._tbl.remove(template)
            for row in rows:
                tr = copy.deepcopy(template)
                for tc, value in zip(tr.tc_lst, row, strict=True):
                    _add_text(tc.p_lst[0], value)
                table._tbl.append(tr)
        _describe(table, caption)
        self.document.add_paragraph()


_RUN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}r"
_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _add_text(paragraph: Any, value: str) -> None:
    """A run holding ``value`` at the end of a paragraph element.

    Text with no tab or line break (nearly every cell) is written as one ``w:t`` straight into
    the XML, as python-docx would, without its per-character parsing (most of a long table's time).
    """
    if "\t" in value or "\n" in value:
        paragraph.add_r().text = value
        return
    if not value:
        return
    run = paragraph.makeelement(_RUN, {})
    text = run.makeelement(_TEXT, {})
    text.text = value
    run.append(text)
    paragraph.append(run)
    if value != value.strip():
        text.set(_SPACE, "preserve")


def _severity(status: Status) -> int:
    return status.severity


def _repeat_header(table: DocxTable) -> None:
    """Mark the first row as a header row (``w:tblHeader``): repeated on each page, read as headers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)


def _describe(table: DocxTable, caption: str) -> None:
    """The table's title for assistive technology (``w:tblCaption``, the last of ``w:tblPr``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    title = OxmlElement("w:tblCaption")
    title.set(qn("w:val"), caption)
    table._tbl.tblPr.append(title)
