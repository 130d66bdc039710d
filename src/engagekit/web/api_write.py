"""Writing records through the JSON API: ``POST /api/councils/{council_id}/records``.

The caller is a council's own system with an API token (``engagekit tokens create --scope
write``) sent as ``Authorization: Bearer <token>``. The token is checked first
(:func:`engagekit.web.auth.api_token`): no token, an unknown or a revoked one is ``401``; a
read token, or another council's, is ``403``; only then is the body read and the council
looked up.

The body is one record or a list of them, each an object whose keys are the columns of an
import file (``docs/records.md``: ``kind``, ``date``, ``action``, ``status``...), checked by the
same code as ``engagekit record`` and ``engagekit import`` (:func:`engagekit.records.rows.parse_row`
and the council's ids), with the same one-line problems, each naming its record and column. A
list is written as an import is, all or nothing: one bad record and nothing is written, every
problem listed; the same list sent again byte for byte is recognised and adds nothing, so a
client may safely retry. Every record keeps the token's name as ``recorded_by``.

Each write is one transaction: the records and the audit log's line saying who wrote them are
committed together or not at all. Reading the body is the only part done on the event loop;
the checks and the store's work run in the threadpool (as a plain ``def`` endpoint's would), so a
worker goes on answering other requests while one waits for the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPBearer
from starlette.responses import Response

from engagekit.accounts import Scope, Token
from engagekit.records.rows import ALL_COLUMNS
from engagekit.web import auth
from engagekit.web.responses import PROBLEM, json_body

router = APIRouter(prefix="/api", tags=["write"])

MAX_BYTES = 5 * 1024 * 1024
"""The largest body accepted; a bigger batch is ``engagekit import``'s job, or several requests."""
MAX_RECORDS = 10_000
SERVICE_SET = ("recorded_by", "recorded_at")
"""Columns the service sets itself (the token's name, the moment of writing), never the caller."""

WRITE_TOKEN = Depends(auth.api_token(Scope.write))
BEARER = Depends(
    HTTPBearer(auto_error=False, scheme_name="bearerToken", description="An API token (engagekit tokens create).")
)
"""Only for the OpenAPI document's security scheme: the token itself is checked by :data:`WRITE_TOKEN`."""

_SCALAR = {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "null"}]}
_RECORD_SCHEMA = {
    "type": "object",
    "description": "One record: its kind and the columns of an import file for that kind (docs/records.md).",
    "required": ["kind", "date"],
    "properties": {
        "kind": {
            "type": "string",
            "enum": [
                "action-update",
                "indicator-reading",
                "event",
                "review",
                "instance",
                "local-priority",
                "local-action",
                "member",
            ],
        },
        "date": {"type": "string", "format": "date"},
        **{column: _SCALAR for column in ALL_COLUMNS if column not in {"kind", "date", *SERVICE_SET}},
    },
    "additionalProperties": False,  # an unknown column is refused, as an import refuses it
}
_PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": _PROBLEM}}}


OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _RECORD_SCHEMA,
                        {"type": "array", "items": _RECORD_SCHEMA, "minItems": 1, "maxItems": MAX_RECORDS},
                    ]
                },
                "examples": {
                    "one": {
                        "value": {"kind": "action-update", "date": "2026-03-31", "action": "CN-4", "status": "done"}
                    }
                },
            }
        },
    },
    "responses": {
        "201": {
            "description": "Written: the record (with its id), or how many records of the list were added.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "200": {
            "description": "This list was written before (the same bytes): nothing added.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "400": _problem_response("The body is not records, or a record is wrong: each problem on a line."),
        "401": _problem_response("No API token, or one this service did not issue or has revoked."),
        "403": _problem_response("A read token, or another council's."),
        "404": _problem_response("No council with this id."),
        "413": _problem_response("The body is larger than 5 MB."),
        "415": _problem_response("The body is not application/json."),
        "503": _problem_response("The records store cannot be used."),
    },
}


class Refused(Exception):
    """A body that cannot be written: the status, the one-line detail, and every problem."""

    def __init__(self, status: int, detail: str, problems: list[str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []


TITLES = {
    400: "Bad request",
    404: "Not found",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
}


def refused(error: Refused) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(error.status, "Error"),
        "status": error.status,
        "detail": error.detail,
    }
    if error.problems:
        body["problems"] = error.problems
    return Response(json_body(body), status_code=error.status, media_type=PROBLEM)


@router.post(
    "/councils/{council_id}/records",
    status_code=201,
    summary="Write one record, or a list of them all or nothing, with a write token for this council.",
    openapi_extra=OPENAPI,
    response_class=Response,
    dependencies=[BEARER],
)
async def write_records(request: Request, council_id: str, token: Token = WRITE_TOKEN) -> Response:
    from starlette.concurrency import run_in_threadpool

    try:
        body = await _body(request)
        answer, status = await run_in_threadpool(_write, request, council_id, body, token)
    except Refused as error:
        return refused(error)
    return Response(json_body(answer), status_code=status, media_type="application/json")


def _write(request: Request, council_id: str, body: bytes, token: Token) -> tuple[dict[str, Any], int]:
    """Read the records in ``body``, check and write them with their audit line: the answer and its status.

    This is the blocking part (the store, the checks), so it runs in the threadpool, as a plain
    ``def`` endpoint would, not on the event loop, where it would hold up every other request.
    """
    rows, single = _rows(body)
    council = auth.site_of(request).council(council_id)
    store = auth.store_of(request)
    if store is None:  # the token was found in it, so it exists; kept for the type checker
        raise Refused(404, "there is no records store")
    if single:
        return _write_one(store, council, rows[0], token, auth.address(request)), 201
    answer, status = _write_list(store, council, rows, body, token, auth.address(request))
    if answer.get("already_written"):  # nothing changed, so no transaction to join: a line of its own
        auth.audit(request, AUDITED, answer)
    return answer, status


AUDITED = "records.write"
"""The audit log's action for records written through the API."""


async def _body(request: Request) -> bytes:
    """The body, once its media type and size are known to be acceptable."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise Refused(415, f"send the records as application/json, not {media or 'no content type'}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise Refused(413, "the body is larger than 5 MB: send the records in several requests")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            raise Refused(413, "the body is larger than 5 MB: send the records in several requests")
    return body


def _rows(body: bytes) -> tuple[list[dict[str, Any]], bool]:
    """The records in the body, and whether it was a single one."""
    from engagekit.records.files import JsonRefused, exact_float, field_name, refuse_repeated_keys, whole_or_text

    try:
        value = json.loads(
            body.decode("utf-8"),
            object_pairs_hook=refuse_repeated_keys,  # as the import does: json keeps the last silently
            parse_int=whole_or_text,  # a number too long to convert stays text, for its column to refuse
            parse_float=exact_float,  # 1e400 and 1e-400 are named as sent, never inf or a whole 0
            parse_constant=_no_constant,
        )
    except UnicodeDecodeError:
        raise Refused(400, "body: not UTF-8 text") from None
    except JsonRefused as error:
        raise Refused(400, f"body: {error}") from None
    except RecursionError:
        raise Refused(400, "body: nested too deeply; a record is one object of columns and values") from None
    except ValueError as error:
        raise Refused(400, f"body: not JSON ({error})") from None
    single = isinstance(value, dict)
    items = [value] if single else value
    if not isinstance(items, list) or not items:
        raise Refused(400, "body: give one record (an object) or a list of them")
    if len(items) > MAX_RECORDS:
        raise Refused(400, f"body: at most {MAX_RECORDS:,} records in one request")
    problems = []
    for index, item in enumerate(items):
        where = "record" if single else f"records[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: a record is an object of columns and values")
            continue
        for key, cell in item.items():
            if key in SERVICE_SET:
                problems.append(f"{where}.{key}: set by the service (the token's name, the time); leave it out")
            elif key not in ALL_COLUMNS:  # as an import refuses it: a misspelt column is never dropped silently
                problems.append(
                    f"{where}: unknown column {field_name(key)} (columns engagekit reads: {', '.join(ALL_COLUMNS)})"
                )
            elif cell is not None and not isinstance(cell, (str, int, float, bool)):
                problems.append(f"{where}.{key}: a value is text, a number, true, false or null")
    if problems:
        raise Refused(400, problems[0], problems)
    return items, single


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _audit_line(token: Token, council_id: str, address: str) -> Callable[[Any, dict[str, Any]], None]:
    """What writes the audit line for records written with ``token``, in the records' own transaction."""
    from engagekit.accounts import queries

    def write(connection: Any, detail: dict[str, Any]) -> None:
        queries.write_audit(connection, token.name, AUDITED, council_id, detail, address)

    return write


def _write_one(store: Any, council: Any, row: dict[str, Any], token: Token, address: str) -> dict[str, Any]:
    from engagekit.records.rows import RowProblem, parse_row, record_to_row

    audit = _audit_line(token, council.id, address)
    try:
        record, _ = parse_row(row, council_id=council.id, recorded_by=token.name)
        (stored,) = store.add(council, [record], alongside=lambda connection, added: audit(connection, {"added": 1}))
    except RowProblem as problem:
        lines = [f"record.{column}: {message}" for column, message in problem.problems]
        raise Refused(400, lines[0], lines) from None
    return {"added": 1, "record": _jsonable(record_to_row(stored))}


def _write_list(
    store: Any, council: Any, rows: list[dict[str, Any]], body: bytes, token: Token, address: str
) -> tuple[dict[str, Any], int]:
    from engagekit.records.errors import StoreIntegrityError
    from engagekit.records.rows import SourceRow

    audit = _audit_line(token, council.id, address)
    try:
        result = store.import_rows(
            council,
            [SourceRow(index, row) for index, row in enumerate(rows)],
            source_name=f"api:{token.name}",
            sha256=hashlib.sha256(body).hexdigest(),
            recorded_by=token.name,
            alongside=lambda connection, done: audit(connection, {"added": done.added, "records": done.rows}),
        )
    except StoreIntegrityError as error:
        raise Refused(409, str(error)) from None
    if result.already_imported:
        return {"added": 0, "records": len(rows), "already_written": True}, 200
    if result.problems:
        lines = [f"records[{problem.row}].{problem.column}: {problem.message}" for problem in result.problems]
        if result.more_problems:
            lines.append(f"and {result.more_problems:,} more problems")
        raise Refused(400, f"nothing was written: {lines[0]}", lines)
    return {"added": result.added, "records": result.rows}, 201


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    return {
        key: value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value for key, value in row.items()
    }
