"""The built-in output formats: text, Markdown, JSON, Word, XLSX and CSV (actions, findings, Decidim).

The renderers are imported when formats are asked for, not when the plugin is registered, so
``engagekit --help`` does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engagekit.hookspecs import hookimpl

if TYPE_CHECKING:
    from engagekit.report.document import Report
    from engagekit.report.renderers import Renderer


def _render_html(report: Report) -> str:
    """Import Jinja2 only when a page is rendered, not whenever the formats are listed."""
    from engagekit.report.html import render_html

    return render_html(report)


@hookimpl
def engagekit_register_renderers(register: Callable[[Renderer], None]) -> None:
    from engagekit.report.docx import render_docx
    from engagekit.report.json_format import render_json
    from engagekit.report.markdown import render_markdown
    from engagekit.report.renderers import Renderer
    from engagekit.report.tables import render_actions_csv, render_decidim_results, render_findings_csv, render_xlsx
    from engagekit.report.text import render_text

    register(Renderer("text", render_text, "Plain text for reading at a terminal", "txt"))
    register(Renderer("markdown", render_markdown, "Markdown for wikis and documents", "md"))
    register(Renderer("json", render_json, "JSON for other programs (with a schema_version)", "json"))
    register(Renderer("html", _render_html, "An accessible web page (WCAG 2.2 AA) to publish or print", "html"))
    register(Renderer("docx", render_docx, "Word report laid out for a council committee", "docx"))
    register(Renderer("xlsx", render_xlsx, "Workbook: the actions and the findings, one sheet each", "xlsx"))
    register(Renderer("actions-csv", render_actions_csv, "CSV of the actions with their latest status", "csv"))
    register(Renderer("findings-csv", render_findings_csv, "CSV of the findings", "findings.csv"))
    decidim = "The action plan as Decidim accountability results"
    register(Renderer("decidim-csv", render_decidim_results, decidim, "decidim.csv"))
