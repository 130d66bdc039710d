"""What each officers' form asks, and how a submitted form becomes a record.

Every question is an import file's column (``status``, ``percent``, ``body``...), so a submitted
form is read as one row of a file: by :func:`engagekit.records.rows.parse_row`, then checked
against the council by :class:`engagekit.records.checks.Vocabulary`. A problem is reported
on the page with the very message ``engagekit record`` and ``engagekit import`` give for that
column; no rule is written twice. Only the form's own questions are read from what was sent:
who recorded it comes from the signed-in account, never from the form.

Dates are one text field written ``YYYY-MM-DD``, as the command line and import files take
them (and as the dashboard's as-of field already is), rather than GOV.UK's three fields for
day, month and year: the date is then read by the same parser, with the same messages, and an
officer copying a date from a spreadsheet or minutes pastes it once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.model.engagement import ParticipationLevel
from engagekit.records.kinds import ActionStatus, EventKind, RecordKind, ReviewKind

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.records.checks import Vocabulary
    from engagekit.records.kinds import Record

DATE_HINT = "Write it YYYY-MM-DD, for example 2026-03-31."


@attrs.frozen
class Choice:
    """One answer a radio or a list offers: what is sent, and what the officer reads."""

    value: str
    label: str


@attrs.frozen
class Question:
    """One question of a form: an import column, how it is asked and what it offers.

    ``widget`` is ``text``, ``textarea``, ``radios``, ``select`` or ``yesno``; ``choices``
    names where a list's answers come from (``actions``, ``indicators``, ``bodies``,
    ``plan_bodies``, ``recorded_bodies``, ``areas``, ``clusters``, ``hubs``, ``obligations``)
    unless ``options`` gives them.
    """

    column: str
    label: str
    hint: str | None = None
    widget: str = "text"
    required: bool = False
    options: tuple[Choice, ...] = ()
    choices: str | None = None
    width: str = "govuk-input--width-20"
    inputmode: str | None = None

    @property
    def field_id(self) -> str:
        """The id of the field (or, for radios, its first input) an error links to."""
        return f"f-{self.column}"

    @property
    def grouped(self) -> bool:
        """Radios are a group: a fieldset with a legend, not a label."""
        return self.widget in ("radios", "yesno")


def _enum(kind: type[enum.Enum], labels: Mapping[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(str(member.value), labels.get(str(member.value), str(member.value))) for member in kind)


STATUSES = _enum(
    ActionStatus,
    {
        "not-started": "Not started",
        "in-progress": "In progress",
        "at-risk": "At risk",
        "delayed": "Delayed",
        "completed": "Completed",
        "cancelled": "Cancelled",
    },
)
EVENTS = _enum(
    EventKind,
    {
        "meeting": "A meeting of a body",
        "hub-session": "A hub session",
        "consultation": "A consultation",
        "newsletter": "A newsletter",
        "event": "Another event",
    },
)
REVIEWS = _enum(
    ReviewKind, {"review": "A review approved", "report": "A report issued", "update": "A document updated"}
)
LEVELS = _enum(ParticipationLevel, {})
YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))


def _date(label: str) -> Question:
    return Question("date", label, DATE_HINT, width="govuk-input--width-10")


NOTE = Question(
    "note", "Note (optional)", "Anything the record should keep: where it is minuted, who took part.", "textarea"
)


@attrs.frozen
class Form:
    """A form for one kind of record: its address, its title and its questions in order."""

    slug: str
    kind: RecordKind
    title: str
    noun: str
    questions: tuple[Question, ...]
    row_column: str
    """The question a problem with the row as a whole (``it ends before it starts``) links to."""

    def question(self, column: str) -> Question | None:
        return next((question for question in self.questions if question.column == column), None)


SUPERSEDES = Question(
    "supersedes",
    "The record this corrects",
    "Its number, as shown on the correction page. It is kept, marked as corrected by this one.",
    required=True,
    width="govuk-input--width-5",
    inputmode="numeric",
)

FORMS: dict[str, Form] = {
    form.slug: form
    for form in (
        Form(
            "action-update",
            RecordKind.ACTION_UPDATE,
            "Record an action's progress",
            "action update",
            (
                Question(
                    "action",
                    "Which action?",
                    "From the action plan, or a local action.",
                    "select",
                    True,
                    choices="actions",
                ),
                Question("status", "Where does it stand?", None, "radios", True, STATUSES),
                Question(
                    "percent",
                    "How complete is it, as a percentage (optional)?",
                    "A whole number from 0 to 100.",
                    width="govuk-input--width-3",
                    inputmode="numeric",
                ),
                _date("When was this its status?"),
                NOTE,
            ),
            "percent",
        ),
        Form(
            "indicator-reading",
            RecordKind.INDICATOR_READING,
            "Record an indicator reading",
            "indicator reading",
            (
                Question("indicator", "Which indicator?", None, "select", True, choices="indicators"),
                Question(
                    "value",
                    "What was its value?",
                    "A number, for example 120 or 3.5.",
                    required=True,
                    width="govuk-input--width-10",
                    inputmode="decimal",
                ),
                _date("On what date was it measured?"),
                NOTE,
            ),
            "indicator",
        ),
        Form(
            "event",
            RecordKind.EVENT,
            "Record an engagement event",
            "engagement event",
            (
                Question("event", "What happened?", None, "radios", True, EVENTS),
                Question(
                    "title",
                    "Title (optional)",
                    "For example, Spring residents' meeting.",
                    width="govuk-input--width-30",
                ),
                _date("When did it happen (or open, for a consultation)?"),
                Question(
                    "body",
                    "Which body met (for a meeting)?",
                    "Leave blank for anything but a meeting.",
                    "select",
                    choices="bodies",
                ),
                Question("public", "Was the meeting open to the public?", None, "yesno", options=YES_NO),
                Question("agm", "Was it the body's annual general meeting?", None, "yesno", options=YES_NO),
                Question("area", "Where was it: which area (optional)?", None, "select", choices="areas"),
                Question("cluster", "Or which cluster (optional)?", None, "select", choices="clusters"),
                Question("hub", "Which hub (for a hub session)?", None, "select", choices="hubs"),
                Question(
                    "level", "How far were people involved (optional)?", "The IAP2 spectrum.", "radios", options=LEVELS
                ),
                Question(
                    "attendance",
                    "How many attended (optional)?",
                    "A whole number.",
                    width="govuk-input--width-5",
                    inputmode="numeric",
                ),
                Question(
                    "end_date",
                    "When did the consultation close?",
                    DATE_HINT + " Leave blank for anything but a consultation.",
                    width="govuk-input--width-10",
                ),
                Question(
                    "considered",
                    "What did the meeting consider (optional)?",
                    "Separate items with ';', for example: annual report; accounts.",
                    "textarea",
                ),
                Question(
                    "formative",
                    "Consultation: how were the proposals still at a formative stage?",
                    "Optional: the first Gunning principle.",
                    "textarea",
                ),
                Question(
                    "reasons",
                    "Consultation: what reasons were given for the proposals?",
                    "Optional: the second Gunning principle.",
                    "textarea",
                ),
                Question(
                    "responses",
                    "Consultation: how were the responses taken into account?",
                    "Optional: the fourth Gunning principle.",
                    "textarea",
                ),
                NOTE,
            ),
            "end_date",
        ),
        Form(
            "review",
            RecordKind.REVIEW,
            "Record a review or report",
            "review or report",
            (
                Question(
                    "obligation", "Which review, report or delegation?", None, "select", True, choices="obligations"
                ),
                Question("review", "What was done?", None, "radios", True, REVIEWS),
                Question(
                    "approved_by",
                    "Who approved or received it (optional)?",
                    "For example, Cabinet.",
                    width="govuk-input--width-20",
                ),
                _date("On what date?"),
                NOTE,
            ),
            "obligation",
        ),
        Form(
            "local-priority",
            RecordKind.LOCAL_PRIORITY,
            "Record a local priority",
            "local priority",
            (
                Question(
                    "body",
                    "Which body agreed it?",
                    "Or leave blank and choose the area or cluster whose priority it is.",
                    "select",
                    choices="plan_bodies",
                ),
                Question("area", "Or whose area's priority is it?", None, "select", choices="areas"),
                Question("cluster", "Or whose cluster's priority is it?", None, "select", choices="clusters"),
                Question(
                    "year",
                    "Which plan year is it for?",
                    "For example, 2026.",
                    required=True,
                    width="govuk-input--width-4",
                    inputmode="numeric",
                ),
                Question(
                    "title", "What is the priority?", "As it was agreed.", required=True, width="govuk-input--width-30"
                ),
                Question(
                    "agreed_by",
                    "Who agreed it (optional)?",
                    "For example, the network's AGM.",
                    width="govuk-input--width-20",
                ),
                _date("When was it agreed?"),
                NOTE,
            ),
            "body",
        ),
        Form(
            "local-action",
            RecordKind.LOCAL_ACTION,
            "Record a local action",
            "local action",
            (
                Question(
                    "action",
                    "A new id for the action",
                    "Letters, digits, '-', '_' and '.'; not an id of the council-wide plan. Its updates use this id.",
                    required=True,
                    width="govuk-input--width-10",
                ),
                Question(
                    "body",
                    "Which body agreed it?",
                    "Or leave blank and choose the area or cluster whose action it is.",
                    "select",
                    choices="plan_bodies",
                ),
                Question("area", "Or whose area's action is it?", None, "select", choices="areas"),
                Question("cluster", "Or whose cluster's action is it?", None, "select", choices="clusters"),
                Question("title", "What will be done?", None, required=True, width="govuk-input--width-30"),
                Question("owner", "Who owns it (optional)?", None, width="govuk-input--width-20"),
                Question("due", "When is it due (optional)?", DATE_HINT, width="govuk-input--width-10"),
                Question(
                    "priority",
                    "Which local priority does it serve (optional)?",
                    "The priority's title.",
                    width="govuk-input--width-30",
                ),
                Question(
                    "year",
                    "Which plan year does it belong to (optional)?",
                    "For example, 2026.",
                    width="govuk-input--width-4",
                    inputmode="numeric",
                ),
                Question("agreed_by", "Who agreed it (optional)?", None, width="govuk-input--width-20"),
                _date("When was it agreed?"),
                NOTE,
            ),
            "body",
        ),
        Form(
            "instance",
            RecordKind.INSTANCE,
            "Register an instance of a body",
            "registered instance",
            (
                Question(
                    "body",
                    "Which body is it one of?",
                    "A body whose instances are recorded rather than listed in the documents, such as community "
                    "forums.",
                    "select",
                    True,
                    choices="recorded_bodies",
                ),
                Question(
                    "instance",
                    "A short id for it",
                    "Lower-case letters, digits and '-', for example stanford. Its meetings and members then name "
                    "it by the body's id, a full stop and this id.",
                    required=True,
                    width="govuk-input--width-10",
                ),
                Question(
                    "name",
                    "What is it called?",
                    "For example, Stanford Community Forum.",
                    required=True,
                    width="govuk-input--width-30",
                ),
                Question("area", "Which area is it for (optional)?", None, "select", choices="areas"),
                Question("cluster", "Or which cluster is it for (optional)?", None, "select", choices="clusters"),
                _date("When did it start, or when was it first known?"),
                Question(
                    "end_date",
                    "When did it stop (optional)?",
                    DATE_HINT + " Leave blank while it still goes on: after this date it is no longer judged.",
                    width="govuk-input--width-10",
                ),
                NOTE,
            ),
            "instance",
        ),
        Form(
            "member",
            RecordKind.MEMBER,
            "Record a member of a body",
            "member of a body",
            (
                Question(
                    "body",
                    "Which body do they sit on?",
                    "The body, or the one of its instances they sit on.",
                    "select",
                    True,
                    choices="bodies",
                ),
                Question(
                    "name",
                    "Who are they, or which seat is it?",
                    "For example, their name, or Parish representative.",
                    required=True,
                    width="govuk-input--width-30",
                ),
                Question(
                    "area",
                    "Which place does the seat represent (optional)?",
                    "For example, a parish.",
                    "select",
                    choices="areas",
                ),
                Question(
                    "office",
                    "What office do they hold (optional)?",
                    "For example, chair or vice-chair. Leave blank for an ordinary member.",
                    width="govuk-input--width-20",
                ),
                Question("councillor", "Are they a councillor?", None, "yesno", options=YES_NO),
                _date("From what date do they sit on it?"),
                Question(
                    "end_date",
                    "When did they leave (optional)?",
                    DATE_HINT + " Leave blank while they still sit on it.",
                    width="govuk-input--width-10",
                ),
                NOTE,
            ),
            "end_date",
        ),
    )
}
"""The forms, by the address they are under (``/councils/{id}/record/{slug}``)."""

BY_KIND = {form.kind: form for form in FORMS.values()}


def correcting(form: Form) -> Form:
    """The form with the question of which record it corrects, first."""
    return attrs.evolve(form, questions=(SUPERSEDES, *form.questions), title=f"Correct a {form.noun}")


def answers(form: Form, sent: Mapping[str, Any]) -> dict[str, str]:
    """What was sent for the form's own questions (text only; anything else sent is ignored)."""
    found: dict[str, str] = {}
    for question in form.questions:
        value = sent.get(question.column)
        if isinstance(value, str) and value != "":
            found[question.column] = value
    return found


def problems_of(
    form: Form, given: Mapping[str, str], council: Council, vocabulary: Vocabulary, recorded_by: str
) -> tuple[Record | None, list[tuple[str, str]]]:
    """The record the answers make, or the ``(column, message)`` problems the command line would report.

    The answers are read as a row of an import file (:func:`parse_row`), then the record is
    checked against the council's ids (:meth:`Vocabulary.problems`); the store checks both
    again when it writes.
    """
    from engagekit.records.rows import RowProblem, parse_row

    row: dict[str, Any] = {"kind": form.kind.value, **given}
    missing = [
        (question.column, "missing")
        for question in form.questions
        if question.required and question.column not in given
    ]
    try:
        record, _ = parse_row(row, council_id=council.id, recorded_by=recorded_by)
    except RowProblem as problem:
        found = list(problem.problems)
        return None, found + [item for item in missing if item[0] not in {column for column, _ in found}]
    if missing:
        return None, missing
    return record, vocabulary.problems(record)


def choices(council: Council, vocabulary: Vocabulary, source: str) -> list[Choice]:
    """The answers a list offers: the council's ids of that sort, each with its name where known
    (a registered instance's, too, when ``vocabulary`` holds them: :class:`~engagekit.web.forms_base.Known`)."""
    from engagekit.model.instances import all_instances
    from engagekit.web.forms_base import Known

    names: dict[str, str] = {}
    if source == "actions":
        names = {planned.action.id: planned.action.text for planned in council.programme.action_plan.all_actions()}
        ids = vocabulary.actions
    elif source == "indicators":
        names = {indicator.id: indicator.name for indicator in council.programme.indicators}
        ids = vocabulary.indicators
    elif source == "recorded_bodies":
        names = {body.id: body.name for body in council.bodies}
        ids = vocabulary.recorded_kinds
    elif source in ("bodies", "plan_bodies"):
        names = {placed.id: placed.name for placed in all_instances(council)}
        if isinstance(vocabulary, Known):
            names.update(vocabulary.instance_names)
        ids = vocabulary.bodies
        if source == "plan_bodies":
            ids = frozenset(body for body in ids if vocabulary.declared.get(body, body) in vocabulary.local_plan_bodies)
    elif source == "areas":
        names = {area.id: area.name for area in council.areas}
        ids = vocabulary.areas
    elif source == "clusters":
        names = {cluster.id: cluster.name for cluster in council.clusters}
        ids = vocabulary.clusters
    elif source == "hubs":
        names = {hub.id: hub.name for hub in council.hubs}
        ids = vocabulary.hubs
    elif source == "obligations":
        ids = vocabulary.obligations
    else:
        raise ValueError(f"no list of {source!r}")
    return [Choice(value, _label(value, names.get(value))) for value in sorted(ids)]


def _label(value: str, name: str | None) -> str:
    if not name or name == value:
        return value
    short = name if len(name) <= 90 else name[:89].rstrip() + "…"
    return f"{value}: {short}"


def answer_label(question: Question, value: str, offered: list[Choice]) -> str:
    """How an answer reads on the check page: a choice's label, else the text as given."""
    for choice in (*question.options, *offered):
        if choice.value == value.strip().lower() or choice.value == value:
            return choice.label
    return value


SUMMARY_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.ACTION_UPDATE: ("action", "status", "percent"),
    RecordKind.INDICATOR_READING: ("indicator", "value"),
    RecordKind.EVENT: ("event", "title", "body", "area", "cluster", "hub"),
    RecordKind.REVIEW: ("obligation", "review", "approved_by"),
    RecordKind.INSTANCE: ("body", "instance", "name"),
    RecordKind.LOCAL_PRIORITY: ("body", "area", "cluster", "year", "title"),
    RecordKind.LOCAL_ACTION: ("action", "body", "area", "cluster", "title"),
    RecordKind.MEMBER: ("body", "name", "office"),
}
"""What a record's one-line summary names, as its import columns."""


def summary(record: Record) -> str:
    """A record in one line for a page: ``CN-4, in-progress, 40%``."""
    from engagekit.records.rows import record_to_row

    row = record_to_row(record)
    parts = []
    for column in SUMMARY_COLUMNS[record.kind]:
        value = row.get(column)
        if value is None or value == "":
            continue
        parts.append(f"{value}%" if column == "percent" else str(value))
    return ", ".join(parts)
