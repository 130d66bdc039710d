"""Rules that come from governance: review cycles, review dates, reports due, meeting quotas.

Green only ever rests on recorded evidence. Without it a finding is grey while the deadline
is far off, amber when it is within :data:`DUE_SOON_DAYS`, and red once it has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from engagekit.model.bodies import Body
from engagekit.model.governance import ReportDue, ReviewCycle, ReviewDate
from engagekit.model.sources import PartialDate, Source, human_date
from engagekit.rules.context import RuleContext
from engagekit.rules.findings import Finding, Status

DUE_SOON_DAYS = 60
"""An obligation due within this many days, with nothing recorded, is amber."""

MAX_CITED = 24
"""A quota finding lists the meetings it rests on only up to this many (it always counts them all)."""


def judge_deadline(
    context: RuleContext,
    *,
    rule_id: str,
    title: str,
    subject: str,
    deadline: PartialDate,
    window_start: dt.date | None,
    what: str,
    source: Source | None,
    extra: str = "",
) -> Finding:
    """The finding for one thing due by ``deadline``, done at most once since ``window_start``."""
    done = [
        item
        for item in context.evidence.reviews(rule_id, context.as_of)
        if window_start is None or item.date >= window_start
    ]
    due_text = f"due by {deadline.human()}"
    on_time = [item for item in done if item.date <= deadline.latest]
    if on_time:
        last = max(on_time, key=lambda item: item.date)
        status, message = Status.GREEN, f"Done: {what} recorded on {human_date(last.date)}, {due_text}."
    elif done:
        first = min(done, key=lambda item: item.date)
        status, message = Status.AMBER, f"Done late: {what} recorded on {human_date(first.date)}, {due_text}."
    elif context.as_of > deadline.latest:
        status, message = Status.RED, f"Overdue: {due_text}; no {what} recorded."
    elif (deadline.latest - context.as_of).days <= DUE_SOON_DAYS:
        days = (deadline.latest - context.as_of).days
        status, message = Status.AMBER, f"Due soon: {due_text} (in {days} days); no {what} recorded yet."
    else:
        status, message = Status.GREY, f"Not yet due: {due_text}; no {what} recorded yet."
    return Finding(
        rule_id=rule_id,
        rule_title=title,
        subject=subject,
        status=status,
        message=message + extra,
        due=deadline.latest,
        evidence=sorted(done, key=lambda item: item.date),
        source=source,
    )


def review_cycle_finding(context: RuleContext, cycle: ReviewCycle) -> Finding:
    """A recurring review: is the latest one that fell due recorded, and is the next one near?"""
    title = f"{_sentence(cycle.subject)} reviewed {_every(cycle.every_months)}"
    if cycle.starts is None:
        return Finding(
            rule_id=cycle.id,
            rule_title=title,
            subject=cycle.subject,
            status=Status.GREY,
            message=(
                f"Not yet placed: reviewed {_every(cycle.every_months)}, but the date the cycle "
                "counts from is not known, so no review can be placed yet."
            ),
            source=cycle.source,
        )
    dues = list(_due_dates(cycle.starts, cycle.every_months, context.as_of))
    passed = [due for due in dues if due.latest < context.as_of]
    upcoming = dues[-1]

    def judge(deadline: PartialDate, window_start: dt.date, extra: str = "") -> Finding:
        return judge_deadline(
            context,
            rule_id=cycle.id,
            title=title,
            subject=cycle.subject,
            deadline=deadline,
            window_start=window_start,
            what="review",
            source=cycle.source,
            extra=extra,
        )

    if not passed:
        return judge(upcoming, cycle.starts.earliest)
    previous = passed[-2].latest + dt.timedelta(days=1) if len(passed) > 1 else cycle.starts.earliest
    last = judge(passed[-1], previous)
    if last.status is Status.RED:
        message = f"{last.message} Next due by {upcoming.human()}."
        if len(passed) > 1:
            missing = _missing_cycles(context, cycle, passed)
            message += f" {missing} of the {len(passed)} reviews due since {cycle.starts.human()} have no record."
        return attrs.evolve(last, message=message)
    coming = judge(upcoming, passed[-1].latest + dt.timedelta(days=1))
    if coming.status is Status.AMBER:  # the next review is due soon and not yet recorded
        return attrs.evolve(
            coming, message=f"{coming.message} The last was {last.message[0].lower()}{last.message[1:]}"
        )
    return attrs.evolve(last, message=f"{last.message} Next due by {upcoming.human()}.")


def review_date_finding(context: RuleContext, review: ReviewDate) -> Finding:
    """A one-off review due by a date."""
    return judge_deadline(
        context,
        rule_id=review.id,
        title=f"{_sentence(review.subject)} reviewed by {review.date.human()}",
        subject=review.subject,
        deadline=review.date,
        window_start=None,
        what="review",
        source=review.source,
    )


def report_due_finding(context: RuleContext, report: ReportDue, adopted: PartialDate | None) -> Finding:
    """A report owed by a date, or a number of months after adoption."""
    if report.due is not None:
        deadline = report.due
        when = deadline.human()
    else:
        assert adopted is not None
        assert report.months_after_adoption is not None
        deadline = adopted.add_months(report.months_after_adoption)
        when = f"{_span(report.months_after_adoption)} after adoption on {adopted.human()}"
    to = f" to {report.to}" if report.to and report.to.lower() not in report.title.lower() else ""
    return judge_deadline(
        context,
        rule_id=report.id,
        title=f"{report.title}{to}, {when}",
        subject=report.title,
        deadline=deadline,
        window_start=None,
        what="report",
        source=report.source,
    )


def quota_finding(context: RuleContext, body: Body) -> Finding:
    """A body's meeting quota for the last complete calendar year."""
    assert body.quota is not None
    quota = body.quota
    as_of = context.as_of
    year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = context.evidence.meeting_counts(body.id, start, end)
    public, agms = counts.get("public", 0), counts.get("agm", 0)
    # The finding cites the meetings themselves only while they are few enough to read.
    held = context.evidence.meetings(body.id, start, end) if sum(counts.values()) <= MAX_CITED else []
    title = f"{body.name}: {quota.describe()}"
    if not sum(counts.values()):
        status = Status.GREY
        message = f"No meetings recorded for {year}; the commitment is {quota.describe()}."
    elif public >= quota.public_meetings and (agms >= 1 or not quota.agm):
        status = Status.GREEN
        message = f"Met for {year}: {public} public meetings" + (f" and {agms} AGM" if quota.agm else "") + "."
    else:
        status = Status.RED
        message = (
            f"Not met for {year}: {public} public meetings"
            + (f" and {agms} AGM" if quota.agm else "")
            + f" recorded; the commitment is {quota.describe()}."
        )
    return Finding(
        rule_id=f"{body.id}-meeting-quota",
        rule_title=title,
        subject=body.name,
        subject_id=body.id,
        status=status,
        message=message,
        due=dt.date(year, 12, 31),
        evidence=sorted(held, key=lambda item: item.date),
        source=quota.source or body.source,
    )


def _due_dates(starts: PartialDate, every_months: int, as_of: dt.date) -> Iterator[PartialDate]:
    """Each due date of a cycle up to and including the first that is not yet past."""
    k = 1
    while True:
        due = starts.add_months(k * every_months)
        yield due
        if due.latest >= as_of:
            return
        k += 1


def _missing_cycles(context: RuleContext, cycle: ReviewCycle, passed: list[PartialDate]) -> int:
    assert cycle.starts is not None
    done = [item.date for item in context.evidence.reviews(cycle.id, context.as_of)]
    missing = 0
    start = cycle.starts.earliest
    for due in passed:
        if not any(start <= day <= due.latest for day in done):
            missing += 1
        start = due.latest + dt.timedelta(days=1)
    return missing


def _sentence(text: str) -> str:
    """``the strategy action plan`` → ``The strategy action plan`` (leaves the rest alone)."""
    return text[:1].upper() + text[1:]


def _every(months: int) -> str:
    """``every year``, ``every 4 years``, ``every 6 months``."""
    if months % 12 == 0:
        years = months // 12
        return "every year" if years == 1 else f"every {years} years"
    return "every month" if months == 1 else f"every {months} months"


def _span(months: int) -> str:
    """``6 months``, ``1 year``, ``4 years``: a length of time."""
    if months % 12 == 0:
        years = months // 12
        return "1 year" if years == 1 else f"{years} years"
    return "1 month" if months == 1 else f"{months} months"
