"""The path of one code under /v1/codes (and the id pattern it uses), shared by the routes
of a code: its resource, image, files and analytics."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.ids import path_id
from qrstack_common.ids import PATH_PATTERN

UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
CODE_PATH = f"/v1/codes/{{code_id:{PATH_PATTERN}}}"  # code_… or a bare UUID
CODE_NOT_FOUND = "Code not found."


def code_id_of(request: web.Request) -> UUID:
    """The id in a `CODE_PATH` request's path."""
    return path_id(request, "code_id", "code", CODE_NOT_FOUND)
