"""Who is asking, and what they may do: sign-in sessions, roles, API tokens, CSRF and the audit log.

Every router uses these and nothing else to decide who may do what:

- :func:`signed_in` is the account a request's session signs in (``None`` if none);
  :func:`officer` is a FastAPI dependency that needs a role on the council in the path:
  ``Depends(officer(Role.editor))``. Signed out, it raises :class:`SignInNeeded` (a page
  redirects to ``/sign-in?next=...``, the API answers ``401``); signed in without the role on
  that council, ``403``.
- :func:`api_token` is the dependency for the JSON API's writes: ``Authorization: Bearer
  <token>`` for the council in the path with the scope needed. No token, an unknown or a
  revoked one is ``401``; a read token, or another council's, ``403``. It runs before the
  body is read or the council looked up.
- CSRF: every form that POSTs carries :func:`csrf_field` (first in the form, before any file
  input). asgi-csrf (the library datasette uses) refuses, with ``403`` and before the
  application sees the request, any POST outside ``/api/`` whose ``csrftoken`` field does not
  match its signed cookie. The API is not cookie-authenticated, so it is not CSRF's concern.
- The public reads (:data:`PUBLIC_READS`: ``GET`` and ``HEAD`` of the dashboards, their downloads
  and pages, the Open Referral UK API and the JSON API) are served past sessions and CSRF
  (:class:`Protection`): they show no form and no one's name, so they read no session, make no
  CSRF code and set no cookie.
- :func:`recorded_by` is what a record made through the web keeps: the signed-in person's email,
  or the API token's name. :func:`audit` adds a line to the audit log.

Sessions are a random id in a cookie signed by Starlette's ``SessionMiddleware``
(itsdangerous; HttpOnly, SameSite=Lax, Secure behind https), kept in the store as a digest
(:mod:`engagekit.accounts.queries`) so that signing out, or disabling an account, ends a
session on every worker, and a copied cookie signs no one in afterwards. Signing in always
starts a new session and drops everything the old one held (no session fixation).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from engagekit.accounts import Account, Role, Scope, Token

if TYPE_CHECKING:
    from fastapi import FastAPI
    from markupsafe import Markup

    from engagekit.records.store import RecordStore
    from engagekit.settings import Settings
    from engagekit.web.state import Site

__all__ = [
    "Account",
    "Role",
    "Scope",
    "SignInNeeded",
    "Token",
    "api_token",
    "audit",
    "csrf_field",
    "csrf_token",
    "officer",
    "recorded_by",
    "require",
    "signed_in",
]

SESSION_COOKIE = "engagekit_session"
CSRF_COOKIE = "csrftoken"
HOST_ONLY = "__Host-"
"""Before both cookies' names when served over ``https``: a browser then takes the cookie only
from this host, over TLS, for the whole site (``Secure``, ``Path=/``, no ``Domain``), so no other
host under the council's domain can set a session or a CSRF code for this one. asgi-csrf's
double-submit check trusts the cookie it compares the form's code with; this is what keeps a
sibling site from planting one (OWASP's CSRF cheat sheet, "cookie with __Host- prefix")."""


def cookie_name(name: str, *, https: bool) -> str:
    """The session or CSRF cookie's name as this service sets it: :data:`HOST_ONLY` before it behind TLS."""
    return HOST_ONLY + name if https else name


CSRF_FIELD = "csrftoken"
"""The hidden field every form that POSTs carries (asgi-csrf reads this name)."""
SESSION_LIFETIME = dt.timedelta(hours=8)
"""How long a sign-in lasts: a working day."""

_ACCOUNT = "engagekit.account"
_TOKEN = "engagekit.token"

Scope_ = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope_, Receive, Send], Awaitable[None]]


class SignInNeeded(Exception):
    """The request needs a signed-in account (or, in the API, a token) and has none: ``401``."""

    def __init__(self, message: str = "sign in to see this page") -> None:
        super().__init__(message)


# -- where accounts are kept -------------------------------------------------------------


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def store_of(request: Request) -> RecordStore | None:
    """The records store, where accounts are kept; ``None`` while there is none (so no accounts)."""
    return site_of(request).store()


def address(request: Request) -> str:
    """The address the request came from (behind a proxy, uvicorn's ``--proxy-headers`` sets it)."""
    return request.client.host if request.client else "unknown"


# -- signed-in people --------------------------------------------------------------------


def signed_in(request: Request) -> Account | None:
    """The account this request's session signs in, or ``None`` (read once per request)."""
    if _ACCOUNT in request.scope:
        found: Account | None = request.scope[_ACCOUNT]
        return found
    account = None
    secret = request.session.get("id") if "session" in request.scope else None
    if isinstance(secret, str) and secret:
        store = store_of(request)
        if store is not None:
            from engagekit.accounts import queries

            account = queries.session_account(store, secret)
    request.scope[_ACCOUNT] = account
    return account


def require(request: Request, council_id: str, minimum_role: Role) -> Account:
    """The signed-in account if it has at least ``minimum_role`` on the council: else 401 or 403."""
    account = signed_in(request)
    if account is None:
        raise SignInNeeded()
    role = account.role(council_id)
    if role is None or role < minimum_role:
        raise HTTPException(
            403,
            f"{account.email} is not {_article(minimum_role.name)} {minimum_role.name} of council {council_id!r}; "
            "ask one of its admins",
        )
    return account


def officer(minimum_role: Role, council_param: str = "council_id") -> Callable[[Request], Account]:
    """A FastAPI dependency: the signed-in account with at least ``minimum_role`` on the council
    named by the path parameter ``council_param`` (``Depends(officer(Role.editor))``)."""

    def dependency(request: Request) -> Account:
        return require(request, str(request.path_params.get(council_param, "")), minimum_role)

    dependency.__name__ = f"officer_{minimum_role.name}"
    return dependency


def begin_session(request: Request, account: Account) -> None:
    """Sign ``account`` in: a new session, nothing kept from the one before (session fixation)."""
    from engagekit.accounts import queries

    store = store_of(request)
    assert store is not None  # an account was found in it
    end_session(request)
    request.session.clear()
    request.session["id"] = queries.start_session(store, account.id, SESSION_LIFETIME)
    request.scope[_ACCOUNT] = account


def end_session(request: Request) -> None:
    """Sign out: the session ends in the store (for every copy of its cookie) and the cookie is emptied."""
    if "session" not in request.scope:
        return
    secret = request.session.get("id")
    if isinstance(secret, str) and secret:
        store = store_of(request)
        if store is not None:
            from engagekit.accounts import queries

            queries.end_session(store, secret)
    request.session.clear()
    request.scope[_ACCOUNT] = None


# -- API tokens --------------------------------------------------------------------------


class TokenRefused(HTTPException):
    """A request to the API with no usable token (401) or one that may not do this (403)."""


def bearer(request: Request) -> str | None:
    """The token in ``Authorization: Bearer <token>``, if the header is there and so shaped."""
    header = request.headers.get("authorization", "")
    kind, _, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def check_token(request: Request, council_id: str, scope: Scope) -> Token:
    """The request's token if it may act with ``scope`` on the council: else 401 or 403."""
    challenge = {"WWW-Authenticate": 'Bearer realm="engagekit"'}
    secret = bearer(request)
    if secret is None:
        raise TokenRefused(401, "this needs an API token: send Authorization: Bearer <token>", challenge)
    store = store_of(request)
    token = None
    if store is not None and len(secret) <= 200:
        from engagekit.accounts import queries

        token = queries.token_for(store, secret)
    if token is None:
        raise TokenRefused(401, "the API token is not one this service issued", challenge)
    if token.revoked is not None:
        raise TokenRefused(401, f"the API token {token.name!r} was revoked", challenge)
    if token.council_id != council_id:
        raise TokenRefused(403, f"the API token {token.name!r} is for council {token.council_id!r}, not {council_id!r}")
    if scope is Scope.write and token.scope is not Scope.write:
        raise TokenRefused(403, f"the API token {token.name!r} may only read; writing needs a write token")
    request.scope[_TOKEN] = token
    return token


def api_token(scope: Scope, council_param: str = "council_id") -> Callable[[Request], Token]:
    """A FastAPI dependency: the request's API token, for the council in the path, with ``scope``."""

    def dependency(request: Request) -> Token:
        return check_token(request, str(request.path_params.get(council_param, "")), scope)

    dependency.__name__ = f"api_token_{scope.value}"
    return dependency


# -- what records and the audit log keep -------------------------------------------------


def recorded_by(request: Request) -> str:
    """Who a record made by this request is recorded by: the API token's name, else the signed-in email."""
    token: Token | None = request.scope.get(_TOKEN)
    if token is not None:
        return token.name
    account = signed_in(request)
    if account is None:
        raise SignInNeeded()
    return account.email


def audit(request: Request, action: str, detail: dict[str, Any], *, council_id: str | None = None) -> None:
    """Add a line to the audit log: when, who (email, token name, or "anonymous"), ``action``, the
    council (``council_id``, else the path's), ``detail`` as JSON, and the address it came from."""
    store = store_of(request)
    if store is None:
        return  # no store, so no accounts: nothing anyone did can be attributed
    from engagekit.accounts import queries

    token: Token | None = request.scope.get(_TOKEN)
    account = signed_in(request)
    who = token.name if token is not None else account.email if account is not None else "anonymous"
    council = council_id if council_id is not None else request.path_params.get("council_id")
    queries.append_audit(store, who, action, council, detail, address(request))


# -- CSRF --------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """This request's CSRF token (its cookie is set on the response if the browser has none)."""
    get = request.scope.get("csrftoken")
    if get is None:
        raise RuntimeError(
            f"no CSRF code for {request.url.path}: CSRF protection is not installed on this application, "
            "or the path is one of the public reads (auth.PUBLIC_READS), which show no form"
        )
    token: str = get()
    return token


def csrf_field(request: Request) -> Markup:
    """The hidden input carrying the CSRF token, for the top of every form that POSTs."""
    from markupsafe import Markup, escape

    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(csrf_token(request)))


class _Everywhere:
    """asgi-csrf's ``always_protect``: every path, so a POST with no cookie at all is refused too."""

    def __contains__(self, path: object) -> bool:
        return True


def _api(scope: Scope_) -> bool:
    path = str(scope.get("path", ""))
    return path == "/api" or path.startswith("/api/")


async def _refused(scope: Scope_, send: Send, reason: object) -> None:
    """asgi-csrf's refusal as this site's own 403 page, one line saying what to do."""
    from engagekit.web.views import ServedLinks, error_page

    message = (
        "the form was sent without this site's security code (or with an old one); go back, reload it and try again"
    )
    await _send_page(send, 403, error_page(403, "Forbidden", message, ServedLinks()))


async def _send_page(send: Send, status: int, page: str) -> None:
    body = page.encode("utf-8")
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def fit_asgi_csrf_to_python_multipart() -> None:
    """Let asgi-csrf read multipart forms (uploads) with the python-multipart installed.

    asgi-csrf 0.11 builds python-multipart's ``FormParser`` with ``FileClass=``, an argument
    python-multipart 0.0.26 removed (simonw/asgi-csrf#38; the fix, #39, is not released), so
    every upload would fail inside the middleware. Where the argument is gone, asgi-csrf is
    given a ``FormParser`` that leaves it out and keeps what it was for: asgi-csrf's own class
    refused a file part met before the ``csrftoken`` field, and here the end of such a file part
    raises asgi-csrf's ``FileBeforeToken``, which it answers with its refusal. Nothing of the
    check itself changes: the token is still compared by asgi-csrf, with
    :func:`secrets.compare_digest`. Once asgi-csrf passes arguments python-multipart takes,
    this does nothing.
    """
    import inspect

    import asgi_csrf  # type: ignore[import-untyped]
    from python_multipart import FormParser

    if "FileClass" in inspect.signature(FormParser.__init__).parameters:
        return
    if getattr(asgi_csrf.FormParser, "engagekit_fitted", False):
        return

    def file_before_token(file: object) -> None:
        raise asgi_csrf.FileBeforeToken

    def form_parser(content_type: str, on_field: Any, on_file: Any, **options: Any) -> FormParser:
        options.pop("FileClass", None)
        return FormParser(content_type, on_field, file_before_token, **options)

    setattr(form_parser, "engagekit_fitted", True)  # noqa: B010 (a function has no declared attributes)
    asgi_csrf.FormParser = form_parser


_passed: contextvars.ContextVar[dict[str, bool]] = contextvars.ContextVar("engagekit_csrf_passed")


class CsrfProtection:
    """asgi-csrf around the application, with a readable answer to a form that cannot be read.

    asgi-csrf reads a form's body before the application runs; a body that is not UTF-8, or a
    multipart form without its boundary, would be a traceback there, so it is a ``400`` page.
    """

    def __init__(self, app: ASGIApp, secret: str, secure: bool) -> None:
        from asgi_csrf import asgi_csrf

        fit_asgi_csrf_to_python_multipart()
        self.inner = app
        self.app = asgi_csrf(
            self._reached,
            signing_secret=secret,
            cookie_name=cookie_name(CSRF_COOKIE, https=secure),
            cookie_secure=secure,
            cookie_samesite="Lax",
            always_protect=_Everywhere(),
            skip_if_scope=_api,
            send_csrf_failed=_refused,
        )

    async def _reached(self, scope: Scope_, receive: Receive, send: Send) -> None:
        _passed.get({})["yes"] = True
        await self.inner(scope, receive, send)

    async def __call__(self, scope: Scope_, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in _SAFE or _api(scope):
            await self.app(scope, receive, send)
            return
        from engagekit.web.views import ServedLinks, error_page

        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > FORM_LIMIT:
            await _send_page(send, 413, error_page(413, "Content too large", _TOO_LARGE, ServedLinks()))
            return
        passed: dict[str, bool] = {}
        _passed.set(passed)
        read = 0

        async def counted() -> MutableMapping[str, Any]:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > FORM_LIMIT and not passed:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _send_page(send, 413, error_page(413, "Content too large", _TOO_LARGE, ServedLinks()))
        except (UnicodeDecodeError, IndexError, ValueError):
            if passed:
                raise  # the application's own error, not the form's
            message = "the form could not be read: its body is not UTF-8 form data"
            await _send_page(send, 400, error_page(400, "Bad request", message, ServedLinks()))


FORM_LIMIT = 25 * 1024 * 1024
"""The largest form body read to find its CSRF code: above the upload's own 20 MB and its form."""
_TOO_LARGE = "the form is larger than 25 MB, more than any form here takes; send less"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class _TooLarge(Exception):
    """A form body beyond :data:`FORM_LIMIT`, found while looking for its CSRF code."""


def install(app: FastAPI, settings: Settings) -> None:
    """Sessions and CSRF protection on ``app``, when the settings give a secret key to sign them.

    Without ``ENGAGEKIT_SECRET_KEY`` the public pages and the API's reads are served as ever, and
    signing in answers with a page saying the key is needed (``signin.py``).
    """
    if settings.secret_key is None:
        return
    import hashlib

    key = settings.secret_key.get_secret_value()
    https = (settings.public_base_url or "").lower().startswith("https://")
    # Two keys from one: the session's signature and the CSRF token's never share a key.
    csrf_key = hashlib.sha256(b"engagekit csrf\0" + key.encode("utf-8")).hexdigest()
    app.add_middleware(Protection, session_key=key, csrf_key=csrf_key, https=https)


PUBLIC_READS = re.compile(
    r"/(?:healthz|static/[^/]+(?:/[^/]+)?|api(?:/.*)?"
    r"|councils/[^/]+(?:/report\.[^/]+|/oruk(?:/.*)?|/places/[^/]+|/actions/[^/]+|/colours\.css)?)?"
)
"""The paths whose ``GET`` and ``HEAD`` are public reads: the list of councils, a council's
dashboard, downloads, place and action pages, colours and Open Referral UK API, the stylesheets,
``/healthz`` and the whole JSON API (which a session never signs in to). None of them shows a
form or who is signed in, so none needs a session or a CSRF code."""
_READ_METHODS = frozenset({"GET", "HEAD"})


def public_read(scope: Scope_) -> bool:
    """Whether the request is a ``GET`` or ``HEAD`` of one of :data:`PUBLIC_READS`."""
    return scope.get("method") in _READ_METHODS and PUBLIC_READS.fullmatch(scope.get("path", "")) is not None


class Protection:
    """Sessions (Starlette's ``SessionMiddleware``) and CSRF protection (:class:`CsrfProtection`)
    around the application, except on its public reads (:func:`public_read`).

    A public read is answered without them: no session is read or renewed, no CSRF code is made
    and no cookie is set, so a resident's visit to a dashboard leaves nothing in the browser and
    costs the service no signing. Nothing is given up by it: asgi-csrf checks only unsafe
    methods, which always pass through it, and on a ``GET`` it does no more than offer a code to
    a page with a form, which no public read has (one that asked would fail loudly, in
    :func:`csrf_token`). Every other request, ``GET`` or not, passes through both.
    """

    def __init__(self, app: ASGIApp, *, session_key: str, csrf_key: str, https: bool) -> None:
        from starlette.middleware.sessions import SessionMiddleware

        self.public = app
        sessions = SessionMiddleware(
            app,
            secret_key=session_key,
            session_cookie=cookie_name(SESSION_COOKIE, https=https),
            max_age=int(SESSION_LIFETIME.total_seconds()),
            same_site="lax",
            https_only=https,
        )
        self.protected = CsrfProtection(sessions, secret=csrf_key, secure=https)

    async def __call__(self, scope: Scope_, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and public_read(scope):
            await self.public(scope, receive, send)
        else:
            await self.protected(scope, receive, send)


def _article(word: str) -> str:
    """ "an" before a role whose name starts with a vowel ("an editor", "an admin"), else "a"."""
    return "an" if word[:1].lower() in "aeiou" else "a"
