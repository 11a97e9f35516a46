"""Deliveries to a real local receiver: signed so `standardwebhooks` verifies them, retried
with the same webhook-id until a 2xx, recorded attempt by attempt, and a slow endpoint never
holding up another."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from qrstack_launcher.stack import Infrastructure
from support.scan_events import publish_scans, scan_of
from support.waiting import eventually

pytestmark = [pytest.mark.infra, pytest.mark.usefixtures("worker")]


async def test_one_scan_one_verified_delivery(infra: Infrastructure, new_workspace, receiver):
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("one-scan"), ["scan.created"])
    assert hook["secret"].startswith("whsec_")
    scan = scan_of(code)
    await publish_scans(infra.kafka_bootstrap, [scan, scan_of(code, outcome="password_required")])

    [got] = await receiver.wait_for("one-scan", 1)
    payload = Webhook(hook["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "scan.created"
    assert payload["id"] == str(scan.scan_id) == got.headers["webhook-id"]
    assert payload["data"]["codeId"] == code["id"]
    assert payload["data"]["device"] == "mobile"
    assert "ip" not in str(payload["data"]).lower().replace("slug", "")
    await asyncio.sleep(1.0)  # nothing else arrives: the gated scan is not a scan of the code
    assert len(receiver.at("one-scan")) == 1
    [delivery] = await ws.deliveries(hook["id"])
    assert delivery["status"] == "delivered"
    assert delivery["eventId"] == str(scan.scan_id)
    assert [a["statusCode"] for a in delivery["attempts"]] == [200]
    # The secret is never shown again.
    listed = await ws.ok("GET", "/v1/webhooks")
    assert [h["id"] for h in listed["data"]] == [hook["id"]]
    assert "secret" not in listed["data"][0]


async def test_500_three_times_then_200(infra: Infrastructure, new_workspace, receiver):
    async def flaky(request: web.Request, count: int) -> web.Response:
        if count <= 3:
            return web.Response(status=500, text="database is down " * 200)
        return web.Response(text="thanks")

    receiver.on("flaky", flaky)
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("flaky"), ["scan.created"])
    scan = scan_of(code)
    await publish_scans(infra.kafka_bootstrap, [scan])

    got = await receiver.wait_for("flaky", 4)
    assert {r.headers["webhook-id"] for r in got} == {str(scan.scan_id)}
    for request in got:
        Webhook(hook["secret"]).verify(request.body, request.headers)

    async def settled() -> bool:
        [delivery] = await ws.deliveries(hook["id"])
        return bool(delivery["status"] == "delivered")

    await eventually(settled)
    [delivery] = await ws.deliveries(hook["id"])
    assert delivery["attemptCount"] == 4
    attempts = delivery["attempts"]
    assert [a["statusCode"] for a in attempts] == [500, 500, 500, 200]
    assert len(attempts[0]["responseBody"]) == 1024  # truncated
    assert attempts[-1]["responseBody"] == "thanks"
    assert all(a["latencyMs"] >= 0 for a in attempts)
    endpoint = await ws.ok("GET", f"/v1/webhooks/{hook['id']}")
    assert endpoint["failingSince"] is None and endpoint["enabled"]


async def test_retry_after_is_honoured(infra: Infrastructure, new_workspace, receiver):
    async def busy(request: web.Request, count: int) -> web.Response:
        if count == 1:
            return web.Response(status=503, headers={"Retry-After": "2"})
        return web.Response()

    receiver.on("busy", busy)
    ws = await new_workspace()
    code = await ws.code()
    await ws.webhook(receiver.url("busy"), ["scan.created"])
    await publish_scans(infra.kafka_bootstrap, [scan_of(code)])
    first, second = await receiver.wait_for("busy", 2)
    assert second.at - first.at >= 1.9  # not the 0.2 s the schedule says


async def test_slow_endpoint_does_not_delay_another(infra: Infrastructure, new_workspace, receiver):
    async def sleepy(request: web.Request, count: int) -> web.Response:
        await asyncio.sleep(3.0)  # past the worker's 1 s timeout
        return web.Response()

    receiver.on("sleepy", sleepy)
    ws = await new_workspace()
    code = await ws.code()
    slow = await ws.webhook(receiver.url("sleepy"), ["scan.created"])
    await ws.webhook(receiver.url("brisk"), ["scan.created"])
    scans = [scan_of(code) for _ in range(20)]
    start = time.monotonic()
    await publish_scans(infra.kafka_bootstrap, scans)

    brisk = await receiver.wait_for("brisk", 20)
    assert max(r.at for r in brisk) - start < 3.0  # all 20 long before one slow answer
    deliveries = await ws.deliveries(slow["id"])

    async def timed_out() -> bool:
        deliveries = await ws.deliveries(slow["id"])
        return any(d["attempts"] for d in deliveries)

    await eventually(timed_out)
    deliveries = await ws.deliveries(slow["id"])
    errors = {a["error"] for d in deliveries for a in d["attempts"]}
    assert "timeout after 1 s" in errors


async def test_410_disables_the_endpoint_and_tells_the_others(
    infra: Infrastructure, new_workspace, receiver
):
    async def gone(request: web.Request, count: int) -> web.Response:
        return web.Response(status=410)

    receiver.on("gone", gone)
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("gone"), ["scan.created"])
    watcher = await ws.webhook(receiver.url("watcher"), ["webhook.disabled"])
    await publish_scans(infra.kafka_bootstrap, [scan_of(code)])

    [told] = await receiver.wait_for("watcher", 1)
    event = Webhook(watcher["secret"]).verify(told.body, told.headers)
    assert event["type"] == "webhook.disabled"
    assert event["data"]["webhookId"] == hook["id"] and event["data"]["reason"] == "gone"
    endpoint = await ws.ok("GET", f"/v1/webhooks/{hook['id']}")
    assert not endpoint["enabled"] and endpoint["disabledReason"] == "gone"
    await publish_scans(infra.kafka_bootstrap, [scan_of(code)])
    await asyncio.sleep(1.0)
    assert len(receiver.at("gone")) == 1  # a disabled endpoint is sent nothing


async def test_rotation_sends_both_signatures(infra: Infrastructure, new_workspace, receiver):
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("rotated"), ["scan.created"])
    rotated = await ws.ok("POST", f"/v1/webhooks/{hook['id']}/rotate-secret")
    assert rotated["secret"] != hook["secret"]
    await publish_scans(infra.kafka_bootstrap, [scan_of(code)])
    [got] = await receiver.wait_for("rotated", 1)
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (hook["secret"], rotated["secret"]):
        Webhook(secret).verify(got.body, got.headers)


async def test_manual_retry_and_replay_keep_the_event_id(
    infra: Infrastructure, new_workspace, receiver
):
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("replayed"), ["scan.created"])
    scans = [scan_of(code) for _ in range(3)]
    await publish_scans(infra.kafka_bootstrap, scans)
    await receiver.wait_for("replayed", 3)

    async def all_delivered() -> bool:
        return all(d["status"] == "delivered" for d in await ws.deliveries(hook["id"]))

    await eventually(all_delivered)
    first = (await ws.deliveries(hook["id"]))[0]
    retried = await ws.ok(
        "POST", f"/v1/webhooks/{hook['id']}/deliveries/{first['id']}/retry", status=202
    )
    assert retried["reason"] == "retry" and retried["eventId"] == first["eventId"]
    got = await receiver.wait_for("replayed", 4)
    assert got[-1].headers["webhook-id"] == first["eventId"]

    since = min(s.ts for s in scans).isoformat()
    until = (max(s.ts for s in scans)).isoformat().replace("+00:00", "Z")
    status, body = await ws.call(
        "POST", f"/v1/webhooks/{hook['id']}/replay", {"since": since, "until": since}
    )
    assert status == 400, body
    replay: dict[str, Any] = await ws.ok(
        "POST",
        f"/v1/webhooks/{hook['id']}/replay",
        {"since": since, "until": until},
        status=202,
    )
    assert replay["replayed"] == 2  # until is exclusive: the last scan is not in the range
    got = await receiver.wait_for("replayed", 6)
    assert {r.headers["webhook-id"] for r in got[4:]} == {str(s.scan_id) for s in scans[:2]}


async def test_test_event_and_batching(infra: Infrastructure, new_workspace, receiver):
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("batched"), ["scan.created"], batchSize=10)
    await ws.ok("POST", f"/v1/webhooks/{hook['id']}/test", status=202)
    [test] = await receiver.wait_for("batched", 1)
    assert Webhook(hook["secret"]).verify(test.body, test.headers)["type"] == "webhook.test"

    # 25 scans (the v2 wire form) read in one Kafka batch are queued together and sent in
    # batches of ≤ 10.
    scans = [scan_of(code) for _ in range(25)]
    await publish_scans(infra.kafka_bootstrap, scans, v2=True)

    async def all_received() -> bool:
        bodies = [r.json() for r in receiver.at("batched")[1:]]
        return sum(len(b["data"]) for b in bodies) >= 25

    await eventually(all_received)
    verify = Webhook(hook["secret"]).verify
    batches = [verify(r.body, r.headers) for r in receiver.at("batched")[1:]]
    assert all(b["type"] == "batch" and len(b["data"]) <= 10 for b in batches)
    assert len(batches) <= 4
    ids = {e["id"] for b in batches for e in b["data"]}
    assert ids == {str(s.scan_id) for s in scans}
