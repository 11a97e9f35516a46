"""Fixed-window counting and verdicts, on this process's own counters and a given clock."""

from __future__ import annotations

import pytest

from qrstack_api.ratelimit.counters import MemoryCounters
from qrstack_api.ratelimit.limiter import RateLimiter
from qrstack_common.metrics import ApiMetrics


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _limiter(clock: Clock, local: MemoryCounters | None = None) -> RateLimiter:
    return RateLimiter(None, ApiMetrics(), local=local, clock=clock)


async def test_requests_within_the_limit_pass_and_the_next_is_refused() -> None:
    clock = Clock(6_000.0)  # the start of a 60 s window
    limiter = _limiter(clock)
    verdicts = [await limiter.hit("b", 3, 60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert [v.remaining for v in verdicts] == [2, 1, 0, 0]
    assert {v.reset_s for v in verdicts} == {60}
    refusal = verdicts[3].refusal("slow down")
    assert refusal.status == 429 and refusal.code == "rate_limited"
    assert (
        refusal.headers["Retry-After"] == "60" and refusal.headers["X-RateLimit-Remaining"] == "0"
    )


async def test_reset_counts_down_and_a_new_window_starts_afresh() -> None:
    clock = Clock(6_000.0)
    limiter = _limiter(clock)
    await limiter.hit("b", 1, 60)
    clock.now = 6_059.2
    late = await limiter.hit("b", 1, 60)
    assert not late.allowed and late.reset_s == 1
    clock.now = 6_060.0
    fresh = await limiter.hit("b", 1, 60)
    assert fresh.allowed and fresh.remaining == 0 and fresh.reset_s == 60


async def test_buckets_and_window_lengths_are_independent() -> None:
    limiter = _limiter(Clock(7_200.0))
    assert (await limiter.hit("a", 1, 60)).allowed
    assert not (await limiter.hit("a", 1, 60)).allowed
    assert (await limiter.hit("b", 1, 60)).allowed


async def test_peek_counts_nothing() -> None:
    limiter = _limiter(Clock(900.0))
    for _ in range(5):
        assert (await limiter.peek("signin", 2, 900)).allowed
    await limiter.hit("signin", 2, 900)
    assert (await limiter.peek("signin", 2, 900)).remaining == 1
    await limiter.hit("signin", 2, 900)
    blocked = await limiter.peek("signin", 2, 900)
    assert not blocked.allowed and blocked.remaining == 0


@pytest.mark.parametrize("size", [1, 10])
def test_memory_stays_bounded_however_many_callers(size: int) -> None:
    counters = MemoryCounters(max_counters=size)
    for caller in range(1_000):
        counters.add(f"ip:{caller}", 100, 6_060.0, 6_000.0)
    assert len(counters) <= size
    # Finished windows are forgotten before live ones.
    counters.add("live", 101, 6_120.0, 6_100.0)
    assert counters.count("live", 101) == 1


def test_observing_the_shared_count_never_lowers_the_local_one() -> None:
    counters = MemoryCounters()
    counters.add("b", 1, 120.0, 60.0, amount=5)
    counters.observe("b", 1, 120.0, 60.0, 3)
    assert counters.count("b", 1) == 5
    counters.observe("b", 1, 120.0, 60.0, 9)
    assert counters.count("b", 1) == 9
