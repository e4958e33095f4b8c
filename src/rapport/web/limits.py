"""Admission and body-size limits, applied before any route runs.

- At most ``max_concurrent_requests`` requests are inside the application at once. Each holds
  a database connection and a worker thread; admitting more than the pools hold would make
  requests that already hold a connection wait for a thread held by requests waiting for a
  connection. Waiting requests cost only a coroutine; after 30 s they get 503 + Retry-After.
  Static files and ``/healthz`` skip the queue, so a busy server still answers its monitor.
- A body larger than its limit is refused with 413 as soon as the declared length, or the
  bytes received so far, pass the limit: a 100 MB JSON body is never read whole.
"""

from __future__ import annotations

import asyncio
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ADMISSION_WAIT_SECONDS = 30
UNQUEUED_PREFIXES = ("/static/", "/healthz")


class RequestLimits:
    def __init__(
        self, app: ASGIApp, *, concurrent: int, json_body_bytes: int, upload_bytes: int
    ) -> None:
        self.app = app
        self.json_body_bytes = json_body_bytes
        self.upload_bytes = upload_bytes
        self._admission = asyncio.Semaphore(concurrent)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNQUEUED_PREFIXES):
            await self.app(scope, receive, send)
            return
        limit = self._body_limit(scope)
        declared = _header(scope, b"content-length")
        too_large = declared.isdigit() and int(declared) > limit
        try:
            await asyncio.wait_for(self._admission.acquire(), ADMISSION_WAIT_SECONDS)
        except TimeoutError:
            await _busy(send)
            return
        try:
            await self.app(scope, _counting(receive, limit, refuse=too_large), send)
        finally:
            self._admission.release()

    def _body_limit(self, scope: Scope) -> int:
        if _header(scope, b"content-type").startswith("multipart/form-data"):
            return self.upload_bytes
        return self.json_body_bytes


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1")).strip().lower()
    return ""


def _counting(receive: Receive, limit: int, *, refuse: bool) -> Receive:
    """The app's ``receive``, raising 413 (rendered by the app's error handler, as a page or
    problem+json) once the body passes ``limit`` — at once when the declared length does."""
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        if refuse:
            raise HTTPException(413, _too_large_text(limit))
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, _too_large_text(limit))
        return message

    return wrapped


def _too_large_text(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"The request body is larger than {size}. Send less at once (for files: resize them)."


async def _busy(send: Send) -> None:
    detail = "Rapport is busy with other requests. Nothing was changed; try again in a moment."
    await _problem(send, 503, "Busy, please try again shortly", detail, retry_after=5)


async def _problem(
    send: Send, status: int, title: str, detail: str, *, retry_after: int | None = None
) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": []}
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
