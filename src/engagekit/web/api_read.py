"""More of the read-only JSON API: a council's definition, its places, and its records.

``/definition`` is the council's model as ``engagekit show --json`` prints it (the same
converter); ``/places`` and ``/places/{place_id}`` are each place's part of the JSON report,
as its page shows it (:mod:`engagekit.web.place_data`); ``/records`` pages through the records
``engagekit export --format json`` writes, in the same order and with the same fields, except
who recorded each (an officer's email address: see docs/web.md). Reading needs no token: these
are public records. GETs carry ETags; a bad parameter is a ``400`` problem (RFC 9457).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from engagekit.records.kinds import RecordKind
from engagekit.web.api import AS_OF, ERRORS, ETAG
from engagekit.web.pages import site
from engagekit.web.place_data import place, places
from engagekit.web.responses import json_body, tagged, tagged_json
from engagekit.web.state import BadDate, read_as_of

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.records.store import RecordStore

PER_PAGE = 100
"""Records in a page unless ``per_page`` says otherwise (at most :data:`MOST_PER_PAGE`)."""
MOST_PER_PAGE = 1000
HIDDEN = ("recorded_by",)
"""Fields of an exported record the public API leaves out: who recorded it is a person's email address."""


class AllowDocumented(APIRoute):
    """A route whose ``405`` names, in ``Allow``, every method the OpenAPI document lists for its
    path: ``/api/councils/{id}/records`` is read here and written by :mod:`engagekit.web.api_write`,
    and the route asked first would otherwise name only its own method."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in (self.methods or set()):
            documented = scope["app"].openapi()["paths"].get(self.path_format, {})
            allowed = sorted({method.upper() for method in documented} | set(self.methods or ()))
            raise HTTPException(status_code=405, headers={"Allow": ", ".join(allowed)})
        await super().handle(scope, receive, send)


router = APIRouter(prefix="/api", tags=["read"], route_class=AllowDocumented)


class BadQuery(BadDate):
    """A query parameter that cannot be read: answered ``400`` with its one line, as a bad date is."""


class PlaceSummary(BaseModel):
    id: str
    name: str
    kind: str = Field(description="area, cluster or phase")
    status: list[dict[str, Any]] = Field(
        description="Each arrangement made for the place and how it stands (the report's data.place_status rows)."
    )


class Places(BaseModel):
    council_id: str
    as_of: str = Field(description="The as-of date, YYYY-MM-DD.")
    places: list[PlaceSummary]


class Place(BaseModel):
    council_id: str
    as_of: str = Field(description="The as-of date, YYYY-MM-DD.")
    place: dict[str, Any] = Field(description="The place as in the report's data.places, with its kind.")
    status: list[dict[str, Any]] = Field(description="Its rows of the report's data.place_status.")
    findings: list[dict[str, Any]] = Field(description="The report's findings about the place's arrangements.")
    local_plans: list[dict[str, Any]] = Field(description="Each of its bodies' local plan, as the report prints it.")
    hubs: list[dict[str, Any]] = Field(description="The report's hubs in the place.")
    part_of: list[dict[str, Any]] = Field(description="The places it is part of: its parent area, clusters, phase.")
    contains: list[dict[str, Any]] = Field(description="The places within it: areas, or a phase's clusters.")


class Records(BaseModel):
    council_id: str
    records: list[dict[str, Any]] = Field(
        description="Records as engagekit export --format json writes them, without recorded_by."
    )
    next: str | None = Field(description="The address of the next page, or null on the last.")


PLACE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {**ERRORS[404], "description": "No such council or place."},
}
NEXT = {"Link": {"description": 'The next page, rel="next" (absent on the last).', "schema": {"type": "string"}}}


_DEFINITIONS: dict[str, tuple[Council, bytes]] = {}
"""Each council's definition as sent, by id, kept with the model it was made from."""


def _definition(council: Council) -> bytes:
    """The council's model as ``engagekit show --json`` prints it (as compact JSON), made once."""
    kept = _DEFINITIONS.get(council.id)
    if kept is not None and kept[0] is council:
        return kept[1]
    from engagekit.definition.converter import make_converter
    from engagekit.report.json_format import finite_only

    body = json_body(finite_only(make_converter().unstructure(council)))
    _DEFINITIONS[council.id] = (council, body)
    return body


@router.get(
    "/councils/{council_id}/definition",
    response_model=dict[str, Any],
    responses={
        200: {"headers": ETAG, "description": "The council's model, as engagekit show --json prints it."},
        404: ERRORS[404],
    },
    summary="A council's definition",
)
def definition(request: Request, council_id: str) -> Response:
    return tagged(request, _definition(site(request).council(council_id)), "application/json")


def _report(request: Request, council_id: str, as_of: str | None) -> dict[str, Any]:
    state = site(request)
    council = state.council(council_id)
    return state.built(council, read_as_of(as_of, state.today())).data(state.renderer("json"))


@router.get(
    "/councils/{council_id}/places",
    response_model=Places,
    responses={200: {"headers": ETAG}, **ERRORS},
    summary="A council's areas, clusters and phases, each with its status, as of a date",
)
def council_places(request: Request, council_id: str, as_of: str | None = AS_OF) -> Response:
    report = _report(request, council_id, as_of)
    return tagged_json(
        request, {"council_id": report["council"]["id"], "as_of": report["as_of"], "places": places(report)}
    )


@router.get(
    "/councils/{council_id}/places/{place_id}",
    response_model=Place,
    responses={200: {"headers": ETAG}, **PLACE_ERRORS},
    summary="One place: its arrangements and their status, findings, local plans and hubs, as of a date",
)
def one_place(request: Request, council_id: str, place_id: str, as_of: str | None = AS_OF) -> Response:
    return tagged_json(request, place(_report(request, council_id, as_of), place_id))


KIND = Query(default=None, description="Only records of this kind.")
SINCE = Query(
    default=None,
    description="Only records recorded on or after this day (UTC), written YYYY-MM-DD.",
    examples=["2026-03-31"],
)
CURSOR = Query(
    default=None,
    description="Where the page starts: the cursor in the previous page's next address.",
    pattern=r"^[a-z-]+\.[0-9]{1,18}$",
)
COUNT = Query(default=PER_PAGE, ge=1, le=MOST_PER_PAGE, description="Records in a page.")


@router.get(
    "/councils/{council_id}/records",
    response_model=Records,
    responses={200: {"headers": {**ETAG, **NEXT}}, **ERRORS},
    summary="A council's records, a page at a time, corrections included",
)
def records(
    request: Request,
    council_id: str,
    kind: RecordKind | None = KIND,
    since: str | None = SINCE,
    cursor: str | None = CURSOR,
    per_page: int = COUNT,
) -> Response:
    state = site(request)
    council = state.council(council_id)
    start = _cursor(cursor)
    day = _since(since)
    store = state.store()
    found = [] if store is None else _page(store, council.id, kind, day, start, per_page + 1)
    shown = found[:per_page]
    headers: dict[str, str] = {}
    following = None
    if len(found) > per_page:
        last = shown[-1]
        given = {"kind": kind.value if kind else None, "since": since, "per_page": per_page}
        query = {name: value for name, value in given.items() if value is not None}
        query["cursor"] = f"{last['kind']}.{last['id']}"
        following = f"{request.url.path}?{urlencode(query)}"
        headers["link"] = f'<{following}>; rel="next"'
    body = json_body({"council_id": council.id, "records": shown, "next": following})
    return tagged(request, body, "application/json", headers)


def _cursor(text: str | None) -> tuple[RecordKind, int] | None:
    if text is None:
        return None
    name, _, number = text.rpartition(".")
    try:
        return RecordKind(name), int(number)
    except ValueError:
        raise BadQuery(f"cursor: {text!r} is not a cursor this API gave; start again without one") from None


def _since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    from engagekit.records.cells import date

    try:
        day = date(text)
    except ValueError as error:
        raise BadQuery(f"since: {error}") from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _page(
    store: RecordStore,
    council_id: str,
    kind: RecordKind | None,
    since: dt.datetime | None,
    start: tuple[RecordKind, int] | None,
    wanted: int,
) -> list[dict[str, Any]]:
    """Up to ``wanted`` records after ``start``, in the order ``engagekit export`` writes them (by
    kind, registrations first, then id), each as its export's JSON object without :data:`HIDDEN`.

    Each kind is one query by primary key from where the page starts, so a page late in 100,000
    records costs what the first does."""
    import sqlalchemy as sa

    from engagekit.records import schema
    from engagekit.records.exports import _data_row
    from engagekit.records.kinds import in_dependency_order
    from engagekit.records.store import _record

    kinds = [kind] if kind else in_dependency_order()
    if start is not None:
        if start[0] not in kinds:
            return []
        kinds = kinds[kinds.index(start[0]) :]
    found: list[dict[str, Any]] = []
    for each in kinds:
        table = schema.RECORD_TABLES[each.value]
        query = sa.select(table).where(table.c.council_id == council_id)
        if start is not None and each is start[0]:
            query = query.where(table.c.id > start[1])
        if since is not None:
            query = query.where(table.c.recorded_at >= since)
        for row in store.read(query.order_by(table.c.id).limit(wanted - len(found))):
            values = _data_row(_record(each, row))
            found.append({name: value for name, value in values.items() if name not in HIDDEN})
        if len(found) >= wanted:
            break
    return found
