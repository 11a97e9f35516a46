"""Helpers of the analytics unit tests: the per-process chDB directory and writing events
the way ingestion does, without a broker."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qrstack_analytics.scans.batching import ScanBatch
from qrstack_analytics.scans.writer import PreparedInsert, ScanWriter
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.events import ScanEvent

DATABASE = "analytics_unit"


def chdb_dir() -> Path:
    """The one chDB directory of this test process (shared by every analytics conftest)."""
    return Path(tempfile.gettempdir()) / f"qrstack-analytics-tests-{os.getpid()}"


@dataclass(frozen=True)
class Record:
    """A Kafka-shaped record for feeding batches without a broker."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def records(events: Iterable[ScanEvent], *, topic: str = "scans", start: int = 0) -> list[Record]:
    return [Record(topic, 0, start + i, None, event.to_bytes()) for i, event in enumerate(events)]


def write_events(store: AnalyticsStore, events: Iterable[ScanEvent]) -> PreparedInsert:
    """Write events as the ingestion pipeline does (deduplicated), synchronously."""
    batch = ScanBatch()
    batch.add(records(events), 0.0)
    writer = ScanWriter(store.engine)
    prepared = writer.prepare(batch)
    writer.write(prepared)
    return prepared
