"""Accounts for web tests: a store with a secret key, accounts with roles, tokens, signed-in clients.

Tests of pages that need someone signed in use these instead of knowing how accounts are kept::

    from tests.web_accounts import accounts_store, signed_in_client  # noqa: F401 (fixtures)

    def test_an_editor_sees_the_form(signed_in_client):
        client = signed_in_client("basildon", Role.editor)
        page = client.get("/councils/basildon/record")
        ...

Every account signs in through the real ``/sign-in`` form (its CSRF field included), so a
client here holds exactly the cookies a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import engagekit
from engagekit.accounts import Role, Scope
from engagekit.accounts import queries as account_queries
from engagekit.accounts.passwords import hash_password
from engagekit.records.store import open_store
from engagekit.settings import load_settings
from engagekit.web.app import create_app

SECRET_KEY = "a-secret-key-for-tests-only-0123456789abcdef"
PASSWORD = "correct horse battery staple"
TODAY = "2026-11-22"
_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')


def web_environment(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the settings at ``url`` with a secret key and a fixed today, as ``engagekit serve`` reads them."""
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    monkeypatch.setenv("ENGAGEKIT_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("ENGAGEKIT_TODAY", TODAY)


def make_app() -> FastAPI:
    """The application from the settings in the environment, serving the bundled councils."""
    return create_app(load_settings(), host=engagekit.get_plugin_host(environ={}), access_log=False)


def add_account(url: str, email: str, council_id: str, role: Role, password: str | None = PASSWORD) -> None:
    """An account with ``role`` on a council (with ``password``; ``None`` for one that signs in by OIDC only)."""
    with open_store(url) as store:
        account_queries.add_account(
            store, email, council_id, role, password_hash=hash_password(password) if password is not None else None
        )


def add_token(url: str, council_id: str, name: str, scope: Scope, *, revoked: bool = False) -> str:
    """A new API token for a council, as its secret (revoked at once if asked)."""
    with open_store(url) as store:
        _, secret = account_queries.create_token(store, council_id, name, scope)
        if revoked:
            account_queries.revoke_token(store, council_id, name)
    return secret


def form_token(client: TestClient, path: str = "/sign-in") -> str:
    """The CSRF code a page's form carries (the page at ``path`` is fetched for it)."""
    page = client.get(path, follow_redirects=False)
    found = _FIELD.search(page.text)
    if found is None:
        raise AssertionError(f"{path} ({page.status_code}) has no form with a CSRF field")
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_path: str = "/") -> httpx.Response:
    """Sign in through the sign-in form; the response is the form's answer (303 when signed in)."""
    signed_in = client.get("/sign-in", follow_redirects=False).status_code == 303
    token = form_token(client, "/sign-out" if signed_in else "/sign-in")  # every form carries the one code
    return client.post(
        "/sign-in",
        data={"csrftoken": token, "email": email, "password": password, "next": next_path},
        follow_redirects=False,
    )


@pytest.fixture
def accounts_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store, with the settings (secret key included) pointing at it: its URL."""
    url = f"sqlite:///{tmp_path / 'records.db'}"
    web_environment(monkeypatch, url)
    open_store(url).close()
    return url


@pytest.fixture
def signed_in_client(accounts_store: str) -> Iterator[Callable[..., TestClient]]:
    """Make a client signed in with a role on a council: ``signed_in_client("basildon", Role.editor)``.

    Each call makes a new account (``<role>.<council>.<n>@example.gov.uk`` unless ``email`` is
    given) and a new client with its own cookies, on one application.
    """
    app = make_app()
    clients: list[TestClient] = []

    def make(council_id: str, role: Role, email: str | None = None) -> TestClient:
        email = email or f"{role.name}.{council_id}.{len(clients)}@example.gov.uk"
        add_account(accounts_store, email, council_id, role)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        answer = sign_in(client, email)
        assert answer.status_code == 303, answer.text
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
