"""``engagekit show``: what a council's definition says, without evaluating anything."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engagekit.cli.app import App, council_option, definition_option, pass_app


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

        click.echo(json.dumps(make_converter().unstructure(council), indent=2, ensure_ascii=False))
        return
    p = council.programme
    plan = p.action_plan
    kind = council.council_type.value if council.council_type else "not yet known"
    lines = [
        f"{council.name} ({council.id})",
        f"  ONS code: {council.gss_code or 'not yet known'}; type: {kind}",
        f"  Programme: {p.name} ({p.kind}), {p.period.human() if p.period else 'period not yet known'}",
        f"  Adopted: {p.adopted.human() if p.adopted else 'not adopted in the documents'}"
        + (f" by {p.adopted_by}" if p.adopted and p.adopted_by else ""),
    ]
    if p.status:
        lines.append(f"  Status: {p.status}")
    for earlier in council.earlier_programmes:
        lines.append(
            f"  Earlier programme: {earlier.name} ({earlier.adopted.human() if earlier.adopted else 'date not known'})"
        )
    if council.areas:
        lines.append(
            f"  Areas ({len(council.areas)}): " + ", ".join(f"{a.name} [{a.kind.value}]" for a in council.areas)
        )
    if council.clusters:
        lines.append(f"  Clusters ({len(council.clusters)}): " + ", ".join(c.name for c in council.clusters))
    if council.phases:
        lines.append(
            f"  Phases ({len(council.phases)}): "
            + ", ".join(
                f"{ph.name} ({len(ph.clusters) if ph.clusters is not None else 'clusters not yet known'})"
                for ph in council.phases
            )
        )
    if council.hubs:
        lines.append(
            f"  Hubs ({sum(h.count for h in council.hubs)}): "
            + ", ".join(f"{h.name} ×{h.count} [{h.status.value}]" for h in council.hubs)
        )
    if p.commitments:
        lines.append(f"  Commitments ({len(p.commitments)}): " + ", ".join(c.name for c in p.commitments))
    lines.append(
        f"  Action plan: {len(plan.pillars)} {plan.pillar_label}s, {sum(1 for _ in plan.all_outcomes())} outcomes, "
        f"{sum(1 for _ in plan.all_actions())} actions"
    )
    for pillar in plan.pillars:
        lines.append(f"    {pillar.name}")
        for outcome in pillar.outcomes:
            lines.append(f"      {outcome.statement}")
            for action in outcome.actions:
                lines.append(f"        {action.id}  {action.text}")
    for outcome in plan.outcomes:
        lines.append(f"    {outcome.statement}")
        for action in outcome.actions:
            lines.append(f"      {action.id}  {action.text}")
    if council.bodies:
        lines.append(f"  Bodies ({len(council.bodies)}): " + ", ".join(b.name for b in council.bodies))
    lines.append(f"  Sources: {len(council.documents)} documents")
    click.echo("\n".join(lines))
