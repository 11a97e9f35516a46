"""The path of one code under /v1/codes, shared by its resource, image and analytics routes."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
CODE_PATH = f"/v1/codes/{{code_id:{_UUID}}}"


def code_id_of(request: web.Request) -> UUID:
    """The id in a `CODE_PATH` request's path."""
    return UUID(request.match_info["code_id"])
