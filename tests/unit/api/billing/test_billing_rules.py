"""The webhook signature check and what each subscription event means for a workspace's plan."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from qrstack_api.billing.settings import DEFAULT_PRICES
from qrstack_api.billing.signature import verify_signature
from qrstack_api.billing.subscriptions import Ignored, WebhookEvent, subscription_change
from qrstack_common.errors import ApiError

SECRET = "whsec_unit"
BODY = b'{"id":"evt_1","type":"customer.subscription.updated"}'
NOW = 1_750_000_000


def signed(body: bytes, t: int, secret: str = SECRET) -> str:
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(header: str | None, body: bytes = BODY, now: float = NOW) -> int:
    return verify_signature(body, header, SECRET, now=now, tolerance_s=300)


def test_a_genuine_signature_passes_and_gives_its_timestamp() -> None:
    assert verify(signed(BODY, NOW - 10)) == NOW - 10
    assert verify(signed(BODY, NOW + 299)) == NOW + 299


def test_any_matching_v1_passes_while_a_secret_is_rolled() -> None:
    old = signed(BODY, NOW, secret="whsec_old").split(",")[1]
    assert verify(f"{signed(BODY, NOW)},{old},v0=ignored") == NOW
    assert verify(f"t={NOW},{old},{signed(BODY, NOW).split(',')[1]}") == NOW


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        (f"v1={'0' * 64}", "no timestamp"),
        ("t=abc,v1=00", "no timestamp"),
        (f"t={NOW}", "no v1 signature"),
        (f"t={NOW},v0={'0' * 64}", "no v1 signature"),
        (f"t={NOW},v1={'0' * 64}", "does not match"),
        (f"t={NOW},v1=é", "does not match"),
        (signed(BODY, NOW, secret="whsec_other"), "does not match"),
        (signed(BODY + b" ", NOW), "does not match"),
        (signed(BODY, NOW - 301), "outside the 300 s tolerance"),
        (signed(BODY, NOW + 301), "outside the 300 s tolerance"),
    ],
)
def test_a_bad_signature_is_400_saying_why(header: str | None, reason: str) -> None:
    with pytest.raises(ApiError) as raised:
        verify(header)
    assert raised.value.status == 400 and reason in raised.value.detail


def test_a_signature_for_another_timestamp_does_not_pass() -> None:
    mac = signed(BODY, NOW - 5).split("v1=")[1]
    with pytest.raises(ApiError):
        verify(f"t={NOW},v1={mac}")


WORKSPACE = uuid.uuid4()


def event(
    kind: str = "updated",
    status: str = "active",
    price: str | None = "price_pro_monthly",
    metadata: dict[str, str] | None = None,
    **fields: Any,
) -> WebhookEvent:
    subscription: dict[str, Any] = {
        "id": "sub_1",
        "object": "subscription",
        "status": status,
        "customer": "cus_1",
        "metadata": {"workspaceId": str(WORKSPACE)} if metadata is None else metadata,
        "items": {"data": [{"price": {"id": price}}] if price else []},
        **fields,
    }
    return WebhookEvent.model_validate(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": f"customer.subscription.{kind}",
            "created": NOW,
            "data": {"object": subscription},
        }
    )


@pytest.mark.parametrize(
    ("kind", "status", "price", "plan"),
    [
        ("created", "active", "price_pro_monthly", "pro"),
        ("updated", "trialing", "price_business_annual", "business"),
        ("updated", "past_due", "price_pro_annual", "pro"),
        ("updated", "incomplete", "price_pro_annual", None),
        ("updated", "canceled", "price_pro_annual", "free"),
        ("updated", "unpaid", "price_pro_annual", "free"),
        ("updated", "incomplete_expired", "price_pro_annual", "free"),
        ("updated", "paused", "price_business_monthly", "free"),
        ("deleted", "active", "price_business_monthly", "free"),
    ],
)
def test_the_plan_follows_the_subscription(
    kind: str, status: str, price: str, plan: str | None
) -> None:
    change = subscription_change(event(kind, status, price), DEFAULT_PRICES)
    assert change.plan == plan and change.workspace_id == WORKSPACE
    assert change.status == ("canceled" if kind == "deleted" else status)
    assert change.subscription_id == "sub_1" and change.customer_id == "cus_1"


def test_the_highest_plan_of_several_items_wins_and_periods_are_read() -> None:
    change = subscription_change(
        event(
            items={
                "data": [
                    {"price": {"id": "price_pro_monthly"}, "current_period_end": NOW + 10},
                    {"price": {"id": "price_business_monthly"}, "current_period_end": NOW + 20},
                ]
            },
            trial_end=NOW + 5,
            customer={"id": "cus_expanded"},
        ),
        DEFAULT_PRICES,
    )
    assert change.plan == "business" and change.customer_id == "cus_expanded"
    assert change.current_period_end == datetime.fromtimestamp(NOW + 20, UTC)
    assert change.trial_ends_at == datetime.fromtimestamp(NOW + 5, UTC)


def test_an_unknown_price_uses_metadata_plan_else_is_ignored() -> None:
    named = event(price="price_elsewhere", metadata={"workspaceId": str(WORKSPACE), "plan": "pro"})
    assert subscription_change(named, DEFAULT_PRICES).plan == "pro"
    with pytest.raises(Ignored, match="not in the catalogue"):
        subscription_change(event(price="price_elsewhere"), DEFAULT_PRICES)


@pytest.mark.parametrize(
    ("built", "reason"),
    [
        (lambda: event(metadata={}), "workspaceId"),
        (lambda: event(metadata={"workspaceId": "ws_abc"}), "workspaceId"),
        (lambda: event(kind="trial_will_end"), "not used"),
    ],
)
def test_events_that_name_no_workspace_or_are_not_used_are_ignored(built: Any, reason: str) -> None:
    with pytest.raises(Ignored, match=reason):
        subscription_change(built(), DEFAULT_PRICES)


def test_a_subscription_without_status_is_400() -> None:
    broken = WebhookEvent.model_validate(
        {
            "id": "evt_x",
            "type": "customer.subscription.updated",
            "created": NOW,
            "data": {"object": {"id": "sub_1", "metadata": {"workspaceId": str(WORKSPACE)}}},
        }
    )
    with pytest.raises(ApiError) as raised:
        subscription_change(broken, DEFAULT_PRICES)
    assert raised.value.code == "validation_failed"
