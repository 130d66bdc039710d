"""The JSON report: stable run to run, ISO dates, and a ``schema_version`` for readers."""

from __future__ import annotations

import json
from typing import Any

import attrs

from engagekit.report.document import Block, Report, Section


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "schema_version": report.schema_version,
        "council": {"id": report.council_id, "name": report.council_name},
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "status_counts": report.status_counts,
        "sections": [_section(section) for section in report.sections],
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
