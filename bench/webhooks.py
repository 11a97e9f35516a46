"""Webhook benchmark: deliveries per second from the delivery worker to a local receiver, and
event-to-delivery latency (a scan event produced to Kafka → its signed request arriving),
beside a bare aiohttp client posting the same bodies to the same receiver with the same
concurrency (the ceiling the worker's queue, signing and bookkeeping are measured against).

Run: .venv/bin/python bench/webhooks.py [--events 3000] [--paced 300] [--rate 100]
Starts PostgreSQL and Kafka with the launcher in a temporary directory, applies the API's
migrations, runs the worker in-process (local URLs allowed, as in development) and a receiver
on 127.0.0.1. Cases:

1. bare client: `--events` POSTs, `WEBHOOK_ENDPOINT_CONCURRENCY` (4) in flight;
2. worker, one endpoint: `--events` scans produced at once; deliveries/s from the first
   produce to the last arrival, and the latency of each event (arrival − produce);
3. worker, one endpoint with batchSize 50: the same, counted per event;
4. worker, paced: `--paced` scans at `--rate`/s, latency p50/p99 (the steady-state figure).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg
from aiohttp import web

from qrstack_api.db.migrate import apply_migrations
from qrstack_common.activity import ScanData, envelope
from qrstack_common.events import SCANS_TOPIC, ScanEvent
from qrstack_common.kafka import EventProducer
from qrstack_launcher.stack import Infrastructure
from qrstack_webhooks.app import FANOUT, create_app
from qrstack_webhooks.settings import WebhookSettings


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.count: dict[str, int] = {}

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        now = time.time()
        path = request.match_info["path"]
        events = body["data"] if body.get("type") == "batch" else [body]
        times = self.arrivals.setdefault(path, [])
        for event in events:
            sent = datetime.fromisoformat(event["timestamp"]).timestamp()
            times.append(now - sent)
        self.count[path] = self.count.get(path, 0) + len(events)
        return web.Response(text="ok")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _endpoint(pool: asyncpg.Pool, workspace: uuid.UUID, url: str, batch: int) -> None:
    endpoint = uuid.uuid4()
    await pool.execute(
        "INSERT INTO webhook_endpoints (id, workspace_id, url, events, batch_size)"
        " VALUES ($1, $2, $3, '{scan.created}', $4)",
        endpoint,
        workspace,
        url,
        batch,
    )
    await pool.execute(
        "INSERT INTO webhook_secrets (endpoint_id, secret) VALUES ($1, $2)",
        endpoint,
        "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    )


def _scans(workspace: uuid.UUID, code: uuid.UUID, n: int) -> list[ScanEvent]:
    return [
        ScanEvent(
            scan_id=uuid.uuid4(),
            ts=datetime.now(UTC),
            workspace_id=workspace,
            code_id=code,
            domain="qr.example.test",
            slug="bench",
            outcome="redirect",
            device="mobile",
            visitor_hash="ab" * 16,
        )
        for _ in range(n)
    ]


async def _wait(receiver: Receiver, path: str, n: int, timeout: float = 300) -> float:
    deadline = time.monotonic() + timeout
    while receiver.count.get(path, 0) < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"{path}: {receiver.count.get(path, 0)}/{n} after {timeout}s")
        await asyncio.sleep(0.01)
    return time.time()


def _root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="qrstack-bench-webhooks-"))
    root.chmod(0o755)  # PostgreSQL runs as its own user
    return root


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--paced", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()

    root = _root()
    infra = Infrastructure(root, durable=False, kafka_heap="512m")
    await infra.start()
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/{path}", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    rows: list[tuple[str, float, str, str]] = []
    try:
        await apply_migrations(infra.database_url)
        pool = await asyncpg.create_pool(infra.database_url, min_size=1, max_size=4)
        assert pool is not None
        workspace, code = uuid.uuid4(), uuid.uuid4()
        await pool.execute(
            "INSERT INTO workspaces (id, name, plan) VALUES ($1, 'bench', 'business')", workspace
        )

        # 1. the bare client
        scan = _scans(workspace, code, 1)[0]
        payload = (
            envelope(scan.scan_id, "scan.created", scan.ts, ScanData.of(scan))
            .model_dump_json()
            .encode()
        )
        start = time.perf_counter()
        sem = asyncio.Semaphore(4)
        async with aiohttp.ClientSession() as session:

            async def post() -> None:
                async with sem, session.post(f"{base}/bare", data=payload) as response:
                    await response.read()

            await asyncio.gather(*(post() for _ in range(args.events)))
        bare = args.events / (time.perf_counter() - start)
        rows.append(("bare aiohttp client, 4 in flight", bare, "-", "-"))

        settings = WebhookSettings(
            database_url=infra.database_url,
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            topic_partitions=infra.partitions,
            allow_local_urls=True,
        )  # type: ignore[call-arg]
        worker = web.AppRunner(create_app(settings))
        await worker.setup()
        await web.TCPSite(worker, "127.0.0.1", 0).start()
        await worker.app[FANOUT].started.wait()
        await asyncio.sleep(2.0)
        producer = EventProducer(infra.kafka_bootstrap, client_id="bench")
        await producer.start()

        async def publish(scans: list[ScanEvent]) -> None:
            await producer.send_keyed(SCANS_TOPIC, [(s.kafka_key(), s.to_bytes()) for s in scans])

        for path, batch in (("single", 1), ("batched", 50)):
            ws = uuid.uuid4()
            await pool.execute(
                "INSERT INTO workspaces (id, name, plan) VALUES ($1, 'bench', 'business')", ws
            )
            await _endpoint(pool, ws, f"{base}/{path}", batch)
            started = time.time()
            await publish(_scans(ws, code, args.events))
            done = await _wait(receiver, path, args.events)
            lat = receiver.arrivals[path]
            rows.append(
                (
                    f"worker, backlog of {args.events}, batchSize {batch}",
                    args.events / (done - started),
                    f"{_pct(lat, 0.5) * 1000:.0f}",
                    f"{_pct(lat, 0.99) * 1000:.0f}",
                )
            )

        ws = uuid.uuid4()
        await pool.execute(
            "INSERT INTO workspaces (id, name, plan) VALUES ($1, 'bench', 'business')", ws
        )
        await _endpoint(pool, ws, f"{base}/paced", 1)
        for _ in range(args.paced):
            await publish(_scans(ws, code, 1))
            await asyncio.sleep(1 / args.rate)
        await _wait(receiver, "paced", args.paced)
        lat = receiver.arrivals["paced"]
        rows.append(
            (
                f"worker, paced {args.rate:g}/s",
                args.rate,
                f"{_pct(lat, 0.5) * 1000:.0f}",
                f"{_pct(lat, 0.99) * 1000:.0f}",
            )
        )
        await producer.stop()
        await worker.cleanup()
        await pool.close()
    finally:
        await runner.cleanup()
        await infra.stop()

    print(f"\n{'case':<44} {'deliveries/s':>13} {'p50 ms':>8} {'p99 ms':>8}")
    for name, rate, p50, p99 in rows:
        print(f"{name:<44} {rate:>13.0f} {p50:>8} {p99:>8}")
    print(f"\nworker / bare client: {rows[1][1] / rows[0][1]:.2f}× (batchSize 1)")


if __name__ == "__main__":
    asyncio.run(main())
