"""The officers' forms: a signed-in editor of a council records progress in the browser.

Under ``/councils/{id}/record``: a start page, one form per kind of record
(:mod:`engagekit.web.forms_kinds`), a correction page that shows a record's history and
corrects it with a new record, and the upload of an import file (:mod:`engagekit.web.upload`).
Each form follows the GOV.UK Design System's pattern: the questions, then "check your
answers", then a confirmation; a problem brings the form back with an error summary at the top
linking to each field, and the message under the field. Nothing needs JavaScript, and the
pages hold none.

A submitted form is read as a row of an import file and checked against the council by the
records' own code, so each message is the one ``engagekit record`` gives. The record is written
with :meth:`RecordStore.add` (which checks everything again, in its transaction), with who
recorded it from the account signed in, and an entry in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.resources import files
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from engagekit.records.cells import CONTROLS_EXCEPT_LINES, SURROGATES
from engagekit.web import auth, colours, forms_kinds, submissions, upload
from engagekit.web.forms_base import Editor, page, site, store_of, vocabulary
from engagekit.web.forms_kinds import FORMS, Form, correcting

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.records.checks import Vocabulary
    from engagekit.records.kinds import Record
    from engagekit.records.store import RecordStore

router = APIRouter(include_in_schema=False)
_UNSHOWABLE = re.compile(f"[{CONTROLS_EXCEPT_LINES}{SURROGATES}]")
"""What an answer sent back to the form may not show as it was sent (it is refused anyway)."""
ASSETS = {"govuk-forms.css": "text/css; charset=utf-8", "forms.css": "text/css; charset=utf-8"}
"""The files under ``/static/govuk/``: GOV.UK Frontend's styles, compiled (``static/recipe``), and the forms' own."""


def form_of(slug: str) -> Form:
    found = FORMS.get(slug)
    if found is None:
        raise HTTPException(404, f"there is no form {slug!r}")
    return found


def offered(form: Form, council: Council, known: Vocabulary) -> dict[str, list[forms_kinds.Choice]]:
    """The answers each list question offers, by column."""
    return {
        question.column: forms_kinds.choices(council, known, question.choices)
        for question in form.questions
        if question.choices
    }


def show_form(
    request: Request,
    council: Council,
    form: Form,
    known: Vocabulary,
    given: Mapping[str, str],
    problems: list[tuple[str, str]] | None = None,
    *,
    correction: bool = False,
    history: list[Any] | None = None,
    focus: str | None = None,
) -> Response:
    """The form, filled in with ``given``; with an error summary and inline errors for ``problems``.

    ``focus`` is the question a "Change" button came back for: its field has the focus.
    """
    errors = errors_by_field(form, problems or [])
    shown = {column: _UNSHOWABLE.sub("\ufffd", value) for column, value in given.items()}
    return page(
        request,
        "form.html.j2",
        council,
        status=400 if problems else 200,
        form=form,
        given=shown,
        offered=offered(form, council, known),
        errors=errors,
        correction=correction,
        history=history or [],
        focus=focus if form.question(focus or "") is not None and not problems else None,
    )


def errors_by_field(form: Form, problems: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Each problem with the question it belongs to: its label, the field it links to, the message.

    A problem with the whole row goes with the form's ``row_column`` question, except that
    ``it ends before it starts`` goes with the end date where the form asks one; a problem with a
    column the form does not ask goes with the first question. They are listed in the order of
    the questions on the page, as the error summary should be.
    """
    order = {question.column: place for place, question in enumerate(form.questions)}
    found: list[dict[str, str]] = []
    for column, message in problems:
        if column == "row" and message.startswith("it ends (") and form.question("end_date") is not None:
            column = "end_date"
        question = form.question(column) or form.question(form.row_column) or form.questions[0]
        found.append(
            {"column": question.column, "field": question.field_id, "label": question.label, "message": message}
        )
    return sorted(found, key=lambda error: order[error["column"]])  # stable: one field's messages keep their order


# -- the pages ------------------------------------------------------------------------------


@router.get("/static/govuk/{name}")
def asset(name: str) -> Response:
    """GOV.UK Frontend's compiled styles and the forms' own few rules."""
    if name not in ASSETS:
        raise HTTPException(404)
    body = (files("engagekit.web") / "static" / name).read_bytes()
    return Response(body, media_type=ASSETS[name], headers={"cache-control": "public, max-age=300"})


@router.get("/councils/{council_id}/record")
def start(request: Request, council_id: str, _: Editor) -> Response:
    council = site(request).council(council_id)
    return page(request, "start.html.j2", council, forms=list(FORMS.values()))


@router.get("/councils/{council_id}/record/correct")
def correct(
    request: Request, council_id: str, _: Editor, kind: str | None = None, number: str | None = None
) -> Response:
    """Which record to correct; once named, its history and the form to correct it, filled in with it."""
    from engagekit.records.rows import parse_id, record_to_row

    council = site(request).council(council_id)
    if kind is None and number is None:
        return page(request, "correct.html.j2", council, forms=list(FORMS.values()), given={}, errors=[])
    problems: list[dict[str, str]] = []
    form = FORMS.get(kind or "")
    if form is None:
        problems.append({"field": "f-kind", "label": "Which kind of record?", "message": "choose the kind of record"})
    record_id: int | None = None
    try:
        record_id = parse_id(number or "")
    except ValueError as error:
        message = "missing" if not (number or "").strip() else str(error)
        problems.append({"field": "f-number", "label": "Its number", "message": message})
    store = store_of(request)
    chain: list[Record] = []
    if form is not None and record_id is not None:
        chain = history(store, council, form, record_id)
        if not chain:
            problems.append(
                {
                    "field": "f-number",
                    "label": "Its number",
                    "message": f"no {form.kind.value} record #{record_id} to correct",
                }
            )
    if problems or form is None or record_id is None:
        given = {"kind": kind or "", "number": number or ""}
        return page(
            request, "correct.html.j2", council, status=400, forms=list(FORMS.values()), given=given, errors=problems
        )
    target = next(record for record in chain if record.id == record_id)
    row = record_to_row(target)
    given = {
        question.column: str(row[question.column])
        for question in form.questions
        if row.get(question.column) is not None
    }
    given["supersedes"] = str(record_id)
    return show_form(
        request, council, correcting(form), vocabulary(store, council), given, correction=True, history=chain
    )


def history(store: RecordStore, council: Council, form: Form, record_id: int) -> list[Record]:
    """The record, the earlier ones it corrects and the later ones that correct it, oldest first.

    Empty when the council has no record of that kind and number.
    """
    chain = {record.id: record for record in store.records(council.id, form.kind)}
    if record_id not in chain:
        return []
    linked = {record_id}
    changed = True
    while changed:  # follow corrections both ways until nothing is added
        changed = False
        for record in chain.values():
            earlier = record.supersedes
            if record.id in linked and earlier is not None and earlier in chain and earlier not in linked:
                linked.add(earlier)
                changed = True
            if record.supersedes in linked and record.id not in linked:
                linked.add(record_id if record.id is None else record.id)
                changed = True
    return [chain[number] for number in sorted(linked, key=lambda n: n or 0)]


router.include_router(colours.router)  # a council's colours, for these pages and the public ones
router.include_router(upload.router)  # before the forms' /record/{slug}, which would take /record/upload


@router.get("/councils/{council_id}/record/{slug}")
def blank_form(request: Request, council_id: str, slug: str, _: Editor) -> Response:
    """The form, its date filled in with today (as ``engagekit record`` takes today without ``--date``)."""
    council = site(request).council(council_id)
    form = form_of(slug)
    today = {"date": site(request).today().isoformat()}
    return show_form(request, council, form, vocabulary(store_of(request), council), today)


async def _sent(request: Request) -> dict[str, str]:
    """The fields of a submitted form, as text (a file is not an answer; of a repeated field, the last).

    A dependency, read in the event loop; the handlers that use it are plain functions, which
    FastAPI runs in its thread pool, so the store's blocking work holds up no other request.
    """
    # Each field as long as the whole form may be (the CSRF layer has bounded that, 25 MB), not
    # Starlette's 1 MB a field: a note too long is then the records' own inline error on its field.
    sent = await request.form(max_part_size=auth.FORM_LIMIT)
    return {key: value for key, value in sent.items() if isinstance(value, str)}


Sent = Annotated[dict[str, str], Depends(_sent)]


def _which(slug: str, sent: Mapping[str, str]) -> tuple[Form, bool]:
    form = form_of(slug)
    correction = sent.get("correction") == "yes"
    return (correcting(form) if correction else form), correction


@router.post("/councils/{council_id}/record/{slug}")
def check(request: Request, council_id: str, slug: str, _: Editor, sent: Sent) -> Response:
    """The answers checked: back to the form with what is wrong, or on to "check your answers"."""
    council = site(request).council(council_id)
    form, correction = _which(slug, sent)
    store = store_of(request)
    known = vocabulary(store, council)
    given = forms_kinds.answers(form, sent)
    problems = forms_kinds.problems_of(form, given, council, known, auth.recorded_by(request))[1]
    if problems:
        return show_form(request, council, form, known, given, problems, correction=correction)
    lists = offered(form, council, known)
    rows = [
        {
            "question": question,
            "answer": forms_kinds.answer_label(question, given[question.column], lists.get(question.column, [])),
        }
        for question in form.questions
        if question.column in given
    ]
    return page(
        request,
        "check.html.j2",
        council,
        form=form,
        given=given,
        rows=rows,
        correction=correction,
        submission=submissions.new_key(),
    )


@router.post("/councils/{council_id}/record/{slug}/change")
def change(request: Request, council_id: str, slug: str, _: Editor, sent: Sent) -> Response:
    """Back from "check your answers" to the form, filled in as it was."""
    council = site(request).council(council_id)
    form, correction = _which(slug, sent)
    known = vocabulary(store_of(request), council)
    given = forms_kinds.answers(form, sent)
    return show_form(request, council, form, known, given, correction=correction, focus=sent.get("focus"))


@router.post("/councils/{council_id}/record/{slug}/confirm")
def confirm(request: Request, council_id: str, slug: str, _: Editor, sent: Sent) -> Response:
    """The record written (the answers read and checked again: what the page held is not trusted).

    Written once per check page: its key (:mod:`engagekit.web.submissions`) is written with the
    record, and a confirm sent again with it (a double click) goes to the record written first.
    """
    from engagekit.records.errors import StoreIntegrityError
    from engagekit.records.rows import RowProblem

    council = site(request).council(council_id)
    form, correction = _which(slug, sent)
    given = forms_kinds.answers(form, sent)
    officer = auth.recorded_by(request)
    key = submissions.bound(submissions.key_of(sent), council.id, form.slug, officer, given)
    store = store_of(request)
    earlier = submissions.recorded_with(store, key)
    if earlier is not None:
        return _to_recorded(earlier)
    known = vocabulary(store, council)
    record, problems = forms_kinds.problems_of(form, given, council, known, officer)
    if record is not None and not problems:
        try:
            (stored,) = store.add(council, [record], alongside=submissions.keep(key, council.id, form.slug))
        except RowProblem as problem:  # the store's own checks, in its transaction, have the last word
            problems = list(problem.problems)
        except StoreIntegrityError:  # the key's UNIQUE constraint: the same page was confirmed meanwhile
            earlier = submissions.recorded_with(store, key)
            if earlier is None:
                raise
            return _to_recorded(earlier)
    if problems or record is None:
        # The same page confirmed meanwhile may be what the checks refused this one for (a
        # registration finds its own first copy "already registered"): that record is the answer.
        earlier = submissions.recorded_with(store, key)
        if earlier is not None:
            return _to_recorded(earlier)
        return show_form(request, council, form, known, given, problems, correction=correction)
    detail: dict[str, Any] = {"council": council.id, "kind": stored.kind.value, "id": stored.id}
    if stored.supersedes is not None:
        detail["supersedes"] = stored.supersedes
    auth.audit(request, "record.correct" if correction else "record.add", detail)
    assert stored.id is not None
    return _to_recorded(submissions.Recorded(council.id, form.slug, stored.id))


def _to_recorded(recorded: submissions.Recorded) -> Response:
    """The way to a record's confirmation page (a 303, so a reload does not send the form again)."""
    where = f"/councils/{quote(recorded.council_id)}/record/{quote(recorded.slug)}/recorded/{recorded.record_id}"
    return RedirectResponse(where, status_code=303)


@router.get("/councils/{council_id}/record/{slug}/recorded/{number}")
def recorded(request: Request, council_id: str, slug: str, number: int, _: Editor) -> Response:
    """The confirmation: what was recorded, its number, and the way to the dashboard showing it."""
    council = site(request).council(council_id)
    form = form_of(slug)
    chain = history(store_of(request), council, form, number)
    record = next((record for record in chain if record.id == number), None)
    if record is None:
        raise HTTPException(404, f"no {form.kind.value} record #{number}")
    return page(request, "recorded.html.j2", council, form=form, record=record)
