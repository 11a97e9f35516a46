"""The parts of the document every operation shares: the error envelope, the security schemes,
the response headers and the parameters the auth layer reads on every route."""

from __future__ import annotations

from typing import Any

from qrstack_common.errors import STATUS_BY_CODE

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "description": "The envelope of every error.",
    "required": ["error", "detail"],
    "properties": {
        "error": {
            "type": "string",
            "enum": sorted(STATUS_BY_CODE),
            "description": "Machine-readable code.",
        },
        "detail": {"type": "string", "description": "Human-readable sentence."},
        "issues": {
            "type": "array",
            "description": "On 400 validation_failed: every failing field.",
            "items": {
                "type": "object",
                "required": ["path", "message", "code", "reason"],
                "properties": {
                    "path": {
                        "type": "array",
                        "items": {"type": ["string", "integer"]},
                        "description": "Keys and list indexes from the body's root "
                        "(or the query parameter's name).",
                    },
                    "message": {"type": "string"},
                    "code": {"type": "string", "description": "Zod's issue code."},
                    "reason": {"type": "string", "description": "Same as message."},
                },
            },
        },
        "requestId": {"type": "string", "description": "On 5xx: quote it when reporting."},
    },
    "examples": [
        {
            "error": "validation_failed",
            "detail": "wifi.password: must be 8 to 63 characters for WPA",
            "issues": [
                {
                    "path": ["wifi", "password"],
                    "message": "must be 8 to 63 characters for WPA",
                    "code": "custom",
                    "reason": "must be 8 to 63 characters for WPA",
                }
            ],
        }
    ],
}

ERROR_TEXT = {
    400: "Invalid input (validation_failed, with issues)",
    401: "Missing or invalid credentials",
    402: "The plan does not include this (plan_limit_exceeded)",
    403: "Not allowed (scope, IP allowlist, locked account)",
    404: "Not found (or another workspace's)",
    405: "Method not allowed",
    409: "Conflict (e.g. slug_taken)",
    413: "Too large",
    415: "Unsupported media type",
    416: "Range not satisfiable (range_not_satisfiable; Content-Range names the size)",
    429: "Rate limited (see Retry-After)",
    503: "A service behind the API is unavailable",
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: `Authorization: Bearer qr_live_…` (or `qr_test_…`).",
    },
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "apiKeyQuery": {
        "type": "apiKey",
        "in": "query",
        "name": "apiKey",
        "description": "For clients that cannot set headers; the key ends up in logs.",
    },
    "basic": {
        "type": "http",
        "scheme": "basic",
        "description": "A user's email:password; the answer sets the `sessionid` cookie.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "Set by a Basic-authenticated request (14 days).",
    },
}
SECURITY: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]

_INT = {"schema": {"type": "integer"}}
HEADERS: dict[str, Any] = {
    "X-RateLimit-Limit": {"description": "Requests allowed in the window.", **_INT},
    "X-RateLimit-Remaining": {"description": "Requests left in the window.", **_INT},
    "X-RateLimit-Reset": {"description": "Seconds until the window resets.", **_INT},
    "Retry-After": {"description": "Seconds to wait before retrying.", **_INT},
    "X-Request-Id": {
        "description": "The request's id (sent back when the request carried one).",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "The representation's version; send it as If-None-Match for a 304.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "How the answer may be cached.", "schema": {"type": "string"}},
    "Location": {"description": "The URL of the created resource.", "schema": {"type": "string"}},
    "Content-Disposition": {
        "description": "inline or attachment, with the file name.",
        "schema": {"type": "string"},
    },
}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")

WORKSPACE_PARAMETER: dict[str, Any] = {
    "name": "workspaceId",
    "in": "query",
    "required": False,
    "description": "Act on another workspace the credential belongs to (default: its own).",
    "schema": {"type": "string"},
}

PAGINATION = (
    "Lists are cursor-paginated: pass `limit`, and `cursor` set to the previous page's "
    "`nextCursor` until it is null."
)
