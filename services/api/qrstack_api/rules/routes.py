"""HTTP routes of /v1/codes/{codeId}/routing-rules."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.codes.paths import code_id_of
from qrstack_api.context import POOL
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_api.plans import require_feature
from qrstack_api.rules.model import RoutingRule, RoutingRuleList, RuleCreate, RuleUpdate
from qrstack_api.rules.store import (
    RULE_NOT_FOUND,
    create_rule,
    delete_rule,
    get_rule,
    list_rules,
    update_rule,
)
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import Kind

routes = web.RouteTableDef()

_TAG = "routing rules"
_RULES = "/v1/codes/{code_id}/routing-rules"
_RULE = _RULES + "/{rule_id}"
_RULES_TEXT = (
    "Rules run by priority (lowest first); the first whose conditions all hold decides. "
    "At most 20 rules per code (409 beyond). Creating, changing and deleting rules needs the "
    "Pro plan or higher (402); any plan can read them. A change reaches the redirect service "
    "with the code's next snapshot, published in the same transaction."
)


_KINDS: dict[str, Kind] = {"code_id": "code", "folder_id": "folder", "rule_id": "rule"}


def _path_id(request: web.Request, name: str, not_found: str) -> UUID:
    return path_id(request, name, _KINDS[name], not_found)


def _code_id(request: web.Request) -> UUID:
    return code_id_of(request)


def _rule_id(request: web.Request) -> tuple[UUID, UUID]:
    return _code_id(request), _path_id(request, "rule_id", RULE_NOT_FOUND)


def _writer(request: web.Request) -> Principal:
    principal = principal_of(request)
    require_feature(principal.plan, "routing_rules")
    return principal


@routes.get(_RULES)
@operation(
    summary="List a code's routing rules in evaluation order",
    tag=_TAG,
    responses={200: RoutingRuleList},
    errors=(404,),
    scope="rules:read",
    description=_RULES_TEXT,
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    code_id = _code_id(request)
    rows = await list_rules(request.app[POOL], principal.workspace_id, code_id)
    return json_response(RoutingRuleList(data=[RoutingRule.of(row) for row in rows]))


@routes.post(_RULES)
@operation(
    summary="Add a routing rule to a code (Pro+)",
    tag=_TAG,
    body=RuleCreate,
    responses={201: RoutingRule},
    errors=(400, 402, 404, 409),
    scope="rules:write",
    description=_RULES_TEXT,
)
async def create(request: web.Request) -> web.Response:
    principal = _writer(request)
    code_id = _code_id(request)
    body = await read_model(request, RuleCreate)
    row = await create_rule(request.app[POOL], principal.workspace_id, code_id, body)
    return json_response(RoutingRule.of(row), status=201)


@routes.get(_RULE)
@operation(
    summary="Read a routing rule", tag=_TAG, responses={200: RoutingRule}, errors=(404,),
    scope="rules:read",
)  # fmt: skip
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    code_id, rule_id = _rule_id(request)
    row = await get_rule(request.app[POOL], principal.workspace_id, code_id, rule_id)
    return json_response(RoutingRule.of(row))


@routes.patch(_RULE)
@operation(
    summary="Change a routing rule (Pro+); the result is validated as a whole",
    tag=_TAG,
    body=RuleUpdate,
    responses={200: RoutingRule},
    errors=(400, 402, 404, 409),
    scope="rules:write",
    description=_RULES_TEXT,
)
async def update(request: web.Request) -> web.Response:
    principal = _writer(request)
    code_id, rule_id = _rule_id(request)
    body = await read_model(request, RuleUpdate)
    row = await update_rule(request.app[POOL], principal.workspace_id, code_id, rule_id, body)
    return json_response(RoutingRule.of(row))


@routes.delete(_RULE)
@operation(
    summary="Delete a routing rule (Pro+)",
    tag=_TAG,
    responses={204: None},
    errors=(402, 404, 409),
    scope="rules:write",
)
async def delete(request: web.Request) -> web.Response:
    principal = _writer(request)
    code_id, rule_id = _rule_id(request)
    await delete_rule(request.app[POOL], principal.workspace_id, code_id, rule_id)
    return web.Response(status=204)
