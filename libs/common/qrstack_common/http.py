"""HTTP plumbing shared by every service: JSON responses, body parsing, the error middleware.

The error middleware is the only place an exception becomes a response: `ApiError` becomes
its envelope, aiohttp's own 404/405/413 become ours, and anything else becomes a 500
`internal` carrying the request id (logged with the stack trace, never sent).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import StreamReader, web
from aiohttp.helpers import ETAG_ANY
from pydantic import BaseModel, ValidationError

from qrstack_common import codec
from qrstack_common.errors import ApiError, Issue, issues_from_pydantic, validation_failed

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)

REQUEST_ID_HEADER = "X-Request-Id"


class RequestIds:
    """Request ids unique across processes: a random per-app prefix and a counter (a uuid4
    per request cost more than the rest of a redirect's bookkeeping)."""

    __slots__ = ("_count", "_prefix")

    def __init__(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._count = itertools.count(1)

    def next(self) -> str:
        return f"{self._prefix}{next(self._count):x}"


REQUEST_IDS = web.AppKey("request_ids", RequestIds)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response encoded with the project codec."""
    return web.Response(
        body=codec.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def etag_matches(request: web.Request, etag: str) -> bool:
    """Whether the request's `If-None-Match` (as aiohttp parses it) names `etag` (a quoted
    tag) or is `*`: the weak comparison RFC 9110 prescribes for If-None-Match."""
    tags = request.if_none_match
    if not tags:
        return False
    value = etag.strip('"')
    return any(tag.value in (ETAG_ANY, value) for tag in tags)


def error_response(error: ApiError, request_id: str | None = None) -> web.Response:
    body = error.body()
    if request_id and error.status >= 500:
        body["requestId"] = request_id
    return json_response(body, status=error.status, headers=dict(error.headers))


async def read_bounded(stream: StreamReader, limit: int) -> bytes:
    """The whole body, or its first `limit + 1` bytes when it is longer (so the caller can
    tell "too large"). `StreamReader.read(n)` returns what is buffered, not n bytes: loop."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await stream.read(min(1 << 16, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


async def read_json(request: web.Request, *, max_bytes: int = 1 << 20) -> Any:
    """Read a JSON body. 415 unless the content type is JSON, 413 past `max_bytes`, 400 if
    the body is not valid JSON."""
    if request.content_type not in ("application/json", "") and not request.content_type.endswith(
        "+json"
    ):
        raise ApiError(
            "unsupported_media_type",
            f"Send the body as application/json, not {request.content_type}.",
        )
    if request.content_length is not None and request.content_length > max_bytes:
        raise ApiError("file_too_large", f"The body is larger than {max_bytes} bytes.")
    raw = await read_bounded(request.content, max_bytes)
    if len(raw) > max_bytes:
        raise ApiError("file_too_large", f"The body is larger than {max_bytes} bytes.")
    if not raw.strip():
        raise validation_failed([Issue((), "a JSON body is required")])
    try:
        return codec.loads(raw)
    except ValueError as exc:
        raise validation_failed([Issue((), f"body is not valid JSON: {exc}")]) from exc


async def read_model(request: web.Request, model: type[M], *, max_bytes: int = 1 << 20) -> M:
    """Read and validate a JSON body against a pydantic model; 400 lists every failing field."""
    data = await read_json(request, max_bytes=max_bytes)
    return validate(model, data)


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(issues_from_pydantic(exc.errors(), model)) from exc


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every response a request id and turn every failure into the error envelope."""
    request_id = request.headers.get(REQUEST_ID_HEADER) or request.app[REQUEST_IDS].next()
    try:
        response = await handler(request)
    except ApiError as exc:
        response = error_response(exc, request_id)
    except web.HTTPMethodNotAllowed as exc:
        allow = ", ".join(sorted(exc.allowed_methods))
        response = error_response(
            ApiError(
                "method_not_allowed",
                f"{request.method} is not allowed here; use {allow}.",
                headers={"Allow": allow},
            )
        )
    except web.HTTPNotFound:
        response = error_response(ApiError("not_found", f"No route for {request.path}."))
    except web.HTTPRequestEntityTooLarge as exc:
        response = error_response(ApiError("file_too_large", exc.text or "Body too large."))
    except web.HTTPException as exc:
        if exc.status >= 400:
            raise
        response = exc
    except Exception:
        log.exception("unhandled error", extra={"request_id": request_id, "path": request.path})
        response = error_response(
            ApiError("internal", f"Something failed on our side (request id {request_id})."),
            request_id,
        )
    if not response.prepared:
        response.headers.setdefault(REQUEST_ID_HEADER, request_id)
    return response
