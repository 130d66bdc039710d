"""``engagekit record``: add one progress record from the command line.

Every option is taken as text and read by the same parser as a cell of an import file
(:func:`engagekit.records.rows.parse_row`), so ``--value inf``, ``--date 20240102`` or a
``--title`` holding a terminal escape are refused with the same one-line message, naming the
column, as the file's cell would be.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from engagekit.cli.app import App, UsageProblem, council_option, definition_option, pass_app, today


def _common(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every kind of record takes: which council (as ``engagekit report`` names it), when, who."""
    options = [
        council_option,
        definition_option,
        click.option("--date", "date", metavar="YYYY-MM-DD", help="When it happened (default: today)."),
        click.option("--note", metavar="TEXT", help="A note kept with the record."),
        click.option(
            "--by", "by", metavar="NAME", help="Who records it (default: ENGAGEKIT_RECORDED_BY or your login)."
        ),
        click.option("--supersedes", metavar="ID", help="The id of an earlier record this one corrects."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _save(
    app: App,
    council_id: str | None,
    definition: Path | None,
    row: dict[str, Any],
    by: str | None,
) -> None:
    """Check ``row`` against the council (by id or definition file) and store it, or exit with one line.

    ``row`` holds each option's text under its import-file column (``--by`` under
    ``recorded_by``), so each problem names the column, as an import of the row would.
    """
    from engagekit.records.rows import RowProblem, parse_row
    from engagekit.terminal_text import printable

    council = app.council(council_id, definition)
    row = {key: value for key, value in row.items() if value is not None}
    row.setdefault("date", today().isoformat())
    if by is not None:
        row["recorded_by"] = by
    try:
        record, _ = parse_row(row, council_id=council.id, recorded_by=app.who(None))
        store = app.store()
        assert store is not None
        with store:
            (stored,) = store.add(council, [record])
    except RowProblem as problem:
        raise UsageProblem(printable(str(problem))) from None
    said = f"Recorded {stored.kind.value} #{stored.id} for {council.name} on {stored.date.isoformat()}."
    click.echo(printable(said, multiline=False))  # the council's name is the definition's: untrusted


@click.group()
def record() -> None:
    """Record what has happened: action updates, indicator readings, events and reviews.

    Records are never changed: to correct one, record again with --supersedes ID. Name the
    council with --council ID, or with --definition FILE for a council kept in a definition
    file of its own (as engagekit report takes it).

    \b
    Examples:
      engagekit record action -c basildon --action CN-4 --status in-progress --percent 40
      engagekit record reading -c basildon --indicator services-in-community-directory --value 120
      engagekit record event -c thurrock --kind meeting --body community-forums --public --date 2026-03-04
      engagekit record review -c bathnes --obligation progress-report-to-cabinet --kind report --date 2013-11-06
      engagekit record action --definition my-council.yaml --action A-1 --status in-progress
      engagekit record instance -c thurrock --body community-forums --id stanford --name "Stanford Forum"
      engagekit record priority -c basildon --body community-huddles.pitsea --year 2026 --title "Safer parks"
    """


@record.command()
@_common
@click.option("--action", "action", required=True, metavar="ID", help="The action's id, e.g. CN-4.")
@click.option(
    "--status",
    required=True,
    metavar="STATUS",
    help="not-started, in-progress, at-risk, delayed, completed or cancelled.",
)
@click.option("--percent", metavar="N", help="How complete it is, 0 to 100.")
@pass_app
def action(
    app: App,
    council_id: str | None,
    definition: Path | None,
    date: str | None,
    note: str | None,
    by: str | None,
    supersedes: str | None,
    action: str,
    status: str,
    percent: str | None,
) -> None:
    """Record an action's status."""
    _save(
        app,
        council_id,
        definition,
        {
            "kind": "action-update",
            "date": date,
            "note": note,
            "supersedes": supersedes,
            "action": action,
            "status": status,
            "percent": percent,
        },
        by,
    )


@record.command()
@_common
@click.option("--indicator", required=True, metavar="ID", help="The indicator's id.")
@click.option("--value", required=True, metavar="NUMBER", help="The reading, e.g. 120 or 3.5.")
@pass_app
def reading(
    app: App,
    council_id: str | None,
    definition: Path | None,
    date: str | None,
    note: str | None,
    by: str | None,
    supersedes: str | None,
    indicator: str,
    value: str,
) -> None:
    """Record an indicator's value."""
    _save(
        app,
        council_id,
        definition,
        {
            "kind": "indicator-reading",
            "date": date,
            "note": note,
            "supersedes": supersedes,
            "indicator": indicator,
            "value": value,
        },
        by,
    )


@record.command()
@_common
@click.option(
    "--kind", "event", required=True, metavar="KIND", help="meeting, hub-session, consultation, newsletter or event."
)
@click.option("--title", metavar="TEXT")
@click.option("--body", metavar="ID", help="For a meeting: the body that met.")
@click.option("--public/--private", "public", default=None, help="Whether a meeting was public.")
@click.option("--agm", is_flag=True, default=None, help="The meeting was an annual general meeting.")
@click.option("--area", metavar="ID")
@click.option("--cluster", metavar="ID")
@click.option("--hub", metavar="ID")
@click.option("--level", metavar="LEVEL", help="IAP2 level: inform, consult, involve, collaborate or empower.")
@click.option("--attendance", metavar="N")
@click.option("--closes", "end_date", metavar="YYYY-MM-DD", help="When a consultation closed.")
@click.option("--formative", metavar="TEXT", help="Gunning 1: evidence the proposals were still at a formative stage.")
@click.option("--reasons", metavar="TEXT", help="Gunning 2: the reasons given to allow intelligent consideration.")
@click.option("--responses", metavar="TEXT", help="Gunning 4: how responses were taken into account.")
@click.option(
    "--considered", metavar="TEXT", help="What the meeting considered, items separated by ';' (an AGM's annual report)."
)
@pass_app
def event(
    app: App,
    council_id: str | None,
    definition: Path | None,
    date: str | None,
    note: str | None,
    by: str | None,
    supersedes: str | None,
    event: str,
    title: str | None,
    body: str | None,
    public: bool | None,
    agm: bool | None,
    area: str | None,
    cluster: str | None,
    hub: str | None,
    level: str | None,
    attendance: str | None,
    end_date: str | None,
    formative: str | None,
    reasons: str | None,
    responses: str | None,
    considered: str | None,
) -> None:
    """Record a meeting, hub session, consultation, newsletter or event."""
    _save(
        app,
        council_id,
        definition,
        {
            "kind": "event",
            "date": date,
            "note": note,
            "supersedes": supersedes,
            "event": event,
            "title": title,
            "body": body,
            "public": public,
            "agm": agm,
            "area": area,
            "cluster": cluster,
            "hub": hub,
            "level": level,
            "attendance": attendance,
            "end_date": end_date,
            "formative": formative,
            "reasons": reasons,
            "responses": responses,
            "considered": considered,
        },
        by,
    )


@record.command()
@_common
@click.option("--obligation", required=True, metavar="ID", help="The review, report or delegation's id.")
@click.option("--kind", "review", default="review", show_default=True, metavar="KIND", help="review, report or update.")
@click.option("--approved-by", metavar="WHO")
@pass_app
def review(
    app: App,
    council_id: str | None,
    definition: Path | None,
    date: str | None,
    note: str | None,
    by: str | None,
    supersedes: str | None,
    obligation: str,
    review: str,
    approved_by: str | None,
) -> None:
    """Record a review approved, a report issued or a document updated."""
    _save(
        app,
        council_id,
        definition,
        {
            "kind": "review",
            "date": date,
            "note": note,
            "supersedes": supersedes,
            "obligation": obligation,
            "review": review,
            "approved_by": approved_by,
        },
        by,
    )


def _save_values(app: App, kind: str, values: dict[str, Any]) -> None:
    """Store a record of ``kind`` from a command's options, each named after its import-file column."""
    common = {name: values.pop(name) for name in ("council_id", "definition", "by")}
    _save(app, common["council_id"], common["definition"], {"kind": kind, **values}, common["by"])


@record.command()
@_common
@click.option(
    "--body", required=True, metavar="ID", help="The body declared for each recorded one, e.g. community-forums."
)
@click.option("--id", "instance", required=True, metavar="ID", help="Its own short id; its full id is BODY.ID.")
@click.option("--name", required=True, metavar="TEXT", help="Its name, e.g. 'Stanford Community Forum'.")
@click.option("--area", metavar="ID", help="The area it is for, if it is for one.")
@click.option("--cluster", metavar="ID", help="The cluster it is for, if it is for one.")
@click.option("--ends", "end_date", metavar="YYYY-MM-DD", help="When it stopped.")
@pass_app
def instance(app: App, /, **values: Any) -> None:
    """Register one instance of a body the documents do not list (a forum): --date is when it started.

    Its meetings and findings then use its full id, BODY.ID (community-forums.stanford). To
    rename or move it, record it again with --supersedes; with --ends, it is no longer judged
    after that date.
    """
    _save_values(app, "instance", values)


@record.command()
@_common
@click.option("--body", metavar="ID", help="The body (instance) that agreed it, e.g. area-network.riverside.")
@click.option("--area", metavar="ID", help="Or the area whose priority it is.")
@click.option("--cluster", metavar="ID", help="Or the cluster whose priority it is.")
@click.option("--year", required=True, metavar="YYYY", help="The plan year it is for.")
@click.option("--title", required=True, metavar="TEXT", help="The priority, as agreed.")
@click.option("--agreed-by", "agreed_by", metavar="WHO", help="Who agreed it (the network's AGM, say).")
@pass_app
def priority(app: App, /, **values: Any) -> None:
    """Record a local priority a place's body agreed for a year: --date is when it was agreed."""
    _save_values(app, "local-priority", values)


@record.command("local-action")
@_common
@click.option(
    "--action", required=True, metavar="ID", help="A new id for the action (not one of the council-wide plan)."
)
@click.option("--body", metavar="ID", help="The body (instance) that agreed it.")
@click.option("--area", metavar="ID", help="Or the area whose action it is.")
@click.option("--cluster", metavar="ID", help="Or the cluster whose action it is.")
@click.option("--title", required=True, metavar="TEXT", help="What will be done.")
@click.option("--owner", metavar="WHO")
@click.option("--due", metavar="YYYY-MM-DD")
@click.option("--priority", metavar="TEXT", help="The local priority it serves.")
@click.option("--year", metavar="YYYY", help="The plan year it belongs to.")
@click.option("--agreed-by", "agreed_by", metavar="WHO")
@pass_app
def local_action(app: App, /, **values: Any) -> None:
    """Record a local action a place's body agreed: it then takes updates like any action (record action)."""
    _save_values(app, "local-action", values)


@record.command()
@_common
@click.option("--body", required=True, metavar="ID", help="The body (or instance) they sit on.")
@click.option("--name", required=True, metavar="TEXT", help="Who, or which seat.")
@click.option("--area", metavar="ID", help="The place the seat represents (a parish).")
@click.option("--office", metavar="TEXT", help="chair, vice-chair, ... (none for an ordinary member).")
@click.option("--councillor/--not-councillor", "councillor", default=None, help="Whether they are a councillor.")
@click.option("--ends", "end_date", metavar="YYYY-MM-DD", help="When they left.")
@pass_app
def member(app: App, /, **values: Any) -> None:
    """Record someone sitting on a body from --date: the facts its membership rules are checked against."""
    _save_values(app, "member", values)
