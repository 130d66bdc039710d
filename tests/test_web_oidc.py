"""Single sign-on by OpenID Connect, against a real provider: oidc-provider-mock on 127.0.0.1.

The provider runs in a thread on a free loopback port for the tests of this module; the
browser's part of the authorization-code flow (to the provider and back) is done by hand with
httpx and TestClient, so every request of the flow is a real one: discovery, the authorize
redirect with state and nonce, the provider's form, the code exchange, the ID token's checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.web_accounts import (
    accounts_store,  # noqa: F401 (a fixture)
    add_account,
    make_app,
)

from engagekit.accounts import Role
from engagekit.accounts import queries as account_queries
from engagekit.records.store import open_store

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

EMAIL = "officer@basildon.example.gov.uk"

# The provider (in a thread of this process) calls Authlib APIs that Authlib now deprecates;
# those warnings are the mock's, not engagekit's.
pytestmark = [
    pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's address (``http://localhost:PORT``), with two known people."""
    people = [
        oidc_provider_mock.User(sub="officer", claims={"email": EMAIL, "email_verified": True}),
        oidc_provider_mock.User(sub="stranger", claims={"email": "stranger@example.gov.uk"}),
        oidc_provider_mock.User(sub="unverified", claims={"email": "unverified@x.gov.uk", "email_verified": False}),
        oidc_provider_mock.User(sub="no-email", claims={}),
    ]
    with oidc_provider_mock.run_server_in_thread(require_nonce=True, user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def client(provider: str, accounts_store: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:  # noqa: F811
    monkeypatch.setenv("ENGAGEKIT_OIDC_DISCOVERY_URL", f"{provider}/.well-known/openid-configuration")
    monkeypatch.setenv("ENGAGEKIT_OIDC_CLIENT_ID", "engagekit-tests")
    monkeypatch.setenv("ENGAGEKIT_OIDC_CLIENT_SECRET", "a-client-secret")
    monkeypatch.setenv("ENGAGEKIT_OIDC_NAME", "Microsoft Entra ID")
    add_account(accounts_store, EMAIL, "basildon", Role.editor, password=None)  # single sign-on only
    add_account(accounts_store, "unverified@x.gov.uk", "basildon", Role.editor, password=None)
    return TestClient(make_app())


def through_provider(client: TestClient, sub: str, next_path: str = "/") -> httpx.Response:
    """The flow as a browser runs it: to the provider, its form answered as ``sub``, and back."""
    start = client.get("/sign-in/oidc", params={"next": next_path}, follow_redirects=False)
    assert start.status_code in (302, 303, 307), start.text
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["response_type"] == ["code"]
    assert "nonce" in query
    assert "state" in query
    assert query["redirect_uri"] == ["http://testserver/sign-in/oidc/callback"]
    answer = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/sign-in/oidc/callback"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def signed_in_as(client: TestClient) -> str | None:
    page = client.get("/sign-out").text
    return page.split("You are signed in as ", 1)[1].split(".</p>", 1)[0] if "You are signed in as" in page else None


def test_the_sign_in_page_offers_the_provider(client: TestClient) -> None:
    page = client.get("/sign-in?next=/councils/basildon/record").text
    assert "Sign in with Microsoft Entra ID" in page
    assert 'href="/sign-in/oidc?next=%2Fcouncils%2Fbasildon%2Frecord"' in page


def test_an_account_signs_in_through_the_provider(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    answer = through_provider(client, "officer", next_path="/councils/basildon/record")
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/councils/basildon/record"
    assert signed_in_as(client) == EMAIL
    assert client.get("/councils/basildon/record", follow_redirects=False).status_code == 200
    with open_store(accounts_store) as store:
        entries = list(account_queries.audit_entries(store))
    assert any(entry["action"] == "signed in" and entry["detail"] == {"method": "oidc"} for entry in entries)


def test_the_provider_proves_who_but_grants_nothing(client: TestClient) -> None:
    answer = through_provider(client, "stranger")
    assert answer.status_code == 403
    assert "there is no account for stranger@example.gov.uk here" in answer.text
    assert signed_in_as(client) is None


def test_an_unverified_email_or_none_at_all_signs_no_one_in(client: TestClient) -> None:
    assert through_provider(client, "unverified").status_code == 403
    missing = through_provider(client, "no-email")
    assert missing.status_code == 400
    assert "has no &#39;email&#39; claim" in missing.text
    assert signed_in_as(client) is None


def test_a_disabled_account_cannot_sign_in_through_the_provider(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    with open_store(accounts_store) as store:
        account_queries.set_disabled(store, EMAIL)
    assert through_provider(client, "officer").status_code == 403


def test_a_callback_with_a_forged_state_or_code_is_refused(client: TestClient, provider: str) -> None:
    client.get("/sign-in/oidc", follow_redirects=False)
    forged = client.get("/sign-in/oidc/callback?code=made-up&state=made-up", follow_redirects=False)
    assert forged.status_code == 400
    assert "single sign-on did not sign you in" in forged.text
    stranger = TestClient(client.app)  # a callback from someone else's flow: no state in this session
    start = client.get("/sign-in/oidc", follow_redirects=False)
    answer = httpx.post(start.headers["location"], data={"sub": "officer"}, follow_redirects=False)
    back = urlsplit(answer.headers["location"])
    stolen = stranger.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert stolen.status_code == 400
    assert signed_in_as(stranger) is None


def test_without_settings_single_sign_on_says_what_to_set(accounts_store: str) -> None:  # noqa: F811
    client = TestClient(make_app())
    assert "Sign in with" not in client.get("/sign-in").text
    answer = client.get("/sign-in/oidc")
    assert answer.status_code == 404
    assert "set ENGAGEKIT_OIDC_DISCOVERY_URL" in answer.text
