"""The read-only JSON API under ``/api/``: councils, and each council's report, findings and actions
(its definition, places and records are in :mod:`engagekit.web.api_read`).

Every answer about a council as of a date is taken from the JSON report (``engagekit report
--format json``, its shape in ``docs/report-schema.json``), built once per council, date and
state of the store (:mod:`engagekit.web.state`): ``findings`` are the report's ``findings`` and
``actions`` its ``data.actions``. GETs carry ETags; errors are problem details (RFC 9457).
Writing records, with a token, is :mod:`engagekit.web.api_write`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from engagekit.web.pages import site
from engagekit.web.responses import PROBLEM, json_body, tagged, tagged_json
from engagekit.web.state import Built, Site, read_as_of

AS_OF = Query(
    default=None,
    description="Report as of this date, written YYYY-MM-DD (default: today). Nothing after it counts.",
    examples=["2026-03-31"],
)


class Problem(BaseModel):
    """An RFC 9457 problem."""

    type: str = Field(description="Always about:blank: the status says what kind of problem it is.")
    title: str
    status: int
    detail: str = Field(description="What is wrong, in one line.")


class CouncilLinks(BaseModel):
    dashboard: str
    definition: str
    report: str
    findings: str
    actions: str
    places: str
    records: str
    oruk: str


class CouncilSummary(BaseModel):
    id: str
    name: str
    links: CouncilLinks


class CouncilList(BaseModel):
    councils: list[CouncilSummary]


class Findings(BaseModel):
    council_id: str
    as_of: str = Field(description="The as-of date, YYYY-MM-DD.")
    findings: list[dict[str, Any]] = Field(description="The report's findings, as in the JSON report.")


class Actions(BaseModel):
    council_id: str
    as_of: str = Field(description="The as-of date, YYYY-MM-DD.")
    actions: list[dict[str, Any]] = Field(
        description="The action plan's actions with their latest update (data.actions)."
    )


COUNCIL_AND_AS_OF: dict[str, Any] = {
    "parameters": [
        {"in": "path", "name": "council_id", "required": True, "schema": {"title": "Council Id", "type": "string"}},
        {
            "in": "query",
            "name": "as_of",
            "required": False,
            "description": AS_OF.description,
            "schema": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "title": "As Of",
                "description": AS_OF.description,
                "examples": AS_OF.examples,
            },
        },
    ]
}
"""The parameters of a read that takes them from the request itself (:func:`council_and_as_of`),
documented as FastAPI documents ``council_id: str, as_of: str | None = AS_OF`` (a test holds
them equal). The most-read answers are sent so: FastAPI's reading and checking of declared
parameters costs each about as much as the rest of a cached answer's work, and these two are
plain text, read as they are."""


def council_and_as_of(request: Request) -> tuple[str, str | None]:
    """The council id in the path and the ``as_of`` in the query (the last one, if given twice,
    as FastAPI reads a declared parameter), for a route documented by :data:`COUNCIL_AND_AS_OF`."""
    return request.path_params["council_id"], request.query_params.get("as_of")


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A bad as-of date or query.", "model": Problem, "content": {PROBLEM: {}}},
    404: {"description": "No such council.", "model": Problem, "content": {PROBLEM: {}}},
}
ETAG = {
    "ETag": {"description": "The SHA-256 of the body; send it back as If-None-Match.", "schema": {"type": "string"}}
}

router = APIRouter(prefix="/api", tags=["read"])


def _summary(council_id: str, name: str) -> dict[str, Any]:
    base = f"/api/councils/{council_id}"
    return {
        "id": council_id,
        "name": name,
        "links": {
            "dashboard": f"/councils/{council_id}",
            "definition": f"{base}/definition",
            "report": f"{base}/report",
            "findings": f"{base}/findings",
            "actions": f"{base}/actions",
            "places": f"{base}/places",
            "records": f"{base}/records",
            "oruk": f"/councils/{council_id}/oruk/",
        },
    }


def _built(state: Site, council_id: str, as_of: str | None) -> Built:
    council = state.council(council_id)
    return state.built(council, read_as_of(as_of, state.today()))


def _report(state: Site, built: Built) -> dict[str, Any]:
    return built.data(state.renderer("json"))


# The most-read answers first: FastAPI tries a request's path against each route in the order
# they were added, each try costing a few microseconds.


@router.get(
    "/councils/{council_id}/findings",
    response_model=Findings,
    responses={200: {"headers": ETAG}, **ERRORS},
    summary="A council's findings as of a date",
    openapi_extra=COUNCIL_AND_AS_OF,
)
def findings(request: Request) -> Response:
    state = site(request)
    built = _built(state, *council_and_as_of(request))

    def make() -> bytes:
        data = _report(state, built)
        return json_body({"council_id": data["council"]["id"], "as_of": data["as_of"], "findings": data["findings"]})

    body, tag = built.body("api-findings", make)
    return tagged(request, body, "application/json", tag=tag)


@router.get(
    "/councils/{council_id}/actions",
    response_model=Actions,
    responses={200: {"headers": ETAG}, **ERRORS},
    summary="A council's actions, each with its latest update, as of a date",
    openapi_extra=COUNCIL_AND_AS_OF,
)
def actions(request: Request) -> Response:
    state = site(request)
    built = _built(state, *council_and_as_of(request))

    def make() -> bytes:
        data = _report(state, built)
        listed = (data.get("data") or {}).get("actions", [])
        return json_body({"council_id": data["council"]["id"], "as_of": data["as_of"], "actions": listed})

    body, tag = built.body("api-actions", make)
    return tagged(request, body, "application/json", tag=tag)


@router.get(
    "/councils",
    response_model=CouncilList,
    responses={200: {"headers": ETAG}},
    summary="The councils installed",
)
def councils(request: Request) -> Response:
    listed = [_summary(council.id, council.name) for council in site(request).councils()]
    return tagged_json(request, {"councils": listed})


@router.get(
    "/councils/{council_id}",
    response_model=CouncilSummary,
    responses={200: {"headers": ETAG}, 404: ERRORS[404]},
    summary="One council",
)
def council(request: Request, council_id: str) -> Response:
    found = site(request).council(council_id)
    return tagged_json(request, _summary(found.id, found.name))


@router.get(
    "/councils/{council_id}/report",
    response_model=dict[str, Any],
    responses={200: {"headers": ETAG, "description": "The JSON report (docs/report-schema.json)."}, **ERRORS},
    summary="A council's report as of a date",
)
def report(request: Request, council_id: str, as_of: str | None = AS_OF) -> Response:
    state = site(request)
    return tagged_json(request, _report(state, _built(state, council_id, as_of)))
