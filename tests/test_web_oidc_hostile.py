"""Single sign-on's callback given answers the service never asked for, against the real provider.

The provider (oidc-provider-mock on 127.0.0.1) and the service are those of tests/test_web_oidc.py.
An answer carrying ``error`` is shown only for a sign-in this browser started: otherwise
anyone's link to ``/sign-in/oidc/callback?error=...&error_description=...`` would put its own
text on the council's site as if the provider had said it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.test_web_oidc import client, provider, signed_in_as  # noqa: F401 (fixtures)
from tests.web_accounts import accounts_store  # noqa: F401 (a fixture)

from engagekit.accounts import queries as account_queries
from engagekit.records.store import open_store

pytestmark = [
    pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"),
]

PHISH = "Your account is locked: ring 0800 000 000 with your password"


def audited(url: str) -> list[str]:
    with open_store(url) as store:
        return [entry["action"] for entry in account_queries.audit_entries(store)]


@pytest.mark.parametrize("state", [None, "made-up"])
def test_an_error_from_no_sign_in_started_here_shows_none_of_its_text(
    client: TestClient,  # noqa: F811
    accounts_store: str,  # noqa: F811
    state: str | None,
) -> None:
    client.get("/sign-in/oidc", follow_redirects=False)  # a flow under way, but not this answer's
    params = {"error": "access_denied", "error_description": PHISH, **({"state": state} if state else {})}
    answer = client.get("/sign-in/oidc/callback", params=params, follow_redirects=False)
    assert answer.status_code == 400
    assert "not for a single sign-on started in this browser" in answer.text
    assert "0800" not in answer.text
    assert "access_denied" not in answer.text
    assert "sign-in failed" not in audited(accounts_store)
    assert signed_in_as(client) is None


def test_an_error_from_the_sign_in_started_here_is_the_providers(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    start = client.get("/sign-in/oidc", follow_redirects=False)
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    said = "The person cancelled the sign-in"
    params = {"error": "access_denied", "error_description": said, "state": state}
    answer = client.get("/sign-in/oidc/callback", params=params, follow_redirects=False)
    assert answer.status_code == 400
    assert f"single sign-on did not sign you in ({said}); try again" in answer.text
    assert "sign-in failed" in audited(accounts_store)
    assert signed_in_as(client) is None


def test_a_provider_out_of_reach_at_the_callback_is_a_503(client: TestClient, accounts_store: str) -> None:  # noqa: F811
    """The provider answered the sign-in, then its token endpoint stopped answering: a 503, not a 500.

    Authlib reaches it through httpx2 when that is installed (it is here), whose errors are not httpx's.
    """
    start = client.get("/sign-in/oidc", follow_redirects=False)
    answer = httpx.post(start.headers["location"], data={"sub": "officer"}, follow_redirects=False)
    back = urlsplit(answer.headers["location"])
    oidc = client.app.state.oidc_client  # type: ignore[attr-defined]
    oidc.server_metadata["token_endpoint"] = "http://127.0.0.1:9/token"  # a port nothing listens on
    done = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert done.status_code == 503, done.text
    assert "the sign-in provider cannot be reached" in done.text
    assert signed_in_as(client) is None
