"""One fault scenario: steady load and writes, a fault, the recovery, the checker's verdict.

    workload = await Workload.create(...)   # its own workspace and codes
    scans at `rate`/s and writes every 0.25 s  ─ `before` s ─ fault ─ `outage` s ─ recover
    ─ `after` s ─ load stops ─ Checker.check (waits for the platform to settle)

Every result is appended to the report (`QRSTACK_FAULTS_REPORT`, else `<stack root>/results.jsonl`)
so that `make faults` can print one table for the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from faults.checker import Checker, Result
from faults.stack import FaultStack
from faults.workload import ScanLoad, Workload, Writes

Step = Callable[[], Awaitable[None]]
RESULTS: list[Result] = []  # this session's, for the terminal summary


@dataclass
class Scenario:
    name: str
    fault: Step
    recover: Step
    before: float = 5.0
    outage: float = 30.0
    after: float = 10.0
    rate: float = 120.0
    plain_only: bool = False
    timed: bool = False  # also scheduled codes and codes with a time rule
    writers: int = 1  # concurrent API writers (a burst: several, with a short interval)
    write_interval: float = 0.25
    spool_drops: Callable[[], Awaitable[int]] | None = None


async def run(stack: FaultStack, scenario: Scenario) -> Result:
    infra = stack.infrastructure
    workload = await Workload.create(
        stack.url("api"),
        stack.url("redirect"),
        infra.database_url,
        plain_only=scenario.plain_only,
        timed=scenario.timed,
    )
    load = ScanLoad(workload, scenario.rate)
    writes = Writes(workload, scenario.write_interval, scenario.writers)
    tasks = [asyncio.create_task(load.run()), asyncio.create_task(writes.run())]
    try:
        await asyncio.sleep(scenario.before)
        await scenario.fault()
        await asyncio.sleep(scenario.outage)
        restarted_at = time.time()
        await scenario.recover()
        await asyncio.sleep(scenario.after)
    finally:
        load.stop()
        writes.stop()
        await asyncio.gather(*tasks)
    drops = await scenario.spool_drops() if scenario.spool_drops else 0
    checker = Checker(workload, infra.database_url, load.answers, writes.log, allowed_drops=drops)
    result = await checker.check(scenario.name, restarted_at)
    record(stack, result)
    return result


def record(stack: FaultStack, result: Result) -> None:
    RESULTS.append(result)
    path = Path(os.environ.get("QRSTACK_FAULTS_REPORT") or stack.root / "results.jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(json.dumps(asdict(result)) + "\n")


def kill_and_restart(stack: FaultStack, component: str) -> tuple[Step, Step]:
    async def fault() -> None:
        await stack.kill(component)

    async def recover() -> None:
        await stack.restart(component)

    return fault, recover
