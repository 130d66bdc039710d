"""Signing in with a password, and signing out: ``/sign-in`` and ``/sign-out``.

The pages follow the GOV.UK Design System's question pages: an error summary linking to each
field's inline error, the email kept as typed, the password never sent back. A password is
checked against its argon2id hash (and the hash made again when argon2-cffi's parameters have
changed); success starts a new session (:func:`engagekit.web.auth.begin_session`) and goes to
``next`` if that is a path on this site, else to the list of councils.

Failed sign-ins are counted in the store, so the limit holds across workers and machines: after
:data:`ACCOUNT_LIMIT` failures for one email, or :data:`ADDRESS_LIMIT` from one address, within
:data:`WINDOW`, signing in is refused (``429``) until the oldest of them is that old. Every
sign-in, failure and sign-out is in the audit log. Without ``ENGAGEKIT_SECRET_KEY`` there are
no sessions, and these pages say so (``503``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from engagekit.web import auth

router = APIRouter(include_in_schema=False)

ACCOUNT_LIMIT = 5
"""Failed sign-ins for one email, within :data:`WINDOW`, before it must wait."""
ADDRESS_LIMIT = 20
"""Failed sign-ins from one address (whatever the email), within :data:`WINDOW`: higher than the
account's, because a council's staff may share one address."""
WINDOW = dt.timedelta(minutes=15)
EMAIL_KEPT = 320
"""The most of a typed email that is not an address kept with its failure and in the audit log
(the longest address there is; the column's size, which PostgreSQL enforces)."""
NO_KEY = (
    "signing in needs ENGAGEKIT_SECRET_KEY: set it to a long random value (python -c "
    "'import secrets; print(secrets.token_urlsafe(32))') and restart engagekit serve"
)
PRIVATE = {"cache-control": "no-store"}


def safe_next(given: object) -> str:
    """``given`` if it is a path on this site (``/councils/x?y``), else ``/``: never another site."""
    if not isinstance(given, str) or not given.startswith("/") or given.startswith("//"):
        return "/"
    if "\\" in given or any(ord(character) < 33 or ord(character) == 127 for character in given):
        return "/"
    parts = urlsplit(given)
    if parts.scheme or parts.netloc:
        return "/"
    return given


def sign_in_link(next_path: str) -> str:
    """Where an officer page sends someone who is signed out."""
    return "/sign-in?" + urlencode({"next": safe_next(next_path)})


def _page(request: Request, status: int, **values: Any) -> Response:
    from engagekit.web.views import ServedLinks, _environment

    settings = auth.site_of(request).settings
    oidc = settings.oidc_client_id is not None and settings.oidc_discovery_url is not None
    nxt = safe_next(values.pop("next", "/"))
    context = {
        "links": ServedLinks(),
        "errors": {},
        "problem": None,
        "email": "",
        "next": nxt,
        "password_form": True,
        "oidc_name": settings.oidc_name if oidc else None,
        "oidc_href": "/sign-in/oidc?" + urlencode({"next": nxt}),
        "csrf": auth.csrf_field(request) if "csrftoken" in request.scope else "",
        **values,
    }
    body = _environment().get_template("sign_in.html.j2").render(**context)
    headers = dict(PRIVATE)
    if status == 429:
        headers["retry-after"] = str(int(WINDOW.total_seconds()))
    return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=headers)


def _without_key(request: Request) -> Response | None:
    if auth.site_of(request).settings.secret_key is None:
        return _page(request, 503, problem=NO_KEY, password_form=False, oidc_name=None)
    return None


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/") -> Response:
    """The sign-in page (already signed in: straight on to ``next``)."""
    refused = _without_key(request)
    if refused is not None:
        return refused
    if auth.signed_in(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _page(request, 200, next=next)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check an email and password; sign in, or show the page again with what is wrong.

    The form is read in the event loop; the rest (the store's queries and argon2's check, which
    is slow by design) runs in the thread pool, so no other request waits behind a sign-in.
    """
    refused = _without_key(request)
    if refused is not None:
        return refused
    form = await request.form()
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    nxt = safe_next(form.get("next"))
    answer: Response = await run_in_threadpool(_check, request, email, password, nxt)
    return answer


def _check(request: Request, email: str, password: str, nxt: str) -> Response:
    """The sign-in's blocking part: the throttle, the password's check, and the new session."""
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return _page(request, 400, errors=errors, email=email, next=nxt)
    from engagekit.accounts import AccountProblem, normal_email, passwords, queries

    try:
        normal, possible = normal_email(email), True
    except AccountProblem:  # no account has it; kept short and printable for the counts and the log
        normal, possible = "".join(ch for ch in email.lower() if ch.isprintable())[:EMAIL_KEPT], False
    store = auth.store_of(request)
    if store is None:
        return _page(request, 400, errors=_wrong(), email=email, next=nxt)

    wait = _wait(store, normal, auth.address(request))
    if wait is not None:
        auth.audit(request, "sign-in refused", {"email": normal, "reason": "too many failures"})
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        plural = "s" if minutes != 1 else ""
        message = f"Too many failed attempts to sign in: wait {minutes} minute{plural} and try again"
        return _page(request, 429, errors={"email": message}, email=email, next=nxt)
    found = queries.password_hash(store, normal) if possible else None
    account, stored = found if found is not None else (None, None)
    matches, rehash = passwords.check(stored, password)
    if account is None or not matches or account.disabled:
        queries.record_failure(store, normal, auth.address(request))
        auth.audit(request, "sign-in failed", {"email": normal})
        return _page(request, 400, errors=_wrong(), email=email, next=nxt)
    if rehash:
        queries.replace_password_hash(store, account.id, passwords.hash_password(password))
    queries.clear_failures(store, normal)
    return finish_sign_in(request, account, nxt, method="password")


def finish_sign_in(request: Request, account: auth.Account, nxt: str, *, method: str) -> Response:
    """Start the account's new session, audit it, and go on to ``nxt`` (a fresh CSRF code too)."""
    auth.begin_session(request, account)
    auth.audit(request, "signed in", {"method": method})
    response = RedirectResponse(safe_next(nxt), status_code=303, headers=PRIVATE)
    # the next form gets a code made after sign-in
    _forget_csrf_code(request, response)
    return response


def _wrong() -> dict[str, str]:
    return {"email": "Enter a correct email address and password", "password": "Enter a correct password"}


def _wait(store: Any, email: str, address: str) -> dt.timedelta | None:
    """How long this email or address must wait before trying again, if it must."""
    from engagekit.accounts import queries

    now = queries.now()
    by_email, by_address, earliest = queries.failures_since(store, email, address, now - WINDOW)
    if by_email < ACCOUNT_LIMIT and by_address < ADDRESS_LIMIT:
        return None
    return (earliest + WINDOW - now) if earliest is not None else WINDOW


@router.get("/sign-out")
def sign_out_form(request: Request) -> Response:
    """A page with the sign-out button (signing out is a POST, so no link elsewhere can do it)."""
    from engagekit.web.views import ServedLinks, _environment

    if auth.site_of(request).settings.secret_key is None:
        return _page(request, 503, problem=NO_KEY, password_form=False, oidc_name=None)
    account = auth.signed_in(request)
    body = (
        _environment()
        .get_template("sign_out.html.j2")
        .render(
            links=ServedLinks(),
            email=account.email if account else None,
            csrf=auth.csrf_field(request),
        )
    )
    return Response(body, media_type="text/html; charset=utf-8", headers=PRIVATE)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End the session here and in the store, then go to the list of councils."""
    if auth.site_of(request).settings.secret_key is None:
        return _page(request, 503, problem=NO_KEY, password_form=False, oidc_name=None)
    if auth.signed_in(request) is not None:
        auth.audit(request, "signed out", {})
    auth.end_session(request)
    response = RedirectResponse("/", status_code=303, headers=PRIVATE)
    _forget_csrf_code(request, response)
    return response


def _forget_csrf_code(request: Request, response: Response) -> None:
    """Have the browser drop its CSRF cookie, so the next form it is shown gets a code made afresh."""
    https = _https(request)
    response.delete_cookie(auth.cookie_name(auth.CSRF_COOKIE, https=https), path="/", secure=https, samesite="lax")


def _https(request: Request) -> bool:
    return (auth.site_of(request).settings.public_base_url or "").lower().startswith("https://")
