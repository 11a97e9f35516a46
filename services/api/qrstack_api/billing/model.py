"""Billing as clients see it (TurtleQR's shape, camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.billing.settings import Price
from qrstack_common.ids import WorkspaceId


class PlanLimits(BaseModel):
    """What the current plan allows (null: unlimited)."""

    model_config = ConfigDict(populate_by_name=True)

    max_codes: int | None = Field(alias="maxCodes")
    max_folders: int | None = Field(alias="maxFolders")
    max_scans_per_month: int | None = Field(
        alias="maxScansPerMonth", description="Scans per calendar month (UTC)."
    )
    max_storage_bytes: int | None = Field(
        alias="maxStorageBytes", description="Bytes of uploaded files."
    )
    max_seats: int | None = Field(alias="maxSeats", description="Members plus pending invites.")
    features: list[str] = Field(description="Pro+ features the plan includes.")


class ScanUsage(BaseModel):
    """Scans counted by the analytics service (every scan the redirect emitted; bots
    excluded, as the workspace's analytics show them). Null figures: analytics did not answer
    within 1.5 s; the rest of the billing state is still given."""

    model_config = ConfigDict(populate_by_name=True)

    this_month: int | None = Field(
        alias="thisMonth", description="Scans since monthStart; null while unreachable."
    )
    month_start: datetime = Field(
        alias="monthStart", description="The first instant of the current calendar month, UTC."
    )
    all_time: int | None = Field(
        alias="allTime", description="All-time scans (= scansCount); null while unreachable."
    )
    source: Literal["analytics"] = Field(
        default="analytics", description="Where the figures come from."
    )


class FileUsage(BaseModel):
    """Files uploaded to the workspace's codes that are not deleted (PDF and image pages)."""

    count: int
    bytes: int


class SeatUsage(BaseModel):
    """Seats: members, plus pending invites (each takes a seat when it is accepted)."""

    model_config = ConfigDict(populate_by_name=True)

    members: int
    pending_invites: int = Field(alias="pendingInvites")
    used: int = Field(description="members + pendingInvites")


class Usage(BaseModel):
    """What the workspace uses, to set against `limits`."""

    scans: ScanUsage
    files: FileUsage
    seats: SeatUsage


class BillingState(BaseModel):
    """The workspace's plan, subscription, usage and the price catalogue."""

    model_config = ConfigDict(populate_by_name=True)

    workspace_id: WorkspaceId = Field(alias="workspaceId")
    plan: str
    subscription_status: str | None = Field(alias="subscriptionStatus")
    subscription_current_period_end: datetime | None = Field(alias="subscriptionCurrentPeriodEnd")
    trial_ends_at: datetime | None = Field(alias="trialEndsAt")
    pro_trial_active: bool = Field(alias="proTrialActive")
    codes_count: int = Field(alias="codesCount", description="Codes that are not deleted.")
    scans_count: int | None = Field(
        alias="scansCount", description="All-time scans; null while analytics is unreachable."
    )
    usage: Usage
    limits: PlanLimits
    prices: dict[str, Price]


class PublicPrices(BaseModel):
    """The price catalogue."""

    prices: dict[str, Price]


class WebhookReceipt(BaseModel):
    """What the webhook did with the event (any 200 stops the provider's retries)."""

    received: bool = True
    applied: bool = Field(description="The event changed the workspace's subscription.")
    duplicate: bool = Field(description="The event id was already processed.")
    detail: str
