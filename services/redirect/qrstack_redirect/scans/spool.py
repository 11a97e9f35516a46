"""The scan spool: append-only segment files of scan events, one JSON event per line.

Segments are named by a zero-padded sequence number so replay order is write order. The spool
is bounded by `max_bytes`; past it the oldest segment is dropped whole and counted (a disk that
fills must not take the redirect down). A torn last line (crash mid-write) is skipped on replay.
A segment handed out for replay is sealed: later appends go to a new segment, so removing the
replayed one after it was sent never loses an event written meanwhile.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

_SEGMENT_BYTES = 16 << 20


class ScanSpool:
    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.dropped_events = 0
        directory.mkdir(parents=True, exist_ok=True)
        found = sorted(directory.glob("scans-*.jsonl"))
        self._next_seq = (int(found[-1].stem.split("-")[1]) + 1) if found else 0
        self._segments: list[Path] = []
        for path in found:
            if path.stat().st_size:
                self._segments.append(path)
            else:
                path.unlink()
        self._sealed: Path | None = None

    def __bool__(self) -> bool:
        """Whether the spool holds events."""
        return bool(self._segments)

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self._segments if p.exists())

    def append(self, events: Sequence[bytes]) -> None:
        """Write events durably (fsync) to the newest segment, opening one when needed."""
        if not events:
            return
        if (
            not self._segments
            or self._segments[-1] == self._sealed
            or self._segments[-1].stat().st_size >= _SEGMENT_BYTES
        ):
            self._segments.append(self.directory / f"scans-{self._next_seq:012d}.jsonl")
            self._next_seq += 1
        with self._segments[-1].open("ab") as out:
            out.write(b"\n".join(events) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        self._enforce_bound()

    def _enforce_bound(self) -> None:
        while len(self._segments) > 1 and self.size_bytes > self.max_bytes:
            oldest = self._segments.pop(0)
            lost = sum(1 for _ in oldest.open("rb"))
            oldest.unlink()
            self.dropped_events += lost
            log.error(
                "scan spool full: dropped the oldest segment",
                extra={"segment": oldest.name, "events": lost},
            )

    def oldest_segment(self) -> tuple[Path, list[bytes]] | None:
        """The oldest segment and its complete events, None when the spool is empty; the
        caller removes it after sending. The segment is sealed: appends go elsewhere."""
        if not self._segments:
            return None
        path = self._segments[0]
        if path == self._segments[-1]:
            self._sealed = path
        data = path.read_bytes()
        lines = data.split(b"\n")
        if not data.endswith(b"\n"):
            torn = lines.pop()
            log.warning("skipped a torn spool line", extra={"bytes": len(torn)})
        return path, [line for line in lines if line]

    def remove(self, path: Path) -> None:
        """Delete a replayed segment (nothing happens if the bound dropped it meanwhile)."""
        if path in self._segments:
            self._segments.remove(path)
        path.unlink(missing_ok=True)
