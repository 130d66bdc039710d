"""Reports: evaluate a council's rules as of a date and lay the result out as sections."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from engagekit.report.document import SCHEMA_VERSION, Report, Section

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.plugins import PluginHost
    from engagekit.rules.context import Evidence

__all__ = ["SCHEMA_VERSION", "Report", "Section", "council_report"]


def council_report(
    council: Council,
    as_of: dt.date,
    *,
    host: PluginHost | None = None,
    evidence: Evidence | None = None,
) -> Report:
    """The report for ``council`` as of ``as_of``.

    :param host: the plugin host whose Python rules and extra sections to include
        (none when omitted: only the definition's own rules).
    :param evidence: recorded progress; by default nothing is recorded.
    """
    import attrs

    from engagekit.report.build import build_report
    from engagekit.rules import RuleContext, evaluate
    from engagekit.rules.context import NoEvidence

    extra_rules = host.rules(council) if host else []
    findings = evaluate(council, as_of, evidence=evidence, extra_rules=extra_rules)
    sections: list[Section] = []
    if host:
        context = RuleContext(council=council, as_of=as_of, evidence=evidence or NoEvidence())
        sections = host.report_sections(council, attrs.evolve(context, findings=findings))
    latest = (evidence or NoEvidence()).latest_action_updates(as_of)
    return build_report(council, as_of, findings, sections, latest_updates=latest, evidence=evidence)
