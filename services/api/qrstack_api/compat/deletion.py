"""DELETE of a code through a compatibility surface: the steps both surfaces take."""

from __future__ import annotations

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.store import delete_code
from qrstack_api.compat.identifiers import find_code_by_name
from qrstack_api.context import POOL


async def delete_named_code(request: web.Request, name: str, *, purge: bool) -> web.Response:
    """Delete the workspace's code `name` denotes (404 as `find_code_by_name`) and answer 204;
    `purge` deletes it for good instead of to the recycle bin. Needs `codes:write`."""
    principal = principal_of(request)
    principal.require("codes:write")
    pool = request.app[POOL]
    row = await find_code_by_name(pool, principal.workspace_id, name)
    async with pool.acquire() as conn, conn.transaction():
        await delete_code(conn, principal.workspace_id, row["id"], purge=purge)
    return web.Response(status=204)
