"""HTTP routes of /v1/api-keys.

Keys are managed within the caller's workspace: another workspace's key is 404. Nobody hands
out more than they hold: a new key's scopes must be within the caller's, and changing or
revoking a key needs every scope that key holds (so a narrow key cannot, say, lift a broad
key's IP allowlist). The secret is in the 201 answer to POST and nowhere else, ever.
"""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_network
from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.api_keys import (
    MAX_KEYS_PER_WORKSPACE,
    IPNetwork,
    create_key,
    get_key,
    list_keys,
    revoke_key,
    update_key,
)
from qrstack_api.accounts.model import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyUpdate,
    ApiKeyView,
)
from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.context import POOL
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_common.errors import ApiError, Issue, not_found, validation_failed
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import PATH_PATTERN

_KEY = f"/v1/api-keys/{{key_id:{PATH_PATTERN}}}"

routes = web.RouteTableDef()


def _key_view(row: Any) -> dict[str, Any]:
    expires_at = row["expires_at"]
    view = ApiKeyView(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        mode="test" if row["prefix"].startswith("qr_test_") else "live",
        scopes=list(row["scopes"]),
        ip_allowlist=[str(net) for net in row["ip_allowlist"] or ()],
        expires_at=expires_at,
        status="expired"
        if expires_at is not None and expires_at <= datetime.now(UTC)
        else "active",
        last_used_at=row["last_used_at"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        account_wide=row["account_wide"],
    )
    return view.model_dump(mode="json", by_alias=True)


def _networks(cidrs: list[str] | None) -> list[IPNetwork] | None:
    return None if not cidrs else [ip_network(c) for c in cidrs]


def _require_grantable(principal: Principal, scopes: list[str], field: str) -> None:
    beyond = [s for s in scopes if not principal.can_grant([s])]
    if beyond:
        raise ApiError(
            "forbidden",
            f"{field}: you cannot grant {', '.join(repr(s) for s in beyond)}; a key's scopes "
            "must be within your own.",
        )


def _key_id(request: web.Request) -> UUID:
    return path_id(request, "key_id", "key", "API key not found.")


async def _manageable_key(request: web.Request, principal: Principal) -> Any:
    row = await get_key(request.app[POOL], principal.workspace_id, _key_id(request))
    if row is None:
        raise not_found("API key")
    if not principal.can_grant(row["scopes"]):
        raise ApiError(
            "forbidden",
            "This key holds scopes you do not; only a caller holding all of them may change "
            "or revoke it.",
        )
    return row


@routes.post("/v1/api-keys")
@operation(
    summary="Create an API key (its secret is shown once)",
    tag="api-keys",
    body=ApiKeyCreate,
    responses={201: ApiKeyCreated},
    errors=(400, 409),
    scope="keys:write",
)
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, ApiKeyCreate)
    workspace_mode = "test" if principal.is_test else "live"
    if body.mode is not None and body.mode != workspace_mode:
        raise validation_failed(
            [
                Issue(
                    ("mode",),
                    f"this is a {workspace_mode} workspace: its keys are {workspace_mode} keys",
                )
            ]
        )
    _require_grantable(principal, body.scopes, "scopes")
    if body.account_wide and principal.acting_user is None:
        raise validation_failed(
            [Issue(("accountWide",), "only a key issued by a user can act on that user's "
                   "workspaces")]
        )  # fmt: skip
    row, secret = await create_key(
        request.app[POOL],
        workspace_id=principal.workspace_id,
        name=body.name,
        scopes=sorted(set(body.scopes)),
        ip_allowlist=_networks(body.ip_allowlist),
        expires_at=body.expires_at,
        test=principal.is_test,
        created_by=principal.acting_user,
        account_wide=body.account_wide,
    )
    if row is None:
        raise ApiError(
            "conflict",
            f"This workspace already has {MAX_KEYS_PER_WORKSPACE} API keys; revoke one first.",
        )
    return json_response({**_key_view(row), "secret": secret}, status=201)


@routes.get("/v1/api-keys")
@operation(
    summary="List the workspace's API keys",
    tag="api-keys",
    responses={200: ApiKeyList},
    scope="keys:read",
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    rows = await list_keys(request.app[POOL], principal.workspace_id)
    return json_response({"data": [_key_view(row) for row in rows], "nextCursor": None})


@routes.get(_KEY)
@operation(
    summary="Read an API key",
    tag="api-keys",
    responses={200: ApiKeyView},
    errors=(404,),
    scope="keys:read",
)
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    row = await get_key(request.app[POOL], principal.workspace_id, _key_id(request))
    if row is None:
        raise not_found("API key")
    return json_response(_key_view(row))


@routes.patch(_KEY)
@operation(
    summary="Change an API key's name, scopes, IP allowlist or expiry",
    tag="api-keys",
    body=ApiKeyUpdate,
    responses={200: ApiKeyView},
    errors=(400, 404),
    scope="keys:write",
)
async def patch(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, ApiKeyUpdate)
    sent = body.model_fields_set
    issues = [
        Issue((field,), "cannot be null")
        for field in ("name", "scopes")
        if field in sent and getattr(body, field) is None
    ]
    if issues:
        raise validation_failed(issues)
    await _manageable_key(request, principal)
    changes: dict[str, Any] = {}
    if "name" in sent:
        changes["name"] = body.name
    if body.scopes is not None:
        _require_grantable(principal, body.scopes, "scopes")
        changes["scopes"] = sorted(set(body.scopes))
    if "ip_allowlist" in sent:
        changes["ip_allowlist"] = _networks(body.ip_allowlist)
    if "expires_at" in sent:
        changes["expires_at"] = body.expires_at
    row = await update_key(request.app[POOL], principal.workspace_id, _key_id(request), changes)
    if row is None:
        raise not_found("API key")
    return json_response(_key_view(row))


@routes.delete(_KEY)
@operation(
    summary="Revoke an API key (it stops working at once)",
    tag="api-keys",
    responses={204: None},
    errors=(404,),
    scope="keys:write",
)
async def revoke(request: web.Request) -> web.Response:
    principal = principal_of(request)
    await _manageable_key(request, principal)
    if not await revoke_key(request.app[POOL], principal.workspace_id, _key_id(request)):
        raise not_found("API key")
    return web.Response(status=204)
