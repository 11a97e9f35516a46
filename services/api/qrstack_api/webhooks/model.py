"""Webhook endpoints, deliveries and attempts as clients send and see them (camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qrstack_api.updates import refuse_cleared
from qrstack_common.activity import EVENT_TYPES, EventType
from qrstack_common.ids import CodeId, FolderId

EventName = EventType


def _events(value: list[str]) -> list[str]:
    return sorted(set(value))


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class WebhookCreate(_Body):
    """POST /v1/webhooks body."""

    url: str = Field(description="https:// URL on a public address.")
    events: list[EventName] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(None, max_length=500)
    code_ids: list[CodeId] | None = Field(
        None, alias="codeIds", max_length=100, description="Only events of these codes."
    )
    folder_ids: list[FolderId] | None = Field(
        None, alias="folderIds", max_length=100, description="Only events of codes in these."
    )
    include_bots: bool = Field(
        False, alias="includeBots", description="scan.created for bot scans too."
    )
    batch_size: int = Field(
        1,
        alias="batchSize",
        ge=1,
        le=100,
        description="Above 1: scan.created events are sent up to this many per request.",
    )

    _check_events = field_validator("events")(_events)


class WebhookUpdate(_Body):
    """PATCH /v1/webhooks/{id} body: only what is sent changes; `enabled` false disables,
    true re-enables (and clears a disabled reason)."""

    url: str | None = None
    events: list[EventName] | None = Field(None, min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(None, max_length=500)
    code_ids: list[CodeId] | None = Field(None, alias="codeIds", max_length=100)
    folder_ids: list[FolderId] | None = Field(None, alias="folderIds", max_length=100)
    include_bots: bool | None = Field(None, alias="includeBots")
    batch_size: int | None = Field(None, alias="batchSize", ge=1, le=100)
    enabled: bool | None = None

    @field_validator("events")
    @classmethod
    def _check_events(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _events(value)

    @model_validator(mode="after")
    def _not_cleared(self) -> WebhookUpdate:
        refuse_cleared(
            self,
            (
                "url",
                "events",
                ("include_bots", "includeBots"),
                ("batch_size", "batchSize"),
                "enabled",
            ),
        )
        return self


class Webhook(BaseModel):
    """A webhook endpoint (its secret is shown only when created or rotated)."""

    model_config = ConfigDict(populate_by_name=True)

    id: UUID
    url: str
    description: str | None
    events: list[str]
    code_ids: list[CodeId] | None = Field(alias="codeIds")
    folder_ids: list[FolderId] | None = Field(alias="folderIds")
    include_bots: bool = Field(alias="includeBots")
    batch_size: int = Field(alias="batchSize")
    enabled: bool
    disabled_reason: Literal["manual", "failing", "gone"] | None = Field(
        alias="disabledReason",
        description="manual: disabled by a user; failing: every attempt failed for 3 days; "
        "gone: the endpoint answered 410.",
    )
    disabled_at: datetime | None = Field(alias="disabledAt")
    failing_since: datetime | None = Field(
        alias="failingSince", description="First failed attempt since the last success."
    )
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def of(cls, row: Any) -> Webhook:
        return cls(
            id=row["id"],
            url=row["url"],
            description=row["description"],
            events=list(row["events"]),
            code_ids=row["code_ids"],
            folder_ids=row["folder_ids"],
            include_bots=row["include_bots"],
            batch_size=row["batch_size"],
            enabled=row["enabled"],
            disabled_reason=row["disabled_reason"],
            disabled_at=row["disabled_at"],
            failing_since=row["failing_since"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class WebhookCreated(Webhook):
    secret: str = Field(description="whsec_… signing secret: shown only now.")


class WebhookList(BaseModel):
    data: list[Webhook]


class SecretRotated(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    secret: str = Field(description="The new whsec_… secret: shown only now.")
    previous_expires_at: datetime = Field(
        alias="previousExpiresAt",
        description="Until then deliveries carry both signatures (old and new).",
    )


class Attempt(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    attempted_at: datetime = Field(alias="attemptedAt")
    status_code: int | None = Field(alias="statusCode", description="None: no HTTP answer.")
    error: str | None
    latency_ms: int = Field(alias="latencyMs")
    response_body: str | None = Field(alias="responseBody", description="First 1 KiB.")


class Delivery(BaseModel):
    """One event to one endpoint, with every attempt made."""

    model_config = ConfigDict(populate_by_name=True)

    id: UUID
    event_id: UUID = Field(alias="eventId", description="Also the webhook-id header.")
    event_type: str = Field(alias="eventType")
    reason: Literal["event", "retry", "replay", "test"]
    status: Literal["pending", "delivered", "failed"]
    attempt_count: int = Field(alias="attemptCount")
    next_attempt_at: datetime | None = Field(alias="nextAttemptAt")
    last_status: int | None = Field(alias="lastStatus")
    last_error: str | None = Field(alias="lastError")
    created_at: datetime = Field(alias="createdAt")
    delivered_at: datetime | None = Field(alias="deliveredAt")
    attempts: list[Attempt]


class DeliveryList(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    data: list[Delivery]
    next_cursor: str | None = Field(alias="nextCursor")


class ReplayRequest(_Body):
    """Send again every event this endpoint was sent that happened in [since, until)."""

    since: datetime
    until: datetime
    status: Literal["all", "failed"] = Field(
        "all", description="failed: only events whose delivery failed."
    )

    @model_validator(mode="after")
    def _range(self) -> ReplayRequest:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("since and until need a timezone")
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self


class ReplayQueued(BaseModel):
    replayed: int = Field(description="Deliveries queued (at most 10,000 per replay).")


class DeliveriesQuery(BaseModel):
    """`GET /v1/webhooks/{id}/deliveries` parameters."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = None
    status: Literal["pending", "delivered", "failed"] | None = None
