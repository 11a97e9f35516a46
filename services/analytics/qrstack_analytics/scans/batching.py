"""A batch of scan records and the policy that closes it (pure: no I/O, no clock of its own).

A batch closes when it holds `max_scans` records or when its first record has waited
`max_wait_s`, whichever comes first. It keeps one row per scan id (a redelivery inside the
batch is dropped here; one already stored is dropped by the writer), the records that failed
validation, and per partition the first and last offsets it consumed: the commit after a
successful write covers exactly those.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qrstack_analytics.scans.rows import (
    Delivery,
    Rejected,
    ScanRow,
    decode_scan,
    rejected,
    scan_row,
)

Partition = tuple[str, int]


@dataclass(frozen=True)
class BatchPolicy:
    max_scans: int
    max_wait_s: float

    def room(self, held: int) -> int:
        """How many more records the batch may take."""
        return max(0, self.max_scans - held)

    def due(self, held: int, opened_at: float | None, now: float) -> bool:
        """Whether a batch holding `held` records, first one received at `opened_at`, must be
        written now."""
        if held >= self.max_scans:
            return True
        return opened_at is not None and now - opened_at >= self.max_wait_s

    def wait_s(self, opened_at: float | None, now: float) -> float:
        """How long the next poll may wait for records: until the batch is due, or a whole
        `max_wait_s` while it is still empty."""
        if opened_at is None:
            return self.max_wait_s
        return max(0.0, opened_at + self.max_wait_s - now)


class ScanBatch:
    """Records consumed since the last write."""

    def __init__(self) -> None:
        self.rows: dict[int, ScanRow] = {}
        self.rejected: list[Rejected] = []
        self.consumed = 0
        self.repeated = 0  # scan ids seen twice within this batch
        self.opened_at: float | None = None
        self.first: dict[Partition, Delivery] = {}
        self.last: dict[Partition, Delivery] = {}

    def add(self, deliveries: Iterable[Delivery], now: float) -> None:
        """Decode, validate and transform records into rows; invalid ones are kept aside."""
        rows = self.rows
        for delivery in deliveries:
            self.consumed += 1
            where = (delivery.topic, delivery.partition)
            self.first.setdefault(where, delivery)
            self.last[where] = delivery
            try:
                row = scan_row(decode_scan(delivery.value))
            except ValueError as exc:
                self.rejected.append(rejected(delivery, str(exc)))
                continue
            if row.scan_key in rows:
                self.repeated += 1
            else:
                rows[row.scan_key] = row
        if self.consumed and self.opened_at is None:
            self.opened_at = now

    def last_deliveries(self) -> list[Delivery]:
        """The last record consumed from each partition: committing them (offset + 1 each)
        acknowledges the whole batch."""
        return list(self.last.values())

    def token(self) -> str:
        """Identifies this batch's content for ClickHouse's insert deduplication: the offsets it
        spans and its row count. A retried write of the same batch carries the same token."""
        spans = ";".join(
            f"{topic}:{partition}:{self.first[(topic, partition)].offset}-{last.offset}"
            for (topic, partition), last in sorted(self.last.items())
        )
        return f"scans|{spans}|{len(self.rows)}"

    def time_spans(self, max_gap_ms: int = 60_000, max_spans: int = 32) -> list[tuple[int, int]]:
        """The batch's scan times as few closed ranges `[lo, hi]` (ms): times closer than
        `max_gap_ms` share a range, and at most `max_spans` ranges are returned (the closest
        neighbours merge first), so a late straggler does not widen the range of the rest."""
        times = sorted({row.ts_ms for row in self.rows.values()})
        if not times:
            return []
        spans: list[list[int]] = [[times[0], times[0]]]
        for ts in times[1:]:
            if ts - spans[-1][1] <= max_gap_ms:
                spans[-1][1] = ts
            else:
                spans.append([ts, ts])
        while len(spans) > max_spans:
            gaps = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
            i = gaps.index(min(gaps))
            spans[i : i + 2] = [[spans[i][0], spans[i + 1][1]]]
        return [(lo, hi) for lo, hi in spans]
