"""The JSON report: stable run to run, ISO dates, and a ``schema_version`` for readers.

It carries the council's data as values (``data``: the programme and its dates, places,
commitments, actions with their latest update, each place's status; :mod:`engagekit.report.data`),
the ``findings`` with their evidence, and the rendered ``sections`` every other format draws.
Its shape is published as a JSON Schema (:mod:`engagekit.report.json_schema`,
``docs/report-schema.json``).

JSON has no ``Infinity`` or ``NaN`` (Python's ``json`` writes them unless told not to, and most
readers then refuse the file). A value that is not finite, which an older store or the Python
API may hand a chart, is written as ``null``, and the chart's description says how many were;
the whole is then written with ``allow_nan=False``, so no such token can reach the output. C1
control characters in strings are written as ``\\u`` escapes (:func:`~engagekit.terminal_text.json_printable`).
"""

from __future__ import annotations

import json
import math
from typing import Any

import attrs

from engagekit.report.document import Block, Chart, Report, Section, Series
from engagekit.rules.findings import Finding
from engagekit.terminal_text import json_printable


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "schema_version": report.schema_version,
        "council": {"id": report.council_id, "name": report.council_name},
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "status_counts": report.status_counts,
        "findings": [_finding(finding) for finding in report.findings],
        "data": attrs.asdict(report.data, recurse=True) if report.data is not None else None,
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
    return (
        json_printable(json.dumps(finite_only(report_data(report)), indent=2, ensure_ascii=False, allow_nan=False))
        + "\n"
    )


def finite_only(data: Any) -> Any:
    """``data`` with every float that is not finite replaced by ``None``, at any depth."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite_only(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite_only(value) for value in data]
    return data


def _section(section: Section) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "blocks": [_block(block) for block in section.blocks],
        "sections": [_section(sub) for sub in section.sections],
    }


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Chart):
        block = _noting_non_finite(block)
    data = attrs.asdict(block, recurse=True)
    if "items" in data and data["kind"] == "fields":
        data["items"] = [{"label": label, "value": value} for label, value in data["items"]]
    return data


def _noting_non_finite(chart: Chart) -> Chart:
    """``chart`` with its values that are not finite as ``None`` and a sentence saying how many."""
    count = sum(1 for s in chart.series for v in s.values if v is not None and not math.isfinite(v))
    if not count:
        return chart
    series = [Series(s.name, [v if v is None or math.isfinite(v) else None for v in s.values]) for s in chart.series]
    values = "1 value that is" if count == 1 else f"{count} values that are"
    note = (
        f"{values} not a finite number (JSON has no Infinity or NaN) {'is' if count == 1 else 'are'} written as null."
    )
    return attrs.evolve(chart, series=series, description=f"{chart.description} {note}".strip())
