"""The HTML report: one accessible, self-contained page (WCAG 2.2 AA) that never lets text become markup.

Pages are parsed with the standard library's ``html.parser`` into a small tree, and the tests
check the structure a screen reader or keyboard user relies on: one ``<h1>``, headings in
order, captioned tables with scoped header cells, a skip link, text status labels, and a
``<svg role="img">`` with a title and description for every chart, followed by its data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from tests.fakes import FakeEvidence

from engagekit.definition import load_definition_text
from engagekit.plugins import PluginHost, get_plugin_host
from engagekit.report import council_report
from engagekit.report.document import BulletList, Chart, Fields, Paragraph, Report, Section, Series, Table
from engagekit.report.html import render_html, table_view
from engagekit.report.json_format import render_json
from engagekit.report.svg import ALL_COLOURS, TEXT, nice_ticks, render_svg
from engagekit.rules import EvidenceItem, Status
from engagekit.rules.context import EventCount

AS_OF = dt.date(2026, 11, 22)
HOSTILE = "<script>alert(1)</script> & \"double\" 'single' </style>"
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL = re.compile(r"https?://[^\s<>\"')]+")


# -- a small DOM from html.parser -------------------------------------------------------


@dataclasses.dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str) -> list[Node]:
        return [node for node in self.iter() if node.tag == tag]

    def find(self, tag: str) -> Node:
        (found,) = self.find_all(tag)
        return found

    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]

    def texts(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child.texts()

    @property
    def text(self) -> str:
        return " ".join("".join(self.texts()).split())

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class TreeBuilder(HTMLParser):
    """Builds a :class:`Node` tree, noting every tag closed out of order (a malformed page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None
        self.errors: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}, self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclasses.dataclass
class Page:
    source: str
    root: Node
    doctype: str | None

    def by_id(self) -> dict[str, Node]:
        return {node.attrs["id"]: node for node in self.root.iter() if "id" in node.attrs}

    def headings(self) -> list[tuple[int, str]]:
        return [(int(node.tag[1]), node.text) for node in self.root.iter() if re.fullmatch(r"h[1-6]", node.tag)]


def parse(source: str) -> Page:
    builder = TreeBuilder()
    builder.feed(source)
    builder.close()
    assert builder.errors == []
    assert [node.tag for node in builder.stack] == ["#document"], "every element is closed"
    return Page(source, builder.root, builder.doctype)


def json_strings(value: object) -> Iterator[str]:
    """Every string in decoded JSON data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def focusable(page: Page) -> list[Node]:
    """The elements a keyboard user tabs through, in order."""

    def is_focusable(node: Node) -> bool:
        if "tabindex" in node.attrs:
            return int(node.attrs["tabindex"]) >= 0
        if node.tag == "a":
            return "href" in node.attrs
        return node.tag in {"button", "input", "select", "textarea", "summary", "iframe"}

    return [node for node in page.root.iter() if is_focusable(node)]


def walk(sections: list[Section], depth: int = 2) -> Iterator[tuple[int, str]]:
    for section in sections:
        yield min(depth, 6), section.title
        yield from walk(section.sections, depth + 1)


# -- reports to render --------------------------------------------------------------------


def hostile_yaml() -> str:
    """A small definition with hostile text wherever a reader sees it (JSON strings are YAML)."""
    h = json.dumps(HOSTILE)
    return f"""
id: hostile
name: {h}
programme:
  id: plan
  name: {json.dumps("Plan " + HOSTILE)}
  action_plan:
    pillars:
      - id: p1
        name: {json.dumps("Pillar " + HOSTILE)}
        outcomes:
          - id: o1
            statement: {json.dumps("Outcome " + HOSTILE)}
            actions:
              - {{id: A-1, text: {json.dumps("Action " + HOSTILE)}}}
  governance:
    review_dates:
      - {{id: review, subject: {json.dumps("Review " + HOSTILE)}, date: 2025-03}}
areas:
  - {{id: all, name: {json.dumps("Area " + HOSTILE)}, kind: district}}
clusters:
  - {{id: c1, name: {json.dumps("Cluster " + HOSTILE)}}}
"""


def hostile_report() -> Report:
    council = load_definition_text(hostile_yaml(), "hostile.yaml")
    evidence = FakeEvidence(
        recorded_event_counts=[
            EventCount("2026-10", "c1", None, "consult", 3),
            EventCount("2026-11", "c1", None, None, 2),
        ]
    )
    return council_report(council, AS_OF, evidence=evidence)


def chart_report(*charts: Chart, title: str = "Chart report") -> Report:
    return Report(
        council_id="test",
        council_name="Test Council",
        title=title,
        as_of=AS_OF,
        sections=[Section("charts", "Charts", list(charts))],
        status_counts={status.value: 0 for status in Status},
    )


BAR = Chart(
    title="Events by level",
    chart="bar",
    categories=["inform", "consult", "involve"],
    series=[Series("This year", [3.0, 5.0, None]), Series("Last year", [1.0, 2.5, 4.0])],
    description="Two years of events by level.",
    unit="events",
)
STACKED = Chart(
    title="Actions by status",
    chart="stacked",
    categories=["Pillar one", "Pillar two"],
    series=[Series(name, [2.0, 1.0]) for name in ("completed", "in-progress", "delayed", "none recorded")],
    description="Twelve actions in two pillars.",
    unit="actions",
)
LINE = Chart(
    title="Residents reached over time",
    chart="line",
    categories=["2025-01", "2025-02", "2025-03", "2025-04"],
    series=[Series("Reading", [10.0, None, 30.5, 42.0]), Series("Target", [50.0, 50.0, 50.0, 50.0])],
    description="Four readings; the latest is 42 against a target of 50.",
    unit="residents",
)
HOSTILE_CHART = Chart(
    title=f"Chart {HOSTILE}",
    chart="bar",
    categories=[f"Category {HOSTILE}", "plain"],
    series=[Series(f"Series {HOSTILE}", [1.0, 2.0]), Series("other", [2.0, 1.0])],
    description=f"Description {HOSTILE}",
    unit=f"unit {HOSTILE}",
)

BUNDLED_FACTS = {
    "basildon": [
        "Basildon Borough Council",
        "Connected Communities Strategy 2021 – 2026",
        "Connected Neighbourhoods",
        "Connected Council",
        "Connected Partnerships",
        "Billericay",
        "Wickford",
        "CN-1",
        "CP-3",
        "E07000066",
    ],
    "bathnes": [
        "Bath & North East Somerset Council",
        "To LISTEN",
        "To PRIORITISE",
        "To JOIN UP",
        "To WORK WITH YOU",
        "To SHARE IDEAS",
        "Avon and Somerset Police",
        "Curo",
    ],
    "thurrock": [
        "Thurrock",
        "Aveley",
        "Chafford Hundred (including North Stifford)",
        "Tilbury and Chadwell St Mary",
        "Stanford le Hope and Corringham (including Fobbing and Homesteads)",
    ],
}


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return get_plugin_host(environ={})


@pytest.fixture(scope="module")
def bundled_reports(plugin_host: PluginHost) -> dict[str, tuple[Report, str]]:
    """Each bundled council's report and its HTML, rendered once for the module."""
    out = {}
    for council_id in BUNDLED_FACTS:
        report = council_report(plugin_host.council(council_id), AS_OF, host=plugin_host)
        out[council_id] = (report, render_html(report))
    return out


@pytest.fixture(scope="module")
def basildon_with_records(plugin_host: PluginHost) -> tuple[Report, str]:
    """Basildon with action updates, indicator readings and engagement counts: every kind of chart."""
    council = plugin_host.council("basildon")
    actions = [planned.action.id for planned in council.programme.action_plan.all_actions()]
    kinds = ["not-started", "in-progress", "at-risk", "delayed", "completed", "cancelled"]
    evidence = FakeEvidence(
        action_updates={
            action: [EvidenceItem(dt.date(2026, 3, 1), kinds[i % len(kinds)], "update")]
            for i, action in enumerate(actions[:-2])
        },
        readings={
            indicator.id: [
                EvidenceItem(dt.date(2025, month, 1), "reading", "reading", value=float(month * 3))
                for month in range(1, 7)
            ]
            for indicator in council.programme.indicators
        },
        recorded_event_counts=[
            EventCount(f"2026-{month:02d}", None, area.id, level, month + index)
            for month in range(1, 12)
            for index, area in enumerate(council.areas[:4])
            for level in ("inform", "involve")
        ],
    )
    report = council_report(council, AS_OF, host=plugin_host, evidence=evidence)
    return report, render_html(report)


# -- the page -----------------------------------------------------------------------------


def test_page_has_doctype_language_charset_viewport_and_title() -> None:
    source = render_html(chart_report(BAR))
    page = parse(source)
    assert source.startswith("<!DOCTYPE html>")
    assert page.doctype == "DOCTYPE html"
    html = page.root.find("html")
    assert html.attrs["lang"] == "en-GB"
    head = html.find("head")
    metas = head.find_all("meta")
    assert any("charset" in meta.attrs and meta.attrs["charset"].lower() == "utf-8" for meta in metas)
    assert any(meta.attrs.get("name") == "viewport" and "width=device-width" in meta.attrs["content"] for meta in metas)
    assert head.find("title").text == "Chart report – report as of 22 November 2026"
    assert head.elements()[0].tag == "meta"
    assert "charset" in head.elements()[0].attrs


def test_page_is_self_contained(bundled_reports: dict[str, tuple[Report, str]]) -> None:
    _, source = bundled_reports["basildon"]
    page = parse(source)
    assert "<script" not in source.lower()
    assert page.root.find_all("script") == []
    assert page.root.find_all("link") == []
    assert page.root.find_all("img") == []
    assert page.root.find_all("iframe") == []
    (style,) = page.root.find_all("style")
    assert style.parent is not None
    assert style.parent.tag == "head"
    css = style.text
    for fetch in ("url(", "@import", "@font-face"):
        assert fetch not in css
    for node in page.root.iter():
        assert "src" not in node.attrs
        assert not any(name.startswith("on") for name in node.attrs), f"event handler on <{node.tag}>"
        assert "style" not in node.attrs


def test_skip_link_is_first_focusable_and_its_target_is_main() -> None:
    page = parse(render_html(chart_report(BAR, STACKED)))
    first = focusable(page)[0]
    assert first.tag == "a"
    assert first.attrs["href"] == "#main-content"
    assert "Skip to main content" in first.text
    target = page.by_id()["main-content"]
    assert target.tag == "main"
    assert len(page.root.find_all("main")) == 1


def test_every_in_page_link_and_aria_reference_points_at_an_element(
    bundled_reports: dict[str, tuple[Report, str]],
) -> None:
    for _, source in bundled_reports.values():
        page = parse(source)
        ids = [node.attrs["id"] for node in page.root.iter() if "id" in node.attrs]
        assert len(ids) == len(set(ids)), "ids are unique"
        for node in page.root.iter():
            if node.tag == "a" and node.attrs.get("href", "").startswith("#"):
                assert node.attrs["href"][1:] in ids
            for name in ("aria-labelledby", "aria-describedby"):
                for ref in node.attrs.get(name, "").split():
                    assert ref in ids, f"{name}={ref!r} on <{node.tag}>"


def test_one_h1_with_the_report_title_and_headings_follow_the_sections() -> None:
    report = chart_report(BAR)
    page = parse(render_html(report))
    headings = page.headings()
    assert [level for level, _ in headings].count(1) == 1
    assert headings[0] == (1, "Chart report")
    assert headings[1:3] == [(2, "Status summary"), (2, "Contents")]
    assert headings[3:] == list(walk(report.sections))


def test_deep_sections_step_down_one_level_at_a_time_and_stop_at_h6() -> None:
    section = Section("s7", "Level 7")
    for depth in range(6, 0, -1):
        section = Section(f"s{depth}", f"Level {depth}", [Paragraph(f"text {depth}")], [section])
    report = chart_report()
    report = Report(
        council_id="t",
        council_name="T",
        title="Deep",
        as_of=AS_OF,
        sections=[section, Section("next", "Next")],
        status_counts=report.status_counts,
    )
    headings = parse(render_html(report)).headings()
    levels = [level for level, _ in headings]
    assert levels == [1, 2, 2, 2, 3, 4, 5, 6, 6, 6, 2]
    assert headings[-4:] == [(6, "Level 5"), (6, "Level 6"), (6, "Level 7"), (2, "Next")]


def assert_headings_in_order(page: Page) -> None:
    levels = [level for level, _ in page.headings()]
    assert levels[0] == 1
    assert levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} is followed by h{after}"


def assert_tables_are_captioned_and_scoped(page: Page) -> None:
    tables = page.root.find_all("table")
    assert tables
    for table in tables:
        caption = table.elements()[0]
        assert caption.tag == "caption", "the caption is the table's first child"
        assert caption.text
        header_cells = table.find("thead").find_all("th")
        assert header_cells
        assert all(cell.attrs.get("scope") == "col" and cell.text for cell in header_cells)
        rows = table.find("tbody").find_all("tr")
        row_headers = [row.elements()[0].tag == "th" for row in rows]
        assert all(row_headers) or not any(row_headers), "every row has a row header, or none does"
        for row in rows:
            cells = row.elements()
            assert all(cell.tag == "td" for cell in cells[1:])
            if cells[0].tag == "th":
                assert cells[0].attrs["scope"] == "row"
            assert len(cells) == len(header_cells)


def test_tables_have_captions_and_scoped_header_cells(bundled_reports: dict[str, tuple[Report, str]]) -> None:
    for _, source in bundled_reports.values():
        assert_tables_are_captioned_and_scoped(parse(source))


def test_the_first_cell_is_a_row_header_only_when_it_names_the_row() -> None:
    named = table_view(Table("Areas", ["Area", "Kind"], [["North", "town"], ["South", "town"]]), "t1")
    assert [row[0].header for row in named.rows] == [True, True]
    assert not any(cell.header for row in named.rows for cell in row[1:])
    repeated = table_view(Table("Findings", ["Status", "Rule"], [["Red", "a"], ["Red", "b"]]), "t2")
    assert not any(cell.header for row in repeated.rows for cell in row)
    blank = table_view(Table("Odd", ["Name", "Note"], [["", "a"], ["x", "b"]]), "t3")
    assert not any(cell.header for row in blank.rows for cell in row)


def test_a_table_caption_repeating_its_heading_is_hidden_only_visually() -> None:
    report = chart_report()
    report = attrs_evolve(report, sections=[Section("areas", "Areas", [Table("Areas", ["Area"], [["North"]])])])
    page = parse(render_html(report))
    caption = page.root.find("caption")
    assert caption.text == "Areas"
    assert "visually-hidden" in caption.attrs["class"].split()


def attrs_evolve(report: Report, **changes: object) -> Report:
    import attrs

    return attrs.evolve(report, **changes)  # type: ignore[arg-type]


def test_fields_are_a_description_list_and_lists_are_labelled() -> None:
    report = chart_report()
    report = attrs_evolve(
        report,
        sections=[
            Section(
                "about",
                "About",
                [
                    Fields([("Council", "Test Council"), ("Period", "2021 – 2026")]),
                    BulletList(["one", "two"], "Things"),
                ],
            )
        ],
    )
    page = parse(render_html(report))
    dl = page.root.find("dl")
    assert [node.text for node in dl.find_all("dt")] == ["Council", "Period"]
    assert [node.text for node in dl.find_all("dd")] == ["Test Council", "2021 – 2026"]
    ul = next(node for node in page.root.find_all("ul") if "list" in node.attrs.get("class", "").split())
    assert [li.text for li in ul.find_all("li")] == ["one", "two"]
    label = page.by_id()[ul.attrs["aria-labelledby"]]
    assert label.tag == "p"
    assert label.text == "Things"
    siblings = list(ul.parent.elements()) if ul.parent else []
    assert siblings[siblings.index(ul) - 1] is label, "the label comes just before its list"


def test_status_summary_comes_before_the_sections_with_text_labels(
    bundled_reports: dict[str, tuple[Report, str]],
) -> None:
    report, source = bundled_reports["basildon"]
    page = parse(source)
    summary = page.by_id()["status-summary-heading"].parent
    assert summary is not None
    items = summary.find_all("li")
    assert [item.find("strong").text for item in items] == [
        status.label for status in sorted(Status, key=lambda s: s.severity)
    ]
    for item, status in zip(items, sorted(Status, key=lambda s: s.severity), strict=True):
        count = report.status_counts[status.value]
        assert item.text.startswith(f"{count} {'finding' if count == 1 else 'findings'}")
    first_section = page.root.find_all("section")[1]
    assert source.index("Status summary") < source.index(first_section.attrs["id"])


def test_statuses_in_tables_and_lists_are_badges_with_words(bundled_reports: dict[str, tuple[Report, str]]) -> None:
    report, source = bundled_reports["basildon"]
    page = parse(source)
    badges = [node for node in page.root.iter() if "status-tag" in node.attrs.get("class", "").split()]
    labels = {status.label for status in Status}
    assert badges
    assert all(badge.text in labels for badge in badges)
    findings = page.by_id()["section-findings"]
    red = [f for f in report.findings if f.status is Status.RED]
    assert red, "Basildon has overdue reviews as of the test date"
    in_findings = [node for node in findings.iter() if node in badges]
    assert sum(badge.text == Status.RED.label for badge in in_findings) == len(red)
    assert len(in_findings) == len(report.findings)
    attention = page.by_id()["section-summary"].find("ul")
    assert all(li.elements()[0].text in {Status.RED.label, Status.AMBER.label} for li in attention.find_all("li"))


# -- escaping -------------------------------------------------------------------------------


def assert_no_markup_from_data(source: str) -> None:
    assert "<script" not in source.lower()
    assert source.count("</style>") == 1, "only the stylesheet's own end tag"
    assert HOSTILE_ESCAPED in source
    page = parse(source)
    assert page.root.find_all("script") == []
    assert not {"b", "i"} & {node.tag for node in page.root.iter()}
    for node in page.root.iter():
        assert not any(name.startswith("on") for name in node.attrs)


def test_hostile_text_in_a_definition_is_escaped_everywhere() -> None:
    report = hostile_report()
    source = render_html(report)
    assert_no_markup_from_data(source)
    assert "&amp; &#34;double&#34; &#39;single&#39; &lt;/style&gt;" in source
    page = parse(source)
    text = page.root.find("body").text
    for what in ("Plan", "Pillar", "Outcome", "Action", "Area", "Review", "Cluster"):
        assert f"{what} {HOSTILE}" in text, f"{what} is shown as text"
    assert page.root.find("h1").text == f"{HOSTILE}: Plan {HOSTILE}"
    assert HOSTILE in page.root.find("head").find("title").text
    assert_headings_in_order(page)
    assert_tables_are_captioned_and_scoped(page)
    cells = [cell.text for cell in page.root.iter() if cell.tag in {"td", "th"}]
    assert f"Area {HOSTILE}" in cells
    assert f"Action {HOSTILE}" in cells
    # The pillar is a category of the actions chart and the cluster a series of the engagement chart.
    svg_texts = {node.text for svg in page.root.find_all("svg") for node in svg.iter() if node.tag == "text"}
    assert any(f"Pillar {HOSTILE}"[:20] in text for text in svg_texts)
    assert any(text.startswith(f"Cluster {HOSTILE}"[:20]) for text in svg_texts)


def test_hostile_text_in_a_chart_is_escaped_in_its_svg_and_table() -> None:
    source = render_html(chart_report(HOSTILE_CHART, title=f"Title {HOSTILE}"))
    assert_no_markup_from_data(source)
    page = parse(source)
    svg = page.root.find("svg")
    assert svg.find("title").text == f"Chart {HOSTILE}"
    assert svg.find("desc").text == f"Description {HOSTILE}"
    texts = [node.text for node in svg.find_all("text")]
    assert f"Series {HOSTILE}" in texts  # the legend
    assert any(text.startswith("unit <script>alert(1)</script") for text in texts)  # the axis, shortened
    assert "".join(texts).count("Category") == 1
    table = page.root.find("table")
    assert table.find("caption").text == f"Chart {HOSTILE} (data)"
    assert [th.text for th in table.find("thead").find_all("th")] == ["Category", f"Series {HOSTILE}", "other"]
    assert table.find("tbody").elements()[0].elements()[0].text == f"Category {HOSTILE}"


def test_svg_escapes_every_text_it_draws() -> None:
    svg = render_svg(HOSTILE_CHART, 'chart-"x"')
    assert "<script" not in svg
    assert "</style>" not in svg
    assert 'id="chart-&quot;x&quot;--title"' in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#x27;single&#x27;" in svg


def test_hostile_table_cells_and_headings_are_escaped() -> None:
    report = attrs_evolve(
        chart_report(),
        sections=[
            Section(
                f"id {HOSTILE}",
                f"Section {HOSTILE}",
                [
                    Table(f"Caption {HOSTILE}", [f"Column {HOSTILE}", "Other"], [[f"Cell {HOSTILE}", HOSTILE]]),
                    Fields([(f"Label {HOSTILE}", f"Value {HOSTILE}")]),
                    BulletList([f"Item {HOSTILE}"], f"List {HOSTILE}"),
                    Paragraph(f"Paragraph {HOSTILE}"),
                ],
            )
        ],
    )
    source = render_html(report)
    assert_no_markup_from_data(source)
    page = parse(source)
    body = page.root.find("body").text
    for what in ("Section", "Caption", "Column", "Cell", "Label", "Value", "Item", "List", "Paragraph"):
        assert f"{what} {HOSTILE}" in body
    ids = [node.attrs["id"] for node in page.root.iter() if "id" in node.attrs]
    assert all(re.fullmatch(r"[a-z0-9-]+", value) for value in ids), ids


# -- charts ---------------------------------------------------------------------------------


def assert_charts_are_accessible(page: Page, charts: list[Chart]) -> None:
    svgs = page.root.find_all("svg")
    assert len(svgs) == len(charts)
    by_id = page.by_id()
    for svg, chart in zip(svgs, charts, strict=True):
        assert svg.attrs["role"] == "img"
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        title, desc = by_id[title_id], by_id[desc_id]
        assert (title.tag, desc.tag) == ("title", "desc")
        assert title.parent is svg
        assert desc.parent is svg
        assert svg.elements()[:2] == [title, desc]
        assert title.text == " ".join(chart.title.split())
        assert desc.text == " ".join(chart.description.split())
        assert "xmlns" not in svg.attrs  # inline in HTML: no namespace URL
        figure = next(node for node in svg.ancestors() if node.tag == "figure")
        table = figure.find("table")
        assert table.find("caption").text == " ".join(chart.table().caption.split())
        assert source_index(page, table) > source_index(page, svg), "the data table follows the chart"
        rows = table.find("tbody").find_all("tr")
        assert [[cell.text for cell in row.elements()] for row in rows] == chart.table().rows


def source_index(page: Page, node: Node) -> int:
    return list(page.root.iter()).index(node)


def test_each_chart_is_an_svg_image_with_title_description_and_data_table() -> None:
    charts = [BAR, STACKED, LINE]
    page = parse(render_html(chart_report(*charts)))
    assert_charts_are_accessible(page, charts)
    kinds = [svg.attrs["data-chart"] for svg in page.root.find_all("svg")]
    assert kinds == ["bar", "stacked", "line"]


def test_bundled_charts_with_records_cover_every_kind(basildon_with_records: tuple[Report, str]) -> None:
    report, source = basildon_with_records
    charts = [block for section in report.sections for block in section.blocks if isinstance(block, Chart)]
    assert {chart.chart for chart in charts} == {"bar", "stacked", "line"}
    page = parse(source)
    assert_charts_are_accessible(page, charts)
    assert_headings_in_order(page)
    assert_tables_are_captioned_and_scoped(page)


def test_series_differ_in_more_than_colour() -> None:
    bar = parse(render_svg(BAR, "bar")).root
    fills = {rect.attrs["fill"] for rect in bar.find_all("rect") if rect.parent and rect.parent.tag == "svg"}
    assert len({fill for fill in fills if fill.startswith("url(#")}) >= 1, "the second series is patterned"
    legend = [node.text for node in bar.find_all("text")]
    assert "This year" in legend
    assert "Last year" in legend

    stacked = parse(render_svg(STACKED, "st")).root
    patterns = stacked.find_all("pattern")
    assert len(patterns) == 3, "four series: solid and three patterns"
    assert [node.text for node in stacked.find_all("text") if node.text in {"2", "1"}], "segments carry values"

    line = parse(render_svg(LINE, "ln")).root
    dashes = {node.attrs.get("stroke-dasharray", "") for node in line.find_all("polyline")}
    assert len(dashes) == 2, "each line has its own dash"
    shapes = {node.tag for node in line.iter() if node.tag in {"circle", "rect", "polygon"}}
    assert {"circle", "rect"} <= shapes, "and its own marker"


def test_a_line_with_a_gap_is_broken_not_joined() -> None:
    line = parse(render_svg(LINE, "ln")).root
    reading = [node for node in line.find_all("polyline") if "stroke-dasharray" not in node.attrs]
    assert len(reading) == 1
    assert len(reading[0].attrs["points"].split()) == 2, "only the two readings after the gap are joined"


def test_status_bars_take_their_status_colour() -> None:
    chart = Chart(
        "Findings by status",
        "bar",
        [status.label for status in Status],
        [Series("Findings", [1.0, 2.0, 3.0, 4.0])],
        "Ten findings.",
    )
    root = parse(render_svg(chart, "s")).root
    colours = {rect.attrs["fill"] for rect in root.find_all("rect")} | {
        rect.attrs["fill"] for pattern in root.find_all("pattern") for rect in pattern.find_all("rect")[:1]
    }
    assert {"#d4351c", "#b35a00", "#00703c", "#505a5f"} <= colours
    assert {node.text for node in root.find_all("text")} >= {"1", "2", "3", "4"}


@pytest.mark.parametrize(
    "chart",
    [
        Chart("Empty", "bar", [], [], "Nothing."),
        Chart("No values", "line", ["a", "b"], [Series("s", [None, None])], "Nothing recorded."),
        Chart("Negative", "bar", ["a", "b"], [Series("s", [-3.0, 2.0])], "Down and up."),
        Chart("Flat", "line", ["a"], [Series("s", [7.0])], "One reading."),
        Chart("Mixed", "stacked", ["a", "b"], [Series("up", [2.0, 1.0]), Series("down", [-1.0, None])], "Both ways."),
        Chart(
            "Many months",
            "stacked",
            [f"2026-{m:02d}" for m in range(1, 13)] * 3,
            [Series(f"place {i} " + "x" * 60, [float(i)] * 36) for i in range(14)],
            "Lots.",
        ),
    ],
    ids=lambda chart: chart.title,
)
def test_unusual_charts_still_draw(chart: Chart) -> None:
    page = parse(render_html(chart_report(chart)))
    assert_charts_are_accessible(page, [chart])


def test_ticks_are_round_numbers() -> None:
    assert nice_ticks(0, 3, integers=True) == [0, 1, 2, 3]
    assert nice_ticks(0, 0, integers=True) == [0, 1]
    assert nice_ticks(0, 110) == [0, 25, 50, 75, 100, 125]
    assert nice_ticks(0, 0.9) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(-3, 2, integers=True) == [-3, -2, -1, 0, 1, 2]


# -- colour and CSS -------------------------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def stylesheet() -> str:
    return (files("engagekit.report") / "templates" / "report.css").read_text(encoding="utf-8")


def test_chart_colours_have_3_to_1_contrast_and_text_4_5_to_1() -> None:
    for colour in ALL_COLOURS:
        assert contrast(colour, "#ffffff") >= 3, colour
    assert contrast(TEXT, "#ffffff") >= 4.5


def test_css_text_colours_meet_aa_contrast() -> None:
    css = re.sub(r"/\*.*?\*/", "", stylesheet(), flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    checked = 0
    for _, body in rules:
        declarations = {
            name.strip(): value.strip() for name, _, value in (d.partition(":") for d in body.split(";")) if value
        }
        colour = declarations.get("color")
        if not colour or not re.fullmatch(r"#[0-9a-f]{6}", colour):
            continue
        background = declarations.get("background") or declarations.get("background-color") or "#ffffff"
        background = background if re.fullmatch(r"#[0-9a-f]{6}", background) else "#ffffff"
        if colour == "#ffffff" and background == "#ffffff":
            background = "#0b0c0c"  # the header's white text sits on its black band
        assert contrast(colour, background) >= 4.5, (colour, background)
        checked += 1
    assert checked >= 10
    badges = re.findall(r"\.status-tag--(\w+) \{ color: (#\w+); background: (#\w+); \}", css)
    assert {status for status, _, _ in badges} == {status.value for status in Status}
    for status, colour, background in badges:
        assert contrast(colour, background) >= 4.5, status
        assert contrast(colour, "#ffffff") >= 4.5, status


def test_css_focus_print_and_layout_rules() -> None:
    css = stylesheet()
    focus = re.search(r":focus-visible \{([^}]*)\}", css)
    assert focus is not None
    width = re.search(r"outline: (\d+)px solid", focus.group(1))
    assert width is not None
    assert int(width.group(1)) >= 3
    assert "outline: none" not in css.replace(".main:focus { outline: none; }", "")
    assert "max-width: 960px" in css
    assert "system-ui" in css
    print_css = css[css.index("@media print") :]
    assert re.search(r"\.skip-link \{ display: none", print_css)
    assert 'content: " (" attr(href) ")"' in print_css
    assert "break-inside: avoid" in print_css
    assert "thead { display: table-header-group; }" in print_css


# -- the bundled councils -------------------------------------------------------------------


@pytest.mark.parametrize("council_id", list(BUNDLED_FACTS))
def test_bundled_council_renders_with_its_key_facts(
    council_id: str, bundled_reports: dict[str, tuple[Report, str]]
) -> None:
    report, source = bundled_reports[council_id]
    page = parse(source)
    assert page.root.find("h1").text == report.title
    body = page.root.find("body").text
    for fact in BUNDLED_FACTS[council_id]:
        assert fact in body, fact
    for finding in report.findings:
        assert " ".join(finding.message.split()) in body
    assert_headings_in_order(page)
    assert list(page.headings()[3:]) == [(level, " ".join(title.split())) for level, title in walk(report.sections)]
    assert_tables_are_captioned_and_scoped(page)
    charts = [block for section in report.sections for block in section.blocks if isinstance(block, Chart)]
    assert_charts_are_accessible(page, charts)
    contents = [a.text for a in page.root.find("nav").find_all("a")]
    assert contents == [" ".join(section.title.split()) for section in report.sections]


@pytest.mark.parametrize("council_id", list(BUNDLED_FACTS))
def test_bundled_pages_reference_no_web_addresses_outside_their_text(
    council_id: str, bundled_reports: dict[str, tuple[Report, str]]
) -> None:
    report, source = bundled_reports[council_id]
    page = parse(source)
    assert "<script" not in source.lower()
    for node in page.root.iter():
        for name, value in node.attrs.items():
            assert not URL.search(value), f"{name} on <{node.tag}>"
    assert not URL.search(page.root.find("style").text)
    in_text = [
        url
        for node in page.root.iter()
        if node.tag != "style"
        for url in URL.findall("".join(child for child in node.children if isinstance(child, str)))
    ]
    # Addresses are read from the source with its entities decoded: a quote after one is "&#34;" there.
    assert sorted(URL.findall(html.unescape(source))) == sorted(in_text), "every address is in text, none in markup"
    decoded = "\n".join(json_strings(json.loads(render_json(report))))  # a quote after one is \" in JSON
    assert sorted(in_text) == sorted(URL.findall(decoded)), "and each came from the definition"
    if council_id != "thurrock":
        assert in_text == []


def test_rendering_is_deterministic(bundled_reports: dict[str, tuple[Report, str]]) -> None:
    report, source = bundled_reports["bathnes"]
    assert render_html(report) == source


def test_a_text_report_does_not_import_jinja2_or_the_html_renderer(tmp_path: Path) -> None:
    code = (
        "import sys, datetime\n"
        "from engagekit.plugins import get_plugin_host\n"
        "from engagekit.report import council_report\n"
        "from engagekit.report.text import render_text\n"
        "host = get_plugin_host(environ={})\n"
        "render_text(council_report(host.council('basildon'), datetime.date(2026, 1, 1), host=host))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jinja2' or m == 'engagekit.report.html'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=tmp_path
    )
    assert result.stdout.strip() == "[]"


def test_only_the_summary_list_turns_a_status_prefix_into_a_badge() -> None:
    items = ["RED: Review — overdue", "AMBER: Report — due soon"]
    report = attrs_evolve(
        chart_report(),
        sections=[
            Section("summary", "Summary", [BulletList(items, "Needs attention")]),
            Section("notes", "Notes", [BulletList(["RED: a colour, not a status"])]),
        ],
    )
    page = parse(render_html(report))
    summary, notes = page.by_id()["section-summary"].find("ul"), page.by_id()["section-notes"].find("ul")
    assert [li.text for li in summary.find_all("li")] == [
        f"{Status.RED.label} Review — overdue",
        f"{Status.AMBER.label} Report — due soon",
    ]
    assert notes.find_all("strong") == []
    assert notes.find("li").text == "RED: a colour, not a status"
