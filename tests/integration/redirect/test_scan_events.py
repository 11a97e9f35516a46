"""Scan events on the real Kafka: a clean shutdown sends everything buffered, a batch stopped
mid-send included; events written to the spool while Kafka was unreachable are replayed in
order, none lost, none twice."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qrstack_common.events import SCANS_TOPIC_V2, scan_key
from qrstack_common.metrics import RedirectMetrics
from qrstack_common.scan_wire import decode_scan
from qrstack_launcher.ports import free_port
from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.scanner import ClientFacts
from qrstack_redirect.scans.emitter import ScanEmitter
from qrstack_redirect.scans.encoding import ScanIds, encode_scan
from qrstack_redirect.scans.spool import ScanSpool
from support.waiting import eventually

from .conftest import read_topic

pytestmark = pytest.mark.infra

FACTS = ClientFacts(
    "203.0.113.9", "US", None, None, None, "mobile", "iOS", "Safari", "en", None, False, None, "UA"
)


def events(code_id: str, count: int) -> list[tuple[bytes, bytes]]:
    ids = ScanIds()
    return [
        (
            scan_key(code_id, "qr.test", "s"),
            encode_scan(
                scan_id=ids.next(),
                ts=datetime.now(UTC),
                workspace_id=None,
                code_id=code_id,
                domain="qr.test",
                slug="s",
                rule_id=None,
                variant=None,
                target="https://example.com/",
                outcome="redirect",
                facts=FACTS,
                visitor_hash="0" * 32,
                ip_prefix=None,
            ),
        )
        for _ in range(count)
    ]


def emitter(bootstrap: str, spool: Path, metrics: RedirectMetrics) -> ScanEmitter:
    return ScanEmitter(
        bootstrap,
        ScanSpool(spool, 1 << 30),
        metrics,
        max_buffer=10_000,
        batch_size=200,
        linger_s=0.01,
    )


async def sent_for(infra: Infrastructure, code_id: str) -> list[str]:
    records = await read_topic(
        infra.kafka_bootstrap, SCANS_TOPIC_V2, lambda r: r.key == code_id.encode()
    )
    return [str(decode_scan(r.value).to_event().scan_id) for r in records]


def scan_ids(batch: list[tuple[bytes, bytes]]) -> list[str]:
    return [str(decode_scan(value).to_event().scan_id) for _, value in batch]


async def test_a_clean_shutdown_sends_everything_buffered(
    infra: Infrastructure, tmp_path: Path
) -> None:
    code_id = str(uuid.uuid4())
    batch = events(code_id, 1500)
    out = emitter(infra.kafka_bootstrap, tmp_path, RedirectMetrics())
    for key, value in batch:
        out.emit(key, value)
    await out.close()  # never ran: close alone must deliver
    assert await sent_for(infra, code_id) == scan_ids(batch)
    assert not ScanSpool(tmp_path, 1 << 30)  # nothing was left in the spool


async def test_stopping_while_a_batch_is_being_sent_loses_none_of_it(
    infra: Infrastructure, tmp_path: Path
) -> None:
    code_id = str(uuid.uuid4())
    batch = events(code_id, 1200)
    out = ScanEmitter(
        infra.kafka_bootstrap,
        ScanSpool(tmp_path, 1 << 30),
        RedirectMetrics(),
        max_buffer=10_000,
        batch_size=1200,  # one batch, handed to the producer 256 records at a time
        linger_s=0.01,
    )
    for key, value in batch:
        out.emit(key, value)
    running = asyncio.create_task(out.run())
    while out.pending:  # noqa: ASYNC110 -- yield turn by turn until the batch is in hand
        await asyncio.sleep(0)
    out.stop()  # as the app's cleanup does at SIGTERM
    await asyncio.wait_for(running, 30)
    await out.close()
    assert await sent_for(infra, code_id) == scan_ids(batch)


async def test_spooled_events_are_replayed_in_order_once_kafka_answers(
    infra: Infrastructure, tmp_path: Path
) -> None:
    code_id = str(uuid.uuid4())
    before, during = events(code_id, 700), events(code_id, 300)
    down = RedirectMetrics()
    unreachable = emitter(f"127.0.0.1:{free_port()}", tmp_path, down)
    running = asyncio.create_task(unreachable.run())
    for key, value in before:
        unreachable.emit(key, value)

    async def spooled() -> bool:
        return unreachable.pending == 0 and bool(ScanSpool(tmp_path, 1 << 30))

    await eventually(spooled, timeout=30)

    async def spool_size_shown() -> bool:  # what the ScanSpoolGrowing alert reads
        shown = down.registry.get_sample_value("qr_scan_spool_bytes")
        return shown == ScanSpool(tmp_path, 1 << 30).size_bytes > 0

    await eventually(spool_size_shown, timeout=10)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await unreachable.close()
    assert await sent_for(infra, code_id) == []

    # A restart finds the spool and sends it before anything newer.
    up = RedirectMetrics()
    back = emitter(infra.kafka_bootstrap, tmp_path, up)
    running = asyncio.create_task(back.run())
    for key, value in during:
        back.emit(key, value)

    async def delivered() -> bool:
        return back.produced >= len(before) + len(during)

    await eventually(delivered, timeout=30)

    async def spool_shown_empty() -> bool:
        return up.registry.get_sample_value("qr_scan_spool_bytes") == 0

    await eventually(spool_shown_empty, timeout=10)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await back.close()
    assert await sent_for(infra, code_id) == scan_ids(before) + scan_ids(during)
    assert not ScanSpool(tmp_path, 1 << 30)


async def test_past_a_small_spool_bound_every_dropped_scan_is_counted(
    infra: Infrastructure, tmp_path: Path
) -> None:
    # SCAN_SPOOL_MAX_BYTES of 64 KiB: well below one segment of the old fixed 16 MiB size.
    code_id = str(uuid.uuid4())
    batch = events(code_id, 3000)  # ~0.5 MB of events
    down = RedirectMetrics()
    spool = ScanSpool(tmp_path, 64 << 10)
    unreachable = ScanEmitter(
        f"127.0.0.1:{free_port()}", spool, down, max_buffer=200, batch_size=200, linger_s=0.01
    )
    for key, value in batch:
        unreachable.emit(key, value)  # every 200 spill to the spool
    await unreachable.close()
    dropped = down.registry.get_sample_value("qr_scans_dropped_total", {"reason": "spool_full"})
    assert dropped is not None and 0 < dropped < len(batch)
    assert 0 < ScanSpool(tmp_path, 64 << 10).size_bytes <= 64 << 10

    up = RedirectMetrics()
    back = emitter(infra.kafka_bootstrap, tmp_path, up)
    running = asyncio.create_task(back.run())

    async def replayed() -> bool:
        return not ScanSpool(tmp_path, 1 << 30)

    await eventually(replayed, timeout=30)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await back.close()
    # Exactly the newest scans reached Kafka, and exactly the others were counted as dropped.
    assert await sent_for(infra, code_id) == scan_ids(batch)[int(dropped) :]
