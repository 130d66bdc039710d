"""Committee-ready exports of a report: Word, the action plan and findings as CSV and XLSX, and
the action plan as a file for Decidim's results importer (tests/test_decidim.py takes it further)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import attrs
import pytest

import engagekit
from engagekit.interop.decidim_export import import_columns
from engagekit.model import Council
from engagekit.plugins import PluginHost
from engagekit.records import ActionStatus, ActionUpdate, IndicatorReading, ReviewKind, ReviewRecord, open_store
from engagekit.report import Report, council_report
from engagekit.report.docx import (
    ACTION_PLAN,
    DETAILS,
    FINDINGS,
    HEADINGS,
    OWN_PLACES,
    SOURCES,
    SUMMARY,
    render_docx,
)
from engagekit.report.tables import (
    ACTION_COLUMNS,
    FINDING_COLUMNS,
    LatestUpdate,
    action_rows,
    parse_latest_update,
    render_actions_csv,
    render_decidim_results,
    render_findings_csv,
    render_xlsx,
)
from engagekit.rules import EvidenceItem, Status

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

AS_OF = dt.date(2026, 3, 1)
BASILDON_PILLARS = ["Connected Neighbourhoods", "Connected Council", "Connected Partnerships"]
BASILDON_OUTCOMES = [
    "Community leaders and groups are engaged and empowered to affect positive change in their communities",
    "Communities feel listened to and as a result are effectively supported in their localities",
    "Basildon Council is considered an open, flexible and accountable Council by the Borough's communities",
    "Partnership opportunities are embraced and encouraged in order to benefit the Borough's communities",
]
BASILDON_ACTIONS = (
    [f"CN-{n}" for n in range(1, 9)] + [f"CC-{n}" for n in range(1, 5)] + [f"CP-{n}" for n in range(1, 4)]
)
BUSY_MS = 30_000
W_TBL_HEADER = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
W_TBL_CAPTION = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblCaption"
W_VAL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"


def update(action_id: str, status: ActionStatus, date: dt.date, percent: int | None = None) -> ActionUpdate:
    return ActionUpdate(
        council_id="basildon", action_id=action_id, status=status, percent=percent, date=date, recorded_by="officer"
    )


RECORDED = [
    update("CN-1", ActionStatus.NOT_STARTED, dt.date(2025, 12, 1)),
    update("CN-1", ActionStatus.IN_PROGRESS, dt.date(2026, 2, 1), 40),
    update("CC-2", ActionStatus.COMPLETED, dt.date(2026, 1, 5)),
    update("CP-1", ActionStatus.AT_RISK, dt.date(2026, 2, 10), 20),
    update("CC-1", ActionStatus.COMPLETED, dt.date(2026, 4, 1)),  # after the report's date: not shown
]
LATEST = {
    "CN-1": ("in-progress", 40.0, dt.date(2026, 2, 1)),
    "CC-2": ("completed", None, dt.date(2026, 1, 5)),
    "CP-1": ("at-risk", 20.0, dt.date(2026, 2, 10)),
}
"""Each recorded action's latest update as of AS_OF: status, percent, date."""
"""The statuses the Decidim export gives back: Decidim has no "at risk", so CP-1 comes back in progress."""


# -- fixtures -----------------------------------------------------------------------------


@attrs.frozen
class Reports:
    council: Council
    plain: Report
    """As of AS_OF with nothing recorded."""
    recorded: Report
    """As of AS_OF with RECORDED, a review of the action plan and an indicator reading in the store."""


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return engagekit.get_plugin_host(environ={})


@pytest.fixture(scope="module")
def reports(plugin_host: PluginHost, tmp_path_factory: pytest.TempPathFactory) -> Reports:
    council = plugin_host.council("basildon")
    url = f"sqlite:///{tmp_path_factory.mktemp('exports') / 'records.db'}"
    review = ReviewRecord(
        council_id="basildon",
        obligation_id="action-plan-annual-review",
        review_kind=ReviewKind.REVIEW,
        date=dt.date(2025, 3, 20),
        recorded_by="officer",
    )
    reading = IndicatorReading(
        council_id="basildon",
        indicator_id="services-in-community-directory",
        value=120.0,
        date=dt.date(2026, 1, 15),
        recorded_by="officer",
    )
    with open_store(url, busy_timeout_ms=BUSY_MS) as store:
        store.add(council, [*RECORDED, review, reading])
        recorded = council_report(council, AS_OF, host=plugin_host, evidence=store.evidence(council))
    plain = council_report(council, AS_OF, host=plugin_host)
    return Reports(council, plain, recorded)


def open_docx(report: Report) -> Any:
    return docx.Document(io.BytesIO(render_docx(report)))


def part_of(paragraphs: list[Any], heading: str) -> list[Any]:
    """The paragraphs under one numbered Heading 1, up to the next."""
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text == heading)
    end = next((i for i, p in enumerate(paragraphs) if i > start and p.style.name == "Heading 1"), len(paragraphs))
    return paragraphs[start + 1 : end]


def header_cells(table: Any) -> list[str]:
    return [cell.text for cell in table.rows[0].cells]


def repeats_header(table: Any) -> bool:
    marker = table.rows[0]._tr.find(f".//{W_TBL_HEADER}")
    return marker is not None and marker.get(W_VAL, "true") in ("true", "1", "on")


def action_tables(document: Any) -> list[Any]:
    return [table for table in document.tables if header_cells(table)[:2] == ["Id", "Action"]]


def parse_csv(text: str, delimiter: str = ",") -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# -- Word ---------------------------------------------------------------------------------


def test_the_word_report_has_a_title_a_header_line_and_the_numbered_headings_in_order(reports: Reports) -> None:
    report = reports.recorded
    document = open_docx(report)
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == report.title
    line = paragraphs[1].text
    assert report.council_name in line
    assert "Connected Communities Strategy 2021 – 2026" in line
    assert "Report as of 1 March 2026" in line
    level_one = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert level_one == HEADINGS == [SUMMARY, FINDINGS, ACTION_PLAN, DETAILS, SOURCES]
    level_two = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert level_two[0] == "Needs attention"
    plan = part_of(paragraphs, ACTION_PLAN)
    level_two = [p.text for p in plan if p.style.name == "Heading 2"]
    assert [title.split(": ", 1)[1] for title in level_two if title.startswith("Focus area: ")] == BASILDON_PILLARS
    level_three = [p.text for p in plan if p.style.name == "Heading 3"]
    assert [title.removeprefix("Outcome: ") for title in level_three] == BASILDON_OUTCOMES
    details = [p.text for p in part_of(paragraphs, DETAILS) if p.style.name == "Heading 2"]
    assert details == [section.title for section in report.sections if section.id not in OWN_PLACES]
    assert {"Places and communities", "Governance and review schedule"} <= set(details)
    properties = document.core_properties
    assert properties.title == report.title
    assert "report as of 1 March 2026" in properties.subject
    assert properties.language == "en-GB"


def test_the_summary_gives_the_status_counts_in_words_and_what_needs_attention(reports: Reports) -> None:
    report = reports.plain
    document = open_docx(report)
    counts = next(t for t in document.tables if header_cells(t) == ["Status", "Findings"])
    rows = {row.cells[0].text: int(row.cells[1].text) for row in counts.rows[1:]}
    assert rows == {status.label: report.status_counts[status.value] for status in Status}
    attention = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    red = [f for f in report.findings if f.status is Status.RED]
    assert red, "Basildon has overdue reviews as of the test date"
    for finding in red:
        assert f"{Status.RED.label}: {finding.rule_title} — {finding.message}" in attention


def test_the_findings_table_has_a_repeating_header_row_and_a_row_per_finding(reports: Reports) -> None:
    report = reports.recorded
    document = open_docx(report)
    (table,) = [t for t in document.tables if header_cells(t) == ["Status", "Rule", "About", "Finding", "Source"]]
    assert repeats_header(table)
    assert table.style.name == "Table Grid"
    assert table._tbl.tblPr.find(W_TBL_CAPTION).get(W_VAL) == "Findings"
    body = table.rows[1:]
    assert len(body) == len(report.findings)
    labels = {status.label for status in Status}
    assert all(row.cells[0].text in labels for row in body), "every status is given in words"
    assert sorted(row.cells[1].text for row in body) == sorted(f.rule_title for f in report.findings)
    first_source = body[0].cells[4].text
    assert first_source.startswith("Connected Communities Strategy"), "sources are cited by document title"


def test_every_table_in_the_word_report_marks_its_header_row_as_repeating(reports: Reports) -> None:
    document = open_docx(reports.recorded)
    assert len(document.tables) >= 8
    assert all(repeats_header(table) for table in document.tables)


def test_the_action_tables_list_all_fifteen_actions_with_their_latest_update(reports: Reports) -> None:
    document = open_docx(reports.recorded)
    tables = action_tables(document)
    assert len(tables) == len(BASILDON_OUTCOMES)
    assert all(header_cells(t) == ["Id", "Action", "Latest update"] for t in tables)
    latest = {row.cells[0].text: row.cells[2].text for t in tables for row in t.rows[1:]}
    assert list(latest) == BASILDON_ACTIONS
    assert latest["CN-1"] == "in-progress 40% (1 February 2026)"
    assert latest["CC-2"] == "completed (5 January 2026)"
    assert latest["CC-1"] == "none recorded", "an update after the report's date is not shown"


def test_without_records_the_action_tables_have_no_latest_update_column(reports: Reports) -> None:
    tables = action_tables(open_docx(reports.plain))
    assert all(header_cells(t) == ["Id", "Action"] for t in tables)
    assert [row.cells[0].text for t in tables for row in t.rows[1:]] == BASILDON_ACTIONS


def test_the_sources_table_comes_last(reports: Reports) -> None:
    document = open_docx(reports.plain)
    last = document.tables[-1]
    assert header_cells(last) == ["Document", "Publisher", "Date", "Whose", "Facts cited"]
    assert len(last.rows) - 1 == len(reports.council.documents)


@pytest.mark.parametrize("council_id", ["bathnes", "thurrock"])
def test_a_council_without_an_action_plan_still_gets_every_section(plugin_host: PluginHost, council_id: str) -> None:
    report = council_report(plugin_host.council(council_id), AS_OF, host=plugin_host)
    document = open_docx(report)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    assert "This council's definition holds no action plan." in [p.text for p in document.paragraphs]
    assert parse_csv(render_actions_csv(report)) == (ACTION_COLUMNS, [])
    assert parse_csv(render_decidim_results(report), ";") == (import_columns(), [])
    assert len(parse_csv(render_findings_csv(report))[1]) == len(report.findings)


# -- CSV ----------------------------------------------------------------------------------


def test_the_actions_csv_has_a_row_per_action_with_its_latest_status(reports: Reports) -> None:
    columns, rows = parse_csv(render_actions_csv(reports.recorded))
    assert columns == ACTION_COLUMNS
    assert [row["action_id"] for row in rows] == BASILDON_ACTIONS
    assert {row["council_id"] for row in rows} == {"basildon"}
    assert [row["pillar"] for row in rows] == ["Connected Neighbourhoods"] * 8 + ["Connected Council"] * 4 + [
        "Connected Partnerships"
    ] * 3
    assert {row["outcome"] for row in rows} == set(BASILDON_OUTCOMES)
    by_id = {row["action_id"]: row for row in rows}
    for action_id, (status, _, date) in LATEST.items():
        assert (by_id[action_id]["latest_status"], by_id[action_id]["latest_date"]) == (status, date.isoformat())
    blank = [row["action_id"] for row in rows if not row["latest_status"] and not row["latest_date"]]
    assert blank == [a for a in BASILDON_ACTIONS if a not in LATEST]
    texts = {p.action.id: p.action.text for p in reports.council.programme.action_plan.all_actions()}
    assert {row["action_id"]: row["action"] for row in rows} == texts


def test_the_actions_csv_is_blank_for_latest_when_nothing_is_recorded(reports: Reports) -> None:
    _, rows = parse_csv(render_actions_csv(reports.plain))
    assert len(rows) == 15
    assert all(row["latest_status"] == row["latest_date"] == "" for row in rows)


def test_the_findings_csv_has_a_row_per_finding(reports: Reports) -> None:
    report = reports.recorded
    columns, rows = parse_csv(render_findings_csv(report))
    assert columns == FINDING_COLUMNS
    assert len(rows) == len(report.findings)
    assert sorted((r["rule_id"], r["subject"]) for r in rows) == sorted((f.rule_id, f.subject) for f in report.findings)
    severities = [Status(row["status"]).severity for row in rows]
    assert severities == sorted(severities), "red first, then amber, grey and green"
    by_key = {(f.rule_id, f.subject): f for f in report.findings}
    for row in rows:
        finding = by_key[row["rule_id"], row["subject"]]
        assert row["due"] == (finding.due.isoformat() if finding.due else "")
        assert row["source_document"] == (finding.source.document if finding.source else "")
        assert row["source_section"] == (finding.source.section if finding.source else "")
        assert row["evidence"] == "; ".join(item.ref or item.summary for item in finding.evidence)
        assert row["subject_id"] == (finding.subject_id or "")
        assert row["message"] == finding.message
    assert any(row["evidence"] for row in rows), "the indicator reading is evidence for a finding"


def test_evidence_refs_are_joined_with_semicolons(reports: Reports) -> None:
    finding = attrs.evolve(
        reports.plain.findings[0],
        evidence=[
            EvidenceItem(dt.date(2025, 1, 1), "review", "Reviewed", "review #1"),
            EvidenceItem(dt.date(2025, 2, 1), "meeting", "Met at the town hall"),
        ],
    )
    report = attrs.evolve(reports.plain, findings=[finding])
    (row,) = parse_csv(render_findings_csv(report))[1]
    assert row["evidence"] == "review #1; Met at the town hall"


# -- XLSX ---------------------------------------------------------------------------------


def test_the_workbook_has_an_actions_and_a_findings_sheet_with_bold_frozen_headers(reports: Reports) -> None:
    report = reports.recorded
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert workbook.sheetnames[:2] == ["actions", "findings"]
    for name, columns, count in (
        ("actions", ACTION_COLUMNS, 15),
        ("findings", FINDING_COLUMNS, len(report.findings)),
    ):
        sheet = workbook[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == columns
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert len(rows) - 1 == count
    actions = {row[3]: row for row in workbook["actions"].iter_rows(min_row=2, values_only=True)}
    assert list(actions) == BASILDON_ACTIONS
    assert actions["CN-1"][5:] == ("in-progress", dt.datetime(2026, 2, 1))
    assert actions["CN-2"][5:] == (None, None)


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(reports: Reports) -> None:
    report = attrs.evolve(reports.plain, council_id="=HYPERLINK(1)")
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["actions"]
    assert sheet["A2"].value == "'=HYPERLINK(1)"  # neutralised, as in every CSV and XLSX engagekit writes
    assert sheet["A2"].data_type == "s"


# -- Decidim ------------------------------------------------------------------------------


def test_the_decidim_results_list_pillars_then_their_outcomes_then_their_actions(reports: Reports) -> None:
    """The report format writes what Decidim's results importer reads, in the plan's order.

    With no Decidim ids known, ``id`` and ``parent/id`` stay blank and engagekit's ids go in
    ``external_id``; a report format takes no status map, so ``status/id`` is blank too
    (``tests/test_decidim.py`` covers the export with statuses and the way back).
    """
    columns, rows = parse_csv(render_decidim_results(reports.recorded), ";")
    assert columns == import_columns()
    plan = reports.council.programme.action_plan
    expected: list[tuple[str, str]] = []
    for pillar in plan.pillars:
        expected.append((pillar.id, pillar.name))
        for outcome in pillar.outcomes:
            expected.append((outcome.id, outcome.statement))
            expected.extend((action.id, action.text) for action in outcome.actions)
    assert [(row["external_id"], row["title/en"]) for row in rows] == expected
    assert [row["external_id"] for row in rows if row["external_id"] in BASILDON_ACTIONS] == BASILDON_ACTIONS
    assert all(row["id"] == row["parent/id"] == row["status/id"] == "" for row in rows)


# -- reading the report's action plan ------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("in-progress 40% (1 March 2026)", LatestUpdate("in-progress", 40.0, dt.date(2026, 3, 1))),
        ("completed (12 May 2025)", LatestUpdate("completed", None, dt.date(2025, 5, 12))),
        ("at-risk 12.5% (30 September 2024)", LatestUpdate("at-risk", 12.5, dt.date(2024, 9, 30))),
        ("none recorded", None),
        ("", None),
        ("something else", LatestUpdate("something else")),
    ],
)
def test_a_latest_update_cell_is_read_back(cell: str, expected: LatestUpdate | None) -> None:
    assert parse_latest_update(cell) == expected


def test_action_rows_carry_the_plan_ids_from_the_report(reports: Reports) -> None:
    rows = action_rows(reports.recorded)
    plan = reports.council.programme.action_plan
    assert [(r.pillar_id, r.outcome_id, r.action_id) for r in rows] == [
        (p.pillar.id if p.pillar else "", p.outcome.id, p.action.id) for p in plan.all_actions()
    ]
    assert {r.action_id: r.latest for r in rows if r.latest} == {
        action_id: LatestUpdate(*latest) for action_id, latest in LATEST.items()
    }
