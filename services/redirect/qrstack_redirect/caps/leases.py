"""Scan caps from leases held in memory: exact across processes, no round trip per scan.

Each process takes *leases* on a capped code: blocks of the code's remaining scans, taken from
PostgreSQL in one atomic statement (`statements.TAKE`), and grants scans from them in memory.
The books (migration 0008) keep `used + leased <= cap` whatever the processes do, so no scan
beyond the cap is ever granted:

- **Size.** A lease asks for what the code's scan rate in this process uses in
  `horizon_s` (at least 1), and the statement grants at most an eighth of what is left: leases
  shrink as the cap nears its end, so the last scans go to whichever process gets them.
- **Renewal.** A lease is topped up in the background when it runs low, and renewed (its
  spent scans reported, its expiry pushed out) every `ttl_s / 3`. A lease idle for `idle_s` is
  handed back.
- **Stop.** A clean stop hands every lease back (`close`): spent scans settled, the rest
  returned to the cap.
- **Crash.** Every grant is written to this process's ledger (`ledger.py`) before the scan is
  answered; a process on the same host settles a dead process's leases exactly from it. Leases
  nobody settled are reclaimed `reclaim_after_s` after they expired and counted as granted
  in full: never over the cap.
- **Database down or frozen.** Scans are granted from the leases held. A scan that needs a new
  lease waits at most `wait_s` (tens of milliseconds) for it, whatever state the database is
  in, then gets the cap's refusal (fail closed); the statement goes on in the background and
  what it brings is used by the next scans.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from qrstack_redirect.caps import ledger as ledgers
from qrstack_redirect.caps.ledger import Ledger
from qrstack_redirect.caps.statements import OPEN_BOOKS, RECLAIM, RELEASE, TAKE
from qrstack_redirect.database import DatabaseUnavailable, RedirectDatabase
from qrstack_redirect.table.records import CodeEntry

log = logging.getLogger(__name__)

_NO_LEASE = uuid.UUID(int=0)
_MAX_LEASE = 10_000


class CapVerdict(StrEnum):
    GRANTED = "granted"  # the scan is counted against the cap; answer it
    REACHED = "reached"  # the cap is used up (or held in other processes' leases)
    UNAVAILABLE = "unavailable"  # no lease and none to be had in time: answered as reached


@dataclass(slots=True)
class LeaseSettings:
    wait_s: float = 0.05  # the longest a scan waits for a lease
    ttl_s: float = 10.0
    horizon_s: float = 1.0  # a lease lasts about this long at the code's scan rate
    idle_s: float = 2.0  # a lease unused this long is handed back
    reclaim_after_s: float = 5.0  # grace after expiry before another host's lease is reclaimed
    retry_s: float = 0.1  # after "nothing left for now", ask again no sooner than this
    tick_s: float = 0.25


class CodeLease:
    """This process's lease on one code: `taken` scans given to it, `spent` of them granted."""

    __slots__ = (
        "asked",
        "busy",
        "code_id",
        "last_scan",
        "last_sync",
        "lease_id",
        "rate",
        "recent",
        "reported",
        "slot",
        "spent",
        "taken",
        "wait_until",
    )

    def __init__(self, code_id: uuid.UUID) -> None:
        self.code_id = code_id
        self.lease_id = _NO_LEASE
        self.taken = 0
        self.spent = 0
        self.reported = 0  # spent as PostgreSQL last heard it
        self.slot: int | None = None
        self.rate = 0.0  # scans per second in this process (EWMA over ticks)
        self.recent = 0  # scans since the last tick
        self.last_scan = 0.0
        self.last_sync = 0.0
        self.wait_until = 0.0
        self.busy: asyncio.Task[None] | None = None
        self.asked = False  # a TAKE was sent: a lease row may exist even if no answer came

    def wanted(self, horizon_s: float) -> int:
        target = max(1, math.ceil(self.rate * horizon_s))
        return min(_MAX_LEASE, max(0, target - (self.taken - self.spent)))


class CapLeases:
    def __init__(
        self,
        database: RedirectDatabase,
        lease_dir: Path,
        verdicts: dict[str, int],
        settings: LeaseSettings | None = None,
    ) -> None:
        self._database = database
        self._settings = settings or LeaseSettings()
        self.holder = uuid.uuid4()
        self._lease_dir = lease_dir
        self._ledger: Ledger | None = None
        self._leases: dict[uuid.UUID, CodeLease] = {}
        self._caps: dict[uuid.UUID, int] = {}
        self.verdicts = verdicts  # `qr_scan_cap_checks_total`, by verdict
        for verdict in CapVerdict:
            verdicts.setdefault(verdict.value, 0)

    # --- the scan path ------------------------------------------------------------------

    def take_held(self, entry: CodeEntry) -> bool:
        """Grant one scan from the lease held, without waiting; False when none is held."""
        if self._grant(entry):
            self.verdicts[CapVerdict.GRANTED.value] += 1
            return True
        return False

    def _grant(self, entry: CodeEntry) -> bool:
        lease = self._leases.get(entry.code.id)
        if lease is None or lease.spent >= lease.taken or self._ledger is None:
            return False
        lease.spent += 1
        if lease.slot is not None:
            self._ledger.record(lease.slot, lease.spent)
        lease.recent += 1
        lease.last_scan = time.monotonic()
        held = lease.taken - lease.spent
        if lease.busy is None and held <= lease.rate * self._settings.horizon_s / 4:
            self._start(lease, entry)  # top up before it runs out
        return True

    async def take(self, entry: CodeEntry) -> CapVerdict:
        """Take one scan from the cap of a capped code: from the lease held, else from a new
        one, waiting at most `wait_s` for it."""
        verdict = await self._take(entry)
        self.verdicts[verdict.value] += 1
        return verdict

    async def _take(self, entry: CodeEntry) -> CapVerdict:
        if self._grant(entry):
            return CapVerdict.GRANTED
        if self._ledger is None or not self._database.configured:
            return CapVerdict.UNAVAILABLE
        code_id = entry.code.id
        lease = self._leases.get(code_id)
        if lease is None:
            lease = self._leases[code_id] = CodeLease(code_id)
        lease.last_scan = time.monotonic()
        lease.recent += 1  # asked for, granted or not: the demand sizes the next lease
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.wait_s
        while True:
            if lease.wait_until > time.monotonic():
                return CapVerdict.REACHED
            task = lease.busy or self._start(lease, entry)
            left = deadline - loop.time()
            if left <= 0:
                return CapVerdict.UNAVAILABLE
            done, _ = await asyncio.wait({task}, timeout=left)
            if not done:
                return CapVerdict.UNAVAILABLE
            if self._grant(entry):
                lease.recent -= 1  # counted once, above
                return CapVerdict.GRANTED
            if entry.cap_reached or lease.wait_until > time.monotonic():
                return CapVerdict.REACHED
            if task.exception() is not None or not self._database.available:
                return CapVerdict.UNAVAILABLE

    # --- talking to PostgreSQL (in the background) --------------------------------------

    def _start(self, lease: CodeLease, entry: CodeEntry) -> asyncio.Task[None]:
        cap = entry.code.max_scans
        assert cap is not None, "only capped codes take from a cap"
        self._caps[lease.code_id] = cap
        task = asyncio.ensure_future(self._sync(lease, entry, cap))
        lease.busy = task
        task.add_done_callback(functools.partial(_finished, lease))
        return task

    async def _sync(self, lease: CodeLease, entry: CodeEntry | None, cap: int) -> None:
        """Report what was spent, top the lease up, push its expiry out (one statement)."""
        row = await self._take_statement(lease, cap)
        if row is None:
            await self._database.fetchval(OPEN_BOOKS, lease.code_id)
            row = await self._take_statement(lease, cap)
            if row is None:
                return
        self._apply(lease, row, entry)
        if row["granted"] == 0 and lease.taken <= lease.spent and entry is not None:
            held_here = (row["taken"] or 0) - (row["spent"] or 0)
            if row["leased"] - held_here <= 0:
                entry.cap_reached = True  # nothing left anywhere: the cap is used up
                return
            reclaimed = await self._database.fetchval(
                RECLAIM, lease.code_id, self._settings.reclaim_after_s
            )
            if reclaimed:
                log.info("expired scan-cap leases reclaimed", extra={"code_id": str(lease.code_id)})
                row = await self._take_statement(lease, cap)
                if row is not None:
                    self._apply(lease, row, entry)
            if lease.taken <= lease.spent:
                lease.wait_until = time.monotonic() + self._settings.retry_s

    async def _take_statement(self, lease: CodeLease, cap: int) -> dict[str, Any] | None:
        reported = lease.spent
        lease.asked = True
        row = await self._database.fetchrow(
            TAKE,
            lease.code_id,
            self.holder,
            cap,
            lease.wanted(self._settings.horizon_s),
            reported,
            lease.lease_id,
            uuid.uuid4(),
            self._settings.ttl_s,
        )
        if row is None:
            return None
        result = dict(row)
        result["reported"] = reported
        return result

    def _apply(self, lease: CodeLease, row: dict[str, Any], entry: CodeEntry | None) -> None:
        lease.last_sync = time.monotonic()
        lease_id = row["lease_id"]
        if lease_id is None:  # nothing granted and no lease row
            if lease.lease_id != _NO_LEASE:
                self._forget(lease)  # our row was reclaimed: what we held was counted
            return
        assert isinstance(lease_id, uuid.UUID)
        taken, spent = row["taken"], row["spent"]
        assert isinstance(taken, int) and isinstance(spent, int)
        if lease_id != lease.lease_id:
            if lease.lease_id != _NO_LEASE:
                self._forget(lease)
            lease.lease_id, lease.spent, lease.reported = lease_id, spent, spent
            assert self._ledger is not None
            lease.slot = self._ledger.open_slot(lease.code_id, lease_id, spent)
        else:
            reported = row["reported"]
            assert isinstance(reported, int)
            lease.reported = reported
        lease.taken = taken

    def _forget(self, lease: CodeLease) -> None:
        if lease.slot is not None and self._ledger is not None:
            self._ledger.close_slot(lease.slot)
        lease.slot = None
        lease.lease_id, lease.taken, lease.spent, lease.reported = _NO_LEASE, 0, 0, 0

    async def _release(self, lease: CodeLease) -> None:
        if lease.lease_id == _NO_LEASE:
            if lease.asked:  # a lease granted by a statement whose answer was lost
                await self._database.fetchval(RELEASE, lease.code_id, self.holder, None, 0)
                lease.asked = False
            return
        await self._database.fetchval(
            RELEASE, lease.code_id, self.holder, lease.lease_id, lease.spent
        )
        self._forget(lease)
        lease.asked = False

    # --- the keeper: renewals, idle returns, dead neighbours ----------------------------

    async def run(self) -> None:
        """Open the ledger, then keep the leases until cancelled (then call `close`)."""
        self._ledger = Ledger(self._lease_dir, self.holder)
        ticks = 0
        while True:
            await self._settle_orphans() if ticks % 4 == 0 else None
            ticks += 1
            await asyncio.sleep(self._settings.tick_s)
            self._tick()

    def _tick(self) -> None:
        now, settings = time.monotonic(), self._settings
        for lease in list(self._leases.values()):
            lease.rate = 0.5 * lease.rate + 0.5 * lease.recent / settings.tick_s
            lease.recent = 0
            if lease.busy is not None:
                continue
            if now - lease.last_scan > settings.idle_s:
                if lease.lease_id == _NO_LEASE and not lease.asked:
                    del self._leases[lease.code_id]
                else:
                    lease.busy = asyncio.ensure_future(self._release(lease))
                    lease.busy.add_done_callback(functools.partial(_finished, lease))
            elif lease.lease_id != _NO_LEASE and now - lease.last_sync > settings.ttl_s / 3:
                cap = self._caps.get(lease.code_id)
                if cap is not None:
                    lease.busy = asyncio.ensure_future(self._sync(lease, None, cap))
                    lease.busy.add_done_callback(functools.partial(_finished, lease))

    async def _settle_orphans(self) -> None:
        """Settle the leases of dead processes on this host exactly, from their ledgers."""
        if self._ledger is None or not self._database.configured:
            return
        for path in ledgers.ledgers(self._lease_dir, self._ledger.path):
            try:
                with ledgers.orphan(path) as entries:
                    if entries is None:
                        continue
                    holder = uuid.UUID(path.stem)
                    for entry in entries:
                        await self._database.fetchval(
                            RELEASE, entry.code_id, holder, entry.lease_id, entry.granted
                        )
                    log.info(
                        "a dead process's scan-cap leases settled from its ledger",
                        extra={"holder": str(holder), "leases": len(entries)},
                    )
            except (DatabaseUnavailable, ValueError, OSError) as exc:
                log.warning("ledger not settled yet", extra={"path": path.name, "error": repr(exc)})

    async def close(self) -> None:
        """Hand every lease back (spent settled, the rest returned); keep the ledger when
        PostgreSQL could not hear it, so that another process settles it later."""
        settled = True
        for lease in list(self._leases.values()):
            if lease.busy is not None:
                await asyncio.wait({lease.busy}, timeout=self._database.timeout_s)
            try:
                await self._release(lease)
            except DatabaseUnavailable:
                settled = False
        self._leases.clear()
        if self._ledger is not None:
            self._ledger.close(settled=settled)
            self._ledger = None


def _finished(lease: CodeLease, task: asyncio.Task[None]) -> None:
    if lease.busy is task:
        lease.busy = None
    exc = None if task.cancelled() else task.exception()
    if exc is not None and not isinstance(exc, DatabaseUnavailable):
        log.error("scan-cap lease work failed", exc_info=exc)
