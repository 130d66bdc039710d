"""Hostile use of the web service: what a careless client or an attacker sends through the forms and the API.

Each case is what was sent and what must come back: one line saying what is wrong (the command
line's message where there is one), markup escaped, nothing written, and the service still up.
The cases follow the hostile-input audit of the command line where they apply to the web
(dates that do not exist, nesting, long numbers, duplicate keys, broken plugins beside the
bundled ones) and add the web's own (CSRF codes of another browser, ETags, ``HEAD``).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.store_backends import BACKENDS, backend_url
from tests.web_accounts import (
    accounts_store,  # noqa: F401 (a fixture)
    add_account,
    add_token,
    form_token,
    make_app,
    sign_in,
    signed_in_client,  # noqa: F401 (a fixture)
    web_environment,
)

import engagekit
from engagekit.accounts import Role, Scope
from engagekit.accounts import queries as account_queries
from engagekit.hookspecs import hookimpl
from engagekit.installed import InstalledEntryPoint
from engagekit.plugins import ENTRY_POINT_GROUP
from engagekit.records.store import open_store
from engagekit.report.renderers import Renderer
from engagekit.settings import load_settings
from engagekit.web.app import create_app

MARKUP = '"><script>alert(1)</script>'
RECORDS = "/api/councils/basildon/records"
UPDATE = {"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "in-progress", "percent": 40}
NOT_A_DAY = "2026-02-30 does not exist: February 2026 has 28 days"


def records_of(url: str) -> list[Any]:
    with open_store(url) as store:
        return list(store.records("basildon"))


def write(client: TestClient, token: str, body: bytes, content_type: str = "application/json") -> Any:
    headers = {"authorization": f"Bearer {token}", "content-type": content_type}
    return client.post(RECORDS, content=body, headers=headers)


@pytest.fixture
def client(accounts_store: str) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(make_app()) as test_client:
        yield test_client


# -- reading: dates, ids, pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/councils/basildon?as_of=2026-02-30",
        "/councils/basildon/places/basildon-town?as_of=2026-02-30",
        "/councils/basildon/actions/CN-1?as_of=2026-02-30",
        "/councils/basildon/report.json?as_of=2026-02-30",
        "/api/councils/basildon/report?as_of=2026-02-30",
        "/api/councils/basildon/findings?as_of=2026-02-30",
        "/api/councils/basildon/places?as_of=2026-02-30",
        "/councils/basildon/oruk/services?as_of=2026-02-30",
        "/api/councils/basildon/records?since=2026-02-30",
    ],
)
def test_a_day_that_does_not_exist_is_the_command_lines_message_everywhere(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 400
    assert NOT_A_DAY in answer.text
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/councils/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/councils/basildon/places/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/councils/basildon/actions/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/councils/basildon/report.%3Cscript%3E",
        "/nowhere/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/councils/basildon?as_of=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ],
)
def test_markup_in_an_address_comes_back_escaped_on_the_error_page(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code in (400, 404)
    assert answer.headers["content-type"].startswith("text/html")
    assert "<script>" not in answer.text
    assert "&lt;script&gt;" in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/councils/..%2F..%2F..%2Fetc%2Fpasswd",
        "/councils/basildon/places/..%2F..%2F..%2Fetc%2Fpasswd",
        "/councils/basildon/actions/..%2F..%2F..%2Fetc%2Fpasswd",
        "/councils/basildon/report.json%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/councils/basildon/oruk/services/..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/govuk/..%2F..%2F..%2Fpyproject.toml",
        "/api/councils/..%2F..%2Fetc%2Fpasswd/report",
    ],
)
def test_a_path_climbing_out_of_an_id_finds_nothing(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert "root:" not in answer.text
    assert "[project]" not in answer.text


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/councils/basildon/oruk/services?page=99999999999999999999", "there is no page 99999999999999999999"),
        ("/councils/basildon/oruk/services?page=0", "pages are numbered from 1"),
        ("/api/councils/basildon/records?per_page=1000001", "per_page:"),
        ("/api/councils/basildon/records?cursor=action-update.9999999999999999999", "cursor:"),
        ("/api/councils/basildon/records?cursor=%00", "cursor:"),
    ],
)
def test_huge_page_numbers_and_cursors_are_one_line_problems(client: TestClient, path: str, said: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    detail = answer.json()["detail"]
    assert said in detail
    assert "\n" not in detail


def test_etag_games_answer_304_only_for_the_same_answer(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    path = "/api/councils/basildon/actions"  # each action with its latest update: a new one changes it
    tag = client.get(path).headers["etag"]
    assert client.get(path, headers={"if-none-match": tag}).status_code == 304
    assert client.get(path, headers={"if-none-match": f'"other", W/{tag}'}).status_code == 304  # weak, in a list
    assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get(path + "?as_of=2022-01-01", headers={"if-none-match": tag}).status_code == 200
    assert client.get("/api/councils/thurrock/actions", headers={"if-none-match": tag}).status_code == 200
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    assert write(client, token, json.dumps(UPDATE).encode()).status_code == 201
    after = client.get(path, headers={"if-none-match": tag})
    assert after.status_code == 200  # a new record: the old tag no longer matches
    assert after.headers["etag"] != tag


@pytest.mark.parametrize(
    "path", ["/", "/councils/basildon", "/api/councils", "/api/councils/basildon/findings", "/councils/basildon/oruk/"]
)
def test_head_is_answered_wherever_get_is(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == 200, head.headers.get("allow")
    assert head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-type"] == got.headers["content-type"]


def test_a_store_that_cannot_be_used_is_a_503_naming_no_server_or_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", "postgresql+psycopg://engagekit:a-password@127.0.0.1:9/engagekit")
    app = create_app(load_settings(), host=engagekit.get_plugin_host(environ={}), access_log=False)
    with TestClient(app) as client:
        for path in ("/councils/basildon", "/api/councils/basildon/findings"):
            answer = client.get(path)
            assert answer.status_code == 503
            assert "the records store cannot be used" in answer.text
            assert "a-password" not in answer.text
            assert "127.0.0.1:9" not in answer.text, path
            assert "engagekit:***@" not in answer.text


# -- writing through the API ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
        ("multipart/form-data; boundary=x", 415),
        ("application/merge-patch+json", 415),
        ("", 415),
        ("Application/JSON; charset=utf-8", 201),
    ],
)
def test_a_body_that_is_not_json_is_refused_by_its_type(
    client: TestClient,
    accounts_store: str,  # noqa: F811
    content_type: str,
    status: int,
) -> None:
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    answer = write(client, token, json.dumps(UPDATE).encode(), content_type)
    assert answer.status_code == status, answer.text
    assert len(records_of(accounts_store)) == (1 if status == 201 else 0)


def test_a_body_over_5_mb_is_refused_even_sent_in_chunks(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    body = json.dumps({**UPDATE, "note": "x" * (6 * 1024 * 1024)}).encode()

    def pieces() -> Iterator[bytes]:  # no Content-Length: the service must count what it reads
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    answer = client.post(RECORDS, content=pieces(), headers=headers)
    assert answer.status_code == 413
    assert "larger than 5 MB" in answer.json()["detail"]
    assert records_of(accounts_store) == []


def test_a_revoked_token_or_another_councils_is_refused_before_the_body_is_read(
    client: TestClient,
    accounts_store: str,  # noqa: F811
) -> None:
    revoked = add_token(accounts_store, "basildon", "old", Scope.write, revoked=True)
    other = add_token(accounts_store, "thurrock", "thurrock-system", Scope.write)
    nested = b"[" * 100_000 + b"]" * 100_000  # would fail if it were parsed
    assert write(client, revoked, nested).status_code == 401
    assert write(client, other, nested).status_code == 403
    lower = {"authorization": f"bearer {other}", "content-type": "application/json"}
    assert client.post(RECORDS, content=nested, headers=lower).status_code == 403
    assert records_of(accounts_store) == []


def test_a_body_nested_too_deeply_is_a_problem_not_a_server_error(accounts_store: str) -> None:  # noqa: F811
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    with TestClient(make_app(), raise_server_exceptions=False) as client:
        answer = write(client, token, b"[" * 100_000 + b"]" * 100_000)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert "deep" in answer.json()["detail"]
    assert records_of(accounts_store) == []


def test_a_record_naming_a_column_twice_is_refused_as_the_import_refuses_it(
    client: TestClient,
    accounts_store: str,  # noqa: F811
) -> None:
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    body = (
        b'{"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "action": "CN-5", "status": "in-progress"}'
    )
    answer = write(client, token, body)
    assert records_of(accounts_store) == []  # today: CN-5 is recorded
    assert answer.status_code == 400
    assert "action" in answer.json()["detail"]
    assert "twice" in answer.json()["detail"]


def test_a_number_too_long_is_refused_by_its_column(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    body = json.dumps(UPDATE).replace("40", "9" * 5000).encode()
    answer = write(client, token, body)
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert "sys.set_int_max_str_digits" not in detail
    assert detail.startswith("record.percent:")
    assert records_of(accounts_store) == []


def test_a_correction_cannot_name_another_councils_record(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    thurrock = add_token(accounts_store, "thurrock", "thurrock-system", Scope.write)
    instance = {"kind": "instance", "date": "2026-03-01", "body": "community-forums", "instance": "stanford"}
    made = client.post(
        "/api/councils/thurrock/records",
        json={**instance, "name": "Stanford Forum"},
        headers={"authorization": f"Bearer {thurrock}"},
    )
    assert made.status_code == 201, made.text
    theirs = made.json()["record"]["id"]
    basildon = add_token(accounts_store, "basildon", "system", Scope.write)
    event = {"kind": "event", "event": "meeting", "title": "A meeting", "date": "2026-03-05", "supersedes": theirs}
    answer = write(client, basildon, json.dumps(event).encode())
    assert answer.status_code == 400
    assert answer.json()["detail"] == f"record.supersedes: no event record #{theirs} to correct"
    assert records_of(accounts_store) == []


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("a\x00b", "control character (U+0000)"),
        ("\x1b]0;owned\x07", "control character (U+001B)"),
        ("\ud800", "not valid text"),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_in_a_record(
    client: TestClient,
    accounts_store: str,  # noqa: F811
    note: str,
    said: str,
) -> None:
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    answer = write(client, token, json.dumps({**UPDATE, "note": note}).encode())
    assert answer.status_code == 400
    assert said in answer.json()["detail"]
    assert records_of(accounts_store) == []


# -- the forms: CSRF, sessions, what is shown back ---------------------------------------------


FORM = "/councils/basildon/record/action-update"


def test_a_csrf_code_from_another_browser_is_refused(signed_in_client: Any, accounts_store: str) -> None:  # noqa: F811
    victim = signed_in_client("basildon", Role.editor)
    attacker = TestClient(victim.app)
    stolen = form_token(attacker)  # a good code, but for the attacker's own cookie
    answer = victim.post(
        FORM + "/confirm",
        data={"csrftoken": stolen, "action": "CN-1", "status": "done", "date": "2026-03-01"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert records_of(accounts_store) == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", json.dumps({"action": "CN-1", "status": "done", "date": "2026-03-01"})),
        ("text/plain", "action=CN-1&status=done&date=2026-03-01"),
    ],
)
def test_a_form_post_in_another_type_is_refused_even_with_the_code_in_the_address(
    signed_in_client: Any,  # noqa: F811
    accounts_store: str,  # noqa: F811
    content_type: str,
    body: str,
) -> None:
    editor = signed_in_client("basildon", Role.editor)
    code = form_token(editor, FORM)
    answer = editor.post(
        f"{FORM}/confirm?csrftoken={code}",
        content=body.encode(),
        headers={"content-type": content_type},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert records_of(accounts_store) == []


def test_a_session_planted_before_sign_in_signs_no_one_in(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    add_account(accounts_store, "officer@basildon.example.gov.uk", "basildon", Role.editor)
    form_token(client)
    planted = dict(client.cookies.items())
    assert sign_in(client, "officer@basildon.example.gov.uk").status_code == 303
    assert client.get("/councils/basildon/record", follow_redirects=False).status_code == 200
    with TestClient(client.app, cookies=planted) as attacker:
        assert attacker.get("/councils/basildon/record", follow_redirects=False).status_code == 303


def test_a_role_taken_away_ends_what_the_open_session_may_do(signed_in_client: Any, accounts_store: str) -> None:  # noqa: F811
    editor = signed_in_client("basildon", Role.editor, email="editor@basildon.example.gov.uk")
    assert editor.get("/councils/basildon/record").status_code == 200
    with open_store(accounts_store) as store:
        account_queries.set_role(store, "editor@basildon.example.gov.uk", "basildon", Role.viewer)
    assert editor.get("/councils/basildon/record").status_code == 403
    sent = {"csrftoken": form_token(editor, "/sign-out"), "action": "CN-1", "status": "done", "date": "2026-03-01"}
    assert editor.post(FORM + "/confirm", data=sent).status_code == 403
    assert records_of(accounts_store) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_sign_in_with_something_that_is_no_email_is_a_wrong_one_on_every_store(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL such an email was a 503 (the failure's column holds 320 characters, and no
    NUL); on SQLite a megabyte of it was kept with the failure and again in the audit log."""
    import sqlalchemy as sa

    from engagekit.accounts.tables import audit_log, sign_in_failures

    with backend_url(backend, tmp_path) as url:
        web_environment(monkeypatch, url)
        open_store(url).close()
        with TestClient(make_app()) as client:
            for email in ("a" * 400 + "@basildon.example.gov.uk", "b" * 900_000, "officer\x00@basildon.example.gov.uk"):
                answer = sign_in(client, email, "a wrong password, long enough")
                assert answer.status_code == 400, answer.text[:300]
                assert "Enter a correct email address and password" in answer.text
        with open_store(url) as store:
            kept = [row["email"] for row in store.read(sa.select(sign_in_failures.c.email))]
            details = [row["detail"] for row in store.read(sa.select(audit_log.c.detail))]
    assert len(kept) == 3  # each still counts against the address it came from
    assert all(len(email) <= 320 and "\x00" not in email for email in kept)
    assert all(len(detail) < 1_000 for detail in details)


def test_no_request_waits_behind_a_password_being_checked(
    client: TestClient,
    accounts_store: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """argon2 is slow on purpose; sign-ins sent one after another must not stall every other page."""
    from engagekit.accounts import passwords

    add_account(accounts_store, "officer@basildon.example.gov.uk", "basildon", Role.editor)
    checked = passwords.check

    def slow(stored: Any, password: str) -> Any:
        time.sleep(1.5)  # a busy machine's argon2, or many sign-ins at once
        return checked(stored, password)

    monkeypatch.setattr(passwords, "check", slow)
    form_token(client)
    signing_in = threading.Thread(target=sign_in, args=(client, "officer@basildon.example.gov.uk"))
    signing_in.start()
    time.sleep(0.3)
    started = time.perf_counter()  # the same application and event loop as the sign-in's
    assert client.get("/healthz").status_code == 200
    waited = time.perf_counter() - started
    signing_in.join()
    assert waited < 0.8, f"/healthz waited {waited:.2f} s behind a sign-in"


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        ({"date": "2026-02-30"}, NOT_A_DAY),
        ({"percent": "nan"}, "&#39;nan&#39; is not a whole number"),
        ({"percent": "1e308"}, "&#39;1e308&#39; is not a whole number"),
        ({"date": "20260201"}, "is not a date written YYYY-MM-DD"),
        ({"note": "\x1b[2J"}, "control character (U+001B)"),
        ({"action": MARKUP}, "no action &#39;&#34;&gt;&lt;script&gt;"),
    ],
)
def test_hostile_answers_in_a_form_get_the_records_messages_escaped(
    signed_in_client: Any,  # noqa: F811
    accounts_store: str,  # noqa: F811
    answers: dict[str, str],
    said: str,
) -> None:
    editor = signed_in_client("basildon", Role.editor)
    sent = {"action": "CN-1", "status": "in-progress", "date": "2026-03-01", "note": "", **answers}
    answer = editor.post(FORM, data={"csrftoken": form_token(editor, FORM), **sent})
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert said in answer.text.replace("&quot;", "&#34;")
    assert "<script>" not in answer.text
    assert "\x1b" not in answer.text
    assert records_of(accounts_store) == []


def test_a_note_over_a_megabyte_gets_the_records_message_on_its_field(
    signed_in_client: Any,  # noqa: F811
    accounts_store: str,  # noqa: F811
) -> None:
    editor = signed_in_client("basildon", Role.editor)
    sent = {"action": "CN-1", "status": "in-progress", "date": "2026-03-01", "note": "y" * 1_100_000}
    answer = editor.post(FORM, data={"csrftoken": form_token(editor, FORM), **sent})
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert "is 1,100,000 characters long; the most is 20,000" in answer.text
    assert records_of(accounts_store) == []


@pytest.mark.parametrize(
    ("kind", "number", "said"),
    [
        ("action-update", "99999999999999999999999", "record"),
        ("action-update", "-1", "-1 is not a record id"),
        (MARKUP, MARKUP, "choose the kind of record"),
    ],
)
def test_a_correction_of_an_odd_number_is_an_inline_error(
    signed_in_client: Any,  # noqa: F811
    kind: str,
    number: str,
    said: str,
) -> None:
    editor = signed_in_client("basildon", Role.editor)
    answer = editor.get("/councils/basildon/record/correct", params={"kind": kind, "number": number})
    assert answer.status_code == 400
    assert said in answer.text
    assert "<script>" not in answer.text


def test_an_upload_named_to_climb_out_is_imported_under_its_own_name(
    signed_in_client: Any,  # noqa: F811
    accounts_store: str,  # noqa: F811
) -> None:
    editor = signed_in_client("basildon", Role.editor)
    path = "/councils/basildon/record/upload"
    content = b"kind,date,action,status\naction-update,2026-03-01,CN-1,in-progress\n"
    answer = editor.post(
        path,
        data={"csrftoken": form_token(editor, path), "kind": ""},
        files={"file": ("../../../<b>passwd.csv", content)},
    )
    assert answer.status_code == 200, answer.text
    assert "Imported &lt;b&gt;passwd.csv" in answer.text
    assert "../" not in answer.text.split("<main", 1)[1]
    assert len(records_of(accounts_store)) == 1


@pytest.mark.parametrize(
    ("role", "path"), [(Role.viewer, "/councils/basildon/record"), (Role.editor, "/councils/basildon/admin")]
)
def test_the_refusal_of_a_lesser_role_reads_as_english(signed_in_client: Any, role: Role, path: str) -> None:  # noqa: F811
    officer = signed_in_client("basildon", role)
    answer = officer.get(path)
    assert answer.status_code == 403
    assert re.search(r"is not an (editor|admin) of council", answer.text), answer.text


# -- broken plugins beside the bundled ones -------------------------------------------------------


class _BadRenderer:
    """A plugin whose report format fails when a report is rendered in it."""

    @hookimpl
    def engagekit_register_renderers(self, register: Any) -> None:
        register(Renderer(name="boom", render=_explode, description="fails", extension="boom"))


def _explode(report: Any) -> str:
    raise RuntimeError("the renderer failed")


class _BadSection:
    """A plugin whose report section fails for one council."""

    @hookimpl
    def engagekit_report_sections(self, council: Any, context: Any) -> None:
        if council.id == "thurrock":
            raise RuntimeError("the section failed")


@pytest.fixture
def broken_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The bundled councils, plus a plugin that fails to import, one that exits, and two that fail later."""
    (tmp_path / "hostile_plugin_raises.py").write_text('raise RuntimeError("broken on import")\n')
    (tmp_path / "hostile_plugin_exits.py").write_text("import sys\nsys.exit(3)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = engagekit.get_plugin_host(environ={}, plugins={"bad-renderer": _BadRenderer(), "bad-section": _BadSection()})
    for name in ("hostile_plugin_raises", "hostile_plugin_exits"):
        host.load_entry_point(InstalledEntryPoint(name, name, ENTRY_POINT_GROUP, "hostile", "0.1"))
        monkeypatch.delitem(sys.modules, name, raising=False)
    assert {problem.plugin for problem in host.problems} >= {"hostile_plugin_raises", "hostile_plugin_exits"}
    return host


def test_a_broken_plugin_alongside_leaves_every_council_served(accounts_store: str, broken_host: Any) -> None:  # noqa: F811
    app = create_app(load_settings(), host=broken_host, access_log=False)
    with TestClient(app) as client:
        for path in (
            "/healthz",
            "/",
            "/councils/basildon",
            "/councils/thurrock",
            "/councils/bathnes",
            "/api/councils/thurrock/findings",
            "/councils/thurrock/report.json",
            "/councils/thurrock/oruk/services",
            "/sign-in",
        ):
            assert client.get(path).status_code == 200, path


def test_an_unexpected_error_is_answered_with_the_security_headers(accounts_store: str, broken_host: Any) -> None:  # noqa: F811
    app = create_app(load_settings(), host=broken_host, access_log=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/councils/basildon/report.boom")
        assert answer.status_code == 500
        assert "script-src 'none'" in answer.headers.get("content-security-policy", "")
        assert answer.headers.get("x-content-type-options") == "nosniff"
        assert answer.headers["content-type"].startswith("text/html")
        assert client.get("/healthz").status_code == 200  # and the service goes on


def test_an_unknown_column_is_refused_as_the_import_refuses_it_not_dropped(
    client: TestClient,
    accounts_store: str,  # noqa: F811
) -> None:
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    misspelt = {**UPDATE, "percnt": 40}
    del misspelt["percent"]
    answer = write(client, token, json.dumps(misspelt).encode())
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert detail.startswith("record: unknown column 'percnt' (columns engagekit reads: ")
    assert "\n" not in detail
    listed = write(client, token, json.dumps([UPDATE, {**UPDATE, "k" * 100_000: 1}]).encode())
    assert listed.status_code == 400
    assert listed.json()["detail"].startswith("records[1]: unknown column 'kkkk")
    assert len(listed.json()["detail"]) < 2_000
    assert records_of(accounts_store) == []
