"""Every format carries the whole report: each section heading and each fact appears in the
text, Markdown, HTML, JSON, Word and XLSX reports of every bundled council, with and without
records.

The facts are taken from the :class:`Report` itself, not listed by hand: every section's
heading, every label and value of its fields, every table's caption, column headings and
cells (a chart's as the table of its data), every finding's rule title, and the date the
report is as of. Each rendering is read back as text (Word through python-docx, XLSX through
openpyxl, HTML through its parser) and each fact looked for, whitespace aside. The text format
wraps table cells inside their columns, so its tables are read back column by column.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import attrs
import pytest
from tests.conftest import BUNDLED

from engagekit.definition import load_definition_text
from engagekit.model import Council
from engagekit.model.sources import human_date
from engagekit.plugins import PluginHost
from engagekit.records import ActionStatus, ActionUpdate, InstanceRecord, ReviewRecord, open_store
from engagekit.report import Report, council_report
from engagekit.report.document import Chart, Fields, Section, Table
from engagekit.report.docx import render_docx
from engagekit.report.html import render_html
from engagekit.report.json_format import render_json
from engagekit.report.markdown import render_markdown
from engagekit.report.tables import render_xlsx
from engagekit.report.text import render_text
from engagekit.spreadsheet_cells import restore

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

AS_OF = dt.date(2026, 3, 1)
BUSY_MS = 30_000


# -- the facts of a report ----------------------------------------------------------------


@attrs.frozen
class Fact:
    where: str
    """The headings of the section it is in, ``Places and communities › Areas``."""
    what: str
    """``heading``, ``field``, ``caption``, ``column``, ``cell``, ``finding`` or ``date``."""
    text: str


def facts(report: Report) -> list[Fact]:
    """Every heading and fact of ``report``, from the report's own data."""
    found = [Fact("", "date", human_date(report.as_of))]
    found += [Fact("All findings", "finding", finding.rule_title) for finding in report.findings]
    for section in report.sections:
        found += _section_facts(section, ())
    return [fact for fact in found if fact.text.strip()]


def _section_facts(section: Section, path: tuple[str, ...]) -> Iterator[Fact]:
    path = (*path, section.title)
    where = " › ".join(path)
    yield Fact(where, "heading", section.title)
    for block in section.blocks:
        if isinstance(block, Fields):
            for label, value in block.items:
                yield Fact(where, "field", label)
                yield Fact(where, "field", value)
        if isinstance(block, Chart):  # its title, and its data: categories, series and values
            yield Fact(where, "caption", block.title)
            data = block.table()
            yield from (Fact(where, "column", column) for column in data.columns)
            yield from (Fact(where, "cell", cell) for row in data.rows for cell in row)
        if isinstance(block, Table):
            yield Fact(where, "caption", block.caption)
            yield from (Fact(where, "column", column) for column in block.columns)
            yield from (Fact(where, "cell", cell) for row in block.rows for cell in row)
    for sub in section.sections:
        yield from _section_facts(sub, path)


# -- each format read back as text --------------------------------------------------------


def flat(text: str) -> str:
    return " ".join(text.split())


def bare(text: str) -> str:
    return "".join(text.split())


@attrs.frozen
class Rendering:
    """A format's output as searchable text, and (for the text format) its table columns."""

    text: str
    columns: list[str] = attrs.field(factory=list)

    def has(self, fact: str) -> bool:
        if flat(fact) in self.text:
            return True
        wanted = bare(fact)
        return any(wanted in column for column in self.columns)


_SEPARATOR = re.compile(r"^-+(?: {2}-+)*$")


def text_columns(text: str) -> list[str]:
    """Each column of each table of the text report, its wrapped lines joined, spaces removed.

    A table is found by the dashes under its header row, which mark where each column runs.
    """
    lines = text.splitlines()
    columns = []
    for index, line in enumerate(lines):
        if not _SEPARATOR.match(line):
            continue
        spans = [(match.start(), match.end()) for match in re.finditer(r"-+", line)]
        header: list[str] = []
        for above in reversed(lines[:index]):
            if not above.strip():
                break
            header.insert(0, above)
        if header and header[0].endswith(":"):
            header = header[1:]  # the table's caption
        body = []
        for below in lines[index + 1 :]:
            if not below.strip():
                break
            body.append(below)
        for start, end in spans:
            columns.append(bare("".join(line[start:end] for line in header)))
            columns.append(bare("".join(line[start:end] for line in body)))
    return columns


def text_rendering(report: Report) -> Rendering:
    rendered = render_text(report)
    return Rendering(flat(rendered), text_columns(rendered))


def markdown_rendering(report: Report) -> Rendering:
    return Rendering(flat(re.sub(r"\\(.)", r"\1", render_markdown(report))))


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "svg")
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "svg")
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_rendering(report: Report) -> Rendering:
    parser = _HtmlText()
    parser.feed(render_html(report))
    return Rendering(flat("".join(parser.parts)))


def json_rendering(report: Report) -> Rendering:
    def values(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float):
            yield f"{value:g}"
        elif isinstance(value, dict):
            for item in value.values():
                yield from values(item)
        elif isinstance(value, list):
            for item in value:
                yield from values(item)

    return Rendering(flat("\n".join(values(json.loads(render_json(report))))))


def docx_rendering(report: Report) -> Rendering:
    document = docx.Document(io.BytesIO(render_docx(report)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return Rendering(flat("\n".join([paragraph.text for paragraph in document.paragraphs] + cells)))


def xlsx_rendering(report: Report) -> Rendering:
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)), read_only=True)
    cells = [
        str(restore(value))
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return Rendering(flat("\n".join(cells)))


FORMATS: dict[str, Callable[[Report], Rendering]] = {
    "text": text_rendering,
    "markdown": markdown_rendering,
    "html": html_rendering,
    "json": json_rendering,
    "docx": docx_rendering,
    "xlsx": xlsx_rendering,
}


def missing(report: Report, rendering: Rendering) -> list[Fact]:
    return [fact for fact in facts(report) if not rendering.has(fact.text)]


def describe(missed: list[Fact]) -> str:
    sections = sorted({fact.where for fact in missed})
    lines = [f"{fact.where or '(report)'}: {fact.what} {fact.text!r}" for fact in missed[:40]]
    more = [f"... and {len(missed) - 40} more"] if len(missed) > 40 else []
    return f"{len(missed)} facts missing, from {len(sections)} sections:\n" + "\n".join(lines + more)


# -- the reports --------------------------------------------------------------------------


def some_records(council: Council) -> list[Any]:
    """Records that reach every kind of section: action updates, a review, a registered instance."""
    made: list[Any] = []
    who = council.id, "officer"
    actions = [planned.action.id for planned in council.programme.action_plan.all_actions()]
    if actions:
        made.append(update(who, actions[0], ActionStatus.IN_PROGRESS, dt.date(2026, 2, 1), 40))
        made.append(update(who, actions[-1], ActionStatus.COMPLETED, dt.date(2026, 1, 5)))
    governance = council.programme.governance
    obligations = [c.id for c in governance.review_cycles if c.for_each is None]
    obligations += [r.id for r in governance.reports_due if r.for_each is None]
    if obligations:
        made.append(
            ReviewRecord(council_id=who[0], recorded_by=who[1], obligation_id=obligations[0], date=dt.date(2025, 6, 2))
        )
    for body in council.bodies:
        if body.for_each is not None and body.for_each.place.value == "recorded":
            made.append(
                InstanceRecord(
                    council_id=who[0],
                    recorded_by=who[1],
                    body_id=body.id,
                    instance="test-one",
                    name="Test One Forum",
                    cluster_id=council.clusters[0].id if council.clusters else None,
                    date=dt.date(2024, 4, 1),
                )
            )
    return made


def update(
    who: tuple[str, str], action_id: str, status: ActionStatus, date: dt.date, percent: int | None = None
) -> ActionUpdate:
    return ActionUpdate(
        council_id=who[0], recorded_by=who[1], action_id=action_id, status=status, percent=percent, date=date
    )


@pytest.fixture(scope="module")
def reports(bundled_host: PluginHost, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Report]:
    """Each bundled council's report as of AS_OF, without records and with some."""
    made = {}
    for council_id in BUNDLED:
        council = bundled_host.council(council_id)
        made[council_id, False] = council_report(council, AS_OF, host=bundled_host)
        url = f"sqlite:///{tmp_path_factory.mktemp(council_id) / 'records.db'}"
        with open_store(url, busy_timeout_ms=BUSY_MS) as store:
            store.add(council, some_records(council))
            made[council_id, True] = council_report(council, AS_OF, host=bundled_host, evidence=store.evidence(council))
    return made


@pytest.fixture(scope="module")
def bundled_host() -> PluginHost:
    import engagekit

    return engagekit.get_plugin_host(environ={})


# -- the tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", list(FORMATS))
@pytest.mark.parametrize("records", [False, True], ids=["no-records", "records"])
@pytest.mark.parametrize("council_id", list(BUNDLED))
def test_every_heading_and_fact_appears_in_every_format(
    reports: dict[tuple[str, bool], Report], council_id: str, records: bool, format_name: str
) -> None:
    report = reports[council_id, records]
    missed = missing(report, FORMATS[format_name](report))
    assert not missed, f"the {format_name} report of {council_id}: " + describe(missed)


def test_the_facts_reach_every_kind_of_section(reports: dict[tuple[str, bool], Report]) -> None:
    """Otherwise the test above would be checking little: the records add latest updates and a place."""
    for council_id in BUNDLED:
        plain, recorded = reports[council_id, False], reports[council_id, True]
        kinds = {fact.what for fact in facts(recorded)}
        assert kinds >= {"heading", "field", "caption", "column", "cell", "finding", "date"}, council_id
        assert len(facts(recorded)) > 100, council_id
        assert len(facts(recorded)) >= len(facts(plain)), council_id
    basildon = {fact.text for fact in facts(reports["basildon", True])}
    assert "in-progress 40% (1 February 2026)" in basildon
    thurrock = {fact.text for fact in facts(reports["thurrock", True])}
    assert "Test One Forum" in " ".join(thurrock)


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_a_section_left_out_is_reported_by_its_heading_and_facts(
    reports: dict[tuple[str, bool], Report], format_name: str
) -> None:
    """The check fails, naming the section, when a format leaves a section out."""
    report = reports["bathnes", False]
    without = attrs.evolve(report, sections=[section for section in report.sections if section.id != "places"])
    missed = missing(report, FORMATS[format_name](without))
    assert Fact("Places and communities", "heading", "Places and communities") in missed
    assert {fact.where for fact in missed} >= {"Places and communities › Areas", "Places and communities › Clusters"}
    assert "Places and communities › Clusters" in describe(missed)
    assert len(missed) > 10


def test_the_text_format_tables_are_read_back_column_by_column() -> None:
    table = Table("People", ["Name", "Role"], [["A very long name that wraps across lines", "Chair"], ["B", "Member"]])
    report = Report("x", "X", "X", AS_OF, [Section("people", "People", [table])], {})
    rendering = Rendering(flat(render_text(report, width=30)), text_columns(render_text(report, width=30)))
    assert rendering.has("A very long name that wraps across lines")
    assert not rendering.has("A very long name that wraps across lines Chair")


HOSTILE = """
id: hostile
name: "Hostile\\x01 Council\\x1b]0;retitled\\x07"
description: "Bell\\x07 form\\x0c feed, vertical\\x0b tab, \\x1b[31mred\\x1b[0m, DEL\\x7f, CSI\\x9b2J, nul\\x00 end"
documents:
  - {id: own, title: "Our\\x02 strategy", role: primary}
source: {document: own, section: "1\\x03"}
areas:
  - {id: north, name: "North\\x0bward", kind: ward, source: {document: own, section: "2"}}
programme:
  id: plan
  name: "The\\x08 plan"
  source: {document: own, section: "3"}
"""


def test_control_characters_in_a_definition_do_not_break_the_word_report() -> None:
    """Word's XML holds no control character: the report takes them out instead of failing."""
    council = load_definition_text(HOSTILE, "hostile.yaml")
    assert "\x07" in (council.description or "")
    assert "\x00" in (council.description or "")
    report = council_report(council, AS_OF)
    document = docx.Document(io.BytesIO(render_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Hostile Council" in text
    assert "Bell form feed, vertical tab, red, DEL, CSI, nul end" in text
    assert "Northward" in text
    assert "Our strategy" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert document.core_properties.title == "Hostile Council: The plan"
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert all(len(name) <= 31 for name in workbook.sheetnames)


@pytest.mark.parametrize("council_id", list(BUNDLED))
def test_the_word_headings_run_in_order_under_a_title_page(
    reports: dict[tuple[str, bool], Report], council_id: str
) -> None:
    """A committee paper's headings never skip a level, so Word's navigation pane reads as an outline."""
    report = reports[council_id, True]
    document = docx.Document(io.BytesIO(render_docx(report)))
    styles = [p.style.name for p in document.paragraphs]
    assert styles[:3] == ["Title", "Normal", "Subtitle"]
    assert document.paragraphs[2].text == "About this report"
    levels = [int(name.removeprefix("Heading ")) for name in styles if name.startswith("Heading ")]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Status of this report:" in text
    assert all(repeats_header(table) for table in document.tables)


def repeats_header(table: Any) -> bool:
    marker = table.rows[0]._tr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}trPr/"
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
    )
    return marker is not None


def test_each_section_with_a_table_gets_a_valid_sheet_and_its_cells_stay_text() -> None:
    hostile = "Plan: a/b *c* [d] e? f\\g"
    cells = Table("Risky", ["=Column", "Note"], [['=HYPERLINK("http://x")', "@SUM(A1)"], ["-x", "'quoted"]])
    sections = [
        Section("one", hostile, [cells]),
        Section("two", hostile, [Table("Again", ["A"], [["1"]])]),
        Section("history", "History", [Table("H", ["A"], [["2"]])]),
        Section("long", "A section title far longer than thirty-one characters", [Table("L", ["A"], [["3"]])]),
        Section("prose", "Only prose", [], [Section("sub", "Sub with a table", [Table("S", ["A"], [["4"]])])]),
        Section("none", "No table at all", []),
    ]
    report = Report("x", "X", "X", AS_OF, sections, {})
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    names = workbook.sheetnames
    assert names[:3] == ["actions", "findings", "contents"]
    assert names[3:] == [
        "Plan a b c d e f g",
        "Plan a b c d e f g (2)",
        "History (2)",
        "A section title far longer than",
        "Only prose",
    ]
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert len({name.lower() for name in names}) == len(names)
    sheet = workbook["Plan a b c d e f g"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == hostile
    assert values[2][:2] == ["'=Column", "Note"]
    assert values[3][:2] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert values[4][:2] == ["'-x", "''quoted"]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)
    contents = list(workbook["contents"].iter_rows(min_row=2, values_only=True))
    assert ("No table at all", 1, None) in contents
    assert ("Sub with a table", 2, "Only prose") in contents
