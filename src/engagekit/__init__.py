"""engagekit: describe how a council works with its communities, then track and report delivery.

The public API::

    import datetime as dt
    import engagekit

    council = engagekit.load_definition("my-council.yaml")
    report = engagekit.council_report(council, dt.date(2026, 3, 31))
    print(engagekit.render_text(report))

Plugins implement the hooks in :mod:`engagekit.hookspecs` with ``@engagekit.hookimpl``.
Heavy modules load only when a name that needs them is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engagekit.hookspecs import hookimpl

if TYPE_CHECKING:
    from engagekit.definition import DefinitionError, load_definition
    from engagekit.model import Council, PartialDate, Source
    from engagekit.plugins import PluginHost, get_plugin_host
    from engagekit.report import Report, council_report
    from engagekit.report.json_format import render_json
    from engagekit.report.markdown import render_markdown
    from engagekit.report.text import render_text
    from engagekit.rules import Finding, Rule, RuleContext, Status, evaluate

__all__ = [
    "Council",
    "DefinitionError",
    "Finding",
    "PartialDate",
    "PluginHost",
    "Report",
    "Rule",
    "RuleContext",
    "Source",
    "Status",
    "council_report",
    "evaluate",
    "get_plugin_host",
    "hookimpl",
    "load_definition",
    "render_json",
    "render_markdown",
    "render_text",
]

_LAZY = {
    "Council": "engagekit.model",
    "PartialDate": "engagekit.model",
    "Source": "engagekit.model",
    "DefinitionError": "engagekit.definition",
    "load_definition": "engagekit.definition",
    "PluginHost": "engagekit.plugins",
    "get_plugin_host": "engagekit.plugins",
    "Report": "engagekit.report",
    "council_report": "engagekit.report",
    "render_json": "engagekit.report.json_format",
    "render_markdown": "engagekit.report.markdown",
    "render_text": "engagekit.report.text",
    "Finding": "engagekit.rules",
    "Rule": "engagekit.rules",
    "RuleContext": "engagekit.rules",
    "Status": "engagekit.rules",
    "evaluate": "engagekit.rules",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engagekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
