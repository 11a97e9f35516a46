"""Outgoing events: the webhook event types, their versioned envelope and data schemas, and the
`qr.events.v1` topic that carries the events no other topic carries.

Every webhook delivery's body is an `Envelope`: `{"id", "type", "timestamp", "data"}` (the
Standard Webhooks payload shape, plus `id`, which is also the `webhook-id` header and the
idempotency key). `data` is one of the `*Data` models below, in camelCase as the REST API
speaks. No payload ever carries a scanner's IP address (not even the optional prefix).

Where each type comes from:
- `scan.created`       `qr.scans.v2` and `qr.scans.v1` (the redirect service; read with
                       `scan_wire.decode_scan`), counted scans of a code only.
- `code.created|updated|deleted`  `qr.codes.v1` (the API's outbox): version 1 is a creation,
                       status `deleted` a deletion, anything else an update.
- `code.cap_reached`, `form.submitted`  `qr.events.v1`, written by PostgreSQL triggers on
                       `scan_caps` and `form_submissions` into the API's outbox (the redirect
                       service only writes those tables), value = `ActivityEvent` JSON.
- `webhook.disabled`   the delivery worker, when it disables an endpoint.
- `webhook.test`       the API's "send a test event" route (only to that endpoint).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from qrstack_common.events import AwareDatetime, CodeSnapshot, Device, ScanEvent, ScanOutcome
from qrstack_common.ids import CodeId, RuleId, WorkspaceId
from qrstack_common.scan_wire import Scan

EVENTS_TOPIC = "qr.events.v1"
ENVELOPE_VERSION = 1

EventType = Literal[
    "scan.created",
    "code.created",
    "code.updated",
    "code.deleted",
    "code.cap_reached",
    "form.submitted",
    "webhook.disabled",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]
TEST_EVENT_TYPE = "webhook.test"

# Scans that count (as in every analytics total and the scans list): a password gate shown or
# an unknown slug is not a scan of a code.
_UNCOUNTED: frozenset[ScanOutcome] = frozenset({"password_required", "not_found"})

# uuid5 namespace of the ids of events derived from code snapshots (one id per code version).
_CODE_EVENT_NAMESPACE = UUID("6f1f9a3e-3c1b-4c1a-9b0e-7a1e5f0d2c11")


def is_counted(event: Scan | ScanEvent) -> bool:
    return event.code_id is not None and event.outcome not in _UNCOUNTED


class _Data(BaseModel):
    model_config = ConfigDict(
        frozen=True, populate_by_name=True, alias_generator=to_camel, extra="forbid"
    )


class ScanData(_Data):
    """One scan, as in `GET /v1/codes/{id}/scans` (`data[]`), plus its code and workspace."""

    scanned_at: str = Field(description="When the scan was answered (RFC 3339 UTC, ms).")
    country: str | None
    region: str | None
    city: str | None
    device: Device
    os: str | None
    browser: str | None
    referer: str | None = Field(description="Host of the Referer only.")
    scan_id: UUID
    outcome: ScanOutcome
    language: str | None
    is_bot: bool
    bot_reason: str | None
    rule_id: RuleId | None
    variant: str | None
    target: str | None
    domain: str
    slug: str
    code_id: CodeId
    workspace_id: WorkspaceId

    @classmethod
    def of(cls, event: Scan | ScanEvent) -> ScanData:
        assert event.code_id is not None and event.workspace_id is not None
        return cls(
            scanned_at=event.ts.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            country=event.country,
            region=event.region,
            city=event.city,
            device=event.device,
            os=event.os,
            browser=event.browser,
            referer=event.referrer,
            scan_id=event.scan_id,
            outcome=event.outcome,
            language=event.language,
            is_bot=event.is_bot,
            bot_reason=event.bot_reason,
            rule_id=event.rule_id,
            variant=event.variant,
            target=event.target,
            domain=event.domain,
            slug=event.slug,
            code_id=event.code_id,
            workspace_id=event.workspace_id,
        )


class CodeData(_Data):
    """A code as it is after the change (what scans of it do; no password hash)."""

    id: CodeId
    workspace_id: WorkspaceId
    domain: str | None
    slug: str
    type: str
    dynamic: bool
    status: Literal["active", "suspended", "deleted"]
    target_url: str | None
    fallback_url: str | None
    active_from: AwareDatetime | None
    expires_at: AwareDatetime | None
    max_scans: int | None
    password_protected: bool
    scan_tracking: bool
    rule_count: int
    version: int
    updated_at: AwareDatetime

    @classmethod
    def of(cls, code: CodeSnapshot) -> CodeData:
        return cls(
            id=code.id,
            workspace_id=code.workspace_id,
            domain=code.domain,
            slug=code.slug,
            type=code.type,
            dynamic=code.dynamic,
            status=code.status,
            target_url=code.target_url,
            fallback_url=code.fallback_url,
            active_from=code.active_from,
            expires_at=code.expires_at,
            max_scans=code.max_scans,
            password_protected=code.password_hash is not None,
            scan_tracking=code.scan_tracking,
            rule_count=len(code.rules),
            version=code.version,
            updated_at=code.updated_at,
        )


class CapReachedData(_Data):
    """A code's scan cap was used up by the scan just counted."""

    code_id: CodeId
    workspace_id: WorkspaceId
    max_scans: int
    used: int
    reached_at: AwareDatetime


class FormSubmittedData(_Data):
    """Answers posted to a hosted form page, by field id."""

    submission_id: UUID
    code_id: CodeId
    workspace_id: WorkspaceId
    answers: dict[str, str | float | bool]
    submitted_at: AwareDatetime


class WebhookDisabledData(_Data):
    """An endpoint of the workspace was disabled by the delivery worker."""

    webhook_id: UUID
    url: str
    reason: Literal["failing", "gone"] = Field(
        description="failing: no delivery succeeded for the configured period (3 days); "
        "gone: the endpoint answered 410."
    )
    failing_since: AwareDatetime | None
    disabled_at: AwareDatetime


class WebhookTestData(_Data):
    """Sent by `POST /v1/webhooks/{id}/test` to that endpoint only."""

    webhook_id: UUID
    message: str


DATA_MODELS: dict[str, type[_Data]] = {
    "scan.created": ScanData,
    "code.created": CodeData,
    "code.updated": CodeData,
    "code.deleted": CodeData,
    "code.cap_reached": CapReachedData,
    "form.submitted": FormSubmittedData,
    "webhook.disabled": WebhookDisabledData,
    TEST_EVENT_TYPE: WebhookTestData,
}


class Envelope(BaseModel):
    """The body of one webhook request (Standard Webhooks payload shape, plus `id`)."""

    model_config = ConfigDict(frozen=True)

    id: UUID = Field(description="The event id: also the webhook-id header; deduplicate on it.")
    type: str = Field(description="One of the event types.")
    timestamp: AwareDatetime = Field(description="When the event happened (ISO 8601, UTC).")
    data: dict[str, Any]


class BatchEnvelope(BaseModel):
    """The body of a batched request (endpoints that opted in): several `scan.created`."""

    model_config = ConfigDict(frozen=True)

    type: Literal["batch"] = "batch"
    timestamp: AwareDatetime
    data: list[Envelope]


class ActivityEvent(BaseModel):
    """A `qr.events.v1` message (key = code id): an event no other topic carries. `data` is
    the webhook data of `type` (camelCase), exactly as delivered."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: UUID
    type: Literal["code.cap_reached", "form.submitted"]
    timestamp: AwareDatetime
    workspace_id: UUID
    code_id: UUID | None = None
    data: dict[str, Any]


def envelope(
    event_id: UUID, event_type: str, timestamp: datetime, data: _Data | dict[str, Any]
) -> Envelope:
    body = data.model_dump(mode="json", by_alias=True) if isinstance(data, _Data) else data
    return Envelope(id=event_id, type=event_type, timestamp=timestamp, data=body)


def code_event_type(code: CodeSnapshot) -> str:
    if code.status == "deleted":
        return "code.deleted"
    return "code.created" if code.version == 1 else "code.updated"


def code_event_id(code: CodeSnapshot) -> UUID:
    """The same id every time one version of a code is read (redeliveries deduplicate)."""
    return uuid.uuid5(_CODE_EVENT_NAMESPACE, f"{code.id}:{code.version}")
