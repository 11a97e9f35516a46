"""Each compatibility surface answers errors in its own shape, rendered from the one `ApiError`.

- RecodeQR (`/api/qr-codes…`, `/api/generate`): `{"error", "message"}`, plus `errors` keyed by
  field on 400 (`recodeqr.errors`).
- U2QR (`/api/v1/qrcodes…`): `{"error": "message"}` (`u2qr.errors`).

The middleware sits inside the common error middleware and outside authentication, so a 401,
403 or 429 from the auth layer, the router's 404 and 405 (with `Allow`), a 415 from `read_json`
and an unexpected failure (500 with a request id, logged with its stack trace) all come out in
the surface's shape. Other paths are left to the common envelope.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from qrstack_api.compat.recodeqr.errors import recodeqr_error_body
from qrstack_api.compat.u2qr.errors import u2qr_error_body
from qrstack_common.errors import ApiError
from qrstack_common.http import REQUEST_ID_HEADER, Handler, json_response

log = logging.getLogger(__name__)

ErrorShape = Callable[[ApiError], Mapping[str, Any]]

SURFACES: tuple[tuple[tuple[str, ...], ErrorShape], ...] = (
    (("/api/qr-codes", "/api/generate"), recodeqr_error_body),
    (("/api/v1/qrcodes",), u2qr_error_body),
)


def error_shape(path: str) -> ErrorShape | None:
    """The error shape of the surface `path` belongs to; None for the /v1 envelope."""
    return next((shape for prefixes, shape in SURFACES if path.startswith(prefixes)), None)


@web.middleware
async def compat_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    shape = error_shape(request.path)
    if shape is None:
        return await handler(request)
    request_id = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
    try:
        return await handler(request)
    except ApiError as exc:
        error = exc
    except web.HTTPMethodNotAllowed as exc:
        allow = ", ".join(sorted(exc.allowed_methods))
        error = ApiError(
            "method_not_allowed",
            f"{request.method} is not allowed here; use {allow}.",
            headers={"Allow": allow},
        )
    except web.HTTPNotFound:
        error = ApiError("not_found", f"No route for {request.path}.")
    except web.HTTPRequestEntityTooLarge as exc:
        error = ApiError("file_too_large", exc.text or "Body too large.")
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error", extra={"request_id": request_id, "path": request.path})
        error = ApiError("internal", f"Something failed on our side (request id {request_id}).")
    headers = {**error.headers, REQUEST_ID_HEADER: request_id}
    return json_response(dict(shape(error)), status=error.status, headers=headers)
