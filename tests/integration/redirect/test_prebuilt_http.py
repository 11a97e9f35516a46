"""A plain code's redirect is written from prebuilt bytes (`qrstack_redirect.prebuilt`): read
over a raw socket, it is the HTTP answer `web.Response` gave — status line for the request's
HTTP version, headers, keep-alive or close as the request asked — and an ordinary client sees
no difference."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from qrstack_common.events import CodeSnapshot, RuleConditions, RuleSnapshot

from .conftest import Client, Publish, held

pytestmark = pytest.mark.infra

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
TARGET = "https://example.com/menü/spring?ref=qr"


def _code(slug: str, **fields: object) -> CodeSnapshot:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "workspace_id": uuid.uuid4(),
        "slug": slug,
        "type": "url",
        "target_url": TARGET,
        "version": 1,
        "updated_at": datetime.now(UTC),
    }
    values.update(fields)
    return CodeSnapshot(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
async def slugs(redirect: Client, publish: Publish) -> dict[str, str]:
    names = {
        "plain": "pre-plain",
        "forward": "pre-fwd",
        "moved": "pre-301",
        "ruled": "pre-rule",
        "paused": "pre-paused",
    }
    ios = RuleSnapshot(
        id=uuid.uuid4(),
        type="device",
        priority=0,
        target_url="https://example.com/ios",
        conditions=RuleConditions(os_in=("iOS",)),
    )
    await publish(
        [
            _code(names["plain"]),
            _code(names["forward"], forward_query=True),
            _code(names["moved"], redirect_status=301),
            _code(names["ruled"], rules=(ios,)),
            _code(names["paused"], status="suspended", fallback_url="https://example.com/later"),
        ]
    )
    for slug in names.values():
        for _ in range(200):
            if held(redirect, slug):
                break
            await asyncio.sleep(0.05)
    return names


async def _exchange(client: Client, *requests: bytes) -> tuple[list[bytes], bool]:
    """Send `requests` on one connection; the response heads, and whether the server closed."""
    assert client.server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    heads: list[bytes] = []
    try:
        for request in requests:
            writer.write(request)
            await writer.drain()
            heads.append(await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10))
        closed = await asyncio.wait_for(reader.read(1), 2) == b""
    except TimeoutError:
        closed = False
    finally:
        writer.close()
    return heads, closed


def _get(slug: str, version: str = "1.1", *extra: str) -> bytes:
    lines = [f"GET /{slug} HTTP/{version}", "Host: qr.example.test", f"User-Agent: {IPHONE}"]
    return ("\r\n".join([*lines, *extra]) + "\r\n\r\n").encode()


def _headers(head: bytes) -> tuple[str, dict[str, str]]:
    status, *lines = head.decode().rstrip("\r\n").split("\r\n")
    pairs = [line.split(": ", 1) for line in lines]
    return status, {name.lower(): value for name, value in pairs}


async def test_a_plain_redirect_is_the_whole_http_answer(
    redirect: Client, slugs: dict[str, str]
) -> None:
    (head,), _ = await _exchange(redirect, _get(slugs["plain"], "1.1", "X-Request-Id: trace-7"))
    status, headers = _headers(head)
    assert status == "HTTP/1.1 302 Found"
    assert headers["location"] == TARGET
    assert headers["cache-control"] == "private, no-store"
    assert headers["content-length"] == "0"
    assert headers["x-request-id"] == "trace-7"
    assert abs((parsedate_to_datetime(headers["date"]) - datetime.now(UTC)).total_seconds()) < 5
    assert "connection" not in headers  # HTTP/1.1 keeps the connection by default


async def test_keep_alive_serves_many_scans_on_one_connection_and_close_closes(
    redirect: Client, slugs: dict[str, str]
) -> None:
    slug = slugs["plain"]
    heads, closed = await _exchange(redirect, _get(slug), _get(slug), _get(slug))
    assert [_headers(h)[0] for h in heads] == ["HTTP/1.1 302 Found"] * 3
    assert len({_headers(h)[1]["x-request-id"] for h in heads}) == 3  # one id per scan
    assert not closed
    (head,), closed = await _exchange(redirect, _get(slug, "1.1", "Connection: close"))
    assert _headers(head)[1]["connection"] == "close"
    assert closed


async def test_http_1_0_gets_a_1_0_answer_and_keep_alive_only_when_asked(
    redirect: Client, slugs: dict[str, str]
) -> None:
    slug = slugs["plain"]
    (head,), closed = await _exchange(redirect, _get(slug, "1.0"))
    status, headers = _headers(head)
    assert status == "HTTP/1.0 302 Found" and "connection" not in headers
    assert closed
    heads, closed = await _exchange(
        redirect, _get(slug, "1.0", "Connection: keep-alive"), _get(slug, "1.0")
    )
    assert _headers(heads[0])[1]["connection"] == "keep-alive"
    assert closed  # the second request did not ask to keep it


async def test_status_and_forwarded_query_as_the_code_says(
    redirect: Client, slugs: dict[str, str]
) -> None:
    (head,), _ = await _exchange(redirect, _get(slugs["moved"]))
    assert _headers(head)[0] == "HTTP/1.1 301 Moved Permanently"
    (head,), _ = await _exchange(redirect, _get(f"{slugs['forward']}?utm_source=poster"))
    assert _headers(head)[1]["location"] == f"{TARGET}&utm_source=poster"
    async with redirect.get(
        f"/{slugs['forward']}?a=1", allow_redirects=False, headers={"User-Agent": IPHONE}
    ) as response:
        assert response.status == 302
        assert response.headers["Location"] == f"{TARGET}&a=1"
        assert response.headers["Cache-Control"] == "private, no-store"


async def test_rule_and_fallback_redirects_are_written_the_same_way(
    redirect: Client, slugs: dict[str, str]
) -> None:
    (ruled, paused), _ = await _exchange(redirect, _get(slugs["ruled"]), _get(slugs["paused"]))
    status, headers = _headers(ruled)
    assert (status, headers["location"]) == ("HTTP/1.1 302 Found", "https://example.com/ios")
    assert headers["cache-control"] == "private, no-store" and headers["x-request-id"]
    status, headers = _headers(paused)
    assert (status, headers["location"]) == ("HTTP/1.1 302 Found", "https://example.com/later")
