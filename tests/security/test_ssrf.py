"""SSRF: every server-side fetch of a user's URL goes through the one guard,
`qrstack_common.egress`, and never reaches this machine or a private network.

The fetchers: the renderer's logo URLs (`LogoFetcher`), the webhooks worker's deliveries
(`Sender`) and the API's check of a webhook URL at save (`check_webhook_url`). Imports read
uploaded files and fetch nothing. Every "inside" server here is a real aiohttp server on
127.0.0.1 that counts what reached it: a refusal means it saw nothing. DNS answers for names
under `.attacker.test` come from an in-process resolver hook (`dns` fixture), so rebinding is
tested without any outside network.
"""

from __future__ import annotations

import asyncio
import io
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from PIL import Image

from qrstack_api.webhooks.urls import check_webhook_url
from qrstack_common.egress import PrivateAddressError, is_public_address, resolve_public
from qrstack_common.errors import ApiError
from qrstack_renderer.logos.fetch import LogoFetcher
from qrstack_webhooks.sender import Sender

PUBLIC = "93.184.216.34"  # a documentation-free public address, never connected to here

NON_PUBLIC = [
    "127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::",  # noqa: S104 - loopback, unspecified
    "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "fd00::1", "fc00::1",  # private
    "169.254.169.254", "169.254.0.1", "fe80::1",  # link-local, cloud metadata
    "fd00:ec2::254",  # AWS metadata over IPv6
    "100.64.0.1", "100.127.255.254",  # CGNAT (shared address space)
    "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1",  # multicast
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped IPv6
    "192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1",  # documentation
    "198.18.0.1", "240.0.0.1", "255.255.255.255",  # benchmarking, reserved, broadcast
]  # fmt: skip

# Other spellings of 127.0.0.1 that the C resolver (inet_aton) accepts.
LOOPBACK_SPELLINGS = ["2130706433", "017700000001", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "127.1"]  # fmt: skip  # noqa: E501
METADATA_SPELLINGS = ["2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "169.254.43518"]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_the_guard_refuses_every_non_public_range(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111"])
def test_the_guard_lets_public_addresses_through(address: str) -> None:
    assert is_public_address(address)


class FakeDns:
    """Answers for names under .attacker.test, in order (the last one repeats)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def set(self, name: str, *addresses: str) -> None:
        self.answers[name] = list(addresses)

    def next_for(self, name: str) -> str:
        self.asked.append(name)
        queue = self.answers[name]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
async def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """The running loop's getaddrinfo, which aiohttp's resolver and the guard both call, with
    names under .attacker.test answered by `FakeDns`."""
    fake = FakeDns()
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.endswith(".attacker.test"):
            return await real(host, port, *args, **kwargs)
        address = fake.next_for(name)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, int(port or 0), 0, 0) if ":" in address else (address, int(port or 0))
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return fake


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


class Inside:
    """A server on 127.0.0.1 standing for a private service: it counts every request."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.redirect_to = ""
        self.server: TestServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.port is not None
        return self.server.port

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(request.path)
        if request.path == "/moved":
            raise web.HTTPFound(self.redirect_to)
        if request.path == "/slow.png":
            await asyncio.sleep(5)
        if request.path == "/endless.png":
            response = web.StreamResponse(headers={"Content-Type": "image/png"})
            await response.prepare(request)
            for _ in range(64):
                await response.write(b"\0" * (64 << 10))
            return response
        return web.Response(body=png(), content_type="image/png")


@pytest.fixture
async def inside() -> AsyncIterator[Inside]:
    target = Inside()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", target.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        target.server = server
        yield target


def fetcher(allowed: Callable[[str], bool] | None = None, **changes: Any) -> LogoFetcher:
    values: dict[str, Any] = {
        "max_bytes": 256 << 10,
        "timeout": 1.0,
        "max_redirects": 3,
        "allow_private_hosts": False,
        "allowed": allowed,
    }
    values.update(changes)
    return LogoFetcher(**values)


async def refused_logo(url: str, **changes: Any) -> str:
    async with fetcher(**changes) as logos:
        with pytest.raises(ApiError) as refusal:
            await logos.fetch(url)
    [issue] = refusal.value.issues
    assert issue.path == ("style", "logo")
    return issue.reason


# -- logo URLs (renderer) -------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "localhost", "[::ffff:127.0.0.1]"])
async def test_a_logo_url_on_this_machine_is_refused(inside: Inside, host: str) -> None:
    reason = await refused_logo(f"http://{host}:{inside.port}/logo.png")
    assert "private network" in reason
    assert inside.hits == []


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
async def test_decimal_octal_and_hex_spellings_of_loopback_are_refused(
    inside: Inside, spelling: str
) -> None:
    """aiohttp refuses non-canonical IPv4 URLs itself; the guard would refuse what they
    resolve to. Either way, nothing is connected to."""
    await refused_logo(f"http://{spelling}:{inside.port}/logo.png")
    assert inside.hits == []


@pytest.mark.parametrize("spelling", [*METADATA_SPELLINGS, "169.254.169.254", "[fd00:ec2::254]"])
async def test_the_metadata_address_in_any_spelling_is_refused(spelling: str) -> None:
    reason = await refused_logo(f"http://{spelling}/latest/meta-data/")
    assert "private network" in reason or "not a canonical" in reason


@pytest.mark.parametrize("address", ["10.0.0.1", "100.64.0.1", "224.0.0.1", "::ffff:127.0.0.1"])
async def test_a_name_resolving_inside_is_refused_at_connect_time(
    inside: Inside, dns: FakeDns, address: str
) -> None:
    dns.set("logo.attacker.test", address)
    reason = await refused_logo(f"http://logo.attacker.test:{inside.port}/logo.png")
    assert "private network" in reason
    assert dns.asked == ["logo.attacker.test"]


async def test_a_name_rebinding_to_loopback_is_refused(inside: Inside, dns: FakeDns) -> None:
    """The name passed a first look (public), then resolves to loopback when connecting: the
    connection is refused, because the address checked is the address connected to."""
    dns.set("rebind.attacker.test", PUBLIC, "127.0.0.1")
    addresses = await resolve_public("rebind.attacker.test", 80, is_public_address)
    assert addresses == [PUBLIC]
    reason = await refused_logo(f"http://rebind.attacker.test:{inside.port}/logo.png")
    assert "private network" in reason
    assert inside.hits == []


def loopback_stands_for_public(address: str) -> bool:
    """The guard's policy, with 127.0.0.1 alone standing in for "a public web server" (the
    only server these tests may reach). Every other address is judged as in production."""
    return address == "127.0.0.1" or is_public_address(address)


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/logo.png",
        "http://[::ffff:10.0.0.1]/logo.png",
        "http://0xa9fea9fe/latest/",
        "http://inner.attacker.test/logo.png",
    ],
)
async def test_a_redirect_into_a_private_network_is_refused(
    inside: Inside, dns: FakeDns, location: str
) -> None:
    dns.set("inner.attacker.test", "192.168.1.1")
    inside.redirect_to = location
    url = f"http://127.0.0.1:{inside.port}/moved"
    reason = await refused_logo(url, allowed=loopback_stands_for_public)
    assert "private network" in reason
    assert inside.hits == ["/moved"]


async def test_the_public_stand_in_really_serves_a_logo(inside: Inside) -> None:
    """The control of the redirect tests: with the same policy, a logo is fetched."""
    async with fetcher(allowed=loopback_stands_for_public) as logos:
        logo = await logos.fetch(f"http://127.0.0.1:{inside.port}/logo.png")
    assert logo.startswith("data:image/png;base64,")


async def test_a_slow_logo_is_cut_off_at_the_time_limit(inside: Inside) -> None:
    started = time.monotonic()
    url = f"http://127.0.0.1:{inside.port}/slow.png"
    reason = await refused_logo(url, allowed=loopback_stands_for_public, timeout=0.5)
    assert time.monotonic() - started < 2.0
    assert "could not fetch" in reason


async def test_an_endless_logo_is_cut_off_at_the_size_limit(inside: Inside) -> None:
    url = f"http://127.0.0.1:{inside.port}/endless.png"
    reason = await refused_logo(url, allowed=loopback_stands_for_public, timeout=5.0)
    assert "larger than" in reason


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/", "ftp://x.io/"])
async def test_a_logo_url_of_another_scheme_is_refused(url: str) -> None:
    assert "http:// or https://" in await refused_logo(url)


# -- webhook URLs (API at save, worker at delivery) -----------------------------------------


async def refused_webhook(url: str) -> str:
    with pytest.raises(ApiError) as refusal:
        await check_webhook_url(url, allow_local=False)
    [issue] = refusal.value.issues
    assert issue.path == ("url",)
    return issue.reason


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "localhost", "10.0.0.1", "169.254.169.254", "100.64.0.1",
     "224.0.0.1", "[::ffff:127.0.0.1]", "[fe80::1]", *LOOPBACK_SPELLINGS, *METADATA_SPELLINGS],
)  # fmt: skip
async def test_a_webhook_url_inside_is_refused_at_save(host: str) -> None:
    assert "public addresses only" in await refused_webhook(f"https://{host}/hook")


async def test_a_webhook_name_resolving_inside_is_refused_at_save(dns: FakeDns) -> None:
    dns.set("hook.attacker.test", PUBLIC, "100.64.3.4")
    assert await check_webhook_url("https://hook.attacker.test/in", allow_local=False)
    assert "public addresses only" in await refused_webhook("https://hook.attacker.test/in")


def sender(timeout_s: float = 1.0) -> Sender:
    return Sender(timeout_s=timeout_s, allow_local=False, max_connections=4)


async def test_a_webhook_rebinding_after_save_is_refused_at_delivery(
    inside: Inside, dns: FakeDns
) -> None:
    dns.set("hook.attacker.test", PUBLIC, "127.0.0.1")
    url = f"https://hook.attacker.test:{inside.port}/in"
    assert await check_webhook_url(url, allow_local=False) == url
    async with sender() as deliveries:
        answer = await deliveries.post(url, b"{}", {"Content-Type": "application/json"})
    assert answer.refused, answer
    assert inside.hits == []


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "0x7f000001", "169.254.169.254"])
async def test_a_webhook_delivery_to_an_inside_literal_is_refused(host: str) -> None:
    async with sender() as deliveries:
        answer = await deliveries.post(f"https://{host}/in", b"{}", {})
    assert answer.refused, answer


async def test_the_resolver_hook_refuses_names_for_the_sender(dns: FakeDns) -> None:
    dns.set("deep.attacker.test", "172.20.0.5")
    async with sender() as deliveries:
        answer = await deliveries.post("https://deep.attacker.test/in", b"{}", {})
    assert answer.refused and "non-public" in (answer.error or ""), answer


async def test_a_webhook_receiver_redirecting_is_not_followed(inside: Inside) -> None:
    """The sender is http-less in production; with local receivers allowed (development) a
    302 to an inside path is answered as a 302, never followed."""
    inside.redirect_to = f"http://127.0.0.1:{inside.port}/admin"
    local = Sender(timeout_s=1.0, allow_local=True, max_connections=4)
    async with local as deliveries:
        answer = await deliveries.post(f"http://127.0.0.1:{inside.port}/moved", b"{}", {})
    assert answer.status == 302
    assert inside.hits == ["/moved"]


async def test_a_slow_webhook_receiver_is_cut_off(inside: Inside) -> None:
    local = Sender(timeout_s=0.5, allow_local=True, max_connections=4)
    started = time.monotonic()
    async with local as deliveries:
        answer = await deliveries.post(f"http://127.0.0.1:{inside.port}/slow.png", b"{}", {})
    assert time.monotonic() - started < 2.0
    assert answer.status is None and "timeout" in (answer.error or "")


async def test_resolve_public_refuses_when_any_answer_is_inside(dns: FakeDns) -> None:
    dns.set("mixed.attacker.test", "10.9.9.9")
    with pytest.raises(PrivateAddressError):
        await resolve_public("mixed.attacker.test", 443, is_public_address)
