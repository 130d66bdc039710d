"""The plain-text report: what a person at a terminal reads.

Headings are underlined, label–value pairs line up, and tables wrap their cells to fit the
width, so long action texts stay readable in an 80- to 120-column terminal.
"""

from __future__ import annotations

import re
import textwrap

from engagekit.report.document import Block, BulletList, Chart, Fields, Paragraph, Report, Section, Table

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
    return textwrap.wrap(
        text,
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def render_text(report: Report, width: int = WIDTH) -> str:
    lines: list[str] = [report.title, "=" * min(len(report.title), width), ""]
    for section in report.sections:
        _section(section, 1, lines, width)
    return "\n".join(lines).rstrip() + "\n"


def _section(section: Section, depth: int, lines: list[str], width: int) -> None:
    underline = {1: "=", 2: "-", 3: "~"}.get(depth, "")
    title = section.title if underline else f"{section.title}:"
    lines.extend(wrap(title, width) or [title])
    if underline:
        lines.append(underline * min(len(title), width))
    lines.append("")
    for block in section.blocks:
        if isinstance(block, Table) and block.caption == section.title:
            block = Table("", block.columns, block.rows)  # the heading already says it
        _block(block, lines, width)
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
        lines.extend(format_table(block, width))
    elif isinstance(block, Chart):
        lines.extend(wrap(f"{block.title}: {block.description}", width))
        lines.append("")
        lines.extend(format_table(block.table(), width))
    lines.append("")


def format_table(table: Table, width: int = WIDTH) -> list[str]:
    """A table as lines of text, each cell wrapped so the whole fits in ``width`` columns."""
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
    widths = list(natural)
    while sum(widths) > available:
        widest = max(range(len(widths)), key=lambda i: widths[i] - minimum[i])
        if widths[widest] <= minimum[widest]:
            break
        widths[widest] -= 1
    return widths


def _row(cells: list[str], widths: list[int], gap: int) -> str:
    wrapped = [textwrap.wrap(cell, width) or [""] for cell, width in zip(cells, widths, strict=True)]
    height = max(len(parts) for parts in wrapped)
    lines = []
    for index in range(height):
        parts = [
            (parts[index] if index < len(parts) else "").ljust(width)
            for parts, width in zip(wrapped, widths, strict=True)
        ]
        lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)
