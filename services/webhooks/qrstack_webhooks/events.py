"""Reading Kafka records as webhook events: which type, which workspace and code, and the
envelope every endpoint of that type receives. Pure; a record that is not an event for
webhooks (an uncounted scan, a tombstone, an unreadable value) reads as None."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from qrstack_common.activity import (
    DATA_MODELS,
    EVENTS_TOPIC,
    ActivityEvent,
    CodeData,
    ScanData,
    code_event_id,
    code_event_type,
    envelope,
    is_counted,
)
from qrstack_common.events import CODES_TOPIC, SCANS_TOPIC, SCANS_TOPIC_V2, CodeSnapshot
from qrstack_common.scan_wire import Scan, ScanDecodeError, decode_scan

log = logging.getLogger(__name__)

TOPICS = (SCANS_TOPIC_V2, SCANS_TOPIC, CODES_TOPIC, EVENTS_TOPIC)


@dataclass(frozen=True, slots=True)
class Event:
    id: UUID
    type: str
    workspace_id: UUID
    code_id: UUID | None
    occurred_at: datetime
    is_bot: bool
    body: bytes  # the envelope JSON, byte for byte what is signed and sent


def read_event(topic: str, value: bytes | None) -> Event | None:
    if value is None:
        return None
    try:
        if topic in (SCANS_TOPIC, SCANS_TOPIC_V2):
            return _scan(decode_scan(value))
        if topic == CODES_TOPIC:
            return _code(CodeSnapshot.model_validate_json(value))
        if topic == EVENTS_TOPIC:
            return _activity(ActivityEvent.model_validate_json(value))
    except (ValidationError, ScanDecodeError) as exc:
        log.warning("unreadable event skipped", extra={"topic": topic, "error": str(exc)})
    return None


def _scan(scan: Scan) -> Event | None:
    if not is_counted(scan) or scan.workspace_id is None:
        return None
    body = envelope(scan.scan_id, "scan.created", scan.ts, ScanData.of(scan))
    return Event(
        scan.scan_id,
        "scan.created",
        scan.workspace_id,
        scan.code_id,
        scan.ts,
        scan.is_bot,
        body.model_dump_json().encode(),
    )


def _code(code: CodeSnapshot) -> Event:
    event_id, event_type = code_event_id(code), code_event_type(code)
    body = envelope(event_id, event_type, code.updated_at, CodeData.of(code))
    return Event(
        event_id,
        event_type,
        code.workspace_id,
        code.id,
        code.updated_at,
        False,
        body.model_dump_json().encode(),
    )


def _activity(event: ActivityEvent) -> Event:
    # Read through its data model so that ids are written as /v1 writes them (`code_…`),
    # whatever spelling the database trigger produced.
    data = DATA_MODELS[event.type].model_validate(event.data)
    body = envelope(event.id, event.type, event.timestamp, data)
    return Event(
        event.id,
        event.type,
        event.workspace_id,
        event.code_id,
        event.timestamp,
        False,
        body.model_dump_json().encode(),
    )
