"""Scan caps that are exact across replicas: one atomic statement per counted scan.

A capped code's scans are counted in PostgreSQL's `scan_caps` row for the code (migration
0006), which is also where the API reads how much of a cap is used. Taking a scan is a single
statement — insert the row at 1, or add 1 only while `used` is below the cap — so any number of
replicas, each with any number of concurrent scans, can never grant more scans than the cap:
PostgreSQL's row lock serialises the increments, and the condition is checked on the row
version each increment sees.

Only counted scans take from a cap (a person's GET, after any password gate passed); bots and
HEAD requests never touch it. Uncapped codes never reach this module.

When the counter cannot be asked (no database configured, unreachable, too slow), the scan is
answered as if the cap were reached: never overshoot is the promise, so the failure mode is an
undercount. A scan whose increment committed but whose answer was lost in a timeout is also
refused, so the cap may end up to a few scans short, never over.
"""

from __future__ import annotations

from enum import StrEnum

from qrstack_common.metrics import RedirectMetrics
from qrstack_redirect.database import DatabaseUnavailable, RedirectDatabase
from qrstack_redirect.table.records import CodeEntry

_TAKE = """
INSERT INTO scan_caps AS c (code_id, used) VALUES ($1, 1)
ON CONFLICT (code_id) DO UPDATE SET used = c.used + 1, updated_at = now()
    WHERE c.used < $2
RETURNING c.used
"""
STATEMENTS = (_TAKE,)  # every statement on `qrstack_common.tables.SCAN_CAPS`


class CapVerdict(StrEnum):
    GRANTED = "granted"  # the scan is counted against the cap; answer it
    REACHED = "reached"  # the cap is used up
    UNAVAILABLE = "unavailable"  # the counter could not be asked: treated as reached


class ScanCaps:
    def __init__(self, database: RedirectDatabase, metrics: RedirectMetrics) -> None:
        self._database = database
        self._verdicts = {v: metrics.cap_checks.labels(v.value) for v in CapVerdict}

    async def take(self, entry: CodeEntry) -> CapVerdict:
        """Take one scan from the cap of a capped code (`entry.code.max_scans` set).

        Once the counter says the cap is used up (or the granted scan was the last one), the
        entry remembers it (`cap_reached`) so later scans of that snapshot need no round trip.
        """
        cap = entry.code.max_scans
        assert cap is not None, "only capped codes take from a cap"
        try:
            used = await self._database.fetchval(_TAKE, entry.code.id, cap)
        except DatabaseUnavailable:
            verdict = CapVerdict.UNAVAILABLE
        else:
            if used is None:
                entry.cap_reached = True
                verdict = CapVerdict.REACHED
            else:
                if used >= cap:
                    entry.cap_reached = True
                verdict = CapVerdict.GRANTED
        self._verdicts[verdict].inc()
        return verdict
