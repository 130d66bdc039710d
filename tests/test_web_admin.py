"""A council's admin page: its people and API tokens, managed through GOV.UK-pattern forms."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web_accounts import (
    accounts_store,  # noqa: F401 (a fixture)
    add_account,
    form_token,
    signed_in_client,  # noqa: F401 (a fixture)
)

from engagekit.accounts import Role
from engagekit.accounts import queries as account_queries
from engagekit.records.store import open_store

ADMIN = "/councils/basildon/admin"


def post(client: TestClient, path: str, **fields: str) -> Any:
    token = form_token(client, ADMIN)
    return client.post(ADMIN + path, data={"csrftoken": token, **fields}, follow_redirects=False)


def test_an_admin_manages_the_councils_people(
    signed_in_client: Callable[..., TestClient],  # noqa: F811
    accounts_store: str,  # noqa: F811
) -> None:
    admin = signed_in_client("basildon", Role.admin, email="admin@basildon.example.gov.uk")
    page = admin.get(ADMIN)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "admin@basildon.example.gov.uk" in page.text

    added = post(admin, "/users", email="New.Officer@Basildon.example.gov.uk", role="editor")
    assert added.status_code == 303
    assert "new.officer@basildon.example.gov.uk" in admin.get(ADMIN).text
    assert post(admin, "/users/role", email="new.officer@basildon.example.gov.uk", role="viewer").status_code == 303
    with open_store(accounts_store) as store:
        person = account_queries.account(store, "new.officer@basildon.example.gov.uk")
        assert person is not None
        assert person.roles == {"basildon": Role.viewer}
        assert not person.has_password
    assert post(admin, "/users/disable", email="new.officer@basildon.example.gov.uk").status_code == 303
    assert "Disabled" in admin.get(ADMIN).text
    with open_store(accounts_store) as store:
        actions = [entry["action"] for entry in account_queries.audit_entries(store, "basildon")]
    assert {"account.add", "account.role", "account.disable"} <= set(actions)


def test_an_admin_cannot_disable_someone_who_works_for_another_council(
    signed_in_client: Callable[..., TestClient],  # noqa: F811
    accounts_store: str,  # noqa: F811
) -> None:
    admin = signed_in_client("basildon", Role.admin)
    add_account(accounts_store, "shared@example.gov.uk", "basildon", Role.editor)
    add_account(accounts_store, "shared@example.gov.uk", "thurrock", Role.editor)
    add_account(accounts_store, "thurrock-only@example.gov.uk", "thurrock", Role.editor)
    refused = post(admin, "/users/disable", email="shared@example.gov.uk")
    assert refused.status_code == 400
    assert "also works for thurrock" in refused.text
    assert 'class="govuk-error-summary"' in refused.text
    other = post(admin, "/users/role", email="thurrock-only@example.gov.uk", role="admin")
    assert other.status_code == 400
    with open_store(accounts_store) as store:
        person = account_queries.account(store, "thurrock-only@example.gov.uk")
    assert person is not None
    assert person.roles == {"thurrock": Role.editor}


def test_adding_someone_who_already_has_a_role_here_is_refused_not_a_quiet_change(
    signed_in_client: Callable[..., TestClient],  # noqa: F811
    accounts_store: str,  # noqa: F811
) -> None:
    admin = signed_in_client("basildon", Role.admin)
    add_account(accounts_store, "editor@basildon.example.gov.uk", "basildon", Role.editor)
    add_account(accounts_store, "thurrock@example.gov.uk", "thurrock", Role.admin)
    refused = post(admin, "/users", email="Editor@Basildon.example.gov.uk", role="viewer")
    assert refused.status_code == 400
    assert "editor@basildon.example.gov.uk already has a role here (editor)" in refused.text
    assert 'id="email-error"' in refused.text
    assert post(admin, "/users", email="thurrock@example.gov.uk", role="viewer").status_code == 303  # new here
    with open_store(accounts_store) as store:
        editor = account_queries.account(store, "editor@basildon.example.gov.uk")
        other = account_queries.account(store, "thurrock@example.gov.uk")
    assert editor is not None
    assert editor.roles == {"basildon": Role.editor}
    assert other is not None
    assert other.roles == {"thurrock": Role.admin, "basildon": Role.viewer}


def test_a_bad_email_is_an_inline_error_and_hostile_text_is_escaped(
    signed_in_client: Callable[..., TestClient],  # noqa: F811
) -> None:
    admin = signed_in_client("basildon", Role.admin)
    answer = post(admin, "/users", email="<script>alert(1)</script>", role="editor")
    assert answer.status_code == 400
    text = answer.text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text
    assert 'id="email-error"' in text


def test_a_token_is_shown_once_and_revoked(
    signed_in_client: Callable[..., TestClient],  # noqa: F811
    accounts_store: str,  # noqa: F811
) -> None:
    admin = signed_in_client("basildon", Role.admin)
    made = post(admin, "/tokens", name="performance-system", scope="write")
    assert made.status_code == 201
    secret = re.search(r"ekt_[A-Za-z0-9_-]+", made.text)
    assert secret is not None
    assert made.headers["cache-control"] == "no-store"
    again = admin.get(ADMIN).text
    assert "performance-system" in again
    assert secret.group(0) not in again
    answer = admin.post(
        "/api/councils/basildon/records",
        json={"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "in-progress"},
        headers={"authorization": f"Bearer {secret.group(0)}"},
    )
    assert answer.status_code == 201
    assert post(admin, "/tokens/revoke", name="performance-system").status_code == 303
    assert "Revoked" in admin.get(ADMIN).text
    refused = admin.post(
        "/api/councils/basildon/records",
        json={"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "in-progress"},
        headers={"authorization": f"Bearer {secret.group(0)}"},
    )
    assert refused.status_code == 401
    duplicate = post(admin, "/tokens", name="performance-system", scope="read")
    assert duplicate.status_code == 400
    assert "already has a token named" in duplicate.text


def test_every_admin_form_does_its_store_work_off_the_event_loop(
    signed_in_client: Callable[..., TestClient],  # noqa: F811
    accounts_store: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The handlers are plain functions that FastAPI runs in its thread pool: a query on the event
    loop would hold up every other request while it waits on the database."""
    from engagekit.web import admin as admin_module

    admin = signed_in_client("basildon", Role.admin)
    add_account(accounts_store, "officer@basildon.example.gov.uk", "basildon", Role.editor)
    on_loop: list[bool] = []
    store_of = admin_module._store

    def watched(request: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            on_loop.append(False)
        else:
            on_loop.append(True)
        return store_of(request)

    monkeypatch.setattr(admin_module, "_store", watched)
    sent = [
        ("/users", {"email": "new@basildon.example.gov.uk", "role": "viewer"}, 303),
        ("/users", {"email": "not an email", "role": "viewer"}, 400),
        ("/users/role", {"email": "officer@basildon.example.gov.uk", "role": "viewer"}, 303),
        ("/users/disable", {"email": "officer@basildon.example.gov.uk"}, 303),
        ("/tokens", {"name": "performance-system", "scope": "read"}, 201),
        ("/tokens/revoke", {"name": "performance-system"}, 303),
    ]
    for path, fields, status in sent:
        on_loop.clear()
        assert post(admin, path, **fields).status_code == status, path
        assert on_loop, f"{path} did not reach the store"
        assert not any(on_loop), f"{path} used the store on the event loop"
