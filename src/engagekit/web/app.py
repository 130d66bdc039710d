"""The web service's application: :func:`create_app` builds it from the settings.

One FastAPI application with a router per area: the public pages (:mod:`~engagekit.web.pages`),
the JSON API (:mod:`~engagekit.web.api`, its OpenAPI document at ``/api/openapi.json``) and each
council's Open Referral UK API (:mod:`~engagekit.web.oruk`). Sign-in, officers' forms and
writing through the API will be further routers on the same application and settings.

Errors are mapped here once for every router: an unknown council or service is ``404``, a bad
as-of date or query ``400``, a store that cannot be used ``503``; each is problem details
(RFC 9457) under ``/api/`` and ``/oruk``, and an HTML page elsewhere, with the same one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from engagekit.web.headers import AccessLog, SecurityHeaders, log_to_stderr
from engagekit.web.responses import TITLES, problem, wants_problem
from engagekit.web.state import BadDate, Site, UnknownCouncil, UnknownFormat
from engagekit.web.views import ServedLinks, error_page

if TYPE_CHECKING:
    from engagekit.plugins import PluginHost
    from engagekit.settings import Settings


def create_app(settings: Settings | None = None, *, host: PluginHost | None = None, access_log: bool = True) -> FastAPI:
    """The application, serving ``host``'s councils (default: the installed plugins) and the
    records store ``settings`` name (default: :func:`engagekit.settings.load_settings`)."""
    from importlib.metadata import version

    from engagekit.web import api, oruk, pages

    if settings is None:
        from engagekit.settings import load_settings

        settings = load_settings()
    if host is None:
        from engagekit.plugins import get_plugin_host

        host = get_plugin_host()
    app = FastAPI(
        title="engagekit",
        version=version("engagekit"),
        summary="How councils work with their communities: reports, findings and actions, read-only.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = Site(settings, host)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(oruk.router)
    _handle_errors(app)
    https = (settings.public_base_url or "").lower().startswith("https://")
    app.add_middleware(SecurityHeaders, https=https)
    if access_log:
        log_to_stderr()
        app.add_middleware(AccessLog)
    app.router.add_event_handler("shutdown", app.state.site.close)
    return app


def from_environment() -> FastAPI:
    """The application as ``engagekit serve`` starts it in each worker (settings from the environment)."""
    return create_app()


def _handle_errors(app: FastAPI) -> None:
    def answer(request: Request, status: int, message: str) -> Response:
        if wants_problem(request):
            return problem(status, message)
        title = TITLES.get(status, "Error")
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
        detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "Error")
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
    from engagekit.records.errors import StoreError

    async def store_error(request: Request, error: Exception) -> Response:
        return answer(request, 503, f"the records store cannot be used: {error}")

    app.add_exception_handler(StoreError, store_error)
