"""The AsyncAPI document: written out exactly as the models build it, and every event we
produce (the golden Kafka fixtures, each webhook event type) validates against its schema."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from qrstack_common.activity import (
    EVENT_TYPES,
    CodeData,
    ScanData,
    WebhookDisabledData,
    WebhookTestData,
    envelope,
)
from qrstack_common.asyncapi import asyncapi_yaml
from qrstack_common.events import CodeSnapshot, ScanEvent
from support.asyncapi import DOCUMENT, assert_matches_contract, document, validate_against

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events"


def test_docs_asyncapi_yaml_is_the_generated_document() -> None:
    assert DOCUMENT.read_text() == asyncapi_yaml(), (
        "docs/asyncapi.yaml is stale: write asyncapi_yaml() to it"
    )


def test_the_document_is_asyncapi_3_with_every_topic_and_event() -> None:
    doc = document()
    assert doc["asyncapi"] == "3.0.0"
    addresses = {c["address"] for c in doc["channels"].values()}
    assert {"qr.codes.v1", "qr.domains.v1", "qr.scans.v1", "qr.scans.v2", "qr.events.v1"} <= (
        addresses
    )
    codes = doc["channels"]["codes"]["bindings"]["kafka"]["topicConfiguration"]
    assert codes["cleanup.policy"] == ["compact"]
    titles = {m.get("title") for m in doc["components"]["messages"].values()}
    assert set(EVENT_TYPES) | {"webhook.test", "batch"} <= titles
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("code_snapshot.json", "codesRecord"),
        ("domain_snapshot.json", "domainsRecord"),
        ("scan_event.json", "scansRecord"),
        ("scan_event_v2.json", "scansV2Record"),
    ],
)
def test_kafka_fixtures_validate(fixture: str, message: str) -> None:
    validate_against(json.loads((FIXTURES / fixture).read_text()), message)


def test_a_wrong_payload_is_refused() -> None:
    scan = ScanEvent.model_validate_json((FIXTURES / "scan_event.json").read_text())
    body = envelope(scan.scan_id, "scan.created", scan.ts, ScanData.of(scan)).model_dump(
        mode="json"
    )
    assert_matches_contract(body)
    del body["data"]["codeId"]
    with pytest.raises(jsonschema.ValidationError):
        assert_matches_contract(body)
    body["type"] = "code.updated"
    with pytest.raises(jsonschema.ValidationError):
        assert_matches_contract(body)


def test_webhook_events_built_by_the_worker_validate() -> None:
    code = CodeSnapshot.model_validate_json((FIXTURES / "code_snapshot.json").read_text())
    now = datetime.now(UTC)
    for event_type, data in (
        ("code.updated", CodeData.of(code)),
        (
            "webhook.disabled",
            WebhookDisabledData(
                webhook_id=uuid.uuid4(),
                url="https://example.com/hook",
                reason="failing",
                failing_since=now,
                disabled_at=now,
            ),
        ),
        ("webhook.test", WebhookTestData(webhook_id=uuid.uuid4(), message="hello")),
    ):
        body = envelope(uuid.uuid4(), event_type, now, data).model_dump(mode="json")
        assert_matches_contract(body)
        assert "password" not in json.dumps(body["data"]).replace("passwordProtected", "")
