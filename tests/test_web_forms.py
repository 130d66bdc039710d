"""The officers' forms (``/councils/{id}/record/...``): each form's happy path and its errors.

Through FastAPI's TestClient, signed in through the real sign-in form (``tests/web_accounts.py``),
against a SQLite store in a temporary folder. Every message a form shows is compared with the
one ``engagekit record`` prints for the same value, and every record is read back from the store.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests import web_accounts
from tests.import_files import write_rows

from engagekit.accounts import Role
from engagekit.cli import cli
from engagekit.records.kinds import ActionStatus, ActionUpdate, EngagementEvent, RecordKind
from engagekit.records.store import open_store

BASE = "/councils/basildon/record"
TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')
HOSTILE = "<script>alert(1)</script>"
Client = Callable[..., TestClient]
accounts_store = web_accounts.accounts_store  # the fixtures this module uses
signed_in_client = web_accounts.signed_in_client


def token(page: str) -> str:
    found = TOKEN.search(page)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def hidden(page: str) -> dict[str, str]:
    """The answers a check-your-answers page carries to its "Accept and record" form."""
    confirm = page[page.index('/confirm">') :]
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', confirm)
    }


def submit(client: TestClient, slug: str, answers: dict[str, str]) -> Any:
    """Fill in a form from its own page (its CSRF code) and send it."""
    form = client.get(f"{BASE}/{slug}")
    assert form.status_code == 200, form.text
    return client.post(f"{BASE}/{slug}", data={"csrftoken": token(form.text), **answers}, follow_redirects=False)


def record_through(client: TestClient, slug: str, answers: dict[str, str]) -> Any:
    """Answers, then "check your answers", then "Accept and record": the confirmation page."""
    checked = submit(client, slug, answers)
    assert checked.status_code == 200, checked.text
    assert "Check your answers" in checked.text
    done = client.post(f"{BASE}/{slug}/confirm", data=hidden(checked.text), follow_redirects=False)
    assert done.status_code == 303, done.text
    confirmation = client.get(done.headers["location"])
    assert confirmation.status_code == 200
    return confirmation


def summary_messages(page: str) -> list[str]:
    """The error summary's lines, as read."""
    body = page[page.index("govuk-error-summary__list") :]
    body = body[: body.index("</ul>")]
    return [html.unescape(text) for text in re.findall(r'<a href="#[^"]+">([^<]*)</a>', body)]


def records(url: str, kind: RecordKind | None = None) -> list[Any]:
    with open_store(url) as store:
        return list(store.records("basildon", kind))


def cli_message(url: str, *arguments: str) -> str:
    """What ``engagekit record`` says about the same answers (its one line)."""
    result = CliRunner().invoke(cli, ["record", *arguments], env={"ENGAGEKIT_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    return result.output.strip().removeprefix("engagekit: ").removeprefix("Error: ")


# -- action updates: the whole journey ------------------------------------------------------


def test_an_editor_records_an_update_and_the_dashboard_shows_it(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor, email="officer@basildon.example.gov.uk")
    answers = {
        "action": "CN-4",
        "status": "in-progress",
        "percent": "40",
        "date": "2026-11-20",
        "note": "Directory live",
    }
    checked = submit(client, "action-update", answers)
    assert "Check your answers before recording this action update" in checked.text
    assert "In progress" in checked.text
    assert "CN-4: Work with VCS partners" in checked.text
    assert records(accounts_store) == []  # nothing is recorded before "Accept and record"
    confirmation = client.post(f"{BASE}/action-update/confirm", data=hidden(checked.text), follow_redirects=True)
    assert "Action update recorded" in confirmation.text
    (stored,) = records(accounts_store)
    assert isinstance(stored, ActionUpdate)
    assert (stored.action_id, stored.status, stored.percent, stored.note) == (
        "CN-4",
        ActionStatus.IN_PROGRESS,
        40,
        "Directory live",
    )
    assert stored.recorded_by == "officer@basildon.example.gov.uk"
    assert f"#{stored.id}" in confirmation.text
    dashboard = client.get("/councils/basildon?as_of=2026-11-22")
    assert "in-progress 40% (20 November 2026)" in dashboard.text


def test_the_audit_log_keeps_each_record_made(signed_in_client: Client, accounts_store: str) -> None:
    import sqlalchemy as sa

    from engagekit.accounts import tables

    client = signed_in_client("basildon", Role.admin, email="admin@basildon.example.gov.uk")
    record_through(client, "action-update", {"action": "CN-1", "status": "completed", "date": "2026-11-01"})
    with open_store(accounts_store) as store:
        lines = [dict(row) for row in store.read(sa.select(tables.audit_log))]
    made = [line for line in lines if line["action"] == "record.add"]
    assert len(made) == 1
    assert made[0]["who"] == "admin@basildon.example.gov.uk"
    assert '"kind": "action-update"' in made[0]["detail"] or '"kind":"action-update"' in made[0]["detail"]


def test_a_mistake_brings_the_form_back_with_the_clis_message_linked_to_its_field(
    signed_in_client: Client, accounts_store: str
) -> None:
    client = signed_in_client("basildon", Role.editor)
    answers = {"action": "CN-4", "status": "in-progress", "percent": "40", "date": "2026-02-30"}
    page = submit(client, "action-update", answers)
    assert page.status_code == 400
    expected = cli_message(
        accounts_store,
        "action",
        "-c",
        "basildon",
        "--action",
        "CN-4",
        "--status",
        "in-progress",
        "--date",
        "2026-02-30",
    )
    assert expected == "date: 2026-02-30 does not exist: February 2026 has 28 days"
    assert summary_messages(page.text) == [
        "When was this its status?: 2026-02-30 does not exist: February 2026 has 28 days"
    ]
    assert '<a href="#f-date">' in page.text
    assert (
        '<p id="f-date-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> 2026-02-30 does not exist' in page.text
    )
    assert 'aria-describedby="f-date-hint f-date-error"' in page.text
    assert page.text.count("<title>Error: ") == 1
    assert 'value="2026-02-30"' in page.text
    assert 'value="in-progress" checked' in page.text
    assert records(accounts_store) == []


def test_every_missing_answer_is_listed_at_once(signed_in_client: Client) -> None:
    client = signed_in_client("basildon", Role.editor)
    assert 'name="date" type="text" value="2026-11-22"' in client.get(f"{BASE}/action-update").text  # today
    page = submit(client, "action-update", {})
    assert page.status_code == 400
    assert summary_messages(page.text) == [  # in the order of the questions on the page
        "Which action?: missing",
        "Where does it stand?: missing",
        "When was this its status?: missing",
    ]
    assert '<a href="#f-status">' in page.text  # a radio group's error links to its first radio


def test_a_percentage_out_of_range_is_the_records_own_message(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    page = submit(
        client, "action-update", {"action": "CN-4", "status": "delayed", "percent": "150", "date": "2026-11-01"}
    )
    expected = cli_message(
        accounts_store,
        "action",
        "-c",
        "basildon",
        "--action",
        "CN-4",
        "--status",
        "delayed",
        "--percent",
        "150",
        "--date",
        "2026-11-01",
    )
    assert expected == "row: percent must be from 0 to 100, not 150"
    assert summary_messages(page.text) == [
        "How complete is it, as a percentage (optional)?: percent must be from 0 to 100, not 150"
    ]


def test_hostile_answers_get_the_clis_messages_and_are_escaped(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    page = submit(
        client, "action-update", {"action": HOSTILE, "status": "x\x1b[31m", "date": "2026-11-01", "note": "a\x00b"}
    )
    assert page.status_code == 400
    assert HOSTILE not in page.text
    assert "\x1b" not in page.text
    assert "\x00" not in page.text
    assert html.escape(HOSTILE, quote=True) in page.text
    messages = summary_messages(page.text)
    status = cli_message(
        accounts_store, "action", "-c", "basildon", "--action", "CN-4", "--status", "x\x1b[31m", "--date", "2026-11-01"
    )
    assert "Where does it stand?: " + status.removeprefix("status: ") in messages
    assert "Note (optional): holds a control character (U+0000); remove it" in messages
    wrong_action = submit(client, "action-update", {"action": HOSTILE, "status": "completed", "date": "2026-11-01"})
    expected = cli_message(
        accounts_store, "action", "-c", "basildon", "--action", HOSTILE, "--status", "completed", "--date", "2026-11-01"
    )
    assert summary_messages(wrong_action.text) == ["Which action?: " + expected.removeprefix("action: ")]
    assert records(accounts_store) == []


def test_a_check_page_changed_by_hand_is_checked_again_when_recorded(
    signed_in_client: Client, accounts_store: str
) -> None:
    client = signed_in_client("basildon", Role.editor)
    checked = submit(client, "action-update", {"action": "CN-4", "status": "completed", "date": "2026-11-01"})
    sent = {**hidden(checked.text), "action": "NOPE", "recorded_by": "someone else"}
    again = client.post(f"{BASE}/action-update/confirm", data=sent)
    assert again.status_code == 400
    assert summary_messages(again.text)[0].startswith("Which action?: no action 'NOPE' in this council")
    assert records(accounts_store) == []
    ok = client.post(f"{BASE}/action-update/confirm", data={**hidden(checked.text), "recorded_by": "someone else"})
    assert ok.status_code == 200
    (stored,) = records(accounts_store)
    assert stored.recorded_by.startswith("editor.basildon.")  # never what the form said


def test_change_goes_back_to_the_form_filled_in(signed_in_client: Client) -> None:
    client = signed_in_client("basildon", Role.editor)
    checked = submit(client, "action-update", {"action": "CN-4", "status": "at-risk", "date": "2026-11-01"})
    assert 'form="change" name="focus" value="status"' in checked.text
    data = {"csrftoken": token(checked.text), "focus": "status", **hidden(checked.text)}
    back = client.post(f"{BASE}/action-update/change", data=data)
    assert back.status_code == 200
    assert 'value="at-risk" checked autofocus' in back.text  # the question it came back for has the focus
    assert '<option value="CN-4" selected>' in back.text


# -- the other forms ------------------------------------------------------------------------


def test_an_indicator_reading(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    bad = submit(
        client,
        "indicator-reading",
        {"indicator": "services-in-community-directory", "value": "inf", "date": "2026-11-01"},
    )
    expected = cli_message(
        accounts_store,
        "reading",
        "-c",
        "basildon",
        "--indicator",
        "services-in-community-directory",
        "--value",
        "inf",
        "--date",
        "2026-11-01",
    )
    assert summary_messages(bad.text) == ["What was its value?: " + expected.removeprefix("value: ")]
    record_through(
        client,
        "indicator-reading",
        {"indicator": "services-in-community-directory", "value": "120", "date": "2026-11-01"},
    )
    (reading,) = records(accounts_store, RecordKind.INDICATOR_READING)
    assert reading.value == 120


def test_a_meeting_of_a_body_with_its_place(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    form = client.get(f"{BASE}/event")
    assert (
        '<option value="community-involvement-network">'
        "community-involvement-network: Community Involvement Network (CIN)</option>" in form.text
    )
    assert "<legend" in form.text
    assert 'name="public" type="radio" value="yes"' in form.text
    bad = submit(client, "event", {"event": "meeting", "date": "2026-11-01", "end_date": "2026-10-01"})
    assert summary_messages(bad.text) == [
        "When did the consultation close?: it ends (2026-10-01) before it starts (2026-11-01)"
    ]
    answers = {
        "event": "meeting",
        "title": "Autumn network",
        "date": "2026-11-05",
        "body": "community-involvement-network",
        "public": "yes",
        "area": "basildon-town",
        "attendance": "23",
    }
    confirmation = record_through(client, "event", answers)
    assert "Engagement event recorded" in confirmation.text
    (event,) = records(accounts_store, RecordKind.EVENT)
    assert isinstance(event, EngagementEvent)
    assert (event.body_id, event.public, event.area_id, event.attendance) == (
        "community-involvement-network",
        True,
        "basildon-town",
        23,
    )


def test_a_review_and_a_report(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    bad = submit(client, "review", {"obligation": "no-such-review", "review": "report", "date": "2026-11-01"})
    expected = cli_message(
        accounts_store,
        "review",
        "-c",
        "basildon",
        "--obligation",
        "no-such-review",
        "--kind",
        "report",
        "--date",
        "2026-11-01",
    )
    assert summary_messages(bad.text) == [
        "Which review, report or delegation?: " + expected.removeprefix("obligation: ")
    ]
    record_through(
        client,
        "review",
        {"obligation": "strategy-review", "review": "review", "approved_by": "Cabinet", "date": "2026-11-01"},
    )
    (review,) = records(accounts_store, RecordKind.REVIEW)
    assert (review.obligation_id, review.approved_by) == ("strategy-review", "Cabinet")


def test_a_local_priority_and_a_local_action_then_its_update(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    nobody = submit(client, "local-priority", {"year": "2026", "title": "Safer parks", "date": "2026-11-01"})
    assert summary_messages(nobody.text) == ["Which body agreed it?: say whose it is: a body, an area or a cluster"]
    record_through(
        client,
        "local-priority",
        {"area": "basildon-town", "year": "2026", "title": "Safer parks", "date": "2026-11-01"},
    )
    plan_id = submit(
        client,
        "local-action",
        {"action": "CN-4", "area": "basildon-town", "title": "Park lights", "date": "2026-11-01"},
    )
    assert summary_messages(plan_id.text) == [
        "A new id for the action: 'CN-4' is an action of the council-wide plan: give a new id"
    ]
    record_through(
        client,
        "local-action",
        {
            "action": "BT-1",
            "area": "basildon-town",
            "title": "Park lights",
            "priority": "Safer parks",
            "date": "2026-11-01",
        },
    )
    form = client.get(f"{BASE}/action-update")
    assert '<option value="BT-1">BT-1</option>' in form.text  # a local action takes updates like any action
    record_through(client, "action-update", {"action": "BT-1", "status": "in-progress", "date": "2026-11-10"})
    assert [type(record).__name__ for record in records(accounts_store)] == [
        "LocalPriority",
        "LocalAction",
        "ActionUpdate",
    ]


# -- corrections ------------------------------------------------------------------------------


def test_a_correction_supersedes_the_record_and_shows_its_history(
    signed_in_client: Client, accounts_store: str
) -> None:
    client = signed_in_client("basildon", Role.editor)
    record_through(client, "action-update", {"action": "CN-2", "status": "completed", "date": "2026-11-01"})
    (first,) = records(accounts_store)
    asked = client.get(f"{BASE}/correct?kind=action-update&number={first.id}")
    assert asked.status_code == 200
    assert "Its history" in asked.text
    assert f"#{first.id}" in asked.text
    assert f'name="supersedes" type="text" value="{first.id}"' in asked.text
    assert '<option value="CN-2" selected>' in asked.text
    assert 'value="completed" checked' in asked.text
    answers = {
        "correction": "yes",
        "supersedes": str(first.id),
        "action": "CN-2",
        "status": "in-progress",
        "percent": "80",
        "date": "2026-11-01",
    }
    confirmation = record_through(client, "action-update", answers)
    assert f"correcting #{first.id}" in confirmation.text
    second = records(accounts_store)[-1]
    assert (second.supersedes, second.status) == (first.id, ActionStatus.IN_PROGRESS)
    history = client.get(f"{BASE}/correct?kind=action-update&number={first.id}")
    assert f"#{first.id}" in history.text
    assert f"#{second.id}" in history.text
    dashboard = client.get("/councils/basildon?as_of=2026-11-22")
    assert "in-progress 80% (1 November 2026)" in dashboard.text


def test_correcting_a_record_that_is_not_there(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    missing = client.get(f"{BASE}/correct?kind=action-update&number=99")
    assert missing.status_code == 400
    assert summary_messages(missing.text) == ["Its number: no action-update record #99 to correct"]
    bad = client.get(f"{BASE}/correct?kind=nonsense&number=0")
    assert summary_messages(bad.text) == [
        "Which kind of record?: choose the kind of record",
        "Its number: 0 is not a record id (ids are 1 or more)",
    ]
    forged = submit(
        client,
        "action-update",
        {"correction": "yes", "supersedes": "99", "action": "CN-2", "status": "completed", "date": "2026-11-01"},
    )
    checked = client.post(f"{BASE}/action-update/confirm", data=hidden(forged.text))
    assert summary_messages(checked.text) == ["The record this corrects: no action-update record #99 to correct"]
    assert records(accounts_store) == []


# -- who may -----------------------------------------------------------------------------------


def test_a_post_without_the_csrf_code_is_refused(signed_in_client: Client, accounts_store: str) -> None:
    client = signed_in_client("basildon", Role.editor)
    checked = submit(client, "action-update", {"action": "CN-4", "status": "completed", "date": "2026-11-01"})
    answers = {k: v for k, v in hidden(checked.text).items() if k != "csrftoken"}
    refused = client.post(f"{BASE}/action-update/confirm", data=answers)
    assert refused.status_code == 403
    forged = client.post(f"{BASE}/action-update/confirm", data={**answers, "csrftoken": "forged"})
    assert forged.status_code == 403
    assert records(accounts_store) == []


@pytest.mark.parametrize(
    ("council", "role"), [("basildon", Role.viewer), ("thurrock", Role.editor), ("thurrock", Role.admin)]
)
def test_a_viewer_or_another_councils_officer_may_not(
    signed_in_client: Client, accounts_store: str, council: str, role: Role
) -> None:
    client = signed_in_client(council, role)
    assert client.get(f"{BASE}/action-update").status_code == 403
    assert client.get(f"{BASE}/upload").status_code == 403
    sent = {
        "csrftoken": token(client.get("/sign-out").text),
        "action": "CN-4",
        "status": "completed",
        "date": "2026-11-01",
    }
    assert client.post(f"{BASE}/action-update/confirm", data=sent).status_code == 403
    assert records(accounts_store) == []


def test_signed_out_the_forms_send_you_to_sign_in(signed_in_client: Client) -> None:
    client = signed_in_client("basildon", Role.editor)
    client.cookies.clear()
    answer = client.get(f"{BASE}/action-update", follow_redirects=False)
    assert answer.status_code in (302, 303)
    assert answer.headers["location"].startswith("/sign-in?next=")


# -- uploads -----------------------------------------------------------------------------------

COLUMNS = ["kind", "date", "action", "status", "percent", "indicator", "value"]


def upload(client: TestClient, path: Path, kind: str = "") -> Any:
    page = client.get(f"{BASE}/upload")
    with path.open("rb") as stream:
        return client.post(
            f"{BASE}/upload",
            data={"csrftoken": token(page.text), "kind": kind},
            files={"file": (path.name, stream, "text/csv")},
        )


def test_an_upload_with_bad_rows_lists_each_and_changes_nothing(
    signed_in_client: Client, accounts_store: str, tmp_path: Path
) -> None:
    client = signed_in_client("basildon", Role.editor)
    rows = [
        {"kind": "action-update", "date": "2026-11-01", "action": "CN-1", "status": "completed"},
        {"kind": "action-update", "date": "2026-13-01", "action": "CN-1", "status": "completed"},
        {"kind": "indicator-reading", "date": "2026-11-01", "indicator": HOSTILE, "value": "nan"},
    ]
    path = write_rows(tmp_path / "bad.csv", COLUMNS, rows)
    answer = upload(client, path)
    assert answer.status_code == 400
    assert "Nothing imported from bad.csv" in answer.text
    cells = [
        html.unescape(c)
        for c in re.findall(
            r'<td class="govuk-table__cell">(?:<span class="govuk-visually-hidden">Error:</span> )?([^<]*)</td>',
            answer.text,
        )
    ]
    assert cells[:3] == ["3", "date", "2026-13-01 is not a date: there is no month 13"]
    assert "4" in cells
    assert "value" in cells
    assert HOSTILE not in answer.text
    assert records(accounts_store) == []
    command = CliRunner().invoke(
        cli, ["import", str(path), "-c", "basildon"], env={"ENGAGEKIT_DATABASE_URL": accounts_store}
    )
    assert "row 3, date: 2026-13-01 is not a date: there is no month 13" in command.output


def test_an_upload_imports_every_row_and_lists_them_then_not_twice(
    signed_in_client: Client, accounts_store: str, tmp_path: Path
) -> None:
    client = signed_in_client("basildon", Role.editor, email="importer@basildon.example.gov.uk")
    rows = [
        {"kind": "action-update", "date": "2026-11-01", "action": "CN-1", "status": "completed"},
        {
            "kind": "indicator-reading",
            "date": "2026-11-01",
            "indicator": "services-in-community-directory",
            "value": "95",
        },
    ]
    path = write_rows(tmp_path / "good.csv", COLUMNS, rows)
    answer = upload(client, path)
    assert answer.status_code == 200, answer.text
    assert "Imported good.csv" in answer.text
    assert "2 rows checked; 2 records added" in answer.text
    assert "CN-1 · completed" in answer.text
    assert "services-in-community-directory · 95.0" in answer.text
    stored = records(accounts_store)
    assert len(stored) == 2
    assert {record.recorded_by for record in stored} == {"importer@basildon.example.gov.uk"}
    again = upload(client, path)
    assert "was imported before" in again.text
    assert len(records(accounts_store)) == 2


def test_an_upload_that_is_not_a_records_file(signed_in_client: Client, accounts_store: str, tmp_path: Path) -> None:
    client = signed_in_client("basildon", Role.editor)
    wrong = tmp_path / "notes.docx"
    wrong.write_bytes(b"PK\x03\x04")
    assert summary_messages(upload(client, wrong).text) == [
        "The file: engagekit imports .csv, .xlsx and .json files, not .docx"
    ]
    unknown = tmp_path / "odd.csv"
    unknown.write_text("kind,colour\naction-update,blue\n", encoding="utf-8")
    message = summary_messages(upload(client, unknown).text)[0]
    assert message.startswith("The file: odd.csv: ")
    assert str(tmp_path) not in message
    page = client.get(f"{BASE}/upload")
    empty = client.post(f"{BASE}/upload", data={"csrftoken": token(page.text)})
    assert summary_messages(empty.text) == ["The file: choose a file to import"]
    assert records(accounts_store) == []


def test_the_upload_runs_the_commands_import_all_or_nothing(accounts_store: str, tmp_path: Path) -> None:
    """What the upload page runs once the file is saved (tested here whatever the CSRF middleware)."""
    import datetime as dt

    import engagekit
    from engagekit.web import upload as uploading

    council = engagekit.get_plugin_host(environ={}).councils()["basildon"].council
    bad = [
        {"kind": "action-update", "date": "2026-11-01", "action": "CN-1", "status": "completed"},
        {"kind": "action-update", "date": "2026-13-01", "action": "CN-1", "status": "completed"},
    ]
    path = write_rows(tmp_path / "upload.csv", COLUMNS, bad)
    with open_store(accounts_store) as store:
        result, _ = uploading._import(store, council, path, "bad.csv", None, "me@example.gov.uk", dt.date(2026, 11, 22))
        assert [str(problem) for problem in result.problems] == [
            "row 3, date: 2026-13-01 is not a date: there is no month 13"
        ]
        assert result.added == 0
        assert list(store.records("basildon")) == []
        good = write_rows(tmp_path / "upload.csv", COLUMNS, bad[:1])
        result, sha256 = uploading._import(
            store, council, good, "good.csv", None, "me@example.gov.uk", dt.date(2026, 11, 22)
        )
        assert (result.rows, result.added) == (1, 1)
        listed = uploading._imported(store, council, sha256)
        assert [(item["kind"], item["date"], item["about"]) for item in listed] == [
            ("action-update", "2026-11-01", "CN-1 · completed")
        ]
        odd = tmp_path / "upload.csv"
        odd.write_text("kind,colour\naction-update,blue\n", encoding="utf-8")
        with pytest.raises(uploading.Refused, match=r"^odd\.csv: unknown column 'colour'"):
            uploading._import(store, council, odd, "odd.csv", None, "me@example.gov.uk", dt.date(2026, 11, 22))


# -- the pages themselves ----------------------------------------------------------------------


def test_the_pages_hold_no_script_or_inline_style_and_keep_the_policy(signed_in_client: Client) -> None:
    client = signed_in_client("basildon", Role.editor)
    record_through(client, "action-update", {"action": "CN-1", "status": "completed", "date": "2026-11-01"})
    paths = ["", "/upload", "/correct", "/correct?kind=action-update&number=1", "/action-update/recorded/1"]
    paths += [f"/{slug}" for slug in ("action-update", "indicator-reading", "event", "review", "local-priority")]
    for path in paths:
        answer = client.get(BASE + path)
        assert answer.status_code == 200, path
        assert "<script" not in answer.text, path
        assert " style=" not in answer.text, path
        assert "<style" not in answer.text, path
        assert "script-src 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"
        assert '<p class="ek-header__council">Basildon Borough Council</p>' in answer.text
    assert client.get(f"{BASE}/action-update/recorded/99").status_code == 404
    assert client.get(f"{BASE}/no-such-form").status_code == 404


def test_govuk_frontends_styles_are_served_without_the_crown_logo_or_transport_font(signed_in_client: Client) -> None:
    client = signed_in_client("basildon", Role.editor)
    css = client.get("/static/govuk/govuk-forms.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    text = css.text
    assert ".govuk-error-summary" in text
    assert ".govuk-radios__input" in text
    for absent in ("GDS Transport", "govuk-header", "govuk-footer", "crest", "crown", "@font-face", "url("):
        assert absent not in text, absent
    assert client.get("/static/govuk/forms.css").status_code == 200
    assert client.get("/static/govuk/../auth.py").status_code == 404
    assert client.get("/static/govuk/GOVUK-FRONTEND-LICENSE.txt").status_code == 404
    licence = Path(__file__).parent.parent / "src/engagekit/web/static/GOVUK-FRONTEND-LICENSE.txt"
    assert "The MIT License (MIT)" in licence.read_text(encoding="utf-8")


def test_an_upload_gets_past_asgi_csrf_as_installed(signed_in_client: Client, tmp_path: Path) -> None:
    """The upload as a browser sends it, through the CSRF middleware as installed (no stand-in)."""
    client = signed_in_client("basildon", Role.editor)
    rows = [{"kind": "action-update", "date": "2026-11-01", "action": "CN-1", "status": "completed"}]
    answer = upload(client, write_rows(tmp_path / "one.csv", COLUMNS, rows))
    assert answer.status_code == 200


def test_a_file_sent_before_the_security_code_is_refused(
    signed_in_client: Client, accounts_store: str, tmp_path: Path
) -> None:
    """asgi-csrf refuses a multipart form whose file comes before its ``csrftoken`` field, and
    one whose ``csrftoken`` is wrong, before engagekit reads it: nothing is imported."""
    client = signed_in_client("basildon", Role.editor)
    rows = [{"kind": "action-update", "date": "2026-11-01", "action": "CN-1", "status": "completed"}]
    content = write_rows(tmp_path / "one.csv", COLUMNS, rows).read_bytes()
    code = token(client.get(f"{BASE}/upload").text)
    boundary = "engagekit-test-boundary"

    def part(name: str, value: bytes, filename: str | None = None) -> bytes:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        return f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"

    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    end = f"--{boundary}--\r\n".encode()
    file_first = part("file", content, "one.csv") + part("csrftoken", code.encode()) + end
    answer = client.post(f"{BASE}/upload", content=file_first, headers=headers)
    assert answer.status_code == 403
    wrong_code = part("csrftoken", b"not-the-code") + part("file", content, "one.csv") + end
    assert client.post(f"{BASE}/upload", content=wrong_code, headers=headers).status_code == 403
    assert records(accounts_store) == []


def test_a_record_and_its_correction_on_postgresql(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The same forms on PostgreSQL: a record, its correction with its history, the dashboard."""
    from tests.store_backends import backend_url

    with backend_url("postgresql", tmp_path) as url:
        web_accounts.web_environment(monkeypatch, url)
        open_store(url).close()
        web_accounts.add_account(url, "pg.officer@basildon.example.gov.uk", "basildon", Role.editor)
        with TestClient(web_accounts.make_app()) as client:
            assert web_accounts.sign_in(client, "pg.officer@basildon.example.gov.uk").status_code == 303
            record_through(client, "action-update", {"action": "CN-3", "status": "delayed", "date": "2026-11-01"})
            (first,) = records(url)
            answers = {"correction": "yes", "supersedes": str(first.id), "action": "CN-3", "status": "at-risk"}
            record_through(client, "action-update", {**answers, "date": "2026-11-01"})
            second = records(url)[-1]
            assert (second.supersedes, second.recorded_by) == (first.id, "pg.officer@basildon.example.gov.uk")
            history = client.get(f"{BASE}/correct?kind=action-update&number={second.id}")
            assert f"#{first.id}" in history.text
            assert "at-risk (1 November 2026)" in client.get("/councils/basildon?as_of=2026-11-22").text
