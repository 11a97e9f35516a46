"""The web console on the real platform: page load times with 1,000 codes, and screenshots.

    .venv/bin/python bench/console.py [--requests 200] [--shots docs/console]

Starts PostgreSQL, Kafka and the four services with the project's launcher (throwaway data),
creates a workspace with 1,000 codes (some scanned), then
- times each console page (`GET`, signed in, sequential, over loopback: the server's time plus
  one local round trip) beside a bare aiohttp handler answering a fixed HTML page in the same
  run, and prints p50/p95 per page;
- with `--shots`, writes desktop (1280 px) and phone (390 px) screenshots of the main pages
  with headless Chromium (Debian's `chromium`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web

from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_launcher.stack import Infrastructure, Platform

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"
PASSWORD = "console-bench-password"  # noqa: S105  # a throwaway account of the bench
RULES: list[dict[str, Any]] = [
    {"type": "geo", "label": "Germany", "targetUrl": "https://example.com/de", "priority": 10,
     "condition": {"countryIn": ["DE", "AT"]}},
    {"type": "device", "label": "iPhones", "targetUrl": "https://example.com/ios", "priority": 20,
     "condition": {"deviceIn": ["mobile"], "osIn": ["iOS"]}},
    {"type": "language", "label": "French", "targetUrl": "https://example.com/fr", "priority": 30,
     "condition": {"languageIn": ["fr"]}},
]  # fmt: skip


async def seed(platform: Platform, codes: int) -> tuple[str, dict[str, str], list[Any]]:
    conn = await asyncpg.connect(platform.infra.database_url)
    try:
        made = await bootstrap_workspace(
            conn, email=f"bench-{secrets.token_hex(3)}@example.com", password=PASSWORD,
            workspace_name="Bench", plan="pro", test=True, key_name="bench",
        )  # fmt: skip
    finally:
        await conn.close()
    auth = {"Authorization": f"Bearer {made.api_key}"}
    api = platform.url("api")
    created: list[Any] = []
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.post(f"{api}/v1/folders", json={"name": "Posters"}) as r:
            folder = await r.json()
        for start in range(0, codes, 500):
            items = [
                {"targetUrl": f"https://example.com/p/{n}", "name": f"Poster {n}",
                 "tags": ["spring"] if n % 3 == 0 else [],
                 "folderId": folder["id"] if n % 2 == 0 else None}
                for n in range(start, min(codes, start + 500))
            ]  # fmt: skip
            async with session.post(f"{api}/v1/codes/bulk", json={"items": items}) as r:
                body = await r.json()
            created.extend(item["code"] for item in body["results"] if item.get("code"))
        created.reverse()  # newest first, as the list shows them
        for rule in RULES:
            async with session.post(
                f"{api}/v1/codes/{created[0]['id']}/routing-rules", json=rule
            ) as r:
                assert r.status == 201, await r.text()
        for host in ("qr.example.com", "go.example.org"):
            async with session.post(
                f"{api}/v1/domains", json={"host": host, "notFoundUrl": f"https://{host}/404"}
            ) as r:
                assert r.status == 201, await r.text()
        async with aiohttp.ClientSession(headers={"User-Agent": IPHONE}) as scanner:
            for code in created[:20]:
                for _ in range(3):
                    async with scanner.get(code["shortUrl"], allow_redirects=False) as r:
                        await r.read()
    return made.email, auth, created


async def session_cookie(api: str, email: str) -> str:
    basic = base64.b64encode(f"{email}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{api}/v1/me", headers=headers) as r,
    ):
        assert r.status == 200, await r.text()
        return r.cookies["sessionid"].value


async def time_page(url: str, cookie: str, requests: int) -> list[float]:
    took = []
    async with aiohttp.ClientSession(cookies={"sessionid": cookie}) as session:
        for _ in range(requests):
            started = time.perf_counter()
            async with session.get(url, allow_redirects=False) as r:
                await r.read()
                assert r.status == 200, (url, r.status)
            took.append((time.perf_counter() - started) * 1000)
    return took


async def bare_baseline(requests: int) -> list[float]:
    html = "<!doctype html><title>bare</title>" + "<p>row</p>" * 200

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        return await time_page(f"http://127.0.0.1:{port}/", "", requests)
    finally:
        await runner.cleanup()


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def screenshots(api: str, email: str, code_id: str, out: Path) -> None:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        print("no chromium: screenshots skipped (make browser installs it)")
        return
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  # once, before any request
    pages = {
        "codes": "/console/codes",
        "code": f"/console/codes/{code_id}",
        "edit": f"/console/codes/{code_id}/edit",
        "new-wifi": "/console/codes/new?type=wifi",
        "analytics": f"/console/codes/{code_id}/analytics?range=7d",
        "workspace-analytics": "/console/analytics?range=7d",
        "keys": "/console/keys",
        "team": "/console/team",
        "folders": "/console/folders",
        "rules": f"/console/codes/{code_id}/rules",
        "domains": "/console/domains",
        "billing": "/console/billing",
    }
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox"]
        )
        for device, viewport in (("desktop", (1280, 860)), ("phone", (390, 844))):
            context = await browser.new_context(
                base_url=api, viewport={"width": viewport[0], "height": viewport[1]},
                device_scale_factor=1 if device == "desktop" else 2,
            )  # fmt: skip
            page = await context.new_page()
            await page.goto("/console/login")
            await page.screenshot(path=str(out / f"login-{device}.png"))
            await page.fill("#email", email)
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url("**/console/codes")
            for name, path in pages.items():
                await page.goto(path)
                if name == "new-wifi":
                    await page.fill("[name='p.ssid']", "Café Guest")
                    await page.select_option("[name='p.encryption']", "WPA")
                    await page.fill("[name='p.password']", "espresso-2026")
                    await page.fill("[name='s.foreground']", "#1f3b73")
                    await page.select_option("[name='s.frame']", "box")
                    await page.fill("[name='s.ctaText']", "Free Wi-Fi")
                    await page.wait_for_selector("#code-form[data-preview=ready]")
                # The domains page's DNS records and verification sit below the list.
                whole = name == "domains"
                await page.screenshot(path=str(out / f"{name}-{device}.png"), full_page=whole)
            await context.close()
        await browser.close()
    print(f"screenshots in {out}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codes", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--shots", type=Path, default=None)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qrstack-console-bench-"))
    root.chmod(0o755)  # noqa: ASYNC240  # PostgreSQL's own user must reach it
    infra = Infrastructure(root, durable=False, kafka_heap="512m")
    await infra.start()
    # The limiter stays on (its counter is part of each /v1 call's cost) with a limit the
    # bench never reaches.
    platform = Platform(infra, extra_env={"API_RATE_LIMIT_AUTHENTICATED": "1000000000"})
    try:
        await platform.start()
        api = platform.url("api")
        email, _auth, codes = await seed(platform, args.codes)
        cookie = await session_cookie(api, email)
        code_id = codes[0]["id"]
        pages = {
            "bare aiohttp (fixed HTML)": None,
            "/console/codes (25 of 1,000)": "/console/codes",
            "/console/codes?q=Poster 99": "/console/codes?q=Poster%2099",
            "/console/codes/{id}": f"/console/codes/{code_id}",
            "/console/codes/{id}/edit": f"/console/codes/{code_id}/edit",
            "/console/codes/new?type=wifi": "/console/codes/new?type=wifi",
            "/console/codes/{id}/analytics": f"/console/codes/{code_id}/analytics?range=30d",
            "/console/analytics (1,000 codes, top 10 named)": "/console/analytics?range=30d",
            "/console/keys": "/console/keys",
            "/console/team": "/console/team",
            "/console/workspaces": "/console/workspaces",
            "/console/folders (counts of 1,000)": "/console/folders",
            "/console/codes/{id}/rules (3 rules)": f"/console/codes/{code_id}/rules",
            "/console/domains (2 domains)": "/console/domains",
            "/console/billing (usage of 1,000)": "/console/billing",
        }
        print(f"{args.codes} codes, {args.requests} sequential requests per page\n")
        print("| page | p50 ms | p95 ms |\n|---|---:|---:|")
        for label, path in pages.items():
            if path is None:
                took = await bare_baseline(args.requests)
            else:
                await time_page(f"{api}{path}", cookie, 5)  # warm
                took = await time_page(f"{api}{path}", cookie, args.requests)
            print(f"| {label} | {p(took, 50):.1f} | {p(took, 95):.1f} |")
        if args.shots is not None:
            await screenshots(api, email, code_id, args.shots)
    finally:
        await platform.stop()
        await infra.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
