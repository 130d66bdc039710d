"""The built-in output formats: text, Markdown, JSON, Word, XLSX and CSV (actions, findings, Decidim).

Each format's module is imported when a report is rendered in it, not when the formats are
listed: a text report does not pay for python-docx's, XlsxWriter's or Jinja2's modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from engagekit.hookspecs import hookimpl

if TYPE_CHECKING:
    from engagekit.report.document import Report
    from engagekit.report.renderers import Renderer


def _lazy(module: str, function: str) -> Callable[[Report], str | bytes]:
    """A render function that imports ``module`` and calls its ``function`` on first use."""

    def render(report: Report) -> str | bytes:
        found: Callable[[Report], str | bytes] = getattr(importlib.import_module(module), function)
        return found(report)

    render.__name__ = render.__qualname__ = function
    render.__doc__ = f"Render with {module}.{function} (imported when first called)."
    return render


@hookimpl
def engagekit_register_renderers(register: Callable[[Renderer], None]) -> None:
    from engagekit.report.renderers import Renderer

    tables = "engagekit.report.tables"
    decidim = "The action plan for Decidim's results importer, without status ids (export --format decidim adds them)"
    formats = [
        ("text", "engagekit.report.text", "render_text", "Plain text for reading at a terminal", "txt"),
        ("markdown", "engagekit.report.markdown", "render_markdown", "Markdown for wikis and documents", "md"),
        (
            "json",
            "engagekit.report.json_format",
            "render_json",
            "JSON for other programs (with a schema_version)",
            "json",
        ),
        (
            "html",
            "engagekit.report.html",
            "render_html",
            "An accessible web page (WCAG 2.2 AA) to publish or print",
            "html",
        ),
        ("docx", "engagekit.report.docx", "render_docx", "Word report laid out for a council committee", "docx"),
        ("xlsx", tables, "render_xlsx", "Workbook: the actions and the findings, one sheet each", "xlsx"),
        ("actions-csv", tables, "render_actions_csv", "CSV of the actions with their latest status", "csv"),
        ("findings-csv", tables, "render_findings_csv", "CSV of the findings", "findings.csv"),
        ("decidim-csv", tables, "render_decidim_results", decidim, "decidim.csv"),
    ]
    for name, module, function, description, extension in formats:
        register(Renderer(name, _lazy(module, function), description, extension))
