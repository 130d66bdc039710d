"""``engagekit calendar``: a council's due dates and recorded events as an iCalendar (.ics) file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engagekit.cli.app import App, council_option, definition_option, parse_date, pass_app, today
from engagekit.cli.output import write_output


@click.command()
@council_option
@definition_option
@click.option(
    "--as-of",
    "as_of",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="As of this date (default: today): events recorded after it are left out.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE.ics",
    help="Write to FILE.ics instead of standard output (written whole or not at all).",
)
@click.option(
    "--records/--no-records",
    "use_records",
    default=True,
    help="Add the events recorded in the store (the default, when a store exists).",
)
@pass_app
def calendar(
    app: App,
    council_id: str | None,
    definition: Path | None,
    as_of: dt.date | None,
    output: Path | None,
    use_records: bool,
) -> None:
    """Write a council's calendar: every due date and recorded event, as iCalendar (RFC 5545).

    Actions due, reviews (each one a review cycle owes), review dates, reports due,
    assessments' reviews, key dates and rollout phases come from the definition; the next
    update each action owes and each place's local priorities from the rules; meetings, hub
    sessions, consultations and other events from the records store. Each is an all-day event
    whose UID stays the same from run to run, so a calendar subscribed to the file updates
    rather than duplicates. Dates the documents only expect or propose are TENTATIVE.

    \b
    Examples:
      engagekit calendar --council basildon --output basildon.ics
      engagekit calendar --council bathnes --as-of 2013-11-09 --no-records
      engagekit calendar --definition my-council.yaml --output - | less
    """
    from engagekit.records.kinds import EngagementEvent, InstanceRecord, RecordKind
    from engagekit.report.calendar import council_calendar, to_ical

    council = app.council(council_id, definition)
    when = as_of or today()
    store = app.store(must_exist=True) if use_records else None
    if store is None:
        entries = council_calendar(council, when)
    else:
        with store:
            events = [r for r in store.records(council.id, RecordKind.EVENT) if isinstance(r, EngagementEvent)]
            instances = [r for r in store.records(council.id, RecordKind.INSTANCE) if isinstance(r, InstanceRecord)]
            entries = council_calendar(council, when, store.evidence(council), events, instances)
    app.warn_plugin_problems()
    write_output(to_ical(council, entries, when), output)
