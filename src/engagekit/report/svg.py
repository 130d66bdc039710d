"""Charts as inline SVG, drawn from a :class:`~engagekit.report.document.Chart`.

The SVG is built with plain string formatting, so every piece of text in it (titles,
descriptions, category and series names, units, numbers) goes through :func:`_text`, which
escapes it for HTML. Nothing a definition, plugin or record holds can become markup.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>`` (the chart's
description), and colour is never the only cue: every series also has its own fill pattern
(bars) or marker and dash (lines), bars and stacks carry their values as direct labels, and
a legend names every series. The page puts the data table after each chart.

Every colour has at least 3:1 contrast against white (graphics, WCAG 2.2 1.4.11); text is
drawn in near-black on white (at least 4.5:1, 1.4.3).

Only values a chart can draw are drawn (:func:`drawable`: finite, at most
:data:`~engagekit.records.cells.LARGEST_NUMBER` either way); any other (``inf``, ``nan``,
``1e308``, which would overflow the axis arithmetic or put ``nan`` in a coordinate) is left out
like a value never recorded, and :func:`undrawable_count` lets the page say how many.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence

import attrs

from engagekit.model.base import Model
from engagekit.report.document import Chart, Series, drawable

WIDTH = 640
PLOT_HEIGHT = 220
FONT_SIZE = 13
CHAR_WIDTH = 7.0
"""An estimate of a character's width at :data:`FONT_SIZE`, for laying out labels."""

TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WHITE = "#ffffff"

PALETTE = (
    "#1d70b8",  # blue          5.2:1
    "#b35a00",  # dark orange   4.8:1
    "#00703c",  # green         6.2:1
    "#4c2c92",  # purple       10.1:1
    "#d4351c",  # red           4.9:1
    "#00625e",  # dark teal     7.2:1
    "#d53880",  # pink          4.5:1
    "#505a5f",  # dark grey     7.1:1
    "#85994b",  # olive         3.2:1
    "#003078",  # dark blue    12.4:1
    "#912b88",  # bright purple 7.2:1
    "#942514",  # dark red      8.3:1
)
"""Series colours, each at least 3:1 against white."""

STATUS_COLOURS = {
    # Finding statuses, by value and by label.
    "red": "#d4351c",
    "amber": "#b35a00",
    "green": "#00703c",
    "grey": "#505a5f",
    "Red – overdue or not met": "#d4351c",
    "Amber – needs attention": "#b35a00",
    "Green – on track": "#00703c",
    "Grey – no evidence recorded": "#505a5f",
    # Action statuses.
    "completed": "#00703c",
    "in-progress": "#1d70b8",
    "at-risk": "#b35a00",
    "delayed": "#d4351c",
    "not-started": "#505a5f",
    "cancelled": "#0b0c0c",
    "none recorded": "#6f777b",
}
"""Colours for status-like names, so red reads as red wherever it appears."""

PATTERNS = ("solid", "diagonal", "dots", "crosshatch", "horizontal", "vertical", "reverse-diagonal", "grid")
"""Fill patterns, one per series in turn, so neighbouring series differ in more than colour."""

MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = ("", "8 4", "2 4", "12 4 2 4")

ALL_COLOURS = (*PALETTE, *STATUS_COLOURS.values())
"""Every colour a chart may use for data (for tests of contrast)."""


def undrawable_count(chart: Chart) -> int:
    """How many of ``chart``'s values (not counting those never recorded) cannot be drawn."""
    return sum(1 for series in chart.series for value in series.values if value is not None and not drawable(value))


def _drawable_only(chart: Chart) -> Chart:
    """``chart`` with each value it cannot draw taken out, as if it had not been recorded."""
    if not undrawable_count(chart):
        return chart
    series = [Series(s.name, [value if drawable(value) else None for value in s.values]) for s in chart.series]
    return attrs.evolve(chart, series=series)


def _text(value: object) -> str:
    """``value`` as text safe inside an SVG element or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    """A coordinate: short and locale-free."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def format_value(value: float) -> str:
    """A value for a label: whole numbers with thousands separators, others to 2 places."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


def nice_ticks(low: float, high: float, integers: bool = False, target: int = 5) -> list[float]:
    """Round tick values covering ``low`` to ``high``, about ``target`` intervals apart.

    A bound that is not finite, or a range too wide to count in (more than ``float`` holds), is
    treated as 0 to 1: the caller draws only :func:`drawable` values, so this is a last guard.
    """
    if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(high - low)):
        low, high = 0.0, 1.0
    if high <= low:
        high = low + 1
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        candidate = multiple * magnitude
        if candidate >= raw and not (integers and not float(candidate).is_integer()):
            step = candidate
            break
    if integers:
        step = max(step, 1.0)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    count = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(count + 1)]


@attrs.frozen(repr=False, eq=False)
class _Style(Model):
    colour: str
    pattern: str
    marker: str
    dash: str


def _series_styles(chart: Chart) -> list[_Style]:
    styles = []
    for index, series in enumerate(chart.series):
        colour = STATUS_COLOURS.get(series.name) or PALETTE[index % len(PALETTE)]
        styles.append(
            _Style(
                colour=colour,
                pattern=PATTERNS[index % len(PATTERNS)],
                marker=MARKERS[index % len(MARKERS)],
                dash=DASHES[index % len(DASHES)],
            )
        )
    return styles


def _status_categories(chart: Chart) -> bool:
    """A single series whose categories are all statuses: colour each bar by its status."""
    return len(chart.series) == 1 and bool(chart.categories) and all(c in STATUS_COLOURS for c in chart.categories)


def _pattern_def(pattern_id: str, colour: str, pattern: str) -> str:
    """A ``<pattern>``: the colour with white lines or dots over it (solid: the colour alone)."""
    lines = {
        "diagonal": (45, ['<rect x="0" y="0" width="3" height="8" fill="#ffffff"/>']),
        "reverse-diagonal": (-45, ['<rect x="0" y="0" width="3" height="8" fill="#ffffff"/>']),
        "horizontal": (0, ['<rect x="0" y="0" width="8" height="3" fill="#ffffff"/>']),
        "vertical": (0, ['<rect x="0" y="0" width="3" height="8" fill="#ffffff"/>']),
        "crosshatch": (
            45,
            [
                '<rect x="0" y="0" width="2" height="8" fill="#ffffff"/>',
                '<rect x="0" y="0" width="8" height="2" fill="#ffffff"/>',
            ],
        ),
        "grid": (
            0,
            [
                '<rect x="0" y="0" width="2" height="8" fill="#ffffff"/>',
                '<rect x="0" y="0" width="8" height="2" fill="#ffffff"/>',
            ],
        ),
        "dots": (0, ['<circle cx="4" cy="4" r="1.8" fill="#ffffff"/>']),
    }
    angle, marks = lines.get(pattern, (0, []))
    transform = f' patternTransform="rotate({angle})"' if angle else ""
    return (
        f'<pattern id="{_text(pattern_id)}" patternUnits="userSpaceOnUse" width="8" height="8"{transform}>'
        f'<rect x="0" y="0" width="8" height="8" fill="{_text(colour)}"/>{"".join(marks)}</pattern>'
    )


class _Fills:
    """The patterns a chart uses, defined once each in its ``<defs>``."""

    def __init__(self, chart_id: str) -> None:
        self.chart_id = chart_id
        self.defs: dict[tuple[str, str], str] = {}

    def fill(self, colour: str, pattern: str) -> str:
        if pattern == "solid":
            return colour
        key = (colour, pattern)
        if key not in self.defs:
            self.defs[key] = f"{self.chart_id}--fill-{len(self.defs) + 1}"
        return f"url(#{self.defs[key]})"

    def render(self) -> str:
        return "".join(_pattern_def(pid, colour, pattern) for (colour, pattern), pid in self.defs.items())


def _points(*pairs: tuple[float, float]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in pairs)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    """A point on a line: each series has its own shape, so colour is not the only cue."""
    r = 4.5
    common = f'fill="{_text(colour)}" stroke="#ffffff" stroke-width="1.5"'
    if shape == "square":
        return f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{_num(r * 2)}" height="{_num(r * 2)}" {common}/>'
    if shape == "triangle":
        return f'<polygon points="{_points((x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r))}" {common}/>'
    if shape == "diamond":
        d = r + 1.5
        return f'<polygon points="{_points((x, y - d), (x + d, y), (x, y + d), (x - d, y))}" {common}/>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" {common}/>'


def _label(x: float, y: float, text: str, *, anchor: str = "middle", size: int = FONT_SIZE, extra: str = "") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}" fill="{TEXT}"{extra}>'
        f"{_text(text)}</text>"
    )


def _chip(x: float, y: float, text: str) -> str:
    """A value label on a white chip, legible over any colour or pattern."""
    width = len(text) * 6.5 + 6
    return (
        f'<rect x="{_num(x - width / 2)}" y="{_num(y - 8)}" width="{_num(width)}" height="16" rx="2" '
        f'fill="#ffffff" stroke="{TEXT}" stroke-width="0.5"/>' + _label(x, y + 4, text, size=11)
    )


@attrs.frozen(repr=False, eq=False)
class _Layout(Model):
    left: float
    top: float
    width: float
    height: float
    band: float
    lo: float
    hi: float

    def y(self, value: float) -> float:
        return self.top + self.height - (value - self.lo) / (self.hi - self.lo) * self.height

    def x(self, index: int) -> float:
        """The middle of category ``index``'s band."""
        return self.left + (index + 0.5) * self.band


def _legend(chart: Chart, styles: Sequence[_Style], fills: _Fills, top: float) -> tuple[list[str], float]:
    """Legend items in rows across the top; returns the SVG and its height."""
    if not chart.series or (len(chart.series) < 2 and chart.chart == "bar"):
        return [], 0.0
    parts: list[str] = []
    x, y, row_height = 16.0, top, 22.0
    for series, style in zip(chart.series, styles, strict=True):
        name = _truncate(series.name, 80)
        width = 28 + len(name) * CHAR_WIDTH + 18
        if x + width > WIDTH - 16 and x > 16:
            x, y = 16.0, y + row_height
        if chart.chart == "line":
            dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
            parts.append(
                f'<line x1="{_num(x)}" y1="{_num(y + 8)}" x2="{_num(x + 22)}" y2="{_num(y + 8)}" '
                f'stroke="{_text(style.colour)}" stroke-width="2.5"{dash}/>'
            )
            parts.append(_marker(style.marker, x + 11, y + 8, style.colour))
        else:
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="22" height="16" '
                f'fill="{_text(fills.fill(style.colour, style.pattern))}" stroke="{TEXT}" stroke-width="0.5"/>'
            )
        parts.append(_label(x + 28, y + 13, name, anchor="start"))
        x += width
    return parts, y + row_height - top + 8


def _category_labels(chart: Chart, layout: _Layout) -> tuple[list[str], float]:
    """Category names under the axis: wrapped when there is room, else slanted and shortened."""
    count = len(chart.categories)
    per_line = int((layout.band - 6) // CHAR_WIDTH)
    baseline = layout.top + layout.height + 18
    parts: list[str] = []
    words_fit = all(len(word) <= per_line for category in chart.categories for word in category.split())
    if per_line >= 6 and words_fit:
        tallest = 1
        for index, category in enumerate(chart.categories):
            lines = textwrap.wrap(category, per_line, break_on_hyphens=False) or [""]
            if len(lines) > 3:
                lines = [*lines[:2], _truncate(lines[2] + " " + lines[3], per_line)]
            tallest = max(tallest, len(lines))
            spans = "".join(
                f'<tspan x="{_num(layout.x(index))}" dy="{0 if i == 0 else 15}">{_text(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            parts.append(
                f'<text x="{_num(layout.x(index))}" y="{_num(baseline)}" text-anchor="middle" '
                f'font-size="{FONT_SIZE}" fill="{TEXT}">{spans}</text>'
            )
        return parts, 18 + 15 * (tallest - 1) + 12
    limit = 22
    longest = max((len(_truncate(c, limit)) for c in chart.categories), default=0)
    step = max(1, math.ceil(14 * count / layout.width)) if layout.band < 14 else 1
    for index, category in enumerate(chart.categories):
        if index % step:
            continue
        x = layout.x(index)
        parts.append(
            _label(
                x,
                baseline - 4,
                _truncate(category, limit),
                anchor="end",
                extra=f' transform="rotate(-45 {_num(x)} {_num(baseline - 4)})"',
            )
        )
    return parts, 18 + longest * CHAR_WIDTH * 0.72 + 8


def _value_range(chart: Chart) -> tuple[float, float]:
    if chart.chart == "stacked":
        highs = [sum(max(s.values[i] or 0.0, 0.0) for s in chart.series) for i in range(len(chart.categories))]
        lows = [sum(min(s.values[i] or 0.0, 0.0) for s in chart.series) for i in range(len(chart.categories))]
        return min([0.0, *lows]), max([0.0, *highs])
    values = [v for s in chart.series for v in s.values if v is not None]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if chart.chart == "bar":
        return min(low, 0.0), max(high, 0.0)
    if low == high:
        return min(low, 0.0), max(high, 0.0) or 1.0
    padding = (high - low) * 0.1
    low_padded = low - padding
    return (0.0 if low >= 0 and low_padded < 0 else low_padded), high + padding


def render_svg(chart: Chart, chart_id: str) -> str:
    """``chart`` as an accessible inline ``<svg>`` (no XML namespace: it lives in an HTML page).

    A value that cannot be drawn (see :func:`drawable`) is left out, as one never recorded is.
    """
    chart = _drawable_only(chart)
    styles = _series_styles(chart)
    fills = _Fills(chart_id)
    integers = all(float(v).is_integer() for s in chart.series for v in s.values if v is not None)
    low, high = _value_range(chart)
    ticks = nice_ticks(low, high, integers)
    tick_labels = [format_value(t) for t in ticks]
    unit_space = 22 if chart.unit else 0
    left = 16 + unit_space + max(len(label) for label in tick_labels) * CHAR_WIDTH + 8
    legend, legend_height = _legend(chart, styles, fills, 12)
    top = 12 + legend_height + 18
    plot_width = WIDTH - left - 16
    count = max(len(chart.categories), 1)
    layout = _Layout(left, top, plot_width, PLOT_HEIGHT, plot_width / count, ticks[0], ticks[-1])
    labels, label_height = _category_labels(chart, layout)
    height = top + PLOT_HEIGHT + label_height + 8

    body: list[str] = []
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = layout.y(tick)
        body.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_label(left - 8, y + 4, text, anchor="end"))
    if chart.unit:
        middle = top + PLOT_HEIGHT / 2
        body.append(
            _label(16 + 10, middle, _truncate(chart.unit, 30), extra=f' transform="rotate(-90 26 {_num(middle)})"')
        )
    if chart.chart == "stacked":
        body += _stacked(chart, styles, fills, layout)
    elif chart.chart == "line":
        body += _lines(chart, styles, layout)
    else:
        body += _bars(chart, styles, fills, layout)
    zero = layout.y(0.0) if layout.lo <= 0 <= layout.hi else layout.top + layout.height
    body.append(
        f'<line x1="{_num(left)}" y1="{_num(top)}" x2="{_num(left)}" y2="{_num(top + PLOT_HEIGHT)}" '
        f'stroke="{TEXT}" stroke-width="1.5"/>'
    )
    body.append(
        f'<line x1="{_num(left)}" y1="{_num(zero)}" x2="{_num(left + plot_width)}" y2="{_num(zero)}" '
        f'stroke="{TEXT}" stroke-width="1.5"/>'
    )
    body += labels

    title_id, desc_id = f"{chart_id}--title", f"{chart_id}--desc"
    defs = fills.render()
    return (
        f'<svg class="chart__svg" role="img" aria-labelledby="{_text(title_id)} {_text(desc_id)}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}" '
        f'data-chart="{_text(chart.chart)}" focusable="false">'
        f'<title id="{_text(title_id)}">{_text(chart.title)}</title>'
        f'<desc id="{_text(desc_id)}">{_text(chart.description)}</desc>'
        + (f"<defs>{defs}</defs>" if defs else "")
        + f'<rect x="0" y="0" width="{WIDTH}" height="{_num(height)}" fill="#ffffff"/>'
        + "".join(legend)
        + "".join(body)
        + "</svg>"
    )


def _bars(chart: Chart, styles: Sequence[_Style], fills: _Fills, layout: _Layout) -> list[str]:
    parts: list[str] = []
    count = max(len(chart.series), 1)
    inner = layout.band * 0.8
    width = min(inner / count, 56.0)
    by_status = _status_categories(chart)
    zero = layout.y(0.0)
    for index, category in enumerate(chart.categories):
        start = layout.x(index) - width * count / 2
        for number, (series, style) in enumerate(zip(chart.series, styles, strict=True)):
            value = series.values[index]
            if value is None:
                continue
            x = start + number * width
            colour, pattern = style.colour, style.pattern
            if by_status:
                colour = STATUS_COLOURS[category]
                pattern = PATTERNS[index % len(PATTERNS)]
            y = layout.y(value)
            top, bottom = min(y, zero), max(y, zero)
            if bottom - top >= 0.5:
                parts.append(
                    f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(width)}" height="{_num(bottom - top)}" '
                    f'fill="{_text(fills.fill(colour, pattern))}" stroke="#ffffff" stroke-width="1"/>'
                )
            if width >= 12:
                text = format_value(value)
                label_y = top - 5 if value >= 0 else bottom + 14
                parts.append(_label(x + width / 2, label_y, text, size=11 if count > 1 else FONT_SIZE))
    return parts


def _stacked(chart: Chart, styles: Sequence[_Style], fills: _Fills, layout: _Layout) -> list[str]:
    parts: list[str] = []
    width = min(layout.band * 0.7, 72.0)
    for index in range(len(chart.categories)):
        x = layout.x(index) - width / 2
        above, below = 0.0, 0.0
        for series, style in zip(chart.series, styles, strict=True):
            value = series.values[index]
            if not value:
                continue
            if value > 0:
                start, above = above, above + value
                end = above
            else:
                start, below = below, below + value
                end = below
            y1, y2 = layout.y(start), layout.y(end)
            top, bottom = min(y1, y2), max(y1, y2)
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(width)}" height="{_num(bottom - top)}" '
                f'fill="{_text(fills.fill(style.colour, style.pattern))}" stroke="#ffffff" stroke-width="1"/>'
            )
            text = format_value(value)
            if bottom - top >= 18 and width >= len(text) * 6.5 + 8:
                parts.append(_chip(x + width / 2, (top + bottom) / 2, text))
        if above and width >= 14:
            total = format_value(above)
            parts.append(_label(x + width / 2, layout.y(above) - 5, total, size=11, extra=' font-weight="700"'))
    return parts


def _lines(chart: Chart, styles: Sequence[_Style], layout: _Layout) -> list[str]:
    parts: list[str] = []
    for series, style in zip(chart.series, styles, strict=True):
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(series.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((layout.x(index), layout.y(value)))
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        for run in runs:
            if len(run) > 1:
                points = _points(*run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{_text(style.colour)}" stroke-width="2.5" '
                    f'stroke-linejoin="round"{dash}/>'
                )
        for run in runs:
            parts.extend(_marker(style.marker, x, y, style.colour) for x, y in run)
    return parts
