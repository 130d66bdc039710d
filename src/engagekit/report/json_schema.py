"""A JSON Schema (draft 2020-12) of the JSON report, generated from the classes that make it.

The council's data (:mod:`engagekit.report.data`) and the rendered sections
(:mod:`engagekit.report.document`) are walked field by field (:func:`attrs.fields` and their
type hints), as :mod:`engagekit.definition.jsonschema` does for definition files: every key is
required and no other is allowed, ``X | None`` may be ``null``, a date is ISO 8601 (a full
``format: date``, or to the year, month or day where the documents give no more). The findings
and the top level follow :func:`engagekit.report.json_format.report_data`. The tests validate
every bundled council's JSON report against it and check ``docs/report-schema.json`` is this.

Regenerate the published file after changing the report's shape::

    python -m engagekit.report.json_schema > docs/report-schema.json
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

import attrs

from engagekit.definition.jsonschema import PARTIAL_DATE_PATTERN
from engagekit.report.data import CouncilData
from engagekit.report.document import SCHEMA_VERSION, Fields, Section
from engagekit.rules.findings import Status

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://github.com/engagekit/engagekit/tree/main/docs/report-schema.json"
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

_PLAIN = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _first_line(text: str | None) -> str:
    stripped = (text or "").strip()
    return stripped.splitlines()[0].strip() if stripped else ""


def _date(kind: str) -> dict[str, Any]:
    if kind == "day":
        return {"type": "string", "format": "date", "pattern": DAY_PATTERN}
    return {"type": "string", "pattern": PARTIAL_DATE_PATTERN, "description": "ISO 8601 to the year, month or day"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


class _Builder:
    """One ``$defs`` entry per class, in the order the classes are first reached."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, target: type) -> dict[str, Any]:
        name = target.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserved first, so a class that holds itself (a Section) stops here
            self.defs[name] = self._object(target)
        return {"$ref": f"#/$defs/{name}"}

    def _object(self, target: type) -> dict[str, Any]:
        hints = typing.get_type_hints(target)
        properties: dict[str, Any] = {}
        for field in attrs.fields(target):
            if target is Fields and field.name == "items":
                pair = {
                    "type": "object",
                    "properties": {"label": {"type": "string"}, "value": {"type": "string"}},
                    "required": ["label", "value"],
                    "additionalProperties": False,
                }
                schema: dict[str, Any] = {"type": "array", "items": pair}
            elif field.name == "kind" and isinstance(field.default, str) and target.__module__.endswith("document"):
                schema = {"const": field.default}  # which kind of block this is
            else:
                schema = self.type(hints[field.name], field.metadata.get("date"))
            if description := field.metadata.get("description"):
                schema = {**schema, "description": description}
            properties[field.name] = schema
        return {
            "title": target.__name__,
            "description": _first_line(target.__doc__),
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    def type(self, hint: Any, date: str | None = None) -> dict[str, Any]:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            options = [arg for arg in args if arg is not type(None)]
            inner = (
                self.type(options[0], date)
                if len(options) == 1
                else {"oneOf": [self.type(option, date) for option in options]}
            )
            return _nullable(inner) if type(None) in args else inner
        if origin is list:
            return {"type": "array", "items": self.type(args[0], date)}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.type(args[1])}
        if hint is str and date:
            return _date(date)
        if hint in _PLAIN:
            return {"type": _PLAIN[hint]}
        if attrs.has(hint):
            return self.ref(hint)
        raise TypeError(f"no JSON Schema for {hint!r}")  # pragma: no cover - a new kind of field


def _finding(builder: _Builder) -> dict[str, Any]:
    """A finding as :func:`engagekit.report.json_format._finding` writes it."""
    text = {"type": "string"}
    evidence = {
        "type": "object",
        "description": "A recorded fact the finding rests on.",
        "properties": {"date": _date("day"), "kind": text, "summary": text, "ref": _nullable(text)},
        "required": ["date", "kind", "summary", "ref"],
        "additionalProperties": False,
    }
    source = {
        "type": "object",
        "properties": {"document": text, "section": text, "page": _nullable({"type": ["string", "integer"]})},
        "required": ["document", "section", "page"],
        "additionalProperties": False,
    }
    properties = {
        "rule_id": text,
        "rule": {**text, "description": "The rule's title."},
        "subject": text,
        "subject_id": _nullable(text),
        "status": {"enum": [status.value for status in Status]},
        "message": text,
        "due": _nullable(_date("day")),
        "evidence": {"type": "array", "items": evidence},
        "source": _nullable(source),
    }
    builder.defs["Finding"] = {
        "title": "Finding",
        "description": "One rule's conclusion about one subject, with the evidence it rests on.",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return {"$ref": "#/$defs/Finding"}


def report_schema() -> dict[str, Any]:
    """The JSON report's schema."""
    builder = _Builder()
    statuses = [status.value for status in Status]
    properties = {
        "schema_version": {
            "const": SCHEMA_VERSION,
            "description": "The version of this shape; see 'The JSON report' in docs/reports.md for when it changes.",
        },
        "council": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            "required": ["id", "name"],
            "additionalProperties": False,
        },
        "title": {"type": "string"},
        "as_of": {**_date("day"), "description": "The date the report is as of: nothing after it counts."},
        "status_counts": {
            "type": "object",
            "description": "How many findings have each status.",
            "properties": {status: {"type": "integer", "minimum": 0} for status in statuses},
            "required": statuses,
            "additionalProperties": False,
        },
        "findings": {"type": "array", "items": _finding(builder)},
        "data": {
            **_nullable(builder.ref(CouncilData)),
            "description": "The council's data as values (null for a report not built from a council).",
        },
        "sections": {
            "type": "array",
            "items": builder.ref(Section),
            "description": "The report as every format draws it: headings, paragraphs, lists, tables, charts.",
        },
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "engagekit report",
        "description": "A council's report as of a date, as 'engagekit report --format json' writes it.",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        "$defs": builder.defs,
    }


def schema_json() -> str:
    """The schema as the text of ``docs/report-schema.json``."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(schema_json())
