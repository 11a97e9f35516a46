"""Every route of the accounts module: API keys, and who the caller is."""

from __future__ import annotations

from aiohttp import web

from qrstack_api.accounts import identity_routes, key_routes, workspace_routes

routes: list[web.AbstractRouteDef] = [
    *key_routes.routes,
    *identity_routes.routes,
    *workspace_routes.routes,
]
