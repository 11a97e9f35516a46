"""The fault scenarios of issue 14, each under steady load (scans of plain, capped, ruled and
password-gated codes; code creates and edits through the API), each judged by the checker:
no 5xx or wrong target on the scan path, every counted scan in the analytics exactly once,
every acknowledged write in PostgreSQL and in the redirect's table, caps never exceeded.

`make faults` runs them all and prints the table; `make test` runs the `smoke` one."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from faults.checker import Result
from faults.harness import Scenario, kill_and_restart, run
from faults.stack import FaultStack

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]


def passed(result: Result) -> None:
    assert result.ok(), result


async def test_smoke_kafka_killed_briefly(fault_stack: FaultStack) -> None:
    fault, recover = kill_and_restart(fault_stack, "kafka")
    scenario = Scenario("smoke: kill -9 Kafka 8 s", fault, recover, before=3, outage=8, after=3)
    passed(await run(fault_stack, scenario))


async def test_kafka_killed_for_30_s(fault_stack: FaultStack) -> None:
    fault, recover = kill_and_restart(fault_stack, "kafka")
    passed(await run(fault_stack, Scenario("1 kill -9 Kafka 30 s", fault, recover)))


async def test_postgres_killed_for_30_s(fault_stack: FaultStack) -> None:
    fault, recover = kill_and_restart(fault_stack, "postgres")
    passed(await run(fault_stack, Scenario("2 kill -9 PostgreSQL 30 s", fault, recover)))


async def test_analytics_killed_mid_batch(fault_stack: FaultStack) -> None:
    # At 120 scans/s a batch is always open or being written (ANALYTICS_BATCH_MAX_WAIT_MS):
    # the kill lands with records consumed, maybe inserted, and their offsets not committed.
    fault, recover = kill_and_restart(fault_stack, "analytics")
    scenario = Scenario("3 kill -9 analytics mid-batch", fault, recover, outage=10, after=10)
    passed(await run(fault_stack, scenario))


@pytest.mark.xfail(
    reason="kill -9 of a worker loses the scans it answered in its last few milliseconds and "
    "had not handed to Kafka yet (its in-memory buffer, SCAN_LINGER_MS): 1 of ~3,000 in 2 of "
    "4 runs; see docs/reliability.md",
    strict=False,
)
async def test_one_redirect_worker_killed(fault_stack: FaultStack) -> None:
    killed: list[int] = []

    async def fault() -> None:
        victim = fault_stack.redirect_workers()[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    async def recover() -> None:
        # The supervisor starts a worker that died again after a second; it listens once its
        # table caught up.
        deadline = time.monotonic() + 90
        while True:
            workers = fault_stack.redirect_workers()
            if len(workers) == 2 and killed[0] not in workers:
                break
            assert time.monotonic() < deadline, "the killed worker was not started again"
            await asyncio.sleep(0.1)

    scenario = Scenario("4 kill -9 one redirect of 2", fault, recover, outage=5, after=15)
    passed(await run(fault_stack, scenario))


async def test_api_killed_mid_burst(fault_stack: FaultStack) -> None:
    # 8 writers back to back: the kill lands with several creates and edits in flight, some
    # committed and not yet answered. Every acknowledged one must be in PostgreSQL and served.
    fault, recover = kill_and_restart(fault_stack, "api")
    scenario = Scenario(
        "5 kill -9 the API mid-burst", fault, recover, outage=5, writers=8, write_interval=0.02
    )
    passed(await run(fault_stack, scenario))


async def test_spool_bound_filled_during_a_long_kafka_outage(fault_stack: FaultStack) -> None:
    # Each worker's spool bounded at 256 KiB (about 15 s of its half of the load) while Kafka
    # stays away 45 s: the oldest segments are dropped. A buffer of 200 events spills to the
    # spool at once (by default 100,000 wait in memory while the producer retries). Every
    # scan must be accounted for: in analytics exactly once, or counted in
    # qr_scans_dropped_total (plain codes only, so every event is a counted scan).
    small = {"SCAN_SPOOL_MAX_BYTES": str(256 << 10), "SCAN_BUFFER_MAX": "200"}
    await fault_stack.reconfigure("redirect", dict(small))
    try:
        before = await fault_stack.redirect_counter("qr_scans_dropped")

        async def dropped() -> int:
            return int(await fault_stack.redirect_counter("qr_scans_dropped") - before)

        fault, recover = kill_and_restart(fault_stack, "kafka")
        scenario = Scenario(
            "6 spool bound filled, Kafka down 45 s",
            fault,
            recover,
            outage=45,
            plain_only=True,
            spool_drops=dropped,
        )
        result = await run(fault_stack, scenario)
    finally:
        await fault_stack.reconfigure("redirect", dict.fromkeys(small))
    assert result.dropped_by_spool > 0, "the spools never reached their bound"
    passed(result)


FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1")  # Debian faketime


@pytest.mark.skipif(not FAKETIME.exists(), reason="libfaketime is missing: `make faketime`")
@pytest.mark.parametrize("skew", ["+5m", "-5m"])
async def test_redirect_clock_skewed(fault_stack: FaultStack, skew: str) -> None:
    # The redirect replica (both workers: they share their host's clock) runs with its clock
    # 5 minutes off (libfaketime: wall and monotonic clocks shifted alike)
    # against PostgreSQL, the API and analytics on the true time, under the usual load plus
    # scheduled codes and codes with a time rule, all an hour from their boundaries. Capped
    # codes take and settle their leases with the skewed clock.
    skewed = {
        "LD_PRELOAD": str(FAKETIME),
        "FAKETIME": skew,
    }
    await fault_stack.reconfigure("redirect", dict(skewed))
    try:

        async def nothing() -> None:
            return None

        scenario = Scenario(
            f"7 redirect clock {skew[0]}5 min", nothing, nothing, outage=30, timed=True
        )
        result = await run(fault_stack, scenario)
    finally:
        await fault_stack.reconfigure("redirect", dict.fromkeys(skewed))
    passed(result)
