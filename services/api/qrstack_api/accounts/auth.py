"""The authentication middleware of /v1 routes.

Accepts an API key as `Authorization: Bearer …`, `X-API-Key`/`X-Api-Key`, or `?apiKey=`.
A missing, unknown, revoked or expired key is 401 `unauthorized` (one message for all, so a
caller learns nothing about which keys exist); a key used from outside its IP allowlist is 403
`ip_not_allowed`. Public routes (health, metrics, docs) are not behind it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import asyncpg
from aiohttp import web

from qrstack_api.accounts.principal import PRINCIPAL, Principal
from qrstack_api.accounts.secrets import api_key_hash, looks_like_api_key
from qrstack_common.errors import ApiError
from qrstack_common.http import Handler

PUBLIC_PREFIXES = ("/healthz", "/readyz", "/metrics", "/v1/openapi.json", "/v1/docs")
# Credentials are optional here: checked when sent, anonymous (no PRINCIPAL) when not.
OPTIONAL_AUTH_PREFIXES = ("/v1/generate", "/api/generate")

_UNAUTHORIZED = ApiError(
    "unauthorized",
    "Send a valid API key as 'Authorization: Bearer qr_…', 'X-API-Key', or '?apiKey='.",
    headers={"WWW-Authenticate": 'Bearer realm="qrstack"'},
)


def presented_key(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("X-API-Key") or request.query.get("apiKey")


async def authenticate_key(pool: asyncpg.Pool, secret: str, peer: str | None) -> Principal:
    if not looks_like_api_key(secret):
        raise _UNAUTHORIZED
    row: Any = await pool.fetchrow(
        """
        UPDATE api_keys k SET last_used_at = now()
        FROM workspaces w
        WHERE k.key_hash = $1 AND w.id = k.workspace_id
          AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
        RETURNING k.id, k.workspace_id, k.scopes, k.ip_allowlist, w.plan, w.is_test
        """,
        api_key_hash(secret),
    )
    if row is None or row["is_test"] != secret.startswith("qr_test_"):
        raise _UNAUTHORIZED
    if row["ip_allowlist"]:
        address = ipaddress.ip_address(peer) if peer else None
        if address is None or not any(address in net for net in row["ip_allowlist"]):
            raise ApiError("ip_not_allowed", "Request IP Not Whitelisted for this API key.")
    return Principal(
        workspace_id=row["workspace_id"],
        plan=row["plan"],
        key_id=row["id"],
        user_id=None,
        scopes=frozenset(row["scopes"]),
    )


def auth_middleware(pool_of: Any) -> Any:
    """Build the middleware; `pool_of(app)` returns the asyncpg pool."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(PUBLIC_PREFIXES) or not request.path.startswith("/v1/"):
            return await handler(request)
        secret = presented_key(request)
        if not secret:
            if request.path.startswith(OPTIONAL_AUTH_PREFIXES):
                return await handler(request)
            raise _UNAUTHORIZED
        request[PRINCIPAL] = await authenticate_key(pool_of(request.app), secret, request.remote)
        return await handler(request)

    return middleware
