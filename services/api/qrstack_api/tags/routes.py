"""HTTP route of /v1/tags."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.accounts.principal import principal_of
from qrstack_api.context import POOL
from qrstack_api.openapi import operation
from qrstack_api.paging import LIST_END
from qrstack_common.http import json_response

routes = web.RouteTableDef()

# One pass over the workspace's codes (the GIN index on tags serves tag filters, not this
# aggregate); deleted codes do not count.
_TAG_COUNTS = """
    SELECT tag, count(*) AS code_count
    FROM codes, unnest(tags) AS tag
    WHERE workspace_id = $1 AND status <> 'deleted'
    GROUP BY tag
    ORDER BY code_count DESC, tag
"""


class TagCount(BaseModel):
    """A tag and how many codes carry it."""

    model_config = ConfigDict(populate_by_name=True)

    tag: str
    code_count: int = Field(alias="codeCount")


class TagList(BaseModel):
    """Every tag of the workspace, most used first (ties by name)."""

    data: list[TagCount]
    next_cursor: str | None = LIST_END


@routes.get("/v1/tags")
@operation(
    summary="List the workspace's tags with their code counts",
    tag="tags",
    responses={200: TagList},
    scope="codes:read",
    description="Counts exclude deleted codes; sorted by count (descending), then by name.",
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    rows = await request.app[POOL].fetch(_TAG_COUNTS, principal.workspace_id)
    return json_response(
        TagList(data=[TagCount(tag=r["tag"], code_count=r["code_count"]) for r in rows])
    )
