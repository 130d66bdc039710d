"""The plain-text report: what a person at a terminal reads.

Headings are underlined, label–value pairs line up, and tables wrap their cells to fit the
width, so long action texts stay readable in an 80- to 120-column terminal.

Every text in a report comes from a definition, the records or a plugin, so none is trusted:
terminal escape sequences and control characters are taken out of each before it is laid out
(:func:`engagekit.terminal_text.printable`), so a council named ``\x1b]0;...\x07`` cannot
retitle the reader's terminal and widths are measured on what is shown. The colour of status
words is added afterwards, to the clean text (:func:`colour_statuses`).
"""

from __future__ import annotations

import re
import textwrap

import attrs

from engagekit.report.document import Block, BulletList, Chart, Fields, Paragraph, Report, Section, Series, Table
from engagekit.terminal_text import printable

WIDTH = 100


_STATUS_WORDS = re.compile(r"\b(Red|Amber|Grey|Green) –|\b(RED|AMBER):")
_COLOURS = {"red": "red", "amber": "yellow", "grey": "bright_black", "green": "green"}


def colour_statuses(text: str) -> str:
    """The text with each status word in its colour, for a terminal (the words stay, so colour is extra)."""
    import click

    def paint(match: re.Match[str]) -> str:
        word = (match.group(1) or match.group(2)).lower()
        return click.style(match.group(0), fg=_COLOURS[word], bold=word in ("red", "amber"))

    return _STATUS_WORDS.sub(paint, text)


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """Running text in lines of ``width``, broken only at spaces.

    A word is never split, at a hyphen ("CN-1", "well-known") or because it is long (a web
    address stays whole on a line of its own), so the text reads, and can be searched, as written.
    """
    fits = _fits(text, width - len(initial_indent))
    if fits is not None:
        return [initial_indent + fits] if fits else []
    return textwrap.wrap(
        text,
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


_OTHER_WHITESPACE = re.compile("[\t\n\x0b\x0c\r]")
"""The whitespace :mod:`textwrap` turns into spaces (all it breaks at besides the space)."""


def _fits(text: str, width: int) -> str | None:
    """``text`` as :func:`textwrap.wrap` would give it if it fits on one line of ``width``, else ``None``.

    Most texts in a report (labels, dates, short cells) fit, and laying each out with
    :mod:`textwrap` costs more than the rest of rendering it; for these the answer is known
    without it: the text itself, less the spaces ending it (``""`` when there is nothing but
    spaces, which :func:`textwrap.wrap` gives as no line). Whitespace other than spaces, a
    text ending in other whitespace (such as a no-break space, which :mod:`textwrap` drops
    there), or a text longer than ``width``, is left to :mod:`textwrap`.
    """
    if width <= 0 or len(text) > width or _OTHER_WHITESPACE.search(text):
        return None
    shown = text.rstrip(" ")
    if shown and shown[-1].isspace():
        return None
    return shown


def render_text(report: Report, width: int = WIDTH) -> str:
    title = _line(report.title)
    lines: list[str] = [title, "=" * min(len(title), width), ""]
    for section in report.sections:
        _section(section, 1, lines, width)
    return "\n".join(lines).rstrip() + "\n"


def _line(text: str) -> str:
    """Untrusted text for one line of output: no escapes, no controls, no line breaks."""
    return printable(text, multiline=False)


def _printable_block(block: Block) -> Block:
    """``block`` with every text in it made printable (see the module's docstring)."""
    if isinstance(block, Paragraph):
        return attrs.evolve(block, text=_line(block.text))
    if isinstance(block, BulletList):
        title = None if block.title is None else _line(block.title)
        return attrs.evolve(block, items=[_line(item) for item in block.items], title=title)
    if isinstance(block, Fields):
        return attrs.evolve(block, items=[(_line(label), _line(value)) for label, value in block.items])
    if isinstance(block, Table):
        return printable_table(block)
    if not isinstance(block, Chart):  # a block of a kind this renderer does not draw
        return block
    return attrs.evolve(
        block,
        title=_line(block.title),
        categories=[_line(category) for category in block.categories],
        series=[Series(_line(series.name), series.values) for series in block.series],
        description=_line(block.description),
        unit=None if block.unit is None else _line(block.unit),
    )


def printable_table(table: Table) -> Table:
    """``table`` with its caption, headings and cells made printable, for a terminal or a text file."""
    return Table(
        _line(table.caption),
        [_line(column) for column in table.columns],
        [[_line(cell) for cell in row] for row in table.rows],
    )


def _section(section: Section, depth: int, lines: list[str], width: int) -> None:
    underline = {1: "=", 2: "-", 3: "~"}.get(depth, "")
    title = _line(section.title) if underline else f"{_line(section.title)}:"
    lines.extend(wrap(title, width) or [title])
    if underline:
        lines.append(underline * min(len(title), width))
    lines.append("")
    for block in section.blocks:
        if isinstance(block, Table) and block.caption == section.title:
            block = Table("", block.columns, block.rows)  # the heading already says it
        _block(_printable_block(block), lines, width)
    for sub in section.sections:
        _section(sub, depth + 1, lines, width)


def _block(block: Block, lines: list[str], width: int) -> None:
    if isinstance(block, Paragraph):
        lines.extend(wrap(block.text, width) or [""])
    elif isinstance(block, BulletList):
        if block.title:
            lines.append(block.title + ":")
        for item in block.items:
            lines.extend(wrap(item, width, initial_indent="  • ", subsequent_indent="    ") or ["  •"])
    elif isinstance(block, Fields):
        label_width = max((len(label) for label, _ in block.items), default=0) + 2
        for label, value in block.items:
            wrapped = wrap(value, max(width - label_width, 20)) or [""]
            lines.append(f"{label + ':':<{label_width}}{wrapped[0]}")
            lines.extend(" " * label_width + rest for rest in wrapped[1:])
    elif isinstance(block, Table):
        lines.extend(_layout(block, width))  # made printable by _printable_block already
    elif isinstance(block, Chart):
        lines.extend(wrap(f"{block.title}: {block.description}", width))
        lines.append("")
        lines.extend(_layout(block.table(), width))  # from the chart's printable texts
    lines.append("")


def format_table(table: Table, width: int = WIDTH) -> list[str]:
    """A table as lines of text, each cell wrapped so the whole fits in ``width`` columns.

    Its texts are made printable first, so a caller may pass a table of untrusted text.
    """
    return _layout(printable_table(table), width)


def _layout(table: Table, width: int) -> list[str]:
    """The lines of a table whose texts are printable already (see :func:`format_table`)."""
    columns = len(table.columns)
    natural = [max([len(table.columns[i]), *(len(row[i]) for row in table.rows)]) for i in range(columns)]
    gap = 2
    longest_word = [
        max([len(word) for cell in [table.columns[i], *(row[i] for row in table.rows)] for word in cell.split()] or [0])
        for i in range(columns)
    ]
    minimum = [max(6, min(longest_word[i], 20)) for i in range(columns)]
    widths = _fit(natural, minimum, width - gap * (columns - 1))
    out = [table.caption + ":"] if table.caption else []
    out.append(_row(table.columns, widths, gap))
    out.append((" " * gap).join("-" * w for w in widths))
    for row in table.rows:
        out.append(_row(row, widths, gap))
    return out


def _fit(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Column widths that fit in ``available``: the columns with the most room above their minimum
    give it up first, one column at a time, and none goes below its minimum.

    The result is that of taking one character at a time from the first of the columns with the
    most room left, until the table fits or no column has room; it is worked out a level at a time
    (the columns with the most room all brought down to the next column's room, or as far as the
    excess goes, the first columns one further), not a character at a time.
    """
    widths = list(natural)
    excess = sum(widths) - available
    while excess > 0:
        room = [width - least for width, least in zip(widths, minimum, strict=True)]
        most = max(room)
        if most <= 0:
            break
        widest = [i for i, r in enumerate(room) if r == most]
        level = max([r for r in room if r < most] + [0])
        steps = min(most - level, excess // len(widest))
        if steps == 0:  # less excess than widest columns: the first ones each give one more
            for i in widest[:excess]:
                widths[i] -= 1
            break
        for i in widest:
            widths[i] -= steps
        excess -= steps * len(widest)
    return widths


def _cell_lines(cell: str, width: int) -> list[str]:
    """A table cell's lines in a column of ``width``: as :func:`textwrap.wrap` breaks it, at least one."""
    fits = _fits(cell, width)
    if fits is not None:
        return [fits]
    return textwrap.wrap(cell, width) or [""]


def _row(cells: list[str], widths: list[int], gap: int) -> str:
    wrapped = [_cell_lines(cell, width) for cell, width in zip(cells, widths, strict=True)]
    height = max(len(parts) for parts in wrapped)
    lines = []
    for index in range(height):
        parts = [
            (parts[index] if index < len(parts) else "").ljust(width)
            for parts, width in zip(wrapped, widths, strict=True)
        ]
        lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)
