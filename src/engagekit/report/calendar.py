"""A council's calendar: every date it owes something by, and every engagement event recorded.

:func:`calendar_entries` gathers, for the current programme, what the documents date and the
rules judge: actions due, reviews (each due date of a review cycle, for each place it is made
for, up to the next one after the as-of date or the end of the programme's period, whichever
is later), one-off review dates, reports due, assessments' review dates, coverage rules' "by"
dates, key dates and the start of each rollout phase; and from the rules' findings, the next
update each action owes (``actions-updated``) and each place's local plan deadline. Dates come
from the same code the rules use (:mod:`engagekit.rules.obligations`), so the calendar and the
report never disagree. To those :func:`recorded_entries` adds every engagement event recorded in
the store (meetings, hub sessions, consultations, newsletters, events), corrections applied.

:func:`to_ical` writes the entries as an RFC 5545 calendar with :mod:`icalendar`: all-day
events, each with a UID derived from the council, the kind, the thing's id and the date, so
a calendar that subscribes to the file updates its events rather than duplicating them.

A date the documents give only to the month or year is shown on one day and says so: a
deadline on the last day it can mean ("by March 2022": 31 March), a happening on the first.
A date the documents only expect, propose or infer is marked tentative.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from engagekit.model.certainty import Certainty, Qualified
from engagekit.model.council import Council
from engagekit.model.governance import CoverageRule, LocalPlanRule, ReportDue
from engagekit.model.instances import body_instances, obligation_places
from engagekit.model.local import instance_name
from engagekit.model.sources import PartialDate, human_date
from engagekit.report.caveats import field_words, item_words
from engagekit.rules import evaluate
from engagekit.rules.context import Evidence, NoEvidence, RuleContext
from engagekit.rules.findings import Finding
from engagekit.rules.local import report_findings
from engagekit.rules.obligations import _due_dates, review_cycle_finding
from engagekit.rules.progress import STALE_RULE
from engagekit.terminal_text import printable

if TYPE_CHECKING:
    from engagekit.records.kinds import EngagementEvent, InstanceRecord

PRODID = "-//engagekit//engagekit calendar//EN"
"""Who made the calendar, as RFC 5545's PRODID says it."""

UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/engagekit/engagekit/calendar")
"""The namespace of every UID engagekit gives an event (a version-5 UUID of the project's address)."""


@attrs.frozen
class CalendarEntry:
    """One dated thing: what it is, when (first and last day), and what to say about it."""

    kind: str
    item_id: str
    summary: str
    start: dt.date
    end: dt.date
    lines: tuple[str, ...] = ()
    tentative: str = ""
    """How unsure the documents are of it (``currently expected``), or "" when it is stated."""
    dated_uid: bool = True
    """Whether the date is part of the UID: it is for what the definition dates (a review cycle
    owes one review per due date); a recorded event's first record id is enough on its own, so
    a correction that moves it to another day moves the same calendar event."""

    def uid(self, council_id: str) -> str:
        """The same for the same thing (on the same date) in every run."""
        name = f"{council_id}/{self.kind}/{self.item_id}"
        if self.dated_uid:
            name += f"/{self.start.isoformat()}"
        return str(uuid.uuid5(UID_NAMESPACE, name))


def council_calendar(
    council: Council,
    as_of: dt.date,
    evidence: Evidence | None = None,
    events: Iterable[EngagementEvent] = (),
    instances: Iterable[InstanceRecord] = (),
) -> list[CalendarEntry]:
    """Everything on the council's calendar as of ``as_of``: its due dates and its recorded events, by date."""
    found = [*calendar_entries(council, as_of, evidence), *recorded_entries(council, events, as_of, instances)]
    return sorted(found, key=_order)


def calendar_entries(council: Council, as_of: dt.date, evidence: Evidence | None = None) -> list[CalendarEntry]:
    """Every due date and dated happening of the council's current programme, in date order."""
    return _Gatherer(council, as_of, evidence or NoEvidence()).entries()


def recorded_entries(
    council: Council, events: Iterable[EngagementEvent], as_of: dt.date, instances: Iterable[InstanceRecord] = ()
) -> list[CalendarEntry]:
    """Every engagement event recorded up to ``as_of``, a corrected one in its latest form.

    ``events`` are the council's event records, corrections included (as the store lists them);
    an event keeps the UID of the record it first was, so correcting it moves or renames the
    calendar's event instead of adding another. ``instances`` name the bodies' recorded instances.
    """
    names = {body.id: body.name for body in council.bodies}
    for body in council.bodies:
        names.update((placed.id, placed.name) for placed in body_instances(council, body))
    for instance in instances:
        names[instance.full_id] = instance.name
    places = {
        "Area": {area.id: area.name for area in council.areas},
        "Cluster": {cluster.id: cluster.name for cluster in council.clusters},
        "Hub": {hub.id: hub.name for hub in council.hubs},
    }
    records = [event for event in events if event.id is not None]
    first: dict[int, int] = {}  # each record's first form: the record the corrections go back to
    replaced: set[int] = set()
    for event in sorted(records, key=lambda each: each.id or 0):
        assert event.id is not None
        first[event.id] = first.get(event.supersedes, event.supersedes) if event.supersedes else event.id
        if event.supersedes:
            replaced.add(event.supersedes)
    found = []
    for event in records:
        assert event.id is not None
        if event.id in replaced or event.date > as_of:
            continue
        words = event.event_kind.value.replace("-", " ")
        held_by = names.get(event.body_id, event.body_id) if event.body_id else None
        what = event.title or (f"{held_by} {words}" if held_by else words[:1].upper() + words[1:])
        if event.agm:
            what += " (AGM)"
        found.append(
            CalendarEntry(
                kind=f"recorded-{event.event_kind.value}",
                item_id=str(first[event.id]),
                summary=what,
                start=event.date,
                end=event.end_date or event.date,
                lines=(f"Recorded {words}: {what}.", *_event_details(event, held_by, places)),
                dated_uid=False,
            )
        )
    return sorted(found, key=_order)


def _event_details(event: EngagementEvent, held_by: str | None, places: dict[str, dict[str, str]]) -> list[str]:
    """What a recorded event's record says besides its title: where, who came, its note."""
    lines = [f"Body: {held_by}"] if held_by else []
    for label, value in (("Area", event.area_id), ("Cluster", event.cluster_id), ("Hub", event.hub_id)):
        if value:
            lines.append(f"{label}: {places[label].get(value, value)}")
    if event.event_kind.value == "meeting":
        lines.append("A public meeting." if event.public else "Not a public meeting.")
    if event.attendance is not None:
        lines.append(f"Attendance: {event.attendance}.")
    if event.level is not None:
        lines.append(f"Participation level: {event.level.value}.")
    if event.note:
        lines.append(f"Note: {event.note}")
    lines.append(f"Record #{event.id}.")  # not who recorded it: the file may be published
    return lines


def _order(entry: CalendarEntry) -> tuple[dt.date, str, str]:
    return entry.start, entry.kind, entry.item_id


class _Gatherer:
    """Walks the current programme and the rules' findings, one kind of dated thing at a time."""

    def __init__(self, council: Council, as_of: dt.date, evidence: Evidence) -> None:
        self.council = council
        self.as_of = as_of
        self.context = RuleContext(council=council, as_of=as_of, evidence=evidence)
        self.documents = council.documents_by_id()
        self.findings = evaluate(council, as_of, evidence=evidence)

    def entries(self) -> list[CalendarEntry]:
        found = [
            *self._actions(),
            *self._action_updates(),
            *self._review_cycles(),
            *self._review_dates(),
            *self._reports(),
            *self._assessments(),
            *self._coverage(),
            *self._local_plans(),
            *self._key_dates(),
            *self._phases(),
        ]
        return sorted(found, key=_order)

    # -- what each kind says ---------------------------------------------------------------

    def _sources(self, item: Qualified) -> list[str]:
        return [f"Source: {source.cite(self.documents)}" for source in item.all_sources()]

    def _status(self, finding: Finding | None) -> list[str]:
        return [f"As of {human_date(self.as_of)}: {finding.message}"] if finding is not None else []

    def _finding(self, rule_id: str, subject_id: str | None) -> Finding | None:
        return next((f for f in self.findings if f.rule_id == rule_id and f.subject_id == subject_id), None)

    # -- the definition's dates ------------------------------------------------------------

    def _actions(self) -> Iterator[CalendarEntry]:
        for planned in self.council.programme.action_plan.all_actions():
            action = planned.action
            if action.due is None:
                continue
            yield _deadline(
                "action",
                action.id,
                f"Action {action.id} due: {action.text}",
                action.due,
                [f"Owner: {action.owner}"] if action.owner else [],
                _tentative(action, "due"),
                self._sources(action),
            )

    def _review_cycles(self) -> Iterator[CalendarEntry]:
        programme = self.council.programme
        horizon = self.as_of
        if programme.period and programme.period.end and programme.period.end.latest > horizon:
            horizon = programme.period.end.latest
        for cycle in programme.governance.review_cycles:
            if cycle.every_months is None or cycle.starts is None:
                continue  # not placed: the rule says so in the report
            places: list[tuple[str | None, str]] = [(None, cycle.subject)]
            if cycle.for_each is not None:
                places = [
                    (oid, instance_name(cycle.subject, place.name))
                    for oid, place in obligation_places(self.council, cycle.id, cycle.for_each)
                ]
            for oid, subject in places:
                judged = self._finding(cycle.id, oid) or review_cycle_finding(
                    self.context, cycle, obligation_id=oid, subject=subject
                )
                for due in _due_dates(cycle.starts, cycle.every_months, horizon):
                    extra = [f"Approved by: {cycle.approved_by}"] if cycle.approved_by else []
                    if cycle.note:
                        extra.append(cycle.note)
                    if judged.due == due.latest:
                        extra += self._status(judged)
                    yield _deadline(
                        "review",
                        oid or cycle.id,
                        f"Review due: {judged.rule_title}",
                        due,
                        extra,
                        _tentative(cycle, "starts"),
                        self._sources(cycle),
                    )

    def _review_dates(self) -> Iterator[CalendarEntry]:
        for review in self.council.programme.governance.review_dates:
            yield _deadline(
                "review-date",
                review.id,
                f"Review due: {review.subject}",
                review.date,
                self._status(self._finding(review.id, None)),
                _tentative(review, "date"),
                self._sources(review),
            )

    def _reports(self) -> Iterator[CalendarEntry]:
        programme = self.council.programme
        for report in programme.governance.reports_due:
            if not report.timed:
                continue
            tentative = _tentative(report, "due")
            if report.months_after_adoption is not None:
                tentative = tentative or field_words(programme, "adopted") or item_words(programme)
            elif report.months_after is not None:
                tentative = tentative or field_words(report, "after")
            for judged in report_findings(self.context, report):
                assert judged.due is not None
                deadline = _reported_deadline(report, programme.adopted, judged.due)
                extra = [f"To: {report.to}"] if report.to else []
                yield _deadline(
                    "report",
                    judged.subject_id or report.id,
                    f"Report due: {judged.rule_title}",
                    deadline,
                    extra + self._status(judged),
                    tentative,
                    self._sources(report),
                )

    def _assessments(self) -> Iterator[CalendarEntry]:
        for assessment in self.council.programme.assessments:
            if assessment.review_date is None:
                continue
            yield _deadline(
                "assessment-review",
                assessment.id,
                f"Review due: {assessment.name}",
                assessment.review_date,
                [f"Kind: {assessment.kind}"],
                _tentative(assessment, "review_date"),
                self._sources(assessment),
            )

    def _coverage(self) -> Iterator[CalendarEntry]:
        for spec in self.council.programme.rules:
            if isinstance(spec, CoverageRule) and spec.by is not None:
                yield _deadline(
                    "coverage",
                    spec.id,
                    f"Due: {spec.title}",
                    spec.by,
                    self._status(self._finding(spec.id, None)),
                    _tentative(spec, "by"),
                    self._sources(spec),
                )

    def _key_dates(self) -> Iterator[CalendarEntry]:
        for key in self.council.programme.key_dates:
            if key.date is None:
                continue
            last = key.end.latest if key.end else key.date.earliest
            lines = [_precision(key.date, deadline=False)]
            if key.end:
                lines.append(f"Until {key.end.human()}.")
            if key.note:
                lines.append(key.note)
            yield CalendarEntry(
                kind="key-date",
                item_id=key.id,
                summary=key.label,
                start=key.date.earliest,
                end=last,
                lines=tuple(line for line in [*lines, *self._sources(key)] if line),
                tentative=_tentative(key, "date", "end"),
            )

    def _phases(self) -> Iterator[CalendarEntry]:
        for phase in self.council.phases:
            if phase.starts is None:
                continue
            lines = [_precision(phase.starts, deadline=False)]
            if phase.rationale:
                lines.append(phase.rationale)
            yield CalendarEntry(
                kind="phase",
                item_id=phase.id,
                summary=f"{phase.name} starts",
                start=phase.starts.earliest,
                end=phase.starts.earliest,
                lines=tuple(line for line in [*lines, *self._sources(phase)] if line),
                tentative=_tentative(phase, "starts"),
            )

    # -- the rules' dates ------------------------------------------------------------------

    def _action_updates(self) -> Iterator[CalendarEntry]:
        for finding in self.findings:
            if finding.rule_id == STALE_RULE and finding.due is not None and finding.subject_id:
                yield CalendarEntry(
                    kind="action-update",
                    item_id=finding.subject_id,
                    summary=f"Update due: {finding.subject}",
                    start=finding.due,
                    end=finding.due,
                    lines=(finding.rule_title + ".", *self._status(finding)),
                )

    def _local_plans(self) -> Iterator[CalendarEntry]:
        rules = {spec.id: spec for spec in self.council.programme.rules if isinstance(spec, LocalPlanRule)}
        for finding in self.findings:
            spec = rules.get(finding.rule_id)
            if spec is None or finding.due is None:
                continue
            yield CalendarEntry(
                kind="local-plan",
                item_id=finding.subject_id or spec.id,
                summary=f"Local priorities due: {finding.rule_title}",
                start=finding.due,
                end=finding.due,
                lines=(*self._status(finding), *self._sources(spec)),
            )


def _reported_deadline(report: ReportDue, adopted: PartialDate | None, judged: dt.date) -> PartialDate:
    """The deadline as precise as the documents make it ("September 2021"), which the rule judged
    on its last day (``judged``); the rule's day itself should the two ever disagree."""
    written: PartialDate | None = report.due
    if report.months_after is not None and report.after is not None:
        written = report.after.add_months(report.months_after)
    elif report.months_after_adoption is not None and adopted is not None:
        written = adopted.add_months(report.months_after_adoption)
    if written is not None and written.latest == judged:
        return written
    return PartialDate.from_date(judged)


def _deadline(
    kind: str,
    item_id: str,
    summary: str,
    due: PartialDate,
    extra: list[str],
    tentative: str,
    sources: list[str],
) -> CalendarEntry:
    """Something due by ``due``: shown on the last day it can mean."""
    lines = [_precision(due, deadline=True), *extra, *sources]
    return CalendarEntry(
        kind=kind,
        item_id=item_id,
        summary=summary,
        start=due.latest,
        end=due.latest,
        lines=tuple(line for line in lines if line),
        tentative=tentative,
    )


def _precision(date: PartialDate, *, deadline: bool) -> str:
    """What the shown day stands for, when the documents give only a month or a year."""
    if date.precision == "day":
        return f"Due by {date.human()}." if deadline else ""
    which = "last" if deadline else "first"
    unit = "month" if date.precision == "month" else "year"
    lead = f"Due by {date.human()}" if deadline else f"In {date.human()}"
    return f"{lead}: the documents give only the {unit}, so it is shown on its {which} day."


def _tentative(item: Qualified, *fields: str) -> str:
    """How unsure the documents are of the item, or of the fields its date comes from ("" if sure)."""
    if item.certainty is not Certainty.STATED:
        return item_words(item) or item.certainty.label
    for name in fields:
        qualifier = item.qualifiers.get(name)
        if qualifier is not None and qualifier.certainty is not Certainty.STATED:
            return field_words(item, name) or qualifier.certainty.label
    return ""


# -- iCalendar -------------------------------------------------------------------------------


def to_ical(council: Council, entries: Iterable[CalendarEntry], as_of: dt.date) -> str:
    """The entries as an RFC 5545 calendar (lines ending CRLF, folded at 75 octets).

    Nothing reads the clock: each event's DTSTAMP is the as-of date at midnight UTC, so the same
    council, records and date give the same file.
    """
    import icalendar
    from icalendar.enums import STATUS, TRANSP

    stamp = dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)
    name = _text(f"{council.name}: engagement calendar")
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=name,
        uid=str(uuid.uuid5(UID_NAMESPACE, council.id)),
        description=_text(f"Due dates and recorded engagement events of {council.name}, as of {human_date(as_of)}."),
    )
    calendar.calendar_name = name  # NAME (RFC 7986) and X-WR-CALNAME, which Outlook and Google read
    for entry in entries:
        lines = list(entry.lines)
        if entry.tentative:
            lines.insert(0, f"Tentative: {entry.tentative}.")
        event = icalendar.Event.new(
            uid=entry.uid(council.id),
            stamp=stamp,
            start=entry.start,
            end=entry.end + dt.timedelta(days=1),  # an all-day event's DTEND is the day after it
            summary=_text(entry.summary),
            description="\n".join(_text(line) for line in lines) or None,
            status=STATUS.TENTATIVE if entry.tentative else STATUS.CONFIRMED,
            transparency=TRANSP.TRANSPARENT,
            categories=[entry.kind],
        )
        calendar.add_component(event)
    text: str = calendar.to_ical().decode("utf-8")
    return text


def _text(value: str) -> str:
    """One line of text with no control characters (RFC 5545 TEXT allows none but tab)."""
    return printable(value, multiline=False).strip()
