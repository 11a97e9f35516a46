"""The checker: the load generator's log against what the platform kept, after a fault.

- **Scans, exactly once.** Per code, the analytics total must lie between the client's
  `counted` answers and those plus the requests that got no answer (a request the redirect
  may have recorded before its connection broke). Below: `lost`; above: `duplicated`. Events
  the redirect's spool dropped at its size limit (`allowed_drops`, read from its metrics) are
  accounted as such: the loss must be exactly that many.
- **Writes.** Every write the API acknowledged is in PostgreSQL (a code's target is its last
  acknowledged value, or a later one whose answer was lost) and in every redirect worker's
  table (HEAD answers that target).
- **Caps.** No capped code was granted (answered with its target) more than its cap, and its
  books in PostgreSQL never pass it.
- **Recovery**: seconds from the restart until all of that holds.

`python tests/faults/checker.py [results.jsonl]` prints the table of a run.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from faults.workload import TIMEOUT, Answer, Workload, Write
from support.ids import uuid_of

POLL_S = 1.0  # between two rounds of reading every code's total

COLUMNS = (
    ("scenario", "scenario"),
    ("requests", "requests"),
    ("errors", "errors"),
    ("no answer", "no_answer"),
    ("dropped", "dropped_by_spool"),
    ("lost", "lost"),
    ("duplicated", "duplicated"),
    ("writes acked", "writes_acked"),
    ("writes lost", "writes_lost"),
    ("cap excess", "cap_excess"),
    ("recovery s", "recovery_s"),
)


@dataclass
class Result:
    scenario: str
    requests: int = 0
    errors: int = 0  # 5xx or a wrong target on the scan path
    no_answer: int = 0
    lost: int = 0
    duplicated: int = 0
    writes_acked: int = 0
    writes_lost: int = 0
    cap_excess: int = 0
    recovery_s: float = 0.0
    dropped_by_spool: int = 0
    notes: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not (
            self.errors or self.lost or self.duplicated or self.writes_lost or self.cap_excess
        )

    def row(self) -> list[str]:
        values = asdict(self)
        return [
            f"{values[key]:.1f}" if key == "recovery_s" else str(values[key]) for _, key in COLUMNS
        ]


def table(results: list[Result]) -> str:
    rows = [[title for title, _ in COLUMNS], *(r.row() for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in rows]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


@dataclass
class Checker:
    workload: Workload
    dsn: str
    answers: list[Answer]
    writes: list[Write]
    allowed_drops: int = 0
    # Analytics reads that failed, by status or exception (each retried next round).
    refusals: Counter[int | str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # codes off their bounds at the end

    async def check(self, scenario: str, restarted_at: float, timeout: float = 150.0) -> Result:
        result = Result(scenario, requests=len(self.answers))
        result.errors = sum(a.outcome == "wrong" for a in self.answers)
        kinds = {c.id: c.kind for c in self.workload.codes}
        wrong = Counter(
            f"{kinds[a.code]} {a.status} {a.location}" for a in self.answers if a.outcome == "wrong"
        )
        result.notes += [f"wrong answers: {n} × {what}" for what, n in wrong.most_common(5)]
        result.no_answer = sum(a.outcome == "no_answer" for a in self.answers)
        result.writes_acked = sum(w.acked for w in self.writes)
        if unanswered := sum(w.status is None for w in self.writes):
            result.notes.append(f"writes with no answer (may or may not be stored): {unanswered}")
        result.dropped_by_spool = self.allowed_drops
        result.cap_excess = await self._cap_excess()
        deadline = time.monotonic() + timeout
        writes_lost = await self._writes_missing(deadline)
        result.writes_lost = writes_lost
        lost, duplicated = await self._scans_settled(deadline)
        result.recovery_s = time.time() - restarted_at
        result.lost = max(0, lost - self.allowed_drops)
        if lost < self.allowed_drops:
            result.notes.append(f"the spool dropped {self.allowed_drops}, {lost} missing")
            result.lost = self.allowed_drops - lost  # an unexplained drop count is an error
        result.duplicated = duplicated
        if self.refusals:
            result.notes.append(f"analytics reads retried: {dict(self.refusals)}")
        result.notes += self.missing
        return result

    # --- scans --------------------------------------------------------------------------------

    def _bounds(self) -> dict[str, tuple[int, int]]:
        answers = self.workload.setup + self.answers
        counted = Counter(a.code for a in answers if a.outcome == "counted")
        unknown = Counter(a.code for a in self.answers if a.outcome == "no_answer")
        return {c.id: (counted[c.id], counted[c.id] + unknown[c.id]) for c in self.workload.codes}

    async def _scans_settled(self, deadline: float) -> tuple[int, int]:
        """(lost, duplicated) once every code's total is within its bounds and stayed unchanged
        for 3 s, or at the deadline (then what is still missing is lost). A code whose answer
        could not be read this round (refused, unreachable) keeps its last total read: an
        unanswered request is not a count of 0."""
        bounds = self._bounds()
        totals: dict[str, int] = {}
        previous: dict[str, int] | None = None
        stable_since = time.monotonic()
        async with aiohttp.ClientSession() as session:
            while True:
                wait = await self._read_totals(session, totals)
                lost = sum(max(0, low - totals.get(c, 0)) for c, (low, _) in bounds.items())
                dup = sum(max(0, totals.get(c, 0) - high) for c, (_, high) in bounds.items())
                if totals != previous:
                    previous, stable_since = dict(totals), time.monotonic()
                complete = len(totals) == len(bounds)
                steady = time.monotonic() - stable_since >= 3
                if (complete and steady and lost <= self.allowed_drops) or (
                    time.monotonic() > deadline
                ):
                    self._note_missing(bounds, totals)
                    return lost, dup
                await asyncio.sleep(max(POLL_S, wait))

    async def _read_totals(self, session: aiohttp.ClientSession, totals: dict[str, int]) -> float:
        """One round of every code's analytics total into `totals`; returns how long the API
        asked to be left alone (its largest Retry-After of the round, at most 10 s)."""
        api = self.workload.api
        wait = 0.0
        for code in self.workload.codes:
            try:
                status, body, retry_after = await api.read(
                    session, f"/v1/codes/{code.id}/analytics"
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.refusals[type(exc).__name__] += 1
                continue
            if status == 200:
                totals[code.id] = int(body["totals"]["scans"] or 0)
                continue
            self.refusals[status] += 1
            wait = max(wait, min(10.0, retry_after or 1.0))
            if status == 429:
                break  # the rest of the round would be refused too
        return wait

    def _note_missing(self, bounds: dict[str, tuple[int, int]], totals: dict[str, int]) -> None:
        for code in self.workload.codes:
            low, high = bounds[code.id]
            total = totals.get(code.id)
            if total is None or not low <= total <= high:
                self.missing.append(f"{code.kind} {code.id}: {total} of {low}..{high}")

    # --- caps ---------------------------------------------------------------------------------

    async def _cap_excess(self) -> int:
        granted = Counter(a.code for a in self.answers if a.granted)
        excess = 0
        conn = await _connect(self.dsn)
        try:
            for code in self.workload.codes:
                if code.cap is None:
                    continue
                excess += max(0, granted[code.id] - code.cap)
                row = await conn.fetchrow(
                    "SELECT used, leased FROM scan_caps WHERE code_id = $1", uuid_of(code.id)
                )
                if row is not None:
                    excess += max(0, row["used"] + row["leased"] - code.cap)
        finally:
            await conn.close()
        return excess

    # --- writes -------------------------------------------------------------------------------

    def _allowed_targets(self) -> dict[str, tuple[str, set[str]]]:
        """Code id → (slug, targets it may hold): its last acknowledged one and any later
        write whose answer was lost."""
        allowed: dict[str, tuple[str, set[str]]] = {}
        for write in self.writes:
            if write.code is None or write.slug is None:
                continue
            if write.acked:
                allowed[write.code] = (write.slug, {write.target})
            elif write.code in allowed:
                allowed[write.code][1].add(write.target)
        return allowed

    async def _writes_missing(self, deadline: float) -> int:
        allowed = self._allowed_targets()
        missing = set(allowed)
        while True:
            missing = {c for c in missing if not await self._write_visible(c, *allowed[c])}
            if not missing or time.monotonic() > deadline:
                return len(missing)
            await asyncio.sleep(0.5)

    async def _write_visible(self, code: str, slug: str, targets: set[str]) -> bool:
        conn = await _connect(self.dsn)
        try:
            stored = await conn.fetchval(
                "SELECT target_url FROM codes WHERE id = $1", uuid_of(code)
            )
        finally:
            await conn.close()
        if stored not in targets:
            return False
        for _ in range(6):  # fresh connections: the kernel spreads them over the workers
            try:
                async with (
                    aiohttp.ClientSession() as fresh,
                    fresh.head(
                        f"{self.workload.redirect}/{slug}", allow_redirects=False, timeout=TIMEOUT
                    ) as r,
                ):
                    if r.headers.get("Location") != stored:
                        return False
            except (aiohttp.ClientError, TimeoutError):
                return False
        return True


async def _connect(dsn: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await asyncpg.connect(dsn, timeout=5)
        except (OSError, asyncpg.PostgresError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def load_results(path: Path) -> list[Result]:
    results = []
    for line in path.read_text().splitlines():
        if line.strip():
            results.append(Result(**json.loads(line)))
    return results


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else ".run/faults/results.jsonl")
    results = load_results(path)
    print(table(results))
    return 0 if all(r.ok() for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
