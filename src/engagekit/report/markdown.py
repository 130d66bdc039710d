"""The Markdown report, for pasting into wikis, issues and committee drafts.

Every text in a report comes from a definition, the records or a plugin, so each is escaped
to stay text in CommonMark and GitHub-flavoured Markdown, wherever it lands:

- inside a line, the characters that start emphasis, code, links, raw HTML, table cells,
  strikethrough and entities get a backslash (``\\*``, ``\\```, ``\\[``, ``\\<``, ``\\|``,
  ``\\~``, ``\\&amp;``), and line breaks become spaces;
- where a text starts a block (a paragraph, a list item), what would make it a heading, a
  list, a quote, a rule or code is escaped too: a leading ``# ``, ``- ``, ``+ ``, ``---``, the
  ``.`` or ``)`` of ``1. ``, and leading spaces (which would make code) are dropped;
- in a heading, each trailing ``#`` is escaped so none is taken as a closing sequence.

Terminal escapes and control characters are taken out first
(:func:`engagekit.terminal_text.printable`), since Markdown is often read in a terminal.

No Markdown library offers this as a function (markdown-it-py and mdformat escape inside their
own renderers, on a parsed tree), so it is this small module's job; the tests parse the
output to check that hostile text stays text.
"""

from __future__ import annotations

import re

from engagekit.report.document import Block, BulletList, Chart, Fields, Paragraph, Report, Section, Table
from engagekit.terminal_text import printable

_INLINE = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?[0-9A-Za-z]+;)")
"""Characters that change the meaning of running text (``&`` only where it would start an entity)."""

_BLOCK_START = re.compile(r"^(?:#(?=#{0,5}(?:[ \t]|$))|[+-](?=[ \t]|$)|-(?=[- \t]*$)|(\d{1,9})(?=[.)](?:[ \t]|$)))")
"""What, at the start of a block, would make it a heading (``# ``), a list item (``- ``, ``+ ``,
``1. ``, ``1) ``) or a rule (``---``). Only these are escaped, so ``#378`` or ``2.1 It adopts``
read as written."""


def render_markdown(report: Report) -> str:
    lines = [f"# {_heading(report.title)}", ""]
    for section in report.sections:
        _section(section, 2, lines)
    return "\n".join(lines).rstrip() + "\n"


def _inline(text: str) -> str:
    """Escape the characters that would change Markdown's meaning inside running text."""
    return _INLINE.sub(lambda match: "\\" + match.group(0), printable(text, multiline=False))


def _block(text: str) -> str:
    """Running text that starts a block: escaped inline, and so that it cannot open a block of its own."""
    escaped = _inline(text).lstrip(" \t")
    return _BLOCK_START.sub(lambda match: match.group(0) + "\\" if match.group(1) else "\\" + match.group(0), escaped)


def _heading(text: str) -> str:
    """A heading's text: escaped inline, with a trailing ``#`` that would close the heading escaped."""
    escaped = _inline(text).strip(" \t")
    trailing = re.search(r"#+$", escaped)
    if trailing:  # each one escaped: some readers strip a run of #s however it starts
        escaped = escaped[: trailing.start()] + "\\#" * len(trailing.group(0))
    return escaped


def _section(section: Section, depth: int, lines: list[str]) -> None:
    lines.extend([f"{'#' * min(depth, 6)} {_heading(section.title)}", ""])
    for block in section.blocks:
        _render_block(block, lines)
    for sub in section.sections:
        _section(sub, depth + 1, lines)


def _table(block: Table, lines: list[str]) -> None:
    lines.extend([f"*{_inline(block.caption)}*", ""])
    lines.append("| " + " | ".join(_inline(c) for c in block.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in block.columns) + "|")
    lines.extend("| " + " | ".join(_inline(c) for c in row) + " |" for row in block.rows)


def _render_block(block: Block, lines: list[str]) -> None:
    if isinstance(block, Paragraph):
        lines.append(_block(block.text))
    elif isinstance(block, BulletList):
        if block.title:
            lines.extend([f"**{_inline(block.title)}**", ""])
        lines.extend(f"- {_block(item)}" for item in block.items)
    elif isinstance(block, Fields):
        lines.extend(f"- **{_inline(label)}:** {_inline(value)}" for label, value in block.items)
    elif isinstance(block, Table):
        _table(block, lines)
    elif isinstance(block, Chart):
        lines.extend([f"**{_inline(block.title)}**: {_inline(block.description)}", ""])
        _table(block.table(), lines)
    lines.append("")
