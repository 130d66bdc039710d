"""The public pages: the councils, each council's dashboard, its downloads, ``/healthz``.

No sign-in and no script. The as-of date is a GET form, so a dashboard as of any date has its
own address (``/councils/basildon?as_of=2026-03-31``). A bad date is answered ``400`` with the
command line's message, an unknown council ``404`` (see :mod:`engagekit.web.app`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response

from engagekit.web.responses import tagged
from engagekit.web.state import Site, read_as_of
from engagekit.web.views import STYLESHEETS, ServedLinks, dashboard_page, download_name, index_page, stylesheet

if TYPE_CHECKING:
    from engagekit.report.document import Report

router = APIRouter(include_in_schema=False)
LINKS = ServedLinks()
HTML = "text/html; charset=utf-8"

CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "html": HTML,
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
}
"""Content types by a format's last extension; any other is ``application/octet-stream``."""

_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def site(request: Request) -> Site:
    found: Site = request.app.state.site
    return found


# The dashboard first: FastAPI tries each route in the order they were added.
@router.get("/councils/{council_id}")
def dashboard(request: Request) -> Response:
    """The council's dashboard; its id and ``as_of`` are read from the request as they are (see
    :data:`engagekit.web.api.COUNCIL_AND_AS_OF`: FastAPI's own reading would cost more than the rest)."""
    council_id, as_of = request.path_params["council_id"], request.query_params.get("as_of")
    state = site(request)
    council = state.council(council_id)
    built = state.built(council, read_as_of(as_of, state.today()))

    def draw(report: Report) -> str:
        return dashboard_page(council, report, list(state.renderers().values()), LINKS, as_of_form=True)

    body, tag = built.body("dashboard", lambda: built.dashboard(draw).encode("utf-8"))
    return tagged(request, body, HTML, tag=tag)


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz() -> PlainTextResponse:
    """Answers ``ok`` while the process serves requests (it does not open the store); a load
    balancer's ``HEAD`` is answered too."""
    return PlainTextResponse("ok\n", headers={"cache-control": "no-store"})


@router.get("/")
def councils(request: Request) -> Response:
    return tagged(request, index_page(site(request).councils(), LINKS).encode("utf-8"), HTML)


@router.get("/councils/{council_id}/report.{format_name}")
def download(request: Request, council_id: str, format_name: str, as_of: str | None = None) -> Response:
    state = site(request)
    council = state.council(council_id)
    renderer = state.renderer(format_name)
    day = read_as_of(as_of, state.today())
    content = state.built(council, day).rendered(renderer)
    body = content.encode("utf-8") if isinstance(content, str) else content
    extension = renderer.extension.rsplit(".", 1)[-1].lower()
    headers = {"content-disposition": f'attachment; filename="{download_name(council.id, renderer, day)}"'}
    if extension == "html" and isinstance(content, str):
        headers["content-security-policy"] = report_policy(content)
    return tagged(request, body, CONTENT_TYPES.get(extension, "application/octet-stream"), headers)


def report_policy(page: str) -> str:
    """The policy for the self-contained HTML report: no script, its inline stylesheets by hash."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"
        for css in _INLINE_STYLE.findall(page)
    )
    return (
        f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@router.get("/static/{name}")
def static(request: Request, name: str) -> Response:
    if name not in STYLESHEETS:
        return Response("not found\n", status_code=404, media_type="text/plain; charset=utf-8")
    return tagged(
        request, stylesheet(name).encode("utf-8"), "text/css; charset=utf-8", {"cache-control": "public, max-age=300"}
    )
