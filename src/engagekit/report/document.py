"""A report as plain data: sections of headings, paragraphs, lists and tables.

Every renderer (text, Markdown, JSON and any a plugin adds) draws the same
:class:`Report`, so the formats never disagree about content.
"""

from __future__ import annotations

import datetime as dt

import attrs

from engagekit.rules.findings import Finding

SCHEMA_VERSION = 1
"""Bumped when the JSON shape of a report changes in a way readers must know about."""


@attrs.frozen
class Paragraph:
    text: str
    kind: str = "paragraph"


@attrs.frozen
class BulletList:
    items: list[str]
    title: str | None = None
    kind: str = "list"


@attrs.frozen
class Fields:
    """Label–value pairs, such as a report header."""

    items: list[tuple[str, str]]
    kind: str = "fields"


@attrs.frozen
class Table:
    """A table with a caption and header cells; every cell is text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    kind: str = "table"

    def __attrs_post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.caption!r}: a row has {len(row)} cells for {len(self.columns)} columns")


Block = Paragraph | BulletList | Fields | Table


@attrs.frozen
class Section:
    """A titled part of a report, with blocks and sub-sections."""

    id: str
    title: str
    blocks: list[Block] = attrs.field(factory=list)
    sections: list[Section] = attrs.field(factory=list)


@attrs.frozen
class Report:
    """A council's report as of a date."""

    council_id: str
    council_name: str
    title: str
    as_of: dt.date
    sections: list[Section]
    status_counts: dict[str, int]
    findings: list[Finding] = attrs.field(factory=list)
    schema_version: int = SCHEMA_VERSION
