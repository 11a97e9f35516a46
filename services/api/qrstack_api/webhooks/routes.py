"""HTTP routes of /v1/webhooks: endpoints, secrets, deliveries, retries, replays, tests."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.webhooks import deliveries, store
from qrstack_api.webhooks.model import (
    DeliveriesQuery,
    Delivery,
    DeliveryList,
    ReplayQueued,
    ReplayRequest,
    SecretRotated,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookUpdate,
)
from qrstack_api.webhooks.urls import check_webhook_url
from qrstack_common.asyncapi import asyncapi_yaml
from qrstack_common.errors import ApiError
from qrstack_common.http import json_response, read_model, validate

routes = web.RouteTableDef()

_TAG = "webhooks"
_ONE = "/v1/webhooks/{webhook_id}"
_ASYNCAPI = asyncapi_yaml()  # the same text as docs/asyncapi.yaml (a test keeps them equal)


def _uuid(request: web.Request, name: str, not_found: str) -> UUID:
    try:
        return UUID(request.match_info[name])
    except ValueError:
        raise ApiError("not_found", not_found) from None


async def _endpoint(request: web.Request, scope: str) -> UUID:
    """The path's endpoint id after checking the scope and that it is the workspace's."""
    principal = principal_of(request)
    principal.require(scope)
    webhook_id = _uuid(request, "webhook_id", store.NOT_FOUND)
    await store.get_webhook(request.app[POOL], principal.workspace_id, webhook_id)
    return webhook_id


@routes.post("/v1/webhooks")
@operation(
    summary="Create a webhook endpoint",
    tag=_TAG,
    body=WebhookCreate,
    responses={201: WebhookCreated},
    errors=(400,),
    scope="webhooks:write",
    description="The URL must be https and resolve to public addresses only. The answer "
    "carries the whsec_ signing secret, shown only this once.",
)
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("webhooks:write")
    body = await read_model(request, WebhookCreate)
    allow_local = request.app[SETTINGS].webhook_allow_local_urls
    url = await check_webhook_url(body.url, allow_local=allow_local)
    row, secret = await store.create_webhook(request.app[POOL], principal.workspace_id, body, url)
    created = WebhookCreated(**Webhook.of(row).model_dump(), secret=secret)
    return json_response(created, status=201)


@routes.get("/v1/webhooks")
@operation(
    summary="List webhook endpoints, oldest first",
    tag=_TAG,
    responses={200: WebhookList},
    scope="webhooks:read",
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("webhooks:read")
    rows = await store.list_webhooks(request.app[POOL], principal.workspace_id)
    return json_response(WebhookList(data=[Webhook.of(row) for row in rows]))


@routes.get(_ONE)
@operation(
    summary="Read a webhook endpoint", tag=_TAG, responses={200: Webhook}, errors=(404,),
    scope="webhooks:read",
)  # fmt: skip
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("webhooks:read")
    webhook_id = _uuid(request, "webhook_id", store.NOT_FOUND)
    row = await store.get_webhook(request.app[POOL], principal.workspace_id, webhook_id)
    return json_response(Webhook.of(row))


@routes.patch(_ONE)
@operation(
    summary="Change a webhook endpoint, or enable/disable it",
    tag=_TAG,
    body=WebhookUpdate,
    responses={200: Webhook},
    errors=(400, 404),
    scope="webhooks:write",
    description="`enabled: false` stops deliveries (pending ones wait); `enabled: true` "
    "resumes them and clears `disabledReason` and `failingSince`.",
)
async def update(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("webhooks:write")
    webhook_id = _uuid(request, "webhook_id", store.NOT_FOUND)
    body = await read_model(request, WebhookUpdate)
    url = None
    if body.url is not None:
        allow_local = request.app[SETTINGS].webhook_allow_local_urls
        url = await check_webhook_url(body.url, allow_local=allow_local)
    row = await store.update_webhook(
        request.app[POOL], principal.workspace_id, webhook_id, body, url
    )
    return json_response(Webhook.of(row))


@routes.delete(_ONE)
@operation(
    summary="Delete a webhook endpoint and its deliveries",
    tag=_TAG,
    responses={204: None},
    errors=(404,),
    scope="webhooks:write",
)
async def delete(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("webhooks:write")
    webhook_id = _uuid(request, "webhook_id", store.NOT_FOUND)
    await store.delete_webhook(request.app[POOL], principal.workspace_id, webhook_id)
    return web.Response(status=204)


@routes.post(f"{_ONE}/rotate-secret")
@operation(
    summary="Rotate the signing secret (the old one stays valid for 24 hours)",
    tag=_TAG,
    responses={200: SecretRotated},
    errors=(404,),
    scope="webhooks:write",
)
async def rotate(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("webhooks:write")
    webhook_id = _uuid(request, "webhook_id", store.NOT_FOUND)
    secret, expires = await store.rotate_secret(
        request.app[POOL], principal.workspace_id, webhook_id
    )
    return json_response(SecretRotated(secret=secret, previous_expires_at=expires))


@routes.post(f"{_ONE}/test")
@operation(
    summary="Send a webhook.test event to this endpoint",
    tag=_TAG,
    responses={202: Delivery},
    errors=(404,),
    scope="webhooks:write",
)
async def test(request: web.Request) -> web.Response:
    webhook_id = await _endpoint(request, "webhooks:write")
    workspace_id = principal_of(request).workspace_id
    delivery = await deliveries.send_test(request.app[POOL], workspace_id, webhook_id)
    return json_response(delivery, status=202)


@routes.get(f"{_ONE}/deliveries")
@operation(
    summary="Deliveries of this endpoint with their attempts, newest first (?cursor, "
    "?limit ≤ 100, ?status)",
    tag=_TAG,
    responses={200: DeliveryList},
    query=DeliveriesQuery,
    errors=(400, 404),
    scope="webhooks:read",
)
async def list_deliveries(request: web.Request) -> web.Response:
    webhook_id = await _endpoint(request, "webhooks:read")
    query = validate(DeliveriesQuery, dict(request.query))
    page, cursor = await deliveries.list_deliveries(
        request.app[POOL], webhook_id, cursor=query.cursor, limit=query.limit, status=query.status
    )
    return json_response(DeliveryList(data=page, next_cursor=cursor))


@routes.get(f"{_ONE}/deliveries/{{delivery_id}}")
@operation(
    summary="One delivery with its attempts",
    tag=_TAG,
    responses={200: Delivery},
    errors=(404,),
    scope="webhooks:read",
)
async def read_delivery(request: web.Request) -> web.Response:
    webhook_id = await _endpoint(request, "webhooks:read")
    delivery_id = _uuid(request, "delivery_id", deliveries.DELIVERY_NOT_FOUND)
    return json_response(await deliveries.get_delivery(request.app[POOL], webhook_id, delivery_id))


@routes.post(f"{_ONE}/deliveries/{{delivery_id}}/retry")
@operation(
    summary="Send a delivery's event again now (one attempt, same webhook-id)",
    tag=_TAG,
    responses={202: Delivery},
    errors=(404,),
    scope="webhooks:write",
)
async def retry(request: web.Request) -> web.Response:
    webhook_id = await _endpoint(request, "webhooks:write")
    delivery_id = _uuid(request, "delivery_id", deliveries.DELIVERY_NOT_FOUND)
    delivery = await deliveries.retry_delivery(request.app[POOL], webhook_id, delivery_id)
    return json_response(delivery, status=202)


@routes.post(f"{_ONE}/replay")
@operation(
    summary="Send again the events of a time range this endpoint was sent",
    tag=_TAG,
    body=ReplayRequest,
    responses={202: ReplayQueued},
    errors=(400, 404),
    scope="webhooks:write",
    description="Each event keeps its id (the webhook-id), so receivers deduplicate. "
    "At most 10,000 events per call; call again from the last one's time for more.",
)
async def replay(request: web.Request) -> web.Response:
    webhook_id = await _endpoint(request, "webhooks:write")
    body = await read_model(request, ReplayRequest)
    count = await deliveries.replay(request.app[POOL], webhook_id, body)
    return json_response(ReplayQueued(replayed=count), status=202)


@routes.get("/v1/asyncapi.yaml")
@operation(
    summary="The AsyncAPI 3.0 document of the Kafka topics and webhook events",
    tag=_TAG,
    responses={200: {"application/yaml": "AsyncAPI 3.0 (the same as docs/asyncapi.yaml)"}},
    auth="none",
)
async def asyncapi(request: web.Request) -> web.Response:
    """The AsyncAPI 3.0 document of the Kafka topics and webhook events (public)."""
    return web.Response(text=_ASYNCAPI, content_type="application/yaml")
