"""Rules that come from governance: review cycles, review dates, reports due, meeting quotas.

Green only ever rests on recorded evidence. Without it a finding is grey while the deadline
is far off, amber when it is within :data:`DUE_SOON_DAYS`, and red once it has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from engagekit.model.bodies import Body, MeetingQuota
from engagekit.model.governance import ReportDue, ReviewCycle, ReviewDate
from engagekit.model.instances import Placed, first_whole_year
from engagekit.model.sources import PartialDate, Source, human_date
from engagekit.rules.context import RuleContext
from engagekit.rules.findings import EvidenceItem, Finding, Status

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


def review_cycle_finding(
    context: RuleContext, cycle: ReviewCycle, *, obligation_id: str | None = None, subject: str | None = None
) -> Finding:
    """A recurring review: is the latest one that fell due recorded, and is the next one near?

    ``obligation_id`` and ``subject`` name one place's instance of a cycle declared for each
    place (its reviews are recorded against the instance's id).
    """
    assert cycle.every_months is not None, "a cycle with no fixed interval is never judged"
    every = cycle.every_months
    rule_id = obligation_id or cycle.id
    subject = subject or cycle.subject
    title = f"{_sentence(subject)} reviewed {_every(every)}"
    if cycle.starts is None:
        return Finding(
            rule_id=cycle.id,
            rule_title=title,
            subject=subject,
            subject_id=obligation_id,
            status=Status.GREY,
            message=(
                f"Not yet placed: reviewed {_every(every)}, but the date the cycle "
                "counts from is not known, so no review can be placed yet."
            ),
            source=cycle.source,
        )
    dues = list(_due_dates(cycle.starts, every, context.as_of))
    passed = [due for due in dues if due.latest < context.as_of]
    upcoming = dues[-1]

    def judge(deadline: PartialDate, window_start: dt.date, extra: str = "") -> Finding:
        found = judge_deadline(
            context,
            rule_id=rule_id,
            title=title,
            subject=subject,
            deadline=deadline,
            window_start=window_start,
            what="review",
            source=cycle.source,
            extra=extra,
        )
        return attrs.evolve(found, rule_id=cycle.id, subject_id=obligation_id)

    if not passed:
        return judge(upcoming, cycle.starts.earliest)
    previous = passed[-2].latest + dt.timedelta(days=1) if len(passed) > 1 else cycle.starts.earliest
    last = judge(passed[-1], previous)
    if last.status is Status.RED:
        message = f"{last.message} Next due by {upcoming.human()}."
        if len(passed) > 1:
            missing = _missing_cycles(context, cycle, passed, rule_id)
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


def report_due_finding(
    context: RuleContext,
    report: ReportDue,
    adopted: PartialDate | None,
    *,
    obligation_id: str | None = None,
    subject: str | None = None,
) -> Finding:
    """A report owed by a date, some months after adoption, or some months after another date.

    ``obligation_id`` and ``subject`` name one place's instance of a report declared for each place.
    """
    if report.due is not None:
        deadline = report.due
        when = deadline.human()
    elif report.months_after is not None:
        assert report.after is not None
        deadline = report.after.add_months(report.months_after)
        when = f"{_span(report.months_after)} after {report.after_what or report.after.human()}"
    else:
        assert adopted is not None
        assert report.months_after_adoption is not None
        deadline = adopted.add_months(report.months_after_adoption)
        when = f"{_span(report.months_after_adoption)} after adoption on {adopted.human()}"
    subject = subject or report.title
    to = f" to {report.to}" if report.to and report.to.lower() not in subject.lower() else ""
    found = judge_deadline(
        context,
        rule_id=obligation_id or report.id,
        title=f"{subject}{to}, {when}",
        subject=subject,
        deadline=deadline,
        window_start=None,
        what="report",
        source=report.source,
    )
    return attrs.evolve(found, rule_id=report.id, subject_id=obligation_id)


def quota_finding(context: RuleContext, body: Body, placed: Placed | None = None) -> Finding:
    """A body's (or one of its instances') meeting quota for the last complete calendar year.

    Years before the quota's ``from_year``, or before the first whole year after the body or
    instance ``starts``, are not judged. With an ``agm_window`` only an AGM in the window
    counts; with ``agm_considers`` the AGM's record must say it considered each item.
    """
    assert body.quota is not None
    quota = body.quota
    target = placed.id if placed is not None else body.id
    name = placed.label if placed is not None else body.name
    as_of = context.as_of
    year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    title = f"{name}: {quota.describe()}"
    rule_id = f"{body.id}-meeting-quota"
    source = quota.source or body.source
    subject_id = placed.id if placed is not None and placed.id != body.id else None
    first = _first_year(quota, body, placed)
    if first is not None and year < first[0]:
        return Finding(
            rule_id=rule_id,
            rule_title=title,
            subject=name,
            subject_id=subject_id or body.id,
            status=Status.GREY,
            message=f"Not yet judged: the first year judged is {first[0]} ({first[1]}).",
            source=source,
        )
    counts = context.evidence.meeting_counts(target, start, end)
    public, agms = counts.get("public", 0), counts.get("agm", 0)
    checks_agm = quota.agm_window is not None or bool(quota.agm_considers)
    # The finding cites the meetings themselves only while they are few enough to read.
    held = context.evidence.meetings(target, start, end) if checks_agm or sum(counts.values()) <= MAX_CITED else []
    extra = ""
    agm_problem = ""
    if quota.agm and checks_agm:
        all_agms = [item for item in held if item.kind == "agm"]
        in_window = [
            item for item in all_agms if quota.agm_window is None or quota.agm_window.contains(item.date.month)
        ]
        outside = [item for item in all_agms if item not in in_window]
        if outside and quota.agm_window is not None:
            dates = ", ".join(human_date(item.date) for item in outside)
            extra += f" An AGM held outside the window ({quota.agm_window.describe()}) does not count: {dates}."
        agms = len(in_window)
        missing = _not_considered(quota.agm_considers, in_window)
        if in_window and missing:
            agm_problem = f" The AGM's record does not say it considered: {', '.join(missing)}."
    if len(held) > MAX_CITED:
        held = []
    agm_text = f" and {agms} AGM" if quota.agm else ""
    if not sum(counts.values()):
        status = Status.GREY
        message = f"No meetings recorded for {year}; the commitment is {quota.describe()}."
    elif public >= quota.public_meetings and (agms >= 1 or not quota.agm):
        status = Status.AMBER if agm_problem else Status.GREEN
        message = f"Met for {year}: {public} public meetings{agm_text}." + agm_problem
    else:
        status = Status.RED
        message = (
            f"Not met for {year}: {public} public meetings{agm_text} recorded; the commitment is {quota.describe()}."
        )
    return Finding(
        rule_id=rule_id,
        rule_title=title,
        subject=name,
        subject_id=subject_id or body.id,
        status=status,
        message=message + extra,
        due=dt.date(year, 12, 31),
        evidence=sorted(held, key=lambda item: item.date),
        source=source,
    )


def _first_year(quota: MeetingQuota, body: Body, placed: Placed | None) -> tuple[int, str] | None:
    """The first calendar year a quota is judged for, and why (``None``: every year)."""
    starts = placed.starts if placed is not None else body.starts
    options: list[tuple[int, str]] = []
    if quota.from_year is not None:
        words = quota.field_qualifier("from_year")
        options.append((quota.from_year, "the year the commitment applies from" + (f", {words}" if words else "")))
    whole = first_whole_year(starts)
    if whole is not None and starts is not None:
        options.append((whole, f"the first whole year after it starts in {starts.human()}"))
    return max(options) if options else None


def _not_considered(required: list[str], agms: list[EvidenceItem]) -> list[str]:
    """The items an AGM must consider that no recorded AGM says it considered."""
    considered = [item.lower() for agm in agms for item in agm.considered]
    return [need for need in required if not any(need.lower() in item for item in considered)]


def _due_dates(starts: PartialDate, every_months: int, as_of: dt.date) -> Iterator[PartialDate]:
    """Each due date of a cycle up to and including the first that is not yet past."""
    k = 1
    while True:
        due = starts.add_months(k * every_months)
        yield due
        if due.latest >= as_of:
            return
        k += 1


def _missing_cycles(context: RuleContext, cycle: ReviewCycle, passed: list[PartialDate], obligation_id: str) -> int:
    assert cycle.starts is not None
    done = [item.date for item in context.evidence.reviews(obligation_id, context.as_of)]
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
