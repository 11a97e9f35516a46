"""Every service's /metrics shows how many tasks its event loop holds (a leak shows as growth)."""

from __future__ import annotations

import asyncio

from qrstack_common.metrics import ServiceMetrics


async def test_the_task_gauge_counts_the_loops_tasks() -> None:
    metrics = ServiceMetrics("test")
    before = metrics.registry.get_sample_value("qr_event_loop_tasks")
    assert before is not None and before >= 1  # this test's own task
    # No await between the reads: no other task of the (shared) loop can start or end meanwhile.
    idle = [asyncio.create_task(asyncio.sleep(5)) for _ in range(7)]
    try:
        assert metrics.registry.get_sample_value("qr_event_loop_tasks") == before + 7
    finally:
        for task in idle:
            task.cancel()
        await asyncio.gather(*idle, return_exceptions=True)
    assert all(task.done() for task in idle)


def test_outside_an_event_loop_it_reads_zero() -> None:
    assert ServiceMetrics("test").registry.get_sample_value("qr_event_loop_tasks") == 0
