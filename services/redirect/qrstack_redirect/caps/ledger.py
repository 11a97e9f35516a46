"""The lease ledger: how many scans each of this process's leases granted, in a file that
outlives the process.

A process that is killed (kill -9, the OOM killer) cannot report what it granted from its
leases. Its ledger can: one memory-mapped file per process in the lease directory, where every
granted scan is written (a store into shared memory, no system call) before it is answered.
The kernel keeps the file's pages when the process dies, so another redirect process on the
host (a sibling worker, or the replacement that starts next) reads the exact count and settles
the dead process's leases: what it granted is counted, the rest goes back to the cap.

The owner holds an exclusive `flock` on its ledger for as long as it lives; a ledger whose lock
can be taken belongs to a dead process (`orphans`). A host that disappears takes its ledgers
along: its leases are then reclaimed after expiry and counted as granted in full (never over
the cap, at most the lost leases under it).

Layout: `SLOTS` slots of six unsigned 64-bit words: code id (2 words), lease id (2), scans
granted, in use (1) or free (0).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

SLOTS = 65_536  # leases held at once by one process (a sparse file: ~3 MiB at most)
_WORDS = 6
_SLOT_BYTES = _WORDS * 8
_SUFFIX = ".ledger"


class LedgerEntry(NamedTuple):
    code_id: uuid.UUID
    lease_id: uuid.UUID
    granted: int


def _words(value: uuid.UUID) -> tuple[int, int]:
    return value.int >> 64, value.int & 0xFFFF_FFFF_FFFF_FFFF


def _entries(view: memoryview) -> Iterator[LedgerEntry]:
    for slot in range(len(view) // _WORDS):
        base = slot * _WORDS
        if view[base + 5]:
            code = uuid.UUID(int=view[base] << 64 | view[base + 1])
            lease = uuid.UUID(int=view[base + 2] << 64 | view[base + 3])
            yield LedgerEntry(code, lease, view[base + 4])


class Ledger:
    """This process's ledger (see the module docstring). Not thread-safe; one per process."""

    def __init__(self, directory: Path, holder: uuid.UUID) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{holder}{_SUFFIX}"
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(self._fd, SLOTS * _SLOT_BYTES)
        self._map = mmap.mmap(self._fd, SLOTS * _SLOT_BYTES)
        self._view = memoryview(self._map).cast("Q")
        self._free = list(range(SLOTS - 1, -1, -1))

    def open_slot(self, code_id: uuid.UUID, lease_id: uuid.UUID, granted: int) -> int | None:
        """A slot for a new lease; None when every slot is taken (then take no lease)."""
        if not self._free:
            return None
        slot = self._free.pop()
        base, view = slot * _WORDS, self._view
        view[base], view[base + 1] = _words(code_id)
        view[base + 2], view[base + 3] = _words(lease_id)
        view[base + 4] = granted
        view[base + 5] = 1
        return slot

    def record(self, slot: int, granted: int) -> None:
        """`granted` scans of the slot's lease so far (call before answering the scan)."""
        self._view[slot * _WORDS + 4] = granted

    def close_slot(self, slot: int) -> None:
        """The slot's lease was settled in PostgreSQL."""
        self._view[slot * _WORDS + 5] = 0
        self._free.append(slot)

    def entries(self) -> list[LedgerEntry]:
        return list(_entries(self._view))

    def close(self, *, settled: bool) -> None:
        """Unmap and unlock; remove the file only when every lease in it was `settled` (else
        another process settles them from it)."""
        self._view.release()
        self._map.close()
        if settled:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)


@contextlib.contextmanager
def orphan(path: Path) -> Iterator[list[LedgerEntry] | None]:
    """The entries of the ledger at `path` if its process is dead (its lock is free), else
    None. The lock is held while the caller settles them; the file is removed when the caller
    finishes without an error."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None  # its process is alive
            return
        size = os.fstat(fd).st_size
        if size == 0 or not path.exists():
            yield None  # settled and removed meanwhile, or never written
            return
        with mmap.mmap(fd, size, access=mmap.ACCESS_READ) as mapped:
            view = memoryview(mapped).cast("Q")
            try:
                entries = list(_entries(view))
            finally:
                view.release()
        yield entries
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)


def ledgers(directory: Path, mine: Path) -> list[Path]:
    """Every ledger in `directory` but `mine`."""
    if not directory.is_dir():
        return []
    return [p for p in directory.iterdir() if p.suffix == _SUFFIX and p != mine]
