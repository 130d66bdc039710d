"""A report as plain data: sections of headings, paragraphs, lists and tables.

Every renderer (text, Markdown, JSON and any a plugin adds) draws the same
:class:`Report`, so the formats never disagree about content.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import attrs

from engagekit.model.base import Model
from engagekit.records.cells import LARGEST_NUMBER
from engagekit.rules.findings import Finding

if TYPE_CHECKING:
    from engagekit.report.data import CouncilData

SCHEMA_VERSION = 1
"""The version of the JSON report's shape (docs/report-schema.json). It goes up by one when a
reader written for the previous version could fail or be misled: a key removed or renamed, a
value's type or meaning changed, a value outside a list it was limited to. A key added leaves
it as it is (readers pass over keys they do not know). See docs/reports.md, "The JSON report"."""


@attrs.frozen(repr=False, eq=False)
class Paragraph(Model):
    text: str
    kind: str = "paragraph"


@attrs.frozen(repr=False, eq=False)
class BulletList(Model):
    items: list[str]
    title: str | None = None
    kind: str = "list"


@attrs.frozen(repr=False, eq=False)
class Fields(Model):
    """Label–value pairs, such as a report header."""

    items: list[tuple[str, str]]
    kind: str = "fields"


@attrs.frozen(repr=False, eq=False)
class Table(Model):
    """A table with a caption and header cells; every cell is text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    kind: str = "table"

    def __attrs_post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.caption!r}: a row has {len(row)} cells for {len(self.columns)} columns")


@attrs.frozen(repr=False, eq=False)
class Series(Model):
    """One line or set of bars: a value (or ``None``: nothing recorded) for each category."""

    name: str
    values: list[float | None]


@attrs.frozen(repr=False, eq=False)
class Chart(Model):
    """A chart as data. ``description`` is its text alternative; :meth:`table` is the data behind it.

    ``chart`` is ``"bar"`` (one bar per category and series) , ``"stacked"`` (series stacked in
    each category) or ``"line"`` (categories along time).
    """

    title: str
    chart: str
    categories: list[str]
    series: list[Series]
    description: str
    unit: str | None = None
    kind: str = "chart"

    def __attrs_post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"chart {self.title!r}: series {series.name!r} has the wrong number of values")

    def table(self) -> Table:
        """The chart's data as a table: a row per category, a column per series."""
        rows = [
            [category, *("" if s.values[i] is None else f"{s.values[i]:g}" for s in self.series)]
            for i, category in enumerate(self.categories)
        ]
        return Table(f"{self.title} (data)", ["", *(s.name for s in self.series)], rows)


Block = Paragraph | BulletList | Fields | Table | Chart

ONLY_DRAWABLE = f"a chart draws only finite numbers of at most {LARGEST_NUMBER:,.0f} either way"
"""Why a value is not drawn, in words for a chart's description."""


def drawable(value: float | None) -> bool:
    """Whether a chart can draw ``value``: a finite number of at most :data:`LARGEST_NUMBER` either way.

    Here beside :class:`Chart` rather than with the SVG drawing (:mod:`engagekit.report.svg`),
    so that building a report's charts does not import the drawing, which a text report never uses.
    """
    return value is not None and math.isfinite(value) and abs(value) <= LARGEST_NUMBER


@attrs.frozen(repr=False, eq=False)
class Section(Model):
    """A titled part of a report, with blocks and sub-sections."""

    id: str
    title: str
    blocks: list[Block] = attrs.field(factory=list)
    sections: list[Section] = attrs.field(factory=list)


@attrs.frozen(repr=False, eq=False)
class Report(Model):
    """A council's report as of a date."""

    council_id: str
    council_name: str
    title: str
    as_of: dt.date
    sections: list[Section]
    status_counts: dict[str, int]
    findings: list[Finding] = attrs.field(factory=list)
    schema_version: int = SCHEMA_VERSION
    data: CouncilData | None = None
    """The council's data as values (:mod:`engagekit.report.data`), for the JSON report;
    ``None`` for a report built without a council."""
