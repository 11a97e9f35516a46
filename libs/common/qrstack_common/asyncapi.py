"""The AsyncAPI 3.0 document of everything qrstack emits: the Kafka topics (keys, schemas,
compaction, versions) and the webhook events with their signature headers. Built from the
event models themselves, so the document cannot drift from what is produced;
`docs/asyncapi.yaml` is this document written out (a test keeps the two equal) and the API
serves it at `/v1/asyncapi.yaml`."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from qrstack_common.activity import (
    DATA_MODELS,
    EVENTS_TOPIC,
    ActivityEvent,
    BatchEnvelope,
    Envelope,
)
from qrstack_common.events import (
    CODES_TOPIC,
    DOMAINS_TOPIC,
    SCANS_TOPIC,
    SCANS_TOPIC_V2,
    CodeSnapshot,
    DomainSnapshot,
    ScanEvent,
)
from qrstack_common.kafka import platform_topics
from qrstack_common.scan_wire import SCAN_V2_FIELDS, SCAN_V2_TAG

_REF = "#/components/schemas/{model}"
_KAFKA_BINDING = "0.5.0"

_TOPICS: dict[str, tuple[str, type[BaseModel], dict[str, Any], str]] = {
    # topic: (channel name, value model, key schema, description)
    CODES_TOPIC: (
        "codes",
        CodeSnapshot,
        {"type": "string", "format": "uuid", "description": "The code id."},
        "The latest snapshot of every code (the redirect service's table), written by the "
        "API's transactional outbox. A null value is a tombstone: the code was purged.",
    ),
    DOMAINS_TOPIC: (
        "domains",
        DomainSnapshot,
        {"type": "string", "description": "The host name, lower case, no port."},
        "Custom short domains, written by the API's outbox. A null value is a tombstone.",
    ),
    SCANS_TOPIC: (
        "scans",
        ScanEvent,
        {"type": "string", "description": "The code id, or domain/slug for an orphan scan."},
        "One event per scan, written by the redirect service (spooled to disk while Kafka is "
        "away). scan_id is the deduplication key.",
    ),
    SCANS_TOPIC_V2: (
        "scansV2",
        ScanEvent,  # same fields; the payload is the positional ScanEventV2 schema below
        {"type": "string", "description": "The code id, or domain/slug for an orphan scan."},
        "One event per scan in the compact v2 form: a JSON array tagged 2, ScanEvent's fields "
        "in a fixed order, trailing defaults left out. Read v1 and v2 with "
        "qrstack_common.scan_wire.decode_scan.",
    ),
    EVENTS_TOPIC: (
        "activity",
        ActivityEvent,
        {"type": "string", "format": "uuid", "description": "The code id."},
        "Events no other topic carries (scan cap reached, form submitted), written by "
        "PostgreSQL triggers into the API's outbox. data is the webhook data of the type.",
    ),
}

_WEBHOOK_HEADERS = {
    "type": "object",
    "required": ["webhook-id", "webhook-timestamp", "webhook-signature"],
    "properties": {
        "webhook-id": {
            "type": "string",
            "description": "The event id (a batch: an id derived from its events' ids). The "
            "same on every retry and replay: deduplicate on it.",
        },
        "webhook-timestamp": {
            "type": "string",
            "description": "Seconds since the epoch when this attempt was signed.",
        },
        "webhook-signature": {
            "type": "string",
            "description": "Space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body> "
            "signatures, one per live secret (two for 24 h after a rotation).",
        },
    },
}


def _camel(name: str) -> str:
    head, *rest = name.replace(".", "_").split("_")
    return head + "".join(part.title() for part in rest)


def _schemas() -> dict[str, Any]:
    models: list[type[BaseModel]] = [
        *(m for _, m, _, _ in _TOPICS.values()),
        *dict.fromkeys(DATA_MODELS.values()),
        Envelope,
        BatchEnvelope,
    ]
    _, defs = models_json_schema([(model, "serialization") for model in models], ref_template=_REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["ScanEventV2"] = _scan_v2(schemas["ScanEvent"])
    for event_type, model in DATA_MODELS.items():
        schemas[f"{_camel(event_type)}Event"] = {
            "type": "object",
            "description": f"The body of a {event_type} webhook request.",
            "required": ["id", "type", "timestamp", "data"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "type": {"const": event_type},
                "timestamp": {"type": "string", "format": "date-time"},
                "data": {"$ref": _REF.format(model=model.__name__)},
            },
        }
    return schemas


def _scan_v2(v1: dict[str, Any]) -> dict[str, Any]:
    """The positional v2 form, item by item from the v1 object's field schemas (ids as 32 hex
    digits without hyphens)."""
    hex_id = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
    items: list[Any] = [{"const": SCAN_V2_TAG}]
    for name in SCAN_V2_FIELDS:
        field = v1["properties"][name]
        if name in ("scan_id",):
            items.append(hex_id)
        elif name in ("workspace_id", "code_id", "rule_id"):
            items.append({"anyOf": [hex_id, {"type": "null"}]})
        else:
            items.append({k: v for k, v in field.items() if k != "title"})
    return {
        "type": "array",
        "description": "[2, " + ", ".join(SCAN_V2_FIELDS) + "]; trailing defaults omitted.",
        "prefixItems": items,
        "minItems": 7,
    }


def build_asyncapi(version: str) -> dict[str, Any]:
    specs = {spec.name: spec for spec in platform_topics()}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, (channel, model, key, description) in _TOPICS.items():
        spec = specs[topic]
        message = f"{channel}Record"
        schema_name = "ScanEventV2" if topic == SCANS_TOPIC_V2 else model.__name__
        messages[message] = {
            "name": schema_name,
            "contentType": "application/json",
            "payload": {"$ref": _REF.format(model=schema_name)},
            "bindings": {"kafka": {"key": key, "bindingVersion": _KAFKA_BINDING}},
        }
        config = {
            k: ([v] if k == "cleanup.policy" else int(v)) for k, v in spec.config.items()
            if k in ("cleanup.policy", "retention.ms")
        }  # fmt: skip
        channels[channel] = {
            "address": topic,
            "description": description,
            "messages": {message: {"$ref": f"#/components/messages/{message}"}},
            "bindings": {
                "kafka": {
                    "topic": topic,
                    "partitions": spec.partitions,
                    "topicConfiguration": config,
                    "bindingVersion": _KAFKA_BINDING,
                }
            },
        }
        operations[f"produce{channel.title()}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
        }
    hook_messages: dict[str, Any] = {}
    for event_type in (*DATA_MODELS, "batch"):
        name = _camel(event_type)
        schema = "BatchEnvelope" if event_type == "batch" else f"{name}Event"
        messages[name] = {
            "name": event_type,
            "title": event_type,
            "contentType": "application/json",
            "headers": _WEBHOOK_HEADERS,
            "payload": {"$ref": _REF.format(model=schema)},
        }
        hook_messages[name] = {"$ref": f"#/components/messages/{name}"}
    channels["webhook"] = {
        "address": "{webhookUrl}",
        "description": "An endpoint's URL (https, public). 2xx = delivered, 410 = the "
        "endpoint is disabled, anything else (or no answer in 5 s) = retried with backoff "
        "for about 3 days, never before Retry-After.",
        "parameters": {"webhookUrl": {"description": "The endpoint's url."}},
        "messages": hook_messages,
    }
    operations["deliverWebhook"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/webhook"},
        "summary": "POST one event (or a batch of scan.created) to a webhook endpoint.",
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "qrstack events",
            "version": version,
            "description": "Kafka topics of the platform and the webhook events delivered to "
            "endpoints registered with POST /v1/webhooks. Topic names carry the major "
            "version (qr.codes.v1); a change that is not additive is a new topic.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The platform's broker (KAFKA_BOOTSTRAP_SERVERS).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": _schemas()},
    }


def asyncapi_yaml(version: str = "1.0.0") -> str:
    return yaml.safe_dump(build_asyncapi(version), sort_keys=False, allow_unicode=True, width=100)
