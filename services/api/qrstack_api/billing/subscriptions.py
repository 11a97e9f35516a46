"""What a subscription webhook event means for a workspace (pure: no I/O).

Handled: `customer.subscription.created`, `.updated` and `.deleted`. The workspace is named by
the subscription's `metadata.workspaceId`; the plan by the catalogue entry of the
subscription's price (the highest plan if several items), else by `metadata.plan`.

The plan follows the subscription's status: `active`, `trialing` and `past_due` (the
provider is still retrying the payment) hold the paid plan; `incomplete` (first payment not
yet confirmed) leaves the plan as it is; `canceled`, `unpaid`, `incomplete_expired`, `paused`
and a deleted subscription fall back to `free`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.billing.settings import Price
from qrstack_common.http import validate

HANDLED_EVENTS = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
)
PAID_STATUSES = frozenset({"active", "trialing", "past_due"})
PENDING_STATUSES = frozenset({"incomplete"})
_PLAN_RANK = {"pro": 1, "business": 2}


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _PriceRef(_Loose):
    id: str


class _Item(_Loose):
    price: _PriceRef | None = None
    current_period_end: int | None = None  # newer API versions keep the period per item


class _Items(_Loose):
    data: list[_Item] = Field(default_factory=list)


class Subscription(_Loose):
    """The fields of a subscription object that matter here."""

    id: str = Field(min_length=1, max_length=255)
    status: str = Field(min_length=1, max_length=64)
    customer: str | dict[str, Any] | None = None
    current_period_end: int | None = None
    trial_end: int | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    items: _Items = Field(default_factory=_Items)

    def customer_id(self) -> str | None:
        if isinstance(self.customer, dict):
            found = self.customer.get("id")
            return found if isinstance(found, str) else None
        return self.customer

    def period_end(self) -> int | None:
        if self.current_period_end is not None:
            return self.current_period_end
        ends = [item.current_period_end for item in self.items.data if item.current_period_end]
        return max(ends) if ends else None


class WebhookEvent(_Loose):
    """A webhook event: its id (the idempotency key), type, creation time and object."""

    id: str = Field(min_length=1, max_length=255)
    type: str = Field(min_length=1, max_length=255)
    created: int
    data: dict[str, Any]


@dataclass(frozen=True)
class SubscriptionChange:
    """What to store on the workspace. `plan` None: leave the plan as it is."""

    workspace_id: UUID
    plan: str | None
    status: str
    current_period_end: datetime | None
    trial_ends_at: datetime | None
    customer_id: str | None
    subscription_id: str
    deleted: bool
    event_at: datetime


class Ignored(Exception):
    """The event is acknowledged but changes nothing; the message says why."""


def _time(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _plan(subscription: Subscription, prices: Mapping[str, Price]) -> str:
    plan_by_price = {price.id: price.plan for price in prices.values()}
    plans = [
        plan_by_price[item.price.id]
        for item in subscription.items.data
        if item.price is not None and item.price.id in plan_by_price
    ]
    if plans:
        return max(plans, key=_PLAN_RANK.__getitem__)
    named = subscription.metadata.get("plan")
    if named in _PLAN_RANK:
        return named
    raise Ignored("the subscription's price is not in the catalogue and metadata.plan is unset")


def subscription_change(event: WebhookEvent, prices: Mapping[str, Price]) -> SubscriptionChange:
    """The change `event` asks for. Raises `Ignored` for events that change nothing (other
    types, no workspace named, unknown price), 400 `validation_failed` for a subscription
    object without its id or status."""
    if event.type not in HANDLED_EVENTS:
        raise Ignored(f"{event.type} events are not used")
    raw = event.data.get("object")
    if not isinstance(raw, dict):
        raise Ignored("the event carries no subscription object")
    subscription = validate(Subscription, raw)  # 400: the provider shows it as failed
    try:
        workspace_id = UUID(subscription.metadata.get("workspaceId", ""))
    except ValueError:
        raise Ignored("metadata.workspaceId is missing or not a workspace id") from None
    deleted = event.type == "customer.subscription.deleted"
    if deleted or (
        subscription.status not in PAID_STATUSES and subscription.status not in PENDING_STATUSES
    ):
        plan: str | None = "free"
    elif subscription.status in PENDING_STATUSES:
        plan = None
    else:
        plan = _plan(subscription, prices)
    return SubscriptionChange(
        workspace_id=workspace_id,
        plan=plan,
        status="canceled" if deleted else subscription.status,
        current_period_end=_time(subscription.period_end()),
        trial_ends_at=_time(subscription.trial_end),
        customer_id=subscription.customer_id(),
        subscription_id=subscription.id,
        deleted=deleted,
        event_at=datetime.fromtimestamp(event.created, UTC),
    )
