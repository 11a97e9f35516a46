"""The platform a fault scenario breaks: the project's launcher (`Infrastructure`, `Platform`)
with PostgreSQL, Kafka, the analytics service (chDB), the API and the redirect with 2 worker
processes, as `make run` starts them (durable PostgreSQL), on free ports under its own root.

`kill` is `kill -9`: the component's whole process group (PostgreSQL's backends, Kafka's JVM,
a service and anything it started) dies at once, with no chance to flush or hand anything back.
`restart` starts it again through the launcher, on the same ports and data.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess
from qrstack_launcher.stack import SERVICES, Infrastructure, Platform

TIMEOUT = aiohttp.ClientTimeout(total=5)
# What a fault scenario needs running: the renderer checks each new design's contrast (without
# it every create is saved "with the contrast check only"); webhooks answer no scan and store no
# count.
RUNNING = ("api", "redirect", "analytics", "renderer")


async def kill_group(process: ManagedProcess | None) -> None:
    """kill -9 the process and its process group (the launcher starts each in its own)."""
    if process is None or process.process is None:
        return
    proc = process.process
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    await proc.wait()


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


async def wait_group_gone(pgid: int, timeout: float = 30.0) -> None:
    """PostgreSQL will not start while a backend of the killed server still holds its shared
    memory: wait until every member of the group has exited."""
    deadline = time.monotonic() + timeout
    while not _group_gone(pgid):
        if time.monotonic() > deadline:
            raise TimeoutError(f"process group {pgid} still alive after {timeout:.0f}s")
        await asyncio.sleep(0.05)


@dataclass
class FaultStack:
    root: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    infra: Infrastructure | None = None
    platform: Platform | None = None

    @property
    def started(self) -> Platform:
        assert self.platform is not None, "the stack is not started"
        return self.platform

    @property
    def infrastructure(self) -> Infrastructure:
        assert self.infra is not None, "the stack is not started"
        return self.infra

    def url(self, service: str) -> str:
        return self.started.url(service)

    async def start(self) -> None:
        # durable=True as `make run`: a PostgreSQL killed with -9 keeps what it acknowledged.
        self.infra = Infrastructure(self.root, durable=True, kafka_heap="512m")
        await self.infra.start()
        env = {
            "REDIRECT_WORKERS": "2",
            "LOG_FORMAT": "text",
            # The checker reads every code's analytics each second until the counts settle,
            # far past the default 1,000 requests a minute of one key: the API's rate limit is
            # not what a fault scenario tests (tests/unit and tests/security do).
            "API_RATE_LIMIT_AUTHENTICATED": "1000000",
            **self.extra_env,
        }
        self.platform = Platform(self.infra, extra_env=env)
        for service in SERVICES:
            self.platform.ports.setdefault(service, free_port())
        try:
            await self.platform.start_service("api")
            await asyncio.gather(*(self.platform.start_service(s) for s in RUNNING[1:]))
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        if self.platform is not None:
            await self.platform.stop()
        if self.infra is not None:
            await self.infra.stop()

    # --- faults -------------------------------------------------------------------------------

    async def kill(self, component: str) -> None:
        """kill -9 `component`: "kafka", "postgres", or a service name."""
        if component == "kafka":
            await kill_group(self.infrastructure.kafka and self.infrastructure.kafka.process)
        elif component == "postgres":
            postgres = self.infrastructure.postgres
            process = postgres.process if postgres is not None else None
            if process is not None and process.process is not None:
                pgid = process.process.pid
                await kill_group(process)
                await wait_group_gone(pgid)
        else:
            await kill_group(self.started.processes.get(component))

    async def restart(self, component: str) -> None:
        if component == "kafka":
            assert self.infrastructure.kafka is not None
            await self.infrastructure.kafka.start()
        elif component == "postgres":
            assert self.infrastructure.postgres is not None
            await self.infrastructure.postgres.start()
        else:
            await self.started.start_service(component)

    async def reconfigure(self, service: str, env: dict[str, str | None]) -> None:
        """Stop `service` cleanly (SIGTERM: a redirect flushes its scans and hands back its
        leases) and start it again with `env` over the stack's environment (None: unset)."""
        for name, value in env.items():
            if value is None:
                self.started.extra_env.pop(name, None)
            else:
                self.started.extra_env[name] = value
        await self.started.stop_service(service)
        await self.started.start_service(service)

    async def redirect_counter(self, name: str, workers: int = 2) -> float:
        """The sum of counter `name` (every label) over the redirect's workers: /metrics on
        fresh connections (the kernel spreads them) until each worker answered once, told
        apart by `qr_redirect_worker`."""
        seen: dict[float, float] = {}
        for _ in range(100):
            async with (
                aiohttp.ClientSession() as fresh,
                fresh.get(f"{self.url('redirect')}/metrics", timeout=TIMEOUT) as response,
            ):
                text = await response.text()
            worker, total = -1.0, 0.0
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    if sample.name == "qr_redirect_worker":
                        worker = sample.value
                    elif sample.name == f"{name}_total":
                        total += sample.value
            seen[worker] = total
            if len(seen) == workers:
                return sum(seen.values())
        raise AssertionError(f"only workers {sorted(seen)} answered /metrics")

    def redirect_workers(self) -> list[int]:
        """The pids of the redirect supervisor's worker processes."""
        supervisor = self.started.processes["redirect"].process
        assert supervisor is not None
        path = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def log_tail(self, component: str, lines: int = 40) -> str:
        if component in self.started.processes:
            return self.started.processes[component].log_tail(lines)
        return ""
