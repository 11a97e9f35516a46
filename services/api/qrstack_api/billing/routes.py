"""HTTP routes of /v1/billing: the workspace's billing state, the public price catalogue and
the signed subscription webhook."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.billing.model import (
    BillingState,
    FileUsage,
    PlanLimits,
    PublicPrices,
    ScanUsage,
    SeatUsage,
    Usage,
    WebhookReceipt,
)
from qrstack_api.billing.signature import HEADER, verify_signature
from qrstack_api.billing.store import apply_event
from qrstack_api.billing.subscriptions import WebhookEvent
from qrstack_api.billing.usage import scan_usage, stored_usage
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.plans import plan_of
from qrstack_api.upstream import UPSTREAM
from qrstack_common import codec
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import json_response, read_bounded, validate

log = logging.getLogger(__name__)

routes = web.RouteTableDef()

_TAG = "billing"
_MAX_WEBHOOK_BYTES = 256 * 1024


@routes.get("/v1/billing")
@operation(
    summary="The workspace's plan, subscription, usage and prices",
    tag=_TAG,
    responses={200: BillingState},
    scope="billing:read",
)
async def billing(request: web.Request) -> web.Response:
    principal = principal_of(request)
    app = request.app
    settings = app[SETTINGS]
    row = await app[POOL].fetchrow(
        "SELECT plan, subscription_status, subscription_current_period_end, trial_ends_at,"
        " trial_ends_at > now() AND subscription_status = 'trialing' AS trialing"
        " FROM workspaces WHERE id = $1",
        principal.workspace_id,
    )
    if row is None:
        raise ApiError("not_found", "Workspace not found.")
    plan = plan_of(row["plan"])
    stored, scans = await asyncio.gather(
        stored_usage(app[POOL], principal.workspace_id),
        scan_usage(
            app[UPSTREAM], settings.analytics_url, principal.workspace_id, datetime.now(UTC)
        ),
    )
    return json_response(
        BillingState(
            workspace_id=principal.workspace_id,
            plan=plan.name,
            subscription_status=row["subscription_status"],
            subscription_current_period_end=row["subscription_current_period_end"],
            trial_ends_at=row["trial_ends_at"],
            pro_trial_active=bool(row["trialing"]),
            codes_count=stored.codes,
            scans_count=scans.all_time,
            usage=Usage(
                scans=ScanUsage(
                    this_month=scans.this_month,
                    month_start=scans.month_start,
                    all_time=scans.all_time,
                ),
                files=FileUsage(count=stored.files, bytes=stored.file_bytes),
                seats=SeatUsage(
                    members=stored.members,
                    pending_invites=stored.pending_invites,
                    used=stored.members + stored.pending_invites,
                ),
            ),
            limits=PlanLimits(
                max_codes=plan.max_codes,
                max_folders=plan.max_folders,
                max_scans_per_month=plan.max_scans_per_month,
                max_storage_bytes=plan.max_storage_bytes,
                max_seats=plan.max_seats,
                features=sorted(plan.features),
            ),
            prices=settings.billing_prices,
        )
    )


@routes.get("/v1/billing/public")
@operation(summary="The public price catalogue (no authentication)", tag=_TAG,
           responses={200: PublicPrices})  # fmt: skip
async def public_prices(request: web.Request) -> web.Response:
    return json_response(
        PublicPrices(prices=request.app[SETTINGS].billing_prices),
        headers={"Cache-Control": "public, max-age=300"},
    )


@routes.post("/v1/billing/webhook")
@operation(
    summary="Subscription webhook (Stripe-signed; no API key)",
    tag=_TAG,
    body=WebhookEvent,
    responses={200: WebhookReceipt},
    errors=(400, 413, 503),
    description=(
        "Verifies the Stripe-Signature header (HMAC-SHA256 of `t.body` with the webhook "
        "secret, 300 s tolerance), then applies customer.subscription.created/updated/deleted "
        "to the workspace named by the subscription's metadata.workspaceId. Each event id is "
        "processed once; redeliveries answer duplicate: true."
    ),
)
async def webhook(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if settings.billing_webhook_secret is None:
        raise ApiError("unavailable", "Billing webhooks are not configured on this server.")
    if request.content_length is not None and request.content_length > _MAX_WEBHOOK_BYTES:
        raise ApiError("file_too_large", f"Webhook bodies are at most {_MAX_WEBHOOK_BYTES} bytes.")
    body = await read_bounded(request.content, _MAX_WEBHOOK_BYTES)
    if len(body) > _MAX_WEBHOOK_BYTES:
        raise ApiError("file_too_large", f"Webhook bodies are at most {_MAX_WEBHOOK_BYTES} bytes.")
    # The signature covers the exact bytes received: verify before parsing anything.
    verify_signature(
        body,
        request.headers.get(HEADER),
        settings.billing_webhook_secret.get_secret_value(),
        now=time.time(),
        tolerance_s=settings.billing_webhook_tolerance_s,
    )
    try:
        data = codec.loads(body)
    except ValueError:
        raise validation_failed([Issue((), "the body is not JSON")]) from None
    event = validate(WebhookEvent, data)
    outcome = await apply_event(request.app[POOL], event, settings.billing_prices)
    log.info(
        "billing webhook",
        extra={"event": event.id, "type": event.type, "applied": outcome.applied,
               "duplicate": outcome.duplicate, "detail": outcome.detail},
    )  # fmt: skip
    return json_response(
        WebhookReceipt(applied=outcome.applied, duplicate=outcome.duplicate, detail=outcome.detail)
    )
