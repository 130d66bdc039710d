"""The authorisation matrix: every endpoint of the application × every kind of caller.

The endpoints are read from the application's own routes, and each must have a rule in
:data:`RULES`, so a new route without one fails :func:`test_every_route_has_a_rule`. Each
caller asks each endpoint once (POSTs to pages carry a valid CSRF code, so what is tested is
who may, not CSRF) and the answer is checked against the rule:

- a public endpoint answers everyone without ``401``, ``403`` or a sign-in redirect;
- a page needing a role sends the signed-out (and callers holding only an API token) to
  ``/sign-in``, refuses ``403`` a signed-in account with a lesser role or a role on another
  council only, and answers an account with that role or a greater one;
- an API write answers a write token for the council, ``403`` to a read token, and ``401``
  to a revoked token and to anyone without a token, signed in or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web_accounts import (
    accounts_store,  # noqa: F401 (a fixture)
    add_account,
    add_token,
    form_token,
    make_app,
    sign_in,
)

from engagekit.accounts import Role, Scope

PUBLIC = "public"
Rule = str | Role | Scope

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/councils/{council_id}"): PUBLIC,
    ("GET", "/councils/{council_id}/report.{format_name}"): PUBLIC,
    ("GET", "/static/{name}"): PUBLIC,
    ("GET", "/static/govuk/{name}"): PUBLIC,
    ("GET", "/api/councils"): PUBLIC,
    ("GET", "/api/councils/{council_id}"): PUBLIC,
    ("GET", "/api/councils/{council_id}/report"): PUBLIC,
    ("GET", "/api/councils/{council_id}/findings"): PUBLIC,
    ("GET", "/api/councils/{council_id}/actions"): PUBLIC,
    ("GET", "/councils/{council_id}/places/{place_id}"): PUBLIC,
    ("GET", "/councils/{council_id}/actions/{action_id}"): PUBLIC,
    ("GET", "/api/councils/{council_id}/definition"): PUBLIC,
    ("GET", "/api/councils/{council_id}/places"): PUBLIC,
    ("GET", "/api/councils/{council_id}/places/{place_id}"): PUBLIC,
    ("GET", "/api/councils/{council_id}/records"): PUBLIC,
    ("GET", "/councils/{council_id}/oruk/"): PUBLIC,
    ("GET", "/councils/{council_id}/oruk/services"): PUBLIC,
    ("GET", "/councils/{council_id}/oruk/services/{service_id}"): PUBLIC,
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC,
    ("GET", "/sign-in/oidc"): PUBLIC,
    ("GET", "/sign-in/oidc/callback"): PUBLIC,
    ("GET", "/sign-out"): PUBLIC,
    ("POST", "/sign-out"): PUBLIC,
    ("POST", "/api/councils/{council_id}/records"): Scope.write,
    ("GET", "/councils/{council_id}/admin"): Role.admin,
    ("POST", "/councils/{council_id}/admin/users"): Role.admin,
    ("POST", "/councils/{council_id}/admin/users/role"): Role.admin,
    ("POST", "/councils/{council_id}/admin/users/disable"): Role.admin,
    ("POST", "/councils/{council_id}/admin/tokens"): Role.admin,
    ("POST", "/councils/{council_id}/admin/tokens/revoke"): Role.admin,
    ("GET", "/councils/{council_id}/colours.css"): PUBLIC,
    ("GET", "/councils/{council_id}/record"): Role.editor,
    ("GET", "/councils/{council_id}/record/correct"): Role.editor,
    ("GET", "/councils/{council_id}/record/upload"): Role.editor,
    ("POST", "/councils/{council_id}/record/upload"): Role.editor,
    ("GET", "/councils/{council_id}/record/{slug}"): Role.editor,
    ("POST", "/councils/{council_id}/record/{slug}"): Role.editor,
    ("POST", "/councils/{council_id}/record/{slug}/change"): Role.editor,
    ("POST", "/councils/{council_id}/record/{slug}/confirm"): Role.editor,
    ("GET", "/councils/{council_id}/record/{slug}/recorded/{number}"): Role.editor,
}
"""Who may use each endpoint: anyone, a signed-in role on the council in the path, or an API token's scope."""

VALUES = {
    "council_id": "basildon",
    "format_name": "json",
    "name": "web.css",
    "service_id": "no-such-service",
    "slug": "action-update",
    "number": "1",
    "place_id": "billericay",
    "action_id": "CN-1",
}
STATIC_NAMES = {"/static/govuk/{name}": "govuk-forms.css"}

CALLERS = ["anonymous", "viewer", "editor", "admin", "other-editor", "read-token", "write-token", "revoked-token"]
ROLES = {"viewer": Role.viewer, "editor": Role.editor, "admin": Role.admin}
TOKENS = {"read-token": Scope.read, "write-token": Scope.write}


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the application answers (HEAD only where it is named on its own)."""

    def walk(found: list[Any]) -> Iterator[Any]:
        for route in found:
            if hasattr(route, "original_router"):  # FastAPI keeps included routers as they were
                yield from walk(route.original_router.routes)
            else:
                yield route

    return {(method, route.path) for route in walk(app.routes) for method in route.methods or () if method != "HEAD"}


def concrete(path: str) -> str:
    if path in STATIC_NAMES:
        return path.replace("{name}", STATIC_NAMES[path])
    for name, value in VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path


class Caller:
    """One kind of caller: a client with its cookies, and the Authorization header it sends."""

    def __init__(self, app: FastAPI, url: str, kind: str) -> None:
        self.kind = kind
        self.client = TestClient(app)
        self.headers: dict[str, str] = {}
        if kind in ROLES:
            email = f"{kind}@basildon.example.gov.uk"
            add_account(url, email, "basildon", ROLES[kind])
            assert sign_in(self.client, email).status_code == 303
        elif kind == "other-editor":
            add_account(url, "editor@thurrock.example.gov.uk", "thurrock", Role.editor)
            assert sign_in(self.client, "editor@thurrock.example.gov.uk").status_code == 303
        elif kind in TOKENS:
            self.headers["authorization"] = "Bearer " + add_token(url, "basildon", kind, TOKENS[kind])
        elif kind == "revoked-token":
            self.headers["authorization"] = "Bearer " + add_token(url, "basildon", kind, Scope.write, revoked=True)
        signed_in = self.client.get("/sign-in", follow_redirects=False).status_code == 303
        self.csrf = form_token(self.client, "/sign-out" if signed_in else "/sign-in")

    def ask(self, method: str, path: str) -> Any:
        url = concrete(path)
        if method == "GET":
            return self.client.get(url, headers=self.headers, follow_redirects=False)
        if path.startswith("/api/"):
            record = {"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "in-progress"}
            return self.client.post(url, json=record, headers=self.headers, follow_redirects=False)
        return self.client.post(url, data={"csrftoken": self.csrf}, headers=self.headers, follow_redirects=False)


def expected(rule: Rule, kind: str) -> str:
    """What the rule gives this caller: "allowed", "sign-in" (a redirect), "401" or "403"."""
    if rule == PUBLIC:
        return "allowed"
    if isinstance(rule, Scope):
        return {"write-token": "allowed", "read-token": "403"}.get(kind, "401")
    if kind in ROLES:
        return "allowed" if ROLES[kind] >= rule else "403"
    if kind == "other-editor":
        return "403"
    return "sign-in"


def outcome(answer: Any) -> str:
    if answer.status_code in (401, 403):
        return str(answer.status_code)
    if answer.status_code in (302, 303, 307) and answer.headers.get("location", "").startswith("/sign-in?"):
        return "sign-in"
    return "allowed"


def test_every_route_has_a_rule(accounts_store: str) -> None:  # noqa: F811
    found = routes(make_app())
    assert found - set(RULES) == set(), "routes without a rule in tests/test_web_matrix.py"
    assert set(RULES) - found == set(), "rules for routes that no longer exist"


@pytest.mark.parametrize("kind", CALLERS)
def test_the_authorisation_matrix(accounts_store: str, kind: str) -> None:  # noqa: F811
    app = make_app()
    caller = Caller(app, accounts_store, kind)
    found = routes(app)
    # signing out last, so the caller stays who it is for every other endpoint
    ordered = sorted(found, key=lambda route: (route == ("POST", "/sign-out"), route))
    wrong = []
    for method, path in ordered:
        answer = caller.ask(method, path)
        assert answer.status_code < 500, (method, path, answer.text)
        want, got = expected(RULES[(method, path)], kind), outcome(answer)
        if want != got:
            wrong.append(f"{kind} {method} {path}: expected {want}, got {got} ({answer.status_code})")
    assert wrong == []
