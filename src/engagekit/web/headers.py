"""Security headers on every response, and one JSON line of access log per request.

Both are plain ASGI middleware (no buffering of the body, nothing per request but a few header
lines). The content security policy allows no script at all and only the service's own
stylesheets, images and form targets; ``frame-ancestors 'none'`` keeps the pages out of frames.
A response may bring its own policy (the HTML report download allows its one inline stylesheet
by hash), which is then kept. HSTS is sent only when the public base URL is ``https``: a
service reached over plain HTTP must not tell browsers to insist on TLS it does not have.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
ACCESS_LOGGER = "engagekit.web.access"


def security_headers(*, https: bool) -> list[tuple[str, str]]:
    """The headers every response carries (HSTS only when served over ``https``)."""
    headers = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ]
    if https:
        headers.append(("strict-transport-security", HSTS))
    return headers


class SecurityHeaders:
    """Adds :func:`security_headers` to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in security_headers(https=https)
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, sending)


class AccessLog:
    """Logs each request as one JSON object on a line: method, path, status, bytes, milliseconds.

    The query string is left out (it holds nothing but an as-of date today; later, it could hold
    what should not be logged), and so is the client's address unless the server gives it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 500, "bytes": 0}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                state["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if self.logger.isEnabledFor(logging.INFO):
                client = scope.get("client")
                entry = {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": state["status"],
                    "bytes": state["bytes"],
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": client[0] if client else None,
                }
                self.logger.info(json.dumps(entry, ensure_ascii=False))


def log_to_stderr() -> None:
    """Send the access log to standard error as bare JSON lines (once per process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if any(getattr(handler, "engagekit", False) for handler in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    setattr(handler, "engagekit", True)  # noqa: B010 (a marker, so a second app adds no second handler)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
