"""The JSON report: stable run to run, ISO dates, and a ``schema_version`` for readers."""

from __future__ import annotations

import json
from typing import Any

import attrs

from engagekit.report.document import Block, Report, Section
from engagekit.rules.findings import Finding


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "schema_version": report.schema_version,
        "council": {"id": report.council_id, "name": report.council_name},
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "status_counts": report.status_counts,
        "findings": [_finding(finding) for finding in report.findings],
        "sections": [_section(section) for section in report.sections],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    """A finding for programs: ids, ISO dates and the evidence, not just the display text."""
    source = finding.source
    return {
        "rule_id": finding.rule_id,
        "rule": finding.rule_title,
        "subject": finding.subject,
        "subject_id": finding.subject_id,
        "status": finding.status.value,
        "message": finding.message,
        "due": finding.due.isoformat() if finding.due else None,
        "evidence": [
            {"date": item.date.isoformat(), "kind": item.kind, "summary": item.summary, "ref": item.ref}
            for item in finding.evidence
        ],
        "source": {"document": source.document, "section": source.section, "page": source.page} if source else None,
    }


def render_json(report: Report) -> str:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"


def _section(section: Section) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "blocks": [_block(block) for block in section.blocks],
        "sections": [_section(sub) for sub in section.sections],
    }


def _block(block: Block) -> dict[str, Any]:
    data = attrs.asdict(block, recurse=True)
    if "items" in data and data["kind"] == "fields":
        data["items"] = [{"label": label, "value": value} for label, value in data["items"]]
    return data
