"""Scan events published straight to `qr.scans.v1`, as the redirect service produces them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from qrstack_common.events import SCANS_TOPIC, SCANS_TOPIC_V2, ScanEvent
from qrstack_common.kafka import EventProducer
from qrstack_common.scan_wire import scan_to_v2
from support.ids import uuid_of
from support.waiting import eventually

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def scan_of(code: dict[str, Any], **fields: Any) -> ScanEvent:
    values: dict[str, Any] = {
        "scan_id": uuid.uuid4(),
        "ts": datetime.now(UTC),
        "workspace_id": uuid_of(code["workspaceId"]),
        "code_id": uuid_of(code["id"]),
        "domain": "qr.example.test",
        "slug": code["slug"],
        "target": code.get("targetUrl"),
        "outcome": "redirect",
        "device": "mobile",
        "os": "iOS",
        "visitor_hash": "ab" * 16,
    }
    values.update(fields)
    return ScanEvent(**values)


async def publish_scans(bootstrap: str, scans: list[ScanEvent], *, v2: bool = False) -> None:
    """To qr.scans.v1 as v1 JSON, or to qr.scans.v2 in the compact v2 form."""
    producer = EventProducer(bootstrap, client_id="webhook-tests")
    await producer.start()
    try:
        topic = SCANS_TOPIC_V2 if v2 else SCANS_TOPIC
        futures = [
            await producer.send(topic, s.kafka_key(), scan_to_v2(s) if v2 else s.to_bytes())
            for s in scans
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def scan(redirect: Any, slug: str, *, agent: str = PHONE) -> int:
    """Scan `slug` through a redirect test client once its table holds it; the status."""

    async def held() -> bool:
        async with redirect.head(f"/{slug}", allow_redirects=False) as response:
            return bool(response.status != 404)

    await eventually(held)
    async with redirect.get(
        f"/{slug}", allow_redirects=False, headers={"User-Agent": agent}
    ) as response:
        return int(response.status)
