"""``engagekit show``: what a council's definition says, without evaluating anything.

A definition is untrusted text: each line is printed without terminal escapes or control
characters (:func:`engagekit.terminal_text.printable`), and the JSON with its C1 controls escaped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engagekit.cli.app import App, council_option, definition_option, pass_app
from engagekit.terminal_text import json_printable, printable

if TYPE_CHECKING:  # the model and the report load only when a council is shown, not for --help
    from engagekit.model import Body, Council, Outcome, Phase, Programme


@click.command()
@council_option
@definition_option
@click.option("--json", "as_json", is_flag=True, help="Print the whole definition as JSON.")
@pass_app
def show(app: App, council_id: str | None, definition: Path | None, as_json: bool) -> None:
    """Show a council's model: programme, places, commitments and action plan.

    \b
    Examples:
      engagekit show --council thurrock
      engagekit show --council bathnes --json
    """
    council = app.council(council_id, definition)
    if as_json:
        from engagekit.definition.converter import make_converter
        from engagekit.report.json_format import finite_only

        data = finite_only(make_converter().unstructure(council))  # JSON has no Infinity or NaN
        click.echo(json_printable(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)))
        return
    click.echo("\n".join(printable(line, multiline=False) for line in _summary_lines(council)))


def _summary_lines(council: Council) -> list[str]:
    """The model in a few lines, each fact with how sure the definition says it is."""
    from engagekit.report.caveats import adoption, mark, mark_field

    p = council.programme
    kind = council.council_type.value if council.council_type else "not yet known"
    period = p.period.human() if p.period else "period not yet known"
    lines = [
        mark(council, f"{council.name} ({council.id})"),
        f"  ONS code: {mark_field(council, 'gss_code', council.gss_code or 'not yet known')}; "
        f"type: {mark_field(council, 'council_type', kind)}",
        f"  Programme: {mark(p, f'{p.name} ({p.kind})')}, {mark_field(p, 'period', period)}",
        f"  Adopted: {adoption(p)}",
    ]
    if p.adopted is None and p.adopted_by:
        lines.append(f"  Adoption by: {mark_field(p, 'adopted_by', p.adopted_by)}")
    if p.status and p.adopted:  # without an adoption date the status is given beside "Adopted"
        lines.append(f"  Status: {mark_field(p, 'status', p.status)}")
    for earlier in council.earlier_programmes:
        when = mark_field(earlier, "adopted", earlier.adopted.human()) if earlier.adopted else "date not known"
        lines.append(f"  Earlier programme: {mark(earlier, earlier.name)} ({when})")
    lines += _places_lines(council)
    lines += _plan_lines(p)
    if council.bodies:
        lines.append(f"  Bodies ({len(council.bodies)}): " + ", ".join(_body(b) for b in council.bodies))
    lines.append(f"  Sources: {len(council.documents)} documents")
    return lines


def _places_lines(council: Council) -> list[str]:
    from engagekit.report.caveats import mark, mark_field

    lines = []
    if council.areas:
        areas = ", ".join(f"{mark(a, a.name)} [{mark_field(a, 'kind', a.kind.value)}]" for a in council.areas)
        lines.append(f"  Areas ({len(council.areas)}): {areas}")
    if council.clusters:
        lines.append(f"  Clusters ({len(council.clusters)}): " + ", ".join(mark(c, c.name) for c in council.clusters))
    if council.phases:
        lines.append(f"  Phases ({len(council.phases)}): " + ", ".join(_phase(ph) for ph in council.phases))
    if council.hubs:
        hubs = ", ".join(
            f"{mark(h, h.name)} ×{mark_field(h, 'count', str(h.count))} [{mark_field(h, 'status', h.status.value)}]"
            for h in council.hubs
        )
        lines.append(f"  Hubs ({sum(h.count for h in council.hubs)}): {hubs}")
    return lines


def _phase(phase: Phase) -> str:
    """``Phase One (currently expected) (3, currently expected)``: how many clusters, and how sure."""
    from engagekit.report.caveats import field_words, mark

    count = str(len(phase.clusters)) if phase.clusters is not None else "clusters not yet known"
    words = field_words(phase, "clusters")
    return f"{mark(phase, phase.name)} ({count}{f', {words}' if words else ''})"


def _body(body: Body) -> str:
    from engagekit.report.caveats import declared, mark

    name = mark(body, declared(body.name, body.for_each))
    return f"{name} (one for {body.for_each.describe()})" if body.for_each else name


def _plan_lines(p: Programme) -> list[str]:
    from engagekit.report.caveats import mark

    plan = p.action_plan
    lines = []
    if p.commitments:
        lines.append(f"  Commitments ({len(p.commitments)}): " + ", ".join(mark(c, c.name) for c in p.commitments))
    lines.append(
        f"  Action plan: {len(plan.pillars)} {plan.pillar_label}s, {sum(1 for _ in plan.all_outcomes())} outcomes, "
        f"{sum(1 for _ in plan.all_actions())} actions"
    )
    for pillar in plan.pillars:
        lines.append(f"    {mark(pillar, pillar.name)}")
        lines += _outcome_lines(pillar.outcomes, "      ")
    lines += _outcome_lines(plan.outcomes, "    ")
    return lines


def _outcome_lines(outcomes: list[Outcome], indent: str) -> list[str]:
    from engagekit.report.caveats import mark

    lines = []
    for outcome in outcomes:
        lines.append(f"{indent}{mark(outcome, outcome.statement)}")
        lines += [f"{indent}  {action.id}  {mark(action, action.text)}" for action in outcome.actions]
    return lines
