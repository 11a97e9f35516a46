"""Workspace isolation, generated from /v1/openapi.json: workspace A holds one of everything
(security.estate) and has real scans in analytics; workspace B's key, holding every scope,
calls every operation of the document with A's ids in the path, A's resources named in the
body, A's values in the query parameters that select data (`q`, `folderId`, `tag`, `codeIds`)
and `workspaceId` set to A. Whatever names one of A's resources is a 404; everything else (B's
own lists, search, analytics, CSVs, the export archive, the live scan stream) answers without
a byte of A's (ids in either spelling, names, slugs, hosts, secrets); A's rows are unchanged.

Then A's owner makes the same calls with A's own key and gets a success from each: the probes
are requests that work, refused only because they came from B."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from security.estate import Estate
from security.snapshot import changed, snapshot
from security.walk import SELECTORS, Operation, operations, request_kwargs

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from support.attacker import Answer, Workspace
from support.ids import uuid_of

pytestmark = pytest.mark.infra
Scan = Callable[[], Awaitable[None]]

NAMING_A_IN_THE_BODY = {
    "POST /v1/codes", "POST /v1/codes/bulk", "POST /v1/labels", "POST /v1/scannability",
    "POST /v1/webhooks",
}  # fmt: skip
ELSEWHERE = {
    "GET /v1/mcp": "tests/integration/api/mcp/test_refusals.py (another workspace's code)",
    "POST /v1/mcp": "tests/integration/api/mcp/test_refusals.py (another workspace's code)",
    "DELETE /v1/mcp": "tests/integration/api/mcp/test_refusals.py (another workspace's code)",
}
# What A's owner may be refused in the final pass, and why (the probe is still a real request).
OWNER_REFUSALS = {
    "POST /v1/billing/webhook": (400, 499, "signed by the payment provider, not by a key"),
    "POST /v1/invites/accept": (400, 499, "the probe's invite token is not a real one"),
    "POST /v1/invites/preview": (400, 499, "the probe's invite token is not a real one"),
    "POST /v1/workspaces": (400, 499, "made by a signed-in user, not with an API key"),
    "POST /v1/domains/{domain_id}/verify": (503, 503, "no DNS server answers on loopback"),
}
STREAM_SECONDS = 1.5
NOWHERE = "ws_" + "0" * 32
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def text_of(answer: Answer) -> str:
    """Everything the answer says, the export archive's files unpacked."""
    body = answer.body
    if isinstance(body, bytes | bytearray) and body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode(errors="replace") for name in archive.namelist()
            )
    if isinstance(body, bytes | bytearray):
        return body.decode(errors="replace")
    return repr(body)


def queries(op: Operation, estate: Estate) -> list[dict[str, str]]:
    """The plain call, one per data selector the operation takes, and one acting on A."""
    out: list[dict[str, str]] = [{}]
    for name in op.query:
        if name in SELECTORS:
            out.append({name: SELECTORS[name](estate)})
        elif name == "codeIds":
            out.append({name: estate.ids["code_id"]})
    if "workspaceId" in op.query:
        out.append({"workspaceId": estate.owner.id})
    return out


async def stream(ws: Workspace, url: str, params: dict[str, str], during: Scan) -> Answer:
    """A live stream's status and what it sent in STREAM_SECONDS, while A's code is scanned."""
    async with ws.api.request("GET", url, headers=ws.auth, params=params) as response:
        if response.status != 200:
            return Answer(response.status, await response.json(content_type=None), response.headers)
        await during()
        sent = b""
        try:
            async with asyncio.timeout(STREAM_SECONDS):
                async for chunk in response.content.iter_any():
                    sent += chunk
        except TimeoutError:
            pass
        return Answer(200, sent, response.headers)


async def scan(estate: Estate, platform: Platform) -> None:
    """One counted scan of A's URL code through the redirect service."""
    slug = estate.codes["url"]["slug"]
    async with aiohttp.ClientSession(headers={"User-Agent": PHONE}) as session:
        async with asyncio.timeout(10):
            while True:
                async with session.get(
                    f"{platform.url('redirect')}/{slug}", allow_redirects=False
                ) as response:
                    if response.status == 302:
                        return
                await asyncio.sleep(0.05)


async def scans_counted(estate: Estate, platform: Platform, count: int) -> None:
    """`count` scans of A's URL code, seen in A's analytics."""
    for _ in range(count):
        await scan(estate, platform)
    path = f"/v1/codes/{estate.ids['code_id']}/scans.csv?range=all"
    async with asyncio.timeout(30):
        while (await estate.owner.call("GET", path)).body.count(b"\n") < 1 + count:  # noqa: ASYNC110
            await asyncio.sleep(0.2)


async def call(
    ws: Workspace, op: Operation, estate: Estate, params: dict[str, str], during: Scan
) -> Answer:
    url = op.url(estate)
    if "text/event-stream" in str(op.spec["responses"].get("200", {}).get("content", {})):
        return await stream(ws, url, op.params(params), during)
    kwargs = request_kwargs(op.body(estate))
    return await ws.call(op.method, url, None, params=op.params(params), **kwargs)


@pytest.fixture
async def intruder(estate_api: Any, platform: Platform) -> Workspace:
    made = await new_workspace(platform.infra.database_url)
    return Workspace(estate_api, f"ws_{made.workspace_id.hex}", made.api_key)


async def test_another_workspace_reaches_nothing_of_it(
    estate: Estate, intruder: Workspace, platform: Platform
) -> None:
    await scans_counted(estate, platform, 3)

    async def during() -> None:
        await scan(estate, platform)

    answer = await estate.owner.call("GET", "/v1/openapi.json")
    ops = [op for op in operations(answer.body) if not op.public and op.name not in ELSEWHERE]
    before = await snapshot(platform.infra.database_url, uuid_of(estate.owner.id))
    probes = 0
    for op in ops:
        names_a = bool(op.parameters)
        for params in queries(op, estate):
            answer = await call(intruder, op, estate, params, during)
            probes += 1
            where = (op.name, params, answer.status, answer.body)
            if "workspaceId" in params:  # refused as for a workspace that does not exist
                nowhere = await call(intruder, op, estate, {"workspaceId": NOWHERE}, during)
                assert (answer.status, answer.body) == (nowhere.status, nowhere.body), where
                assert answer.status in (403, 404), where
            elif op.name in NAMING_A_IN_THE_BODY:  # as for a resource that does not exist
                bulk = answer.status == 200 and op.name == "POST /v1/codes/bulk"
                statuses = (
                    [r["status"] for r in answer.body["results"]] if bulk else [answer.status]
                )
                assert set(statuses) <= {400, 404}, where
                sent = set(estate.leaked(repr(op.body(estate))))
                assert set(estate.leaked(text_of(answer))) <= sent, where
            elif names_a:
                assert answer.status == 404, where
                assert answer.body["error"] == "not_found", where
            else:
                assert answer.status < 500, where
                assert estate.leaked(text_of(answer)) == [], where
    assert changed(before, await snapshot(platform.infra.database_url,
                                          uuid_of(estate.owner.id))) == []  # fmt: skip
    assert probes > 120, probes

    # The same calls from A's own key succeed: each probe above was a request that works.
    deletes_last = sorted(ops, key=lambda op: (op.method == "DELETE", -op.path.count("/")))
    for op in deletes_last:
        answer = await call(estate.owner, op, estate, {}, during)
        if op.name in OWNER_REFUSALS:
            low, high, _ = OWNER_REFUSALS[op.name]
            assert low <= answer.status <= high, (op.name, answer.status, answer.body)
        else:
            assert answer.status < 300, (op.name, answer.status, answer.body)
