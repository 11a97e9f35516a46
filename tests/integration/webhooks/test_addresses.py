"""Webhook URLs must be https and public: refused at create (400 on `url`) and again at every
delivery (the address the worker connects to is the address it checked)."""

from __future__ import annotations

import pytest
from yarl import URL

from qrstack_launcher.stack import Infrastructure
from qrstack_webhooks.sender import Sender
from support.scan_events import publish_scans, scan_of
from support.waiting import eventually

pytestmark = [pytest.mark.infra, pytest.mark.usefixtures("worker")]

REFUSED_EVERYWHERE = (
    "https://10.1.2.3/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://192.168.0.10/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
)
REFUSED_UNLESS_LOCAL = (
    "https://127.0.0.1/hook",
    "https://127.8.9.10:8443/hook",
    "https://[::1]/hook",
    "https://localhost/hook",  # a name resolving to loopback
    "http://example.com/hook",  # plain http
)


@pytest.mark.parametrize("url", [*REFUSED_EVERYWHERE, *REFUSED_UNLESS_LOCAL])
async def test_create_refuses_non_public_urls(new_workspace, strict_api, url):
    ws = await new_workspace()
    status, body = await ws.call(
        "POST", "/v1/webhooks", {"url": url, "events": ["scan.created"]}, api=strict_api
    )
    assert status == 400, body
    assert body["issues"][0]["path"] == ["url"]
    assert (await ws.ok("GET", "/v1/webhooks"))["data"] == []


@pytest.mark.parametrize("url", REFUSED_EVERYWHERE)
async def test_development_setting_still_refuses_private_networks(new_workspace, url):
    ws = await new_workspace()
    status, body = await ws.call("POST", "/v1/webhooks", {"url": url, "events": ["code.updated"]})
    assert status == 400, body


async def test_other_bad_input_is_a_400_naming_the_field(new_workspace, strict_api):
    ws = await new_workspace()
    for body, path in (
        ({"url": "https://user:pw@example.com/", "events": ["scan.created"]}, ["url"]),
        ({"url": "https://example.com/", "events": ["scan.deleted"]}, ["events", 0]),
        ({"url": "https://example.com/", "events": []}, ["events"]),
        (
            {"url": "https://example.com/", "events": ["scan.created"], "batchSize": 0},
            ["batchSize"],
        ),
    ):
        status, answer = await ws.call("POST", "/v1/webhooks", body, api=strict_api)
        assert status == 400, answer
        assert answer["issues"][0]["path"] == path, answer


async def test_delivery_refuses_an_address_that_became_private(
    infra: Infrastructure, new_workspace, receiver, db
):
    """The URL was fine when stored; by delivery time it points into the network."""
    ws = await new_workspace()
    code = await ws.code()
    hook = await ws.webhook(receiver.url("rebound"), ["scan.created"])
    await db.execute(
        "UPDATE webhook_endpoints SET url = 'http://169.254.169.254/latest/meta-data/'"
        " WHERE id = $1",
        hook["id"],
    )
    await publish_scans(infra.kafka_bootstrap, [scan_of(code)])

    async def refused() -> bool:
        deliveries = await ws.deliveries(hook["id"])
        return bool(deliveries and deliveries[0]["attempts"])

    await eventually(refused)
    [attempt, *_] = (await ws.deliveries(hook["id"]))[0]["attempts"]
    assert attempt["statusCode"] is None
    assert attempt["error"].startswith("refused:"), attempt
    assert receiver.at("rebound") == []


async def test_sender_on_defaults_connects_to_no_loopback_address(receiver):
    """Without the development setting the worker connects to no loopback address, whether
    the URL names it (127.0.0.1, [::1]) or a name resolves to it (localhost): the receiver
    hears nothing."""
    port = URL(receiver.base).port
    async with Sender(timeout_s=2.0, allow_local=False, max_connections=4) as sender:
        for url in (
            f"https://127.0.0.1:{port}/strict",
            f"https://[::1]:{port}/strict",
            f"https://localhost:{port}/strict",
            f"http://127.0.0.1:{port}/strict",
        ):
            answer = await sender.post(url, b"{}", {"Content-Type": "application/json"})
            assert answer.refused and answer.status is None, (url, answer)
    async with Sender(timeout_s=2.0, allow_local=True, max_connections=4) as sender:
        answer = await sender.post(f"http://localhost:{port}/strict", b"{}", {})
        assert answer.status == 200
    assert len(receiver.at("strict")) == 1
