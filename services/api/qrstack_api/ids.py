"""Ids in /v1 paths. The spelling itself (`code_` + 32 hex digits, bare UUIDs still read) is
`qrstack_common.ids`, shared with the webhook events."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_common.errors import ApiError
from qrstack_common.ids import Kind, parse_id


def path_id(request: web.Request, name: str, kind: Kind, not_found: str) -> UUID:
    """The id in the path segment `name`, as an id of `kind`; 404 `not_found` otherwise (an
    id of another kind names nothing here)."""
    parsed = parse_id(kind, request.match_info[name])
    if parsed is None:
        raise ApiError("not_found", not_found)
    return parsed
