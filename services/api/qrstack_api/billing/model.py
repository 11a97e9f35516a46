"""Billing as clients see it (TurtleQR's shape, camelCase JSON)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.billing.settings import Price
from qrstack_common.ids import WorkspaceId


class PlanLimits(BaseModel):
    """What the current plan allows (null: unlimited)."""

    model_config = ConfigDict(populate_by_name=True)

    max_codes: int | None = Field(alias="maxCodes")
    max_folders: int | None = Field(alias="maxFolders")
    features: list[str] = Field(description="Pro+ features the plan includes.")


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
