"""Single sign-on by OpenID Connect (Microsoft Entra ID, or any provider): ``/sign-in/oidc``.

Authlib's Starlette client runs the authorization-code flow: ``/sign-in/oidc`` sends the
browser to the provider (with state and a nonce kept in the session), and the provider sends
it back to ``/sign-in/oidc/callback``, where the code is exchanged for an ID token whose
signature, issuer, audience, expiry and nonce Authlib checks. The provider proves who the
person is; it grants nothing. The email in the claim the settings name
(``ENGAGEKIT_OIDC_EMAIL_CLAIM``) must be an account an admin has added
(``engagekit users add``, or the council's admin page), not disabled; the account's roles are
engagekit's own. Signing in then starts a new session as a password does.

Configured by ``ENGAGEKIT_OIDC_DISCOVERY_URL``, ``ENGAGEKIT_OIDC_CLIENT_ID`` and
``ENGAGEKIT_OIDC_CLIENT_SECRET`` (docs/web.md says how for Entra ID). The address the
provider returns to is ``ENGAGEKIT_PUBLIC_BASE_URL`` + ``/sign-in/oidc/callback`` when that is
set (as it must be behind a proxy), else the address the request came to.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from engagekit.web import auth
from engagekit.web.signin import _page, _without_key, finish_sign_in, safe_next

router = APIRouter(include_in_schema=False)

CLIENT = "council"
CALLBACK = "/sign-in/oidc/callback"
NOT_SET_UP = (
    "single sign-on is not set up on this service: set ENGAGEKIT_OIDC_DISCOVERY_URL, "
    "ENGAGEKIT_OIDC_CLIENT_ID and ENGAGEKIT_OIDC_CLIENT_SECRET"
)
NOT_STARTED = (
    "this answer is not for a single sign-on started in this browser, or that sign-in has expired; "
    "start again from the sign-in page"
)


def _client(request: Request) -> Any | None:
    """The Authlib client for the configured provider (made once per application), or ``None``."""
    settings = auth.site_of(request).settings
    if settings.oidc_discovery_url is None or settings.oidc_client_id is None:
        return None
    state = request.app.state
    client = getattr(state, "oidc_client", None)
    if client is None:
        from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]

        oauth = OAuth()
        oauth.register(
            CLIENT,
            server_metadata_url=settings.oidc_discovery_url,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None,
            client_kwargs={"scope": "openid email profile"},
        )
        client = oauth.create_client(CLIENT)
        state.oidc_client = client
    return client


def _callback_url(request: Request) -> str:
    base = auth.site_of(request).settings.public_base_url
    if base:
        return base.rstrip("/") + CALLBACK
    return str(request.url_for("oidc_callback"))


def _problem(request: Request, status: int, message: str) -> Response:
    return _page(request, status, problem=message, password_form=False, oidc_name=None)


@router.get("/sign-in/oidc")
async def oidc_start(request: Request, next: str = "/") -> Response:
    """Go to the provider to sign in, coming back to ``next`` (a path on this site)."""
    refused = _without_key(request)
    if refused is not None:
        return refused
    client = _client(request)
    if client is None:
        return _problem(request, 404, NOT_SET_UP)
    request.session["oidc_next"] = safe_next(next)
    out_of_reach: tuple[type[Exception], ...] = (*_unreachable(), ValueError, KeyError)  # or no discovery document
    try:
        answer: Response = await client.authorize_redirect(request, _callback_url(request))
    except out_of_reach as error:
        message = f"the sign-in provider cannot be reached ({type(error).__name__}: {error}); try again later"
        return _problem(request, 503, message.replace("\n", " "))
    answer.headers["cache-control"] = "no-store"
    return answer


def _unreachable() -> tuple[type[Exception], ...]:
    """The errors of a provider out of reach: those of each HTTP library Authlib may talk through.

    Authlib 1.7 and later use httpx2 when it is installed and httpx otherwise, and the two
    share no base exception; catching httpx's alone made an unreachable provider a 500.
    """
    import httpx

    try:
        import httpx2
    except ImportError:
        return (httpx.HTTPError,)
    return (httpx.HTTPError, httpx2.HTTPError)


async def _started_here(client: Any, request: Request) -> bool:
    """Whether the answer's ``state`` is one this browser's session holds from ``/sign-in/oidc``.

    Authlib reads ``error`` and ``error_description`` before it checks the state, so without
    this anyone's link to the callback would show its own text as the provider's on this site
    (and write a failed sign-in to the audit log for each visit).
    """
    state = request.query_params.get("state")
    if not state:
        return False
    return await client.framework.get_state_data(request.session, state) is not None


@router.get(CALLBACK, name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    """Back from the provider: check its answer, find the account, and sign it in."""
    refused = _without_key(request)
    if refused is not None:
        return refused
    client = _client(request)
    if client is None:
        return _problem(request, 404, NOT_SET_UP)
    from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
    from joserfc.errors import JoseError  # what Authlib checks ID tokens with

    if "error" in request.query_params and not await _started_here(client, request):
        return _problem(request, 400, NOT_STARTED)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as error:
        auth.audit(request, "sign-in failed", {"method": "oidc", "error": error.error})
        said = error.description or error.error
        return _problem(request, 400, f"single sign-on did not sign you in ({said}); try again")
    except JoseError as error:
        auth.audit(request, "sign-in failed", {"method": "oidc", "error": str(error)})
        return _problem(request, 400, f"the provider's ID token could not be trusted ({error}); try again")
    except _unreachable() as error:
        return _problem(request, 503, f"the sign-in provider cannot be reached ({error}); try again later")
    claims = token.get("userinfo") or {}
    settings = auth.site_of(request).settings
    email = claims.get(settings.oidc_email_claim)
    if not isinstance(email, str) or not email.strip():
        message = f"the provider's ID token has no {settings.oidc_email_claim!r} claim; ask the service's operator"
        return _problem(request, 400, message)
    if claims.get("email_verified") is False:
        return _problem(request, 403, f"the provider has not verified {email}; sign in with a verified address")
    answer: Response = await run_in_threadpool(_sign_in_as, request, email)
    return answer


def _sign_in_as(request: Request, email: str) -> Response:
    """The account the provider's email names, signed in (the store's work: in the thread pool)."""
    from engagekit.accounts import AccountProblem, queries

    store = auth.store_of(request)
    try:
        account = queries.account(store, email) if store is not None else None
    except AccountProblem:
        account = None
    if account is None or account.disabled:
        auth.audit(request, "sign-in failed", {"method": "oidc", "email": email.strip().lower()})
        message = f"there is no account for {email} here; ask an admin of your council to add you"
        return _problem(request, 403, message)
    nxt = request.session.get("oidc_next", "/")
    return finish_sign_in(request, account, nxt, method="oidc")
