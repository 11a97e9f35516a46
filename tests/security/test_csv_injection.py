"""CSV injection: no cell of any CSV the product writes starts with `=`, `+`, `-`, `@`, a tab
or a carriage return (a spreadsheet would run it as a formula); such text gets a leading `'`.

The CSVs: the export archive's codes.csv (names, tags, folders, slugs, hints, content), a
code's scans (`/v1/codes/{id}/scans.csv`: slug, referrer, language, …) and the workspace
analytics (`/v1/analytics.csv`: breakdown keys). The import template is fixed text, checked the
same way. Scans are made for real through the redirect service with hostile headers."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import AsyncIterator

import aiohttp
import pytest

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from support.attacker import Workspace

pytestmark = pytest.mark.infra

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+SUM(1,2)", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]  # fmt: skip


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


async def test_the_export_archives_csv_neutralises_every_user_field(workspace: Workspace) -> None:
    folder = await workspace.ok("POST", "/v1/folders", {"name": "@SUM(A1)"}, 201)
    for n, payload in enumerate(PAYLOADS):
        body = {
            "label": payload,
            "targetUrl": f"https://example.com/{n}",
            "slug": f"-{n}-evil",
            "tags": ["-tag", "x"],
            "folderId": folder["id"],
            "password": "secret",
            "passwordHint": payload,
        }
        await workspace.ok("POST", "/v1/codes", body, 201)
    await workspace.ok("POST", "/v1/codes", {"type": "text", "text": {"text": "=1+1"}}, 201)
    answer = await workspace.call("GET", "/v1/export")
    assert answer.status == 200
    with zipfile.ZipFile(io.BytesIO(answer.body)) as archive:
        rows = cells(archive.read("codes.csv").decode())
    assert formula_cells(rows) == []
    shown = {cell for row in rows for cell in row}
    assert {"'" + payload for payload in PAYLOADS} <= shown  # the payloads are there, as text
    assert "'@SUM(A1)" in shown and "'-0-evil" in shown and "'-tag|x" in shown


async def test_the_import_template_has_no_formula(workspace: Workspace) -> None:
    answer = await workspace.call("GET", "/v1/import/template.csv")
    assert answer.status == 200
    assert formula_cells(cells(answer.body.decode())) == []


@pytest.fixture
async def platform_workspace(platform: Platform) -> AsyncIterator[Workspace]:
    made = await new_workspace(platform.infra.database_url)
    async with aiohttp.ClientSession(base_url=platform.url("api")) as session:
        yield Workspace(session, f"ws_{made.workspace_id.hex}", made.api_key)


async def scan(session: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> None:
    async with asyncio.timeout(10):
        while True:
            async with session.get(url, allow_redirects=False, headers=headers) as response:
                if response.status == 302:
                    return
            await asyncio.sleep(0.05)


async def test_scan_and_analytics_csvs_neutralise_what_scanners_send(
    platform_workspace: Workspace,
) -> None:
    ws = platform_workspace
    code = await ws.ok(
        "POST", "/v1/codes", {"targetUrl": "https://example.com/csv", "slug": "-1-csv"}, 201
    )
    async with aiohttp.ClientSession() as session:
        for payload in PAYLOADS:
            headers = {
                "User-Agent": payload.strip(),
                "Referer": f"https://{payload.strip()}.example/",
                "Accept-Language": payload.strip(),
            }
            await scan(session, code["shortUrl"], headers)
    scans: list[list[str]] = []
    async with asyncio.timeout(30):
        while len(scans) < 1 + len(PAYLOADS):
            answer = await ws.call("GET", f"/v1/codes/{code['id']}/scans.csv?range=all")
            assert answer.status == 200, answer.body
            scans = cells(answer.body.decode())
            await asyncio.sleep(0.2)
    assert formula_cells(scans) == []
    header = scans[0]
    referers = {row[header.index("referer")] for row in scans[1:]}
    assert {"'=1+1.example", "'-2+3.example", "'+sum(1,2).example"} <= referers
    assert {row[header.index("slug")] for row in scans[1:]} == {"'-1-csv"}

    answer = await ws.call("GET", "/v1/analytics.csv?range=all")
    assert answer.status == 200, answer.body
    analytics = cells(answer.body.decode())
    assert formula_cells(analytics) == []
