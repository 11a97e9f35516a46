"""Every route of the accounts module: API keys, who the caller is, workspaces, members and
invites."""

from __future__ import annotations

from aiohttp import web

from qrstack_api.accounts import (
    identity_routes,
    invite_routes,
    key_routes,
    member_routes,
    workspace_routes,
)

routes: list[web.AbstractRouteDef] = [
    *key_routes.routes,
    *identity_routes.routes,
    *workspace_routes.routes,
    *member_routes.routes,
    *invite_routes.routes,
]
