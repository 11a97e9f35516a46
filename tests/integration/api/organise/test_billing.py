"""Billing: the workspace's state and usage, the public catalogue, and the signed webhook that
changes plans exactly once per event, refusing bad, stale and replayed deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from integration.api.files.conftest import upload_form
from integration.api.organise.conftest import WEBHOOK_SECRET, AnalyticsStandIn
from unit.api.files.samples import pdf_bytes

from support.ids import v1_id

if TYPE_CHECKING:
    from integration.api.organise.conftest import Client, NewWorkspace, Workspace

pytestmark = pytest.mark.infra

PDF = pdf_bytes()


def subscription_event(
    ws: Workspace,
    kind: str = "created",
    status: str = "active",
    price: str = "price_pro_monthly",
    created: int | None = None,
    event_id: str | None = None,
    subscription: str = "sub_1",
) -> bytes:
    now = int(time.time())
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": f"customer.subscription.{kind}",
            "created": created or now,
            "data": {
                "object": {
                    "id": subscription,
                    "object": "subscription",
                    "status": status,
                    "customer": "cus_42",
                    "current_period_end": now + 30 * 86_400,
                    "trial_end": None,
                    "metadata": {"workspaceId": str(ws.id)},
                    "items": {"data": [{"price": {"id": price}}]},
                }
            },
        }
    ).encode()


def signature(body: bytes, t: int | None = None, secret: str = WEBHOOK_SECRET) -> str:
    t = int(time.time()) if t is None else t
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


async def deliver(api: Client, body: bytes, header: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = signature(body) if header is None else header
    response = await api.post("/v1/billing/webhook", data=body, headers=headers)
    return response.status, await response.json()


async def plan_of(ws: Workspace) -> str:
    plan: str = await ws.db.fetchval("SELECT plan FROM workspaces WHERE id = $1", ws.id)
    return plan


async def test_the_billing_page_shows_plan_usage_and_prices(
    new_workspace: NewWorkspace, analytics: AnalyticsStandIn
) -> None:
    ws = await new_workspace(plan="free")
    await ws.code()
    await ws.code()
    gone = await ws.code()
    await ws.ok("DELETE", f"/v1/codes/{gone['id']}", status=204)
    analytics.scans[str(ws.id)] = 3800

    analytics.month[str(ws.id)] = 420

    page = await ws.ok("GET", "/v1/billing")
    assert page["workspaceId"] == v1_id("ws", ws.id) and page["plan"] == "free"
    assert page["codesCount"] == 2 and page["scansCount"] == 3800
    assert page["subscriptionStatus"] is None and page["proTrialActive"] is False
    assert page["limits"] == {
        "maxCodes": 50, "maxFolders": 3, "maxScansPerMonth": None, "maxStorageBytes": None,
        "maxSeats": None, "features": [],
    }  # fmt: skip
    month_start = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    assert page["usage"]["scans"] == {
        "thisMonth": 420, "allTime": 3800, "source": "analytics",
        "monthStart": month_start.isoformat().replace("+00:00", "Z"),
    }  # fmt: skip
    asked = analytics.month_windows[str(ws.id)]
    assert datetime.fromisoformat(asked["start"]) == month_start and asked["tz"] == "UTC"
    assert (datetime.fromisoformat(asked["end"]) - month_start).days in (28, 29, 30, 31)
    assert page["prices"]["pro_monthly"] == {
        "id": "price_pro_monthly",
        "amount": 900,
        "currency": "usd",
        "interval": "month",
        "plan": "pro",
    }


async def test_scans_count_is_null_when_analytics_cannot_answer(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()  # the stand-in answers 503 for workspaces it does not know
    page = await ws.ok("GET", "/v1/billing")
    assert page["scansCount"] is None and page["codesCount"] == 0
    scans = page["usage"]["scans"]
    assert (scans["thisMonth"], scans["allTime"], scans["source"]) == (None, None, "analytics")
    assert page["usage"]["files"] == {"count": 0, "bytes": 0}


async def test_usage_counts_the_files_and_seats_the_workspace_holds(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace(plan="pro")
    pdf, gone = PDF, pdf_bytes((200, 30, 30))
    kept = await ws.ok("POST", "/v1/codes", {"type": "pdf", "pdf": {}}, status=201)
    deleted = await ws.ok("POST", "/v1/codes", {"type": "pdf", "pdf": {}}, status=201)
    for code, content in ((kept, pdf), (deleted, gone)):
        sent = await ws.api.post(
            f"/v1/codes/{code['id']}/pdf-file",
            data=upload_form(content, "application/pdf", "menu.pdf"),
            headers={"Authorization": f"Bearer {ws.key}"},
        )
        assert sent.status == 200, await sent.text()
    await ws.ok("DELETE", f"/v1/codes/{deleted['id']}", status=204)  # its file no longer counts

    owner, editor = uuid.uuid4(), uuid.uuid4()
    for user, role in ((owner, "owner"), (editor, "editor")):
        await ws.db.execute(
            "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, 'unused')",
            user, f"{user.hex}@example.com",
        )  # fmt: skip
        await ws.db.execute(
            "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, $3)",
            user, ws.id, role,
        )  # fmt: skip
    invites = f"/v1/workspaces/{v1_id('ws', ws.id)}/invites"
    made = [await ws.ok("POST", invites, {"role": "viewer"}, status=201) for _ in range(4)]
    await ws.ok("DELETE", f"{invites}/{made[0]['id']}", status=204)  # revoked: no seat
    await ws.db.execute(  # expired: no seat
        "UPDATE invites SET expires_at = now() - interval '1 second' WHERE workspace_id = $1"
        " AND id = (SELECT id FROM invites WHERE workspace_id = $1 AND revoked_at IS NULL"
        " ORDER BY created_at LIMIT 1)",
        ws.id,
    )

    usage = (await ws.ok("GET", "/v1/billing"))["usage"]
    assert usage["files"] == {"count": 1, "bytes": len(pdf)}
    assert usage["seats"] == {"members": 2, "pendingInvites": 2, "used": 4}


async def test_billing_needs_its_scope_but_the_catalogue_is_public(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    status, error = await ws.call("GET", "/v1/billing", key=await ws.key_with(["codes:read"]))
    assert (status, error["error"]) == (403, "forbidden")
    assert (await ws.api.get("/v1/billing")).status == 401
    public = await ws.api.get("/v1/billing/public")
    assert public.status == 200
    assert set((await public.json())["prices"]) == {
        "pro_monthly", "pro_annual", "business_monthly", "business_annual"
    }  # fmt: skip


async def test_subscription_events_change_the_plan_once_each(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace(plan="free")
    created = subscription_event(ws, "created", "trialing", "price_pro_monthly")
    status, receipt = await deliver(ws.api, created)
    assert status == 200 and receipt["applied"] and not receipt["duplicate"]
    assert await plan_of(ws) == "pro"
    page = await ws.ok("GET", "/v1/billing")
    assert page["subscriptionStatus"] == "trialing" and page["plan"] == "pro"
    assert page["subscriptionCurrentPeriodEnd"] is not None

    # A redelivery (same event id, freshly signed) changes nothing, even after a downgrade.
    await ws.db.execute("UPDATE workspaces SET plan = 'free' WHERE id = $1", ws.id)
    status, receipt = await deliver(ws.api, created)
    assert status == 200 and receipt["duplicate"] and not receipt["applied"]
    assert await plan_of(ws) == "free"

    upgraded = subscription_event(ws, "updated", "active", "price_business_annual")
    assert (await deliver(ws.api, upgraded))[1]["applied"]
    assert await plan_of(ws) == "business"
    # Once on business, rules can be written (the plan is read on every request).
    code = await ws.code()
    rule = {"type": "ab", "targetUrl": "https://example.com/b", "weight": 20}
    await ws.ok("POST", f"/v1/codes/{code['id']}/routing-rules", rule, 201)

    deleted = subscription_event(ws, "deleted", "canceled", "price_business_annual")
    assert (await deliver(ws.api, deleted))[1]["applied"]
    assert await plan_of(ws) == "free"
    assert (await ws.ok("GET", "/v1/billing"))["subscriptionStatus"] == "canceled"


async def test_an_older_event_arriving_late_does_not_undo_a_newer_one(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace(plan="free")
    now = int(time.time())
    newer = subscription_event(ws, "updated", "active", "price_business_monthly", created=now)
    older = subscription_event(ws, "updated", "active", "price_pro_monthly", created=now - 60)
    assert (await deliver(ws.api, newer))[1]["applied"]
    status, receipt = await deliver(ws.api, older)
    assert status == 200 and not receipt["applied"] and "newer event" in receipt["detail"]
    assert await plan_of(ws) == "business"
    # The end of a subscription the workspace already left does not downgrade it.
    moved = subscription_event(ws, "created", "active", "price_pro_annual", subscription="sub_2")
    assert (await deliver(ws.api, moved))[1]["applied"]
    old_end = subscription_event(ws, "deleted", "canceled", subscription="sub_1")
    assert not (await deliver(ws.api, old_end))[1]["applied"]
    assert await plan_of(ws) == "pro"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=deadbeef",
        "wrong secret",
        "stale",
        "altered body",
    ],
)
async def test_a_bad_stale_or_altered_delivery_is_400_and_changes_nothing(
    new_workspace: NewWorkspace, header: str
) -> None:
    ws = await new_workspace(plan="free")
    body = subscription_event(ws, "created", "active", "price_business_monthly")
    sent = body
    if header == "wrong secret":
        header = signature(body, secret="whsec_someone_else")
    elif header == "stale":
        header = signature(body, t=int(time.time()) - 301)
    elif header == "altered body":
        header = signature(body)
        sent = body.replace(b"price_business_monthly", b"price_pro_monthly")
    response = await ws.api.post(
        "/v1/billing/webhook", data=sent, headers={"Stripe-Signature": header}
    )
    error = await response.json()
    assert response.status == 400 and error["error"] == "bad_request"
    assert "Stripe-Signature" in error["detail"]
    assert await plan_of(ws) == "free"
    processed = await ws.db.fetchval(
        "SELECT count(*) FROM billing_events WHERE id = $1", json.loads(body)["id"]
    )
    assert processed == 0  # refused before it was recorded: a genuine retry still applies


async def test_a_webhook_for_an_unknown_workspace_is_acknowledged_and_ignored(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    await ws.db.execute("DELETE FROM workspaces WHERE id = $1", ws.id)
    status, receipt = await deliver(ws.api, subscription_event(ws))
    assert status == 200 and not receipt["applied"] and "does not exist" in receipt["detail"]
    status, error = await deliver(ws.api, b"[1, 2]")
    assert status == 400 and error["error"] == "validation_failed"
