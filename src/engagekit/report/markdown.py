"""The Markdown report, for pasting into wikis, issues and committee drafts."""

from __future__ import annotations

from engagekit.report.document import Block, BulletList, Chart, Fields, Paragraph, Report, Section, Table


def render_markdown(report: Report) -> str:
    lines = [f"# {_inline(report.title)}", ""]
    for section in report.sections:
        _section(section, 2, lines)
    return "\n".join(lines).rstrip() + "\n"


def _inline(text: str) -> str:
    """Escape the characters that would change Markdown's meaning inside running text."""
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def _section(section: Section, depth: int, lines: list[str]) -> None:
    lines.extend([f"{'#' * min(depth, 6)} {_inline(section.title)}", ""])
    for block in section.blocks:
        _block(block, lines)
    for sub in section.sections:
        _section(sub, depth + 1, lines)


def _table(block: Table, lines: list[str]) -> None:
    lines.extend([f"*{_inline(block.caption)}*", ""])
    lines.append("| " + " | ".join(_inline(c) for c in block.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in block.columns) + "|")
    lines.extend("| " + " | ".join(_inline(c) for c in row) + " |" for row in block.rows)


def _block(block: Block, lines: list[str]) -> None:
    if isinstance(block, Paragraph):
        lines.append(_inline(block.text))
    elif isinstance(block, BulletList):
        if block.title:
            lines.extend([f"**{_inline(block.title)}**", ""])
        lines.extend(f"- {_inline(item)}" for item in block.items)
    elif isinstance(block, Fields):
        lines.extend(f"- **{_inline(label)}:** {_inline(value)}" for label, value in block.items)
    elif isinstance(block, Table):
        _table(block, lines)
    elif isinstance(block, Chart):
        lines.extend([f"**{_inline(block.title)}**: {_inline(block.description)}", ""])
        _table(block.table(), lines)
    lines.append("")
