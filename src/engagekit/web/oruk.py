"""Each council's Open Referral UK API, served from the same builder as ``engagekit opendata``.

``/councils/{id}/oruk/`` (the API's details), ``/councils/{id}/oruk/services?page=&per_page=``
(a page of services) and ``/councils/{id}/oruk/services/{sid}`` (one service) answer with the
documents :mod:`engagekit.opendata.api` builds, as of ``?as_of=`` (default today), a hub that is
proposed counting as open from its first hub session in the store. Their shapes are the
profile's (``engagekit/opendata/schema/openapi.json``), so they stay out of engagekit's own
OpenAPI document. A page past the last, or below 1, is a ``400`` problem; an unknown service a
``404`` problem.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from engagekit.opendata.api import PER_PAGE, PageProblem, UnknownService, api_root, service_document, services_page
from engagekit.web.pages import site
from engagekit.web.responses import problem, tagged_json
from engagekit.web.state import read_as_of

router = APIRouter(prefix="/councils/{council_id}/oruk", include_in_schema=False)


@router.get("/")
def root(request: Request, council_id: str) -> Response:
    site(request).council(council_id)
    return tagged_json(request, api_root())


@router.get("/services")
def services(
    request: Request, council_id: str, page: int = 1, per_page: int = PER_PAGE, as_of: str | None = None
) -> Response:
    state = site(request)
    council = state.council(council_id)
    day = read_as_of(as_of, state.today())
    try:
        document = services_page(council, day, page, per_page, state.hubs_opened(council, day))
    except PageProblem as error:
        return problem(400, str(error))
    return tagged_json(request, document)


@router.get("/services/{service_id}")
def service(request: Request, council_id: str, service_id: str, as_of: str | None = None) -> Response:
    state = site(request)
    council = state.council(council_id)
    day = read_as_of(as_of, state.today())
    try:
        document = service_document(council, day, service_id, state.hubs_opened(council, day))
    except UnknownService as error:
        return problem(404, str(error))
    return tagged_json(request, document)
