"""Signing in and out, sessions, CSRF, throttling, API tokens and writes, and the users/tokens commands.

Through FastAPI's TestClient against a SQLite store in a temporary folder, every sign-in through
the real form (tests/web_accounts.py).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import itsdangerous
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.web_accounts import (
    PASSWORD,
    SECRET_KEY,
    accounts_store,  # noqa: F401 (a fixture)
    add_account,
    add_token,
    form_token,
    make_app,
    sign_in,
    signed_in_client,  # noqa: F401 (a fixture)
)

from engagekit.accounts import Role, Scope
from engagekit.accounts import queries as account_queries
from engagekit.cli import cli
from engagekit.records.store import open_store
from engagekit.web.auth import SESSION_COOKIE, public_read

EMAIL = "officer@basildon.example.gov.uk"
DOMAIN = "testserver.local"
"""The domain TestClient keeps the service's cookies under."""


def session_cookie(client: TestClient) -> str:
    value = client.cookies.get(SESSION_COOKIE, domain=DOMAIN)
    assert value is not None
    return value


@pytest.fixture
def client(accounts_store: str) -> TestClient:  # noqa: F811
    add_account(accounts_store, EMAIL, "basildon", Role.editor)
    return TestClient(make_app())


def signed_in_as(client: TestClient) -> str | None:
    page = client.get("/sign-out")
    if "You are signed in as" not in page.text:
        return None
    return page.text.split("You are signed in as ", 1)[1].split(".</p>", 1)[0]


def audit_actions(url: str) -> list[str]:
    with open_store(url) as store:
        return [entry["action"] for entry in account_queries.audit_entries(store)]


# -- signing in ------------------------------------------------------------------------------


def test_signing_in_goes_on_to_next_with_a_private_session_cookie(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    answer = sign_in(client, EMAIL.upper(), next_path="/councils/basildon?as_of=2026-01-01")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/councils/basildon?as_of=2026-01-01"
    cookie = next(value for value in answer.headers.get_list("set-cookie") if value.startswith(SESSION_COOKIE))
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # served over plain http here
    assert signed_in_as(client) == EMAIL
    assert "signed in" in audit_actions(accounts_store)


def test_the_session_cookie_is_secure_behind_https(accounts_store: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("ENGAGEKIT_PUBLIC_BASE_URL", "https://engage.example.gov.uk")
    add_account(accounts_store, EMAIL, "basildon", Role.viewer)
    client = TestClient(make_app(), base_url="https://testserver")
    answer = sign_in(client, EMAIL)
    assert answer.status_code == 303
    cookies = [value.lower() for value in answer.headers.get_list("set-cookie")]
    assert any(value.startswith(f"__host-{SESSION_COOKIE}=") and "secure" in value for value in cookies)
    assert not any(value.startswith(f"{SESSION_COOKIE}=") for value in cookies)
    assert all("secure" in value and "path=/" in value for value in cookies if value.startswith("__host-"))
    assert not any("domain=" in value for value in cookies)
    assert signed_in_as(client) == EMAIL


def test_behind_https_a_csrf_cookie_set_by_another_host_is_not_the_one_compared(
    accounts_store: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sibling site under the same domain can set ``csrftoken`` for it, but not ``__Host-csrftoken``."""
    monkeypatch.setenv("ENGAGEKIT_PUBLIC_BASE_URL", "https://engage.example.gov.uk")
    add_account(accounts_store, EMAIL, "basildon", Role.viewer)
    attacker = TestClient(make_app(), base_url="https://testserver")
    planted = form_token(attacker)  # a good code, with its cookie, from the attacker's own visit
    victim = TestClient(make_app(), base_url="https://testserver")
    victim.cookies.set("csrftoken", planted)  # what a sibling host could set, for the whole domain
    answer = victim.post(
        "/sign-in", data={"csrftoken": planted, "email": EMAIL, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert signed_in_as(victim) is None


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_email(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    answer = sign_in(client, EMAIL, password="not the password at all")
    assert answer.status_code == 400
    page = answer.text
    assert "<title>Error: Sign in" in page
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#email">Enter a correct email address and password</a>' in page
    assert 'id="email-error"' in page
    assert f'value="{EMAIL}"' in page
    assert "not the password at all" not in page
    assert signed_in_as(client) is None
    assert "sign-in failed" in audit_actions(accounts_store)


def test_blank_answers_are_inline_errors(client: TestClient) -> None:
    token = form_token(client)
    answer = client.post("/sign-in", data={"csrftoken": token, "email": " ", "password": ""})
    assert answer.status_code == 400
    assert '<a href="#email">Enter your email address</a>' in answer.text
    assert '<a href="#password">Enter your password</a>' in answer.text


def test_an_unknown_email_is_refused_as_a_wrong_password_is(client: TestClient) -> None:
    answer = sign_in(client, "nobody@basildon.example.gov.uk")
    assert answer.status_code == 400
    assert "Enter a correct email address and password" in answer.text


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    assert sign_in(client, EMAIL).status_code == 303
    with open_store(accounts_store) as store:
        account_queries.set_disabled(store, EMAIL)
    assert signed_in_as(client) is None
    assert sign_in(client, EMAIL).status_code == 400


def test_a_hash_made_with_old_parameters_is_made_again_on_sign_in(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with open_store(accounts_store) as store:
        account_queries.add_account(store, EMAIL, "basildon", Role.editor, password_hash=weak)
    assert sign_in(client, EMAIL).status_code == 303
    with open_store(accounts_store) as store:
        found = account_queries.password_hash(store, EMAIL)
    assert found is not None
    stored = found[1]
    assert stored is not None
    assert stored != weak
    assert stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)


def test_five_failures_make_the_account_wait_even_with_the_right_password(client: TestClient) -> None:
    for _ in range(5):
        assert sign_in(client, EMAIL, password="wrong password here").status_code == 400
    answer = sign_in(client, EMAIL)
    assert answer.status_code == 429
    assert "Too many failed attempts to sign in: wait 15 minutes" in answer.text
    assert answer.headers["retry-after"] == "900"
    assert signed_in_as(client) is None


def test_the_limit_holds_for_every_worker_sharing_the_store(accounts_store: str) -> None:  # noqa: F811
    add_account(accounts_store, EMAIL, "basildon", Role.editor)
    first, second = TestClient(make_app()), TestClient(make_app())  # two processes' applications
    for attempt in range(5):
        worker = first if attempt % 2 else second
        assert sign_in(worker, EMAIL, password="wrong password here").status_code == 400
    assert sign_in(first, EMAIL).status_code == 429
    assert sign_in(second, EMAIL).status_code == 429


def test_one_address_trying_many_accounts_must_wait(client: TestClient) -> None:
    for number in range(20):
        assert sign_in(client, f"guess{number}@basildon.example.gov.uk", password="guessing-1234").status_code == 400
    assert sign_in(client, EMAIL).status_code == 429


def test_signing_in_clears_the_accounts_failures(client: TestClient) -> None:
    for _ in range(4):
        sign_in(client, EMAIL, password="wrong password here")
    assert sign_in(client, EMAIL).status_code == 303
    client.post("/sign-out", data={"csrftoken": form_token(client, "/sign-out")})
    for _ in range(4):
        sign_in(client, EMAIL, password="wrong password here")
    assert sign_in(client, EMAIL).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%0d%0aLocation: https://evil.example",
        "/\tevil",
        "",
    ],
)
def test_next_goes_only_to_a_path_on_this_site(client: TestClient, target: str) -> None:
    answer = sign_in(client, EMAIL, next_path=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_a_page_asking_for_sign_in_sends_back_to_itself(client: TestClient) -> None:
    page = client.get("/sign-in?next=/councils/basildon", follow_redirects=False)
    assert 'name="next" value="/councils/basildon"' in page.text
    assert page.headers["cache-control"] == "no-store"


# -- sessions ----------------------------------------------------------------------------------


def forged_session(values: dict[str, str]) -> str:
    """A session cookie as Starlette signs one, as someone who planted it before sign-in would hold it."""
    data = base64.b64encode(json.dumps(values).encode("utf-8"))
    return itsdangerous.TimestampSigner(SECRET_KEY).sign(data).decode("utf-8")


def test_signing_in_starts_a_new_session_keeping_nothing_from_before(client: TestClient) -> None:
    planted = forged_session({"id": "chosen-by-an-attacker", "carried": "over"})
    client.cookies.set(SESSION_COOKIE, planted, domain=DOMAIN)
    answer = sign_in(client, EMAIL)
    assert answer.status_code == 303
    renewed = session_cookie(client)
    assert renewed != planted
    payload = json.loads(base64.b64decode(itsdangerous.TimestampSigner(SECRET_KEY).unsign(renewed)))
    assert set(payload) == {"id"}
    assert payload["id"] != "chosen-by-an-attacker"
    attacker = TestClient(client.app)
    attacker.cookies.set(SESSION_COOKIE, planted, domain=DOMAIN)
    assert signed_in_as(attacker) is None
    assert signed_in_as(client) == EMAIL


def test_signing_in_again_ends_the_session_before(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    sign_in(client, EMAIL)
    first = session_cookie(client)
    add_account(accounts_store, "other@basildon.example.gov.uk", "basildon", Role.viewer)
    sign_in(client, "other@basildon.example.gov.uk")
    copy = TestClient(client.app)
    copy.cookies.set(SESSION_COOKIE, first, domain=DOMAIN)
    assert signed_in_as(copy) is None


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    sign_in(client, EMAIL)
    copy = TestClient(client.app)
    copy.cookies.set(SESSION_COOKIE, session_cookie(client), domain=DOMAIN)
    assert signed_in_as(copy) == EMAIL
    answer = client.post("/sign-out", data={"csrftoken": form_token(client, "/sign-out")}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    assert signed_in_as(client) is None
    assert signed_in_as(copy) is None
    assert "signed out" in audit_actions(accounts_store)


def test_a_session_signed_with_another_key_signs_no_one_in(client: TestClient) -> None:
    sign_in(client, EMAIL)
    with open_store(str(client.app.state.site.settings.store_url())) as store:
        account = account_queries.account(store, EMAIL)
        assert account is not None
        secret = account_queries.start_session(store, account.id, account_queries.dt.timedelta(hours=1))
    data = base64.b64encode(json.dumps({"id": secret}).encode("utf-8"))
    other = TestClient(client.app)
    other.cookies.set(SESSION_COOKIE, itsdangerous.TimestampSigner("another key").sign(data).decode(), domain=DOMAIN)
    assert signed_in_as(other) is None


# -- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "forged", "csrftoken-from-another-site"])
def test_a_form_without_this_sites_csrf_code_is_refused_before_anything_else(
    client: TestClient,
    accounts_store: str,  # noqa: F811
    token: str | None,
) -> None:
    form_token(client)  # the browser has the cookie; the attacker's form lacks its value
    data = {"email": EMAIL, "password": PASSWORD}
    if token is not None:
        data["csrftoken"] = token
    answer = client.post("/sign-in", data=data, follow_redirects=False)
    assert answer.status_code == 403
    assert "security code" in answer.text
    assert "content-security-policy" in answer.headers
    assert signed_in_as(client) is None
    assert "sign-in failed" not in audit_actions(accounts_store)


def test_a_form_from_a_browser_with_no_cookie_at_all_is_refused(client: TestClient) -> None:
    answer = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrftoken": "x"})
    assert answer.status_code == 403


def test_signing_out_needs_the_csrf_code(client: TestClient) -> None:
    sign_in(client, EMAIL)
    answer = client.post("/sign-out", data={}, follow_redirects=False)
    assert answer.status_code == 403
    assert signed_in_as(client) == EMAIL


def test_a_form_body_that_is_not_utf8_is_a_page_not_a_traceback(client: TestClient) -> None:
    form_token(client)
    answer = client.post(
        "/sign-in", content=b"email=\xff\xfe&password=x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400
    assert "could not be read" in answer.text


def test_a_multipart_form_without_its_boundary_is_a_page_not_a_traceback(client: TestClient) -> None:
    form_token(client)
    answer = client.post("/sign-in", content=b"--x--", headers={"content-type": "multipart/form-data"})
    assert answer.status_code == 400
    assert "could not be read" in answer.text


def test_a_form_too_large_to_hold_a_csrf_code_is_refused_unread(client: TestClient) -> None:
    from engagekit.web.auth import FORM_LIMIT

    form_token(client)
    declared = client.post(
        "/sign-in",
        content=b"email=x",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": str(FORM_LIMIT + 1)},
    )
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(FORM_LIMIT // (1024 * 1024) + 2):
            yield b"x" * (1024 * 1024)

    streamed = client.post("/sign-in", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413
    assert "larger than 25 MB" in streamed.text


PUBLIC_READS = [
    "/",
    "/councils/basildon",
    "/councils/basildon?as_of=2026-01-01",
    "/councils/basildon/report.json",
    "/councils/basildon/places/billericay",
    "/councils/basildon/actions/CN-1",
    "/councils/basildon/oruk/",
    "/static/report.css",
    "/healthz",
    "/api/councils",
    "/api/councils/basildon/findings",
    "/api/councils/basildon/actions",
    "/api/openapi.json",
]


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_a_public_read_sets_no_cookie_and_renews_no_session(client: TestClient, path: str) -> None:
    anonymous = TestClient(client.app)
    answer = anonymous.get(path)
    assert answer.status_code == 200
    assert "set-cookie" not in answer.headers
    assert "csrftoken" not in answer.text
    sign_in(client, EMAIL)
    answer = client.get(path)
    assert answer.status_code == 200
    assert "set-cookie" not in answer.headers  # the session is neither read nor sent again
    assert signed_in_as(client) == EMAIL  # and it goes on as before


@pytest.mark.parametrize(
    "path",
    [
        "/sign-in",
        "/sign-out",
        "/councils/basildon/record",
        "/councils/basildon/record/action-update",
        "/councils/basildon/record/upload",
        "/councils/basildon/admin",
    ],
)
def test_every_page_with_a_form_is_served_with_sessions_and_csrf(path: str) -> None:
    assert not public_read({"method": "GET", "path": path})
    assert not public_read({"method": "POST", "path": "/councils/basildon"})  # nothing unsafe is a read


def test_a_councils_colours_are_a_public_read() -> None:
    # no cookie shows the difference (the stylesheet asks for no CSRF code and the session is
    # not changed), so the paths are checked themselves: basildon states no colours (a 404)
    assert public_read({"method": "GET", "path": "/councils/thurrock/colours.css"})
    assert public_read({"method": "HEAD", "path": "/councils/thurrock/colours.css"})
    assert not public_read({"method": "GET", "path": "/councils/thurrock/colours.css/x"})


def test_a_form_page_still_sets_its_csrf_cookie_and_a_public_read_leaves_it_as_it_was(client: TestClient) -> None:
    answer = client.get("/sign-in")
    assert any(value.startswith("csrftoken=") for value in answer.headers.get_list("set-cookie"))
    code = form_token(client)
    client.get("/councils/basildon")
    client.get("/api/councils/basildon/findings")
    assert form_token(client) == code  # the same code, so a form opened before still posts
    answer = client.post("/sign-in", data={"csrftoken": code, "email": EMAIL, "password": PASSWORD})
    assert answer.status_code in (200, 303)
    assert signed_in_as(client) == EMAIL


def test_sign_in_needs_a_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'records.db'}")
    client = TestClient(make_app())
    for answer in (client.get("/sign-in"), client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})):
        assert answer.status_code == 503
        assert "signing in needs ENGAGEKIT_SECRET_KEY" in answer.text
    assert client.get("/councils/basildon").status_code == 200


# -- the API's writes ----------------------------------------------------------------------------

UPDATE = {"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "in-progress", "percent": 40}


def records_of(url: str, council_id: str = "basildon") -> list[Any]:
    with open_store(url) as store:
        return list(store.records(council_id))


def test_a_write_token_writes_a_record_kept_as_recorded_by_its_name(accounts_store: str) -> None:  # noqa: F811
    token = add_token(accounts_store, "basildon", "performance-system", Scope.write)
    client = TestClient(make_app())
    answer = client.post("/api/councils/basildon/records", json=UPDATE, headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    record = answer.json()["record"]
    assert record["recorded_by"] == "performance-system"
    assert record["id"] > 0
    (stored,) = records_of(accounts_store)
    assert stored.recorded_by == "performance-system"
    assert "records.write" in audit_actions(accounts_store)
    dashboard = client.get("/api/councils/basildon/actions?as_of=2026-04-01").json()
    assert any(action.get("id") == "CN-4" and "in-progress" in json.dumps(action) for action in dashboard["actions"])


def test_a_list_is_written_all_or_nothing_with_every_problem(accounts_store: str) -> None:  # noqa: F811
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    client = TestClient(make_app())
    headers = {"authorization": f"Bearer {token}"}
    bad = [UPDATE, {**UPDATE, "action": "NO-SUCH"}, {**UPDATE, "status": "sideways", "date": "2026-02-30"}]
    answer = client.post("/api/councils/basildon/records", json=bad, headers=headers)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problems = answer.json()["problems"]
    assert [line.split(":", 1)[0] for line in problems] == ["records[1].action", "records[2].date", "records[2].status"]
    assert records_of(accounts_store) == []
    good = [UPDATE, {**UPDATE, "date": "2026-04-30", "status": "completed", "percent": 100}]
    first = client.post("/api/councils/basildon/records", json=good, headers=headers)
    assert first.status_code == 201
    assert first.json() == {"added": 2, "records": 2}
    again = client.post("/api/councils/basildon/records", json=good, headers=headers)
    assert again.status_code == 200
    assert again.json()["already_written"] is True
    assert len(records_of(accounts_store)) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "body: not JSON"),
        (b'{"kind": "indicator-reading", "date": "2026-01-01", "indicator": "x", "value": NaN}', "NaN is not"),
        (b"[]", "give one record"),
        (b"[1]", "records[0]: a record is an object"),
        (json.dumps({**UPDATE, "recorded_by": "someone else"}).encode(), "record.recorded_by: set by the service"),
        (json.dumps({**UPDATE, "note": {"nested": 1}}).encode(), "record.note: a value is text"),
        (json.dumps({**UPDATE, "status": "<script>"}).encode(), "record.status:"),
        (b"\xff\xfe", "body: not UTF-8"),
    ],
)
def test_a_bad_body_is_one_line_problem(accounts_store: str, body: bytes, expected: str) -> None:  # noqa: F811
    token = add_token(accounts_store, "basildon", "system", Scope.write)
    client = TestClient(make_app())
    answer = client.post(
        "/api/councils/basildon/records",
        content=body,
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert expected in detail
    assert "\n" not in detail
    assert records_of(accounts_store) == []


def test_credentials_are_checked_before_the_body_or_the_council(accounts_store: str) -> None:  # noqa: F811
    read = add_token(accounts_store, "basildon", "reader", Scope.read)
    other = add_token(accounts_store, "thurrock", "thurrock-system", Scope.write)
    revoked = add_token(accounts_store, "basildon", "old", Scope.write, revoked=True)
    client = TestClient(make_app())
    garbage = {"content": b"\xff not json", "headers": {"content-type": "text/plain"}}
    cases = [
        ("/api/councils/basildon/records", None, 401),
        ("/api/councils/no-such-council/records", None, 401),
        ("/api/councils/basildon/records", "ekt_not-a-token-this-service-issued", 401),
        ("/api/councils/basildon/records", revoked, 401),
        ("/api/councils/basildon/records", read, 403),
        ("/api/councils/basildon/records", other, 403),
        ("/api/councils/no-such-council/records", other, 403),
    ]
    for path, token, status in cases:
        headers = dict(garbage["headers"])
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        answer = client.post(path, content=garbage["content"], headers=headers)
        assert answer.status_code == status, (path, token, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        if status == 401:
            assert answer.headers["www-authenticate"].startswith("Bearer")
    assert records_of(accounts_store) == []


def test_the_openapi_document_names_the_bearer_scheme(accounts_store: str) -> None:  # noqa: F811
    document = TestClient(make_app()).get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (engagekit tokens create).",
    }
    operation = document["paths"]["/api/councils/{council_id}/records"]["post"]
    assert operation["security"] == [{"bearerToken": []}]
    assert {"201", "400", "401", "403", "404"} <= set(operation["responses"])


# -- the commands --------------------------------------------------------------------------------


def test_users_and_tokens_commands(accounts_store: str) -> None:  # noqa: F811
    runner = CliRunner()
    added = runner.invoke(
        cli, ["users", "add", "Admin@Basildon.example.gov.uk", "--council", "basildon", "--role", "admin",
              "--password-stdin"], input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Added admin@basildon.example.gov.uk: admin of basildon (with a password)" in added.output
    sso = runner.invoke(
        cli, ["users", "add", "sso@basildon.example.gov.uk", "--council", "thurrock", "--role", "viewer"]
    )
    assert "signing in by single sign-on only" in sso.output
    listed = runner.invoke(cli, ["users", "list"])
    assert "admin@basildon.example.gov.uk  basildon:admin  [password]" in listed.output
    assert "sso@basildon.example.gov.uk  thurrock:viewer  [single sign-on]" in listed.output
    client = TestClient(make_app())
    assert sign_in(client, "admin@basildon.example.gov.uk").status_code == 303

    created = runner.invoke(cli, ["tokens", "create", "--council", "basildon", "--name", "perf", "--scope", "write"])
    assert created.exit_code == 0
    secret = created.stdout.strip()
    assert secret.startswith("ekt_")
    assert "not shown again" in created.stderr
    with open_store(accounts_store) as store:
        assert account_queries.token_for(store, secret) is not None
    assert secret not in runner.invoke(cli, ["tokens", "list"]).output
    assert "basildon  perf  write" in runner.invoke(cli, ["tokens", "list", "--council", "basildon"]).output
    assert runner.invoke(cli, ["tokens", "revoke", "--council", "basildon", "--name", "perf"]).exit_code == 0
    assert "(revoked" in runner.invoke(cli, ["tokens", "list"]).output
    disabled = runner.invoke(cli, ["users", "disable", "admin@basildon.example.gov.uk"])
    assert disabled.exit_code == 0
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (["users", "add", "not-an-email", "--council", "basildon", "--role", "editor"], "", "is not an email address"),
        (["users", "add", "a@b.gov.uk", "--council", "nowhere", "--role", "editor"], "", "no council 'nowhere'"),
        (["users", "add", "a@b.gov.uk", "--council", "basildon", "--role", "owner"], "", "'owner' is not one of"),
        (["users", "add", "a@b.gov.uk", "--council", "basildon", "--role", "editor", "--password-stdin"], "short\n",
         "stdin: a password needs at least 12 characters"),
        (["users", "disable", "nobody@b.gov.uk"], "", "there is no account nobody@b.gov.uk"),
        (["tokens", "create", "--council", "basildon", "--name", " ", "--scope", "read"], "", "cannot name a token"),
        (["tokens", "revoke", "--council", "basildon", "--name", "none"], "", "has no token named 'none'"),
    ],
)  # fmt: skip
def test_command_problems_are_one_line_with_status_2(
    accounts_store: str,  # noqa: F811
    arguments: list[str],
    stdin: str,
    message: str,
) -> None:
    result = CliRunner().invoke(cli, arguments, input=stdin)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 or "Usage:" in result.stderr
