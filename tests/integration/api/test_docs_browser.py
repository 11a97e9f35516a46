"""/v1/docs in headless Chromium (Debian's `chromium` driven by Playwright): Swagger UI loads
from the API's own origin without a Content-Security-Policy violation and shows the payload
fields of a Wi-Fi code. `make docs-screenshot` saves what it shows to docs/api-reference.png.

Skipped where Chromium or Playwright is not installed (they are not needed to run qrstack)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
async def test_the_reference_page_shows_a_wifi_codes_payload_fields(api: Client) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    problems: list[str] = []
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1280, "height": 1100})
        page.set_default_timeout(120_000)  # a loaded CI machine parses the document slowly
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        await page.goto(str(api.make_url("/v1/docs#/codes/codes_create")))
        create = page.locator("#operations-codes-codes_create")
        await create.locator(".examples-select select").select_option("wifi")
        assert '"ssid"' in await create.locator(".opblock-section-request-body").inner_text()

        # The schemas list is virtualised: scroll until the Wi-Fi payload's entry is drawn.
        await page.locator("section.models").scroll_into_view_if_needed()
        title = page.locator("strong.json-schema-2020-12__title", has_text="WifiPayload")
        head = page.locator("section.models .json-schema-2020-12-head", has=title)
        for _ in range(300):
            if await head.count():
                break
            await page.evaluate(
                "document.querySelector('section.models .models-scroll').scrollTop += 400;"
                "window.scrollBy(0, 400)"
            )
            await page.wait_for_timeout(30)
        await head.first.scroll_into_view_if_needed()
        await head.first.locator("button.json-schema-2020-12-expand-deep-button").click()
        schema = head.first.locator("xpath=..")
        await schema.get_by_text("nopass").first.wait_for()
        text = await schema.inner_text()
        for shown in ("ssid", "encryption", "password", "hidden", "WPA", "WEP", "nopass"):
            assert shown in text, shown
        assert "≤ 63 characters" in text  # the limits are part of the schema

        target = os.environ.get("QRSTACK_DOCS_SCREENSHOT")
        if target:
            await page.evaluate(
                """el => {
                    const box = document.querySelector("section.models .models-scroll");
                    const top = box.getBoundingClientRect().top;
                    box.scrollTop += el.getBoundingClientRect().top - top;
                    box.scrollIntoView();
                    window.scrollBy(0, -60);
                }""",
                await head.first.element_handle(),
            )
            await page.wait_for_timeout(200)
            await page.screenshot(path=Path(target))
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
