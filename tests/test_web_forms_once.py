"""A check page's "Accept and record" records once, however often it is pressed.

Each "check your answers" page carries a one-time key; the confirm writes it with the record,
in one transaction, under a UNIQUE constraint. Pressed twice (one after the other, or at once
on two workers), one record is written and both answers go to its confirmation page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests import web_accounts
from tests.store_backends import BACKENDS, backend_url
from tests.test_web_forms import BASE, hidden, records, submit

from engagekit.accounts import Role
from engagekit.accounts.tables import audit_log, form_submissions
from engagekit.records.store import open_store
from engagekit.web import forms_kinds, submissions

UPDATE = {"action": "CN-4", "status": "completed", "date": "2026-11-01"}
KEY = re.compile(r'name="submission" value="([^"]+)"')


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh store on each backend, with the web service's settings pointing at it."""
    with backend_url(request.param, tmp_path) as url:
        web_accounts.web_environment(monkeypatch, url)
        open_store(url).close()
        yield url


@pytest.fixture
def editor(store_url: str) -> Iterator[TestClient]:
    """A client signed in as an editor of Basildon."""
    email = "officer@basildon.example.gov.uk"
    web_accounts.add_account(store_url, email, "basildon", Role.editor)
    with TestClient(web_accounts.make_app()) as client:
        assert web_accounts.sign_in(client, email).status_code == 303
        yield client


def confirm(client: TestClient, slug: str, sent: dict[str, str]) -> Any:
    return client.post(f"{BASE}/{slug}/confirm", data=sent, follow_redirects=False)


def audited(url: str) -> list[str]:
    with open_store(url) as store:
        return [
            row["action"] for row in store.read(sa.select(audit_log.c.action)) if row["action"].startswith("record.")
        ]


def test_each_check_page_carries_a_new_key(editor: TestClient) -> None:
    keys = [KEY.findall(submit(editor, "action-update", UPDATE).text) for _ in range(2)]
    assert [len(found) for found in keys] == [1, 1]  # on the "Accept and record" form only
    assert keys[0] != keys[1]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", found[0]) for found in keys)


def test_two_confirms_with_one_key_record_once_and_both_show_it(editor: TestClient, store_url: str) -> None:
    sent = hidden(submit(editor, "action-update", UPDATE).text)
    first, second = confirm(editor, "action-update", sent), confirm(editor, "action-update", sent)
    assert (first.status_code, second.status_code) == (303, 303)
    (stored,) = records(store_url)
    assert first.headers["location"] == second.headers["location"] == f"{BASE}/action-update/recorded/{stored.id}"
    assert "Action update recorded" in editor.get(second.headers["location"]).text
    assert audited(store_url) == ["record.add"]


def test_a_new_check_page_records_again(editor: TestClient, store_url: str) -> None:
    """The key stops a second press of one page, not a second record of the same answers."""
    for _ in range(2):
        assert confirm(editor, "action-update", hidden(submit(editor, "action-update", UPDATE).text)).status_code == 303
    assert len(records(store_url)) == 2


def test_a_correction_confirmed_twice_corrects_once(editor: TestClient, store_url: str) -> None:
    assert confirm(editor, "action-update", hidden(submit(editor, "action-update", UPDATE).text)).status_code == 303
    (first,) = records(store_url)
    answers = {**UPDATE, "correction": "yes", "supersedes": str(first.id), "status": "in-progress"}
    sent = hidden(submit(editor, "action-update", answers).text)
    assert sent["correction"] == "yes"
    answers_given = [confirm(editor, "action-update", sent) for _ in range(2)]
    assert [answer.status_code for answer in answers_given] == [303, 303]
    correction = next(record for record in records(store_url) if record.supersedes == first.id)
    assert len(records(store_url)) == 2
    assert {answer.headers["location"] for answer in answers_given} == {
        f"{BASE}/action-update/recorded/{correction.id}"
    }
    assert audited(store_url) == ["record.add", "record.correct"]


def test_two_confirms_at_once_on_two_workers_record_once(
    editor: TestClient, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both confirms are held until each has looked for the key and found none, so both reach
    the store's write: the UNIQUE constraint alone decides, and the loser's record is undone."""
    sent = hidden(submit(editor, "action-update", UPDATE).text)
    other_worker = TestClient(web_accounts.make_app(), cookies=dict(editor.cookies))
    both_checked = threading.Barrier(2, timeout=20)
    checked = forms_kinds.problems_of

    def held(*arguments: Any, **named: Any) -> Any:
        both_checked.wait()
        return checked(*arguments, **named)

    monkeypatch.setattr(forms_kinds, "problems_of", held)
    with other_worker, ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda client: confirm(client, "action-update", sent), [editor, other_worker]))
    assert [answer.status_code for answer in answers] == [303, 303], [answer.text[:300] for answer in answers]
    (stored,) = records(store_url)
    assert {answer.headers["location"] for answer in answers} == {f"{BASE}/action-update/recorded/{stored.id}"}
    assert audited(store_url) == ["record.add"]


@pytest.mark.parametrize(
    "key",
    ["", "forged", "a" * 42, "a" * 44, "a" * 42 + "!", "a" * 42 + "\u00e9", "k" * 1_000_000],
    ids=["empty", "short", "42", "44", "punctuation", "accented", "a-megabyte"],
)
def test_a_key_of_the_wrong_shape_is_refused_and_records_nothing(editor: TestClient, store_url: str, key: str) -> None:
    sent = {**hidden(submit(editor, "action-update", UPDATE).text), "submission": key}
    refused = confirm(editor, "action-update", sent)
    assert refused.status_code == 400
    assert "the form's submission key is missing or malformed" in html.unescape(refused.text)
    assert len(refused.text) < 100_000  # the key is not shown back
    assert records(store_url) == []


def test_a_confirm_without_a_key_is_refused(editor: TestClient, store_url: str) -> None:
    sent = hidden(submit(editor, "action-update", UPDATE).text)
    del sent["submission"]
    assert confirm(editor, "action-update", sent).status_code == 400
    assert records(store_url) == []


def test_a_confirm_the_store_refuses_keeps_no_key(editor: TestClient, store_url: str) -> None:
    """The key is written with the record or not at all: the page, put right, still records."""
    sent = hidden(submit(editor, "action-update", UPDATE).text)
    assert confirm(editor, "action-update", {**sent, "action": "NOPE"}).status_code == 400
    assert confirm(editor, "action-update", sent).status_code == 303
    assert len(records(store_url)) == 1


def test_keys_older_than_a_day_are_forgotten_when_another_is_written(editor: TestClient, store_url: str) -> None:
    old = dt.datetime.now(dt.UTC) - submissions.KEPT - dt.timedelta(minutes=1)
    recent = dt.datetime.now(dt.UTC) - submissions.KEPT + dt.timedelta(minutes=5)
    rows = [
        {"key": "o" * 43, "council_id": "basildon", "form": "action-update", "record_id": 1, "created": old},
        {"key": "r" * 43, "council_id": "basildon", "form": "action-update", "record_id": 1, "created": recent},
    ]
    engine = sa.create_engine(store_url)
    try:
        with engine.begin() as connection:
            connection.execute(form_submissions.insert(), rows)
    finally:
        engine.dispose()
    assert confirm(editor, "action-update", hidden(submit(editor, "action-update", UPDATE).text)).status_code == 303
    with open_store(store_url) as store:
        kept = sorted(row["key"] for row in store.read(sa.select(form_submissions.c.key)))
    assert len(kept) == 2
    assert "r" * 43 in kept
    assert "o" * 43 not in kept


def test_a_registration_confirmed_twice_goes_to_the_first_not_already_registered(
    editor: TestClient, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second confirm looks for its key just before the first commits, then finds the
    instance registered by it: it must still go to the first record, not say "already registered"."""
    huddle = {"body": "community-huddles", "instance": "pitsea", "name": "Pitsea huddle", "date": "2026-10-01"}
    sent = hidden(submit(editor, "instance", huddle).text)
    first = confirm(editor, "instance", sent)
    assert first.status_code == 303
    looked_up = submissions.recorded_with
    calls = []

    def too_early(store: Any, key: str) -> Any:  # the first look-up ran before the first confirm committed
        calls.append(key)
        return None if len(calls) == 1 else looked_up(store, key)

    monkeypatch.setattr(submissions, "recorded_with", too_early)
    second = confirm(editor, "instance", sent)
    assert (second.status_code, second.headers.get("location")) == (303, first.headers["location"])
    assert len(calls) == 2
    assert len(records(store_url)) == 1
