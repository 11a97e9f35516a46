"""Deciding whether a request is within its quota, and staying fast when PostgreSQL is not.

Each decision counts the request in the shared PostgreSQL counter, waiting at most `budget_s`
(pool checkout included). If the shared counter is slow or unreachable, the decision is taken
from this replica's own counts instead (carried on from the last shared count seen), and the
shared counter is left alone for `cooldown_s` so that a struggling database does not cost every
request the whole budget. A bucket known to be over its limit for the current window is refused
from memory without asking PostgreSQL again: a flood costs the database nothing more.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from qrstack_api.ratelimit.counters import MemoryCounters, PostgresCounters
from qrstack_common.errors import ApiError
from qrstack_common.metrics import ApiMetrics

_SHARED_FAILURES = (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One bucket's state once this request is counted."""

    limit: int
    remaining: int
    reset_s: int  # whole seconds until the window resets (at least 1)
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_s),
        }

    def refusal(self, detail: str) -> ApiError:
        """429 `rate_limited` with `Retry-After` and the rate-limit headers."""
        return ApiError(
            "rate_limited", detail, headers={**self.headers(), "Retry-After": str(self.reset_s)}
        )


class RateLimiter:
    def __init__(
        self,
        shared: PostgresCounters | None,
        metrics: ApiMetrics,
        *,
        budget_s: float = 0.025,
        cooldown_s: float = 5.0,
        local: MemoryCounters | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`shared` None counts in memory only (one replica, or per-replica limits)."""
        self._shared = shared
        self._metrics = metrics
        self._budget_s = budget_s
        self._cooldown_s = cooldown_s
        self._local = local if local is not None else MemoryCounters()
        self._clock = clock
        self._shared_resumes_at = 0.0  # monotonic time before which the shared store is skipped

    async def hit(self, bucket: str, limit: int, window_s: int, amount: int = 1) -> Verdict:
        """Count `amount` requests in `bucket` and say whether they are within `limit` per
        `window_s`. Never raises for the store's sake: the worst case is a local decision."""
        now = self._clock()
        index = int(now // window_s)
        window_end = (index + 1) * window_s
        known = self._local.count(bucket, index)
        if known > limit:
            hits = known  # over the limit already this window: no need to ask anyone
        else:
            hits = await self._add(bucket, index, window_end, now, amount)
        return _verdict(limit, hits, window_end - now, allowed=hits <= limit)

    async def peek(self, bucket: str, limit: int, window_s: int) -> Verdict:
        """Whether `bucket` still has room for one more hit, without counting one."""
        now = self._clock()
        index = int(now // window_s)
        window_end = (index + 1) * window_s
        hits = self._local.count(bucket, index)
        if hits < limit and self._shared_usable():
            assert self._shared is not None
            try:
                async with asyncio.timeout(self._budget_s):
                    hits = max(hits, await self._shared.count(bucket, index))
            except _SHARED_FAILURES:
                self._shared_failed()
        return _verdict(limit, hits, window_end - now, allowed=hits < limit)

    async def _add(
        self, bucket: str, index: int, window_end: float, now: float, amount: int
    ) -> int:
        if self._shared_usable():
            assert self._shared is not None
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self._budget_s):
                    hits = await self._shared.add(bucket, index, window_end, amount)
            except _SHARED_FAILURES:
                self._shared_failed()
            else:
                self._metrics.rate_limit_seconds.observe(time.perf_counter() - started)
                self._metrics.rate_limit_decisions.labels("shared").inc()
                self._local.observe(bucket, index, window_end, now, hits)
                return hits
        self._metrics.rate_limit_decisions.labels("local").inc()
        return self._local.add(bucket, index, window_end, now, amount)

    def _shared_usable(self) -> bool:
        return self._shared is not None and time.monotonic() >= self._shared_resumes_at

    def _shared_failed(self) -> None:
        self._metrics.rate_limit_shared_failures.inc()
        self._shared_resumes_at = time.monotonic() + self._cooldown_s


def _verdict(limit: int, hits: int, until_reset: float, *, allowed: bool) -> Verdict:
    return Verdict(
        limit=limit,
        remaining=max(0, limit - hits),
        reset_s=max(1, math.ceil(until_reset)),
        allowed=allowed,
    )
