"""Security headers on every response, ``HEAD`` wherever ``GET`` is, and one JSON line of access
log per request.

All three are done by one plain ASGI layer, the outermost (no buffering of the body; per request, a
few header lines and, with the log on, one line written): each layer of middleware costs every
request a wrapper of its own, so the two share one. The content security policy allows no
script at all and only the service's own stylesheets, images and form targets;
``frame-ancestors 'none'`` keeps the pages out of frames. A response may bring its own policy
(the HTML report download allows its one inline stylesheet by hash), which is then kept. HSTS is
sent only when the public base URL is ``https``: a service reached over plain HTTP must not tell
browsers to insist on TLS it does not have.

A ``HEAD`` request is passed on as a ``GET`` and its answer's body left out (RFC 9110 9.3.2: the
same status and headers, ``Content-Length`` and ``ETag`` included, and no body). Adding ``HEAD`` to
each route instead would put a ``head`` operation beside every ``get`` in the OpenAPI document.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


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


def to_stderr(line: str) -> None:
    """Write one access-log line to standard error (line-buffered: one write per line)."""
    sys.stderr.write(line)


class Frame:
    """Adds :func:`security_headers` to every HTTP response that does not set its own, and, when
    given ``log``, passes it each request's access-log line (:func:`access_line`)."""

    def __init__(self, app: ASGIApp, *, https: bool, log: Callable[[str], object] | None = None) -> None:
        self.app = app
        self.headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in security_headers(https=https)
        ]
        self.names = frozenset(name for name, _ in self.headers)
        self.log = log
        self._second = -1
        self._stamp = ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        sent = 0
        head = scope["method"] == "HEAD"
        inner = {**scope, "method": "GET"} if head else scope

        async def sending(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                given = message.get("headers") or []
                if status == 405:
                    given = _allowing_head(given)
                names = self.names
                if any(name.lower() in names for name, _ in given):
                    present = {name.lower() for name, _ in given}
                    message["headers"] = [*given, *((n, v) for n, v in self.headers if n not in present)]
                else:
                    message["headers"] = [*given, *self.headers]
            elif message["type"] == "http.response.body":
                if head:
                    message = {**message, "body": b""}
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(inner, receive, sending)
        finally:
            if self.log is not None:
                self.log(self.access_line(scope, status, sent, time.perf_counter() - started))

    def access_line(self, scope: Scope, status: int, sent: int, seconds: float) -> str:
        """One request as a JSON object on a line: time (UTC, to the second), method, path,
        status, bytes of body sent, milliseconds taken and the client's address.

        The query string is left out (it holds nothing but an as-of date today; later, it could
        hold what should not be logged), and so is the client's address unless the server gives
        it. Made with one format string and the time's text kept for the second it names: the
        ``logging`` module's record, formatter and handler cost more than the rest of a cached
        request's own work."""
        now = int(time.time())
        if now != self._second:
            self._stamp, self._second = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)), now
        client = scope.get("client")
        address = _string(str(client[0])) if client else "null"
        return (
            f'{{"time": "{self._stamp}", "method": {_string(str(scope.get("method")))}, '
            f'"path": {_string(str(scope.get("path")))}, "status": {int(status)}, '
            f'"bytes": {sent}, "ms": {round(seconds * 1000, 1)}, "client": {address}}}\n'
        )


def _string(text: str) -> str:
    """``text`` as a JSON string, as ``json.dumps(text, ensure_ascii=False)`` writes it (quoted as
    it is when nothing in it needs escaping, as in nearly every path)."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _allowing_head(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A 405's headers, its ``Allow`` naming ``HEAD`` wherever it names ``GET`` (this layer answers it)."""
    result = []
    for name, value in headers:
        if name.lower() == b"allow":
            methods = [method.strip() for method in value.split(b",")]
            if b"GET" in methods and b"HEAD" not in methods:
                value = b", ".join([*methods, b"HEAD"])
        result.append((name, value))
    return result
