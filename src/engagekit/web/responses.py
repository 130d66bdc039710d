"""Responses the routers share: ETags on GETs, problem details (RFC 9457) and error pages.

An ETag is the SHA-256 of the body, so it changes exactly when the body does; a request whose
``If-None-Match`` names it gets ``304 Not Modified`` with no body. Errors in the JSON API and
the Open Referral UK API are problem details (``application/problem+json``: type, title,
status, detail); errors on pages are an HTML page saying the same in one line.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

PROBLEM = "application/problem+json"
TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 503: "Service unavailable"}


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def tagged(
    request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None, tag: str | None = None
) -> Response:
    """``body`` with its ETag, or ``304`` when the client already has it.

    ``tag`` is ``body``'s ETag where it was made once and kept (:meth:`engagekit.web.state.Built.body`),
    so a cached answer is not hashed again on every request."""
    tag = tag or etag(body)
    given = request.headers.get("if-none-match")
    if given and (tag in {part.strip().removeprefix("W/") for part in given.split(",")} or given.strip() == "*"):
        return Response(status_code=304, headers={"etag": tag, **(headers or {})})
    return Response(body, media_type=media_type, headers={"etag": tag, **headers} if headers else {"etag": tag})


def json_body(value: Any) -> bytes:
    """JSON as the API writes it: UTF-8, no NaN or Infinity (they are not JSON)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def tagged_json(request: Request, value: Any) -> Response:
    return tagged(request, json_body(value), "application/json")


def problem(status: int, detail: str) -> Response:
    """An RFC 9457 problem: ``about:blank`` with the status's title and the one-line detail."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    return Response(json_body(body), status_code=status, media_type=PROBLEM)


def wants_problem(request: Request) -> bool:
    """Whether an error on this path is answered as problem details rather than a page."""
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or "/oruk" in path
