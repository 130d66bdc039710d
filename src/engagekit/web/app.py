"""The web service's application: :func:`create_app` builds it from the settings.

One FastAPI application with a router per area: the public pages (:mod:`~engagekit.web.pages`),
the JSON API (:mod:`~engagekit.web.api`, its OpenAPI document at ``/api/openapi.json``) and each
council's Open Referral UK API (:mod:`~engagekit.web.oruk`), signing in and out
(:mod:`~engagekit.web.signin`); who may do what is decided in :mod:`~engagekit.web.auth`, whose
sessions and CSRF protection are installed here when ``ENGAGEKIT_SECRET_KEY`` is set.

Errors are mapped here once for every router: an unknown council or service is ``404``, a bad
as-of date or query ``400``, a store that cannot be used ``503``, signed out ``401`` (a page redirects to ``/sign-in``),
without the role needed ``403``; each is problem details
(RFC 9457) under ``/api/`` and ``/oruk``, and an HTML page elsewhere, with the same one line.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from engagekit.web.headers import Frame, security_headers, to_stderr
from engagekit.web.responses import PROBLEM, TITLES, json_body, problem, wants_problem
from engagekit.web.state import BadDate, Site, UnknownCouncil, UnknownFormat
from engagekit.web.views import ServedLinks, error_page

if TYPE_CHECKING:
    from engagekit.plugins import PluginHost
    from engagekit.settings import Settings


def create_app(settings: Settings | None = None, *, host: PluginHost | None = None, access_log: bool = True) -> FastAPI:
    """The application, serving ``host``'s councils (default: the installed plugins) and the
    records store ``settings`` name (default: :func:`engagekit.settings.load_settings`)."""
    from importlib.metadata import version

    from engagekit.web import admin, api, api_read, api_write, auth, forms, oidc, oruk, pages, place_pages, signin

    if settings is None:
        from engagekit.settings import load_settings

        settings = load_settings()
    if host is None:
        from engagekit.plugins import get_plugin_host

        host = get_plugin_host()
    app = FastAPI(
        title="engagekit",
        version=version("engagekit"),
        summary=(
            "How councils work with their communities: reports, findings and actions to read, "
            "and records to write with a council's token."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = Site(settings, host)
    # The most-read first (the dashboards, then the API's reads): FastAPI tries a request's path
    # against every route of each router in the order they were included.
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(place_pages.router)
    app.include_router(api_read.router)
    app.include_router(api_write.router)
    app.include_router(oruk.router)
    app.include_router(signin.router)
    app.include_router(oidc.router)
    app.include_router(admin.router)
    app.include_router(forms.router)
    https = (settings.public_base_url or "").lower().startswith("https://")
    _handle_errors(app, https=https)
    auth.install(app, settings)  # sessions and CSRF (not on the public reads), inside the frame
    app.add_middleware(Frame, https=https, log=to_stderr if access_log else None)
    app.router.add_event_handler("shutdown", app.state.site.close)
    return app


def from_environment() -> FastAPI:
    """The application as ``engagekit serve`` starts it in each worker (settings from the environment)."""
    return create_app()


MORE_TITLES = {401: "Unauthorized", 403: "Forbidden", 429: "Too many requests", 500: "Internal server error"}


def _title(status: int) -> str:
    return TITLES.get(status) or MORE_TITLES.get(status, "Error")


def _handle_errors(app: FastAPI, *, https: bool) -> None:
    def answer(request: Request, status: int, message: str) -> Response:
        if wants_problem(request):
            if status not in MORE_TITLES:
                return problem(status, message)
            # problem() knows the read-only API's titles only
            fields = {"type": "about:blank", "title": _title(status), "status": status, "detail": message}
            return Response(json_body(fields), status_code=status, media_type=PROBLEM)
        title = _title(status)
        body = error_page(status, title, message, ServedLinks())
        return Response(body, status_code=status, media_type="text/html; charset=utf-8")

    async def unknown(request: Request, error: Exception) -> Response:
        return answer(request, 404, str(error.args[0]) if error.args else "not found")

    async def bad_date(request: Request, error: Exception) -> Response:
        return answer(request, 400, str(error))

    async def invalid(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "path"))
        return answer(request, 400, f"{where or 'request'}: {str(first.get('msg', 'is not valid')).lower()}")

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        detail = error.detail if isinstance(error.detail, str) else _title(error.status_code)
        if error.status_code == 404:
            detail = f"there is no page at {request.url.path}"
        response = answer(request, error.status_code, detail)
        if error.headers:
            response.headers.update(error.headers)
        return response

    app.add_exception_handler(UnknownCouncil, unknown)
    app.add_exception_handler(UnknownFormat, unknown)
    app.add_exception_handler(BadDate, bad_date)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)

    async def sign_in_needed(request: Request, error: Exception) -> Response:
        from engagekit.web.auth import SignInNeeded
        from engagekit.web.signin import sign_in_link

        assert isinstance(error, SignInNeeded)
        if wants_problem(request):
            response = answer(request, 401, str(error))
            response.headers["www-authenticate"] = 'Bearer realm="engagekit"'
            return response
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(sign_in_link(target), status_code=303, headers={"cache-control": "no-store"})

    from engagekit.web.auth import SignInNeeded

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    from engagekit.records.errors import StoreError

    async def store_error(request: Request, error: Exception) -> Response:
        # The reason, which names the store's address (user, host, port or file), goes to the
        # log for the people who run the service; the public answer says only what happened.
        print(f"engagekit serve: the records store cannot be used: {error}", file=sys.stderr, flush=True)
        return answer(request, 503, "the records store cannot be used just now; try again later")

    app.add_exception_handler(StoreError, store_error)

    framing = security_headers(https=https)

    async def unexpected(request: Request, error: Exception) -> Response:
        # Starlette answers an unexpected error outside every middleware, so this answer carries
        # the security headers itself. Starlette raises the error again once this is sent, and
        # the server logs its traceback then.
        # It is outside the frame that answers HEAD as GET without a body, so it leaves the body out itself.
        response = answer(request, 500, "something went wrong on our side; the people who run this service can see it")
        for name, value in framing:
            response.headers.setdefault(name, value)
        if request.method == "HEAD":
            return Response(status_code=500, headers=dict(response.headers))
        return response

    app.add_exception_handler(Exception, unexpected)
