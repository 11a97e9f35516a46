"""The scan spool: append-only segment files of scan events, one JSON event per line.

Segments are named by a zero-padded sequence number so replay order is write order. The spool
is bounded by `max_bytes`: past it the oldest segment is dropped whole (a disk that fills must
not take the redirect down). A segment holds at most `segment_bytes` (an eighth of the bound,
between 4 KiB and 16 MiB; a larger append is split across segments), so the spool keeps to
its bound within one event however small the bound is, and a drop loses an eighth of it at a
time. A torn last line (crash mid-write) is skipped on replay. A segment handed out for replay
is sealed: later appends go to a new segment, so removing the replayed one after it was sent
never loses an event written meanwhile; it is also never the one the bound drops. Segments
left by a previous process are never appended to (the last may end in a torn line).

Every event lost on the way is counted through `on_drop(reason, events)`: `spool_full` (the
bound dropped a segment), `torn` (a line cut by a crash, skipped on replay) and
`write_failed` (the disk refused the append: the events were answered but are gone).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

MAX_SEGMENT_BYTES = 16 << 20
MIN_SEGMENT_BYTES = 4 << 10
SEGMENTS_PER_BOUND = 8

DropCounter = Callable[[str, int], None]


def segment_bytes_for(max_bytes: int) -> int:
    """The size a segment is closed at, for a spool bounded by `max_bytes`."""
    return max(MIN_SEGMENT_BYTES, min(MAX_SEGMENT_BYTES, max_bytes // SEGMENTS_PER_BOUND))


def _no_count(reason: str, events: int) -> None:
    return None


class ScanSpool:
    def __init__(self, directory: Path, max_bytes: int, on_drop: DropCounter = _no_count) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes_for(max_bytes)
        self.dropped_events = 0
        self.on_drop = on_drop  # the emitter counts them in qr_scans_dropped_total
        directory.mkdir(parents=True, exist_ok=True)
        found = sorted(directory.glob("scans-*.jsonl"))
        self._next_seq = (int(found[-1].stem.split("-")[1]) + 1) if found else 0
        self._sizes: dict[Path, int] = {}  # every segment, oldest first, with its bytes
        for path in found:
            if size := path.stat().st_size:
                self._sizes[path] = size
            else:
                path.unlink()
        # Appends go to a segment of this process's own: a left-over one may end torn.
        self._sealed: Path | None = next(reversed(self._sizes), None)
        self._replaying: Path | None = None
        self._torn_counted: set[Path] = set()

    def __bool__(self) -> bool:
        """Whether the spool holds events."""
        return bool(self._sizes)

    @property
    def size_bytes(self) -> int:
        return sum(self._sizes.values())

    def append(self, events: Sequence[bytes]) -> None:
        """Write events durably (fsync) to the newest segment, opening new ones as each
        fills; then keep to the bound. Never raises for the disk: what it refused is counted
        as dropped."""
        written = 0
        try:
            while written < len(events):
                written += self._append_some(events, written)
        except OSError as exc:
            self._dropped("write_failed", len(events) - written)
            log.error(
                "scan spool write failed: events dropped",
                extra={"events": len(events) - written, "error": repr(exc)},
            )
        self._enforce_bound()

    def _append_some(self, events: Sequence[bytes], start: int) -> int:
        """Write events from `start` to the newest segment while it has room (at least one
        event); returns how many were written."""
        newest = next(reversed(self._sizes), None)
        if newest is None or newest == self._sealed or self._sizes[newest] >= self.segment_bytes:
            newest = self.directory / f"scans-{self._next_seq:012d}.jsonl"
            self._next_seq += 1
            self._sizes[newest] = 0
        room = self.segment_bytes - self._sizes[newest]
        end, size = start, 0
        while end < len(events) and (end == start or size + len(events[end]) + 1 <= room):
            size += len(events[end]) + 1
            end += 1
        try:
            with newest.open("ab") as out:
                out.write(b"\n".join(events[start:end]) + b"\n")
                out.flush()
                os.fsync(out.fileno())
        except OSError:
            if not self._sizes[newest]:  # nothing of it is known to hold: forget it
                del self._sizes[newest]
                newest.unlink(missing_ok=True)
            raise
        self._sizes[newest] += size
        return end - start

    def _enforce_bound(self) -> None:
        while self.size_bytes > self.max_bytes:
            droppable = [p for p in list(self._sizes)[:-1] if p != self._replaying]
            if not droppable:
                return
            oldest = droppable[0]
            del self._sizes[oldest]
            try:
                with oldest.open("rb") as data:
                    lost = sum(1 for line in data if line.strip())
                oldest.unlink()
            except OSError:
                lost = 0
            self._dropped("spool_full", lost)
            log.error(
                "scan spool full: dropped the oldest segment",
                extra={"segment": oldest.name, "events": lost},
            )

    def _dropped(self, reason: str, events: int) -> None:
        if events:
            self.dropped_events += events
            self.on_drop(reason, events)

    def oldest_segment(self) -> tuple[Path, list[bytes]] | None:
        """The oldest segment and its complete events, None when the spool is empty; the
        caller removes it after sending. The segment is sealed: appends go elsewhere."""
        path = next(iter(self._sizes), None)
        if path is None:
            return None
        if path == next(reversed(self._sizes)):
            self._sealed = path
        self._replaying = path
        data = path.read_bytes()
        lines = data.split(b"\n")
        if not data.endswith(b"\n"):
            torn = lines.pop()
            log.warning("skipped a torn spool line", extra={"bytes": len(torn)})
            if path not in self._torn_counted:
                self._torn_counted.add(path)
                self._dropped("torn", 1)
        return path, [line for line in lines if line]

    def remove(self, path: Path) -> None:
        """Delete a replayed segment (nothing happens if the bound dropped it meanwhile)."""
        self._sizes.pop(path, None)
        self._torn_counted.discard(path)
        if self._replaying == path:
            self._replaying = None
        path.unlink(missing_ok=True)
