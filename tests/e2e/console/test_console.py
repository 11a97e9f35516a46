"""The web console in a real browser against the real platform: sign in, create and design
codes with a live preview that decodes, refuse designs that would not scan, edit a target and
follow a scan to it, read analytics, bulk-move, manage API keys, sign out, and hold the line
on CSRF, isolation, hostile names and accessibility."""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Any

import aiohttp
import pytest
import zxingcpp
from e2e.console.accounts import (
    AXE,
    AXE_SHA256,
    Account,
    api_json,
    fits_the_phone,
    new_account,
    serious_violations,
    sign_in,
)
from PIL import Image

from qrstack_common.payloads import encode_payload, validate_payload
from qrstack_launcher.stack import Platform

pytestmark = pytest.mark.e2e

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


@pytest.fixture
async def account(platform: Platform) -> Account:
    return await new_account(platform)


@pytest.fixture
async def page(browser: Any, platform: Platform, account: Account) -> Any:
    context = await browser.new_context(base_url=platform.url("api"))
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.dialogs = dialogs
    await sign_in(page, account)
    yield page
    await context.close()


async def preview_payload(page: Any) -> str:
    """Wait for the live preview of the latest design and decode what the user sees (a
    screenshot of the preview image) with zxing-cpp."""
    await page.wait_for_selector("#code-form[data-preview=ready]")
    await page.wait_for_selector("#verdict.ok")
    shot = await page.locator("#preview").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)).convert("RGB"))
    assert found, "the preview does not decode"
    return str(found[0].text)


async def test_sign_in_refuses_a_wrong_password(browser: Any, platform: Platform) -> None:
    account = await new_account(platform)
    context = await browser.new_context(base_url=platform.url("api"))
    page = await context.new_page()
    await page.goto("/console/codes")
    assert "/console/login" in page.url  # signed out: to the sign-in page
    await page.fill("#email", account.email)
    await page.fill("#password", "not-the-password")
    await page.click("button[type=submit]")
    assert "Invalid email or password" in await page.inner_text("#login-error")
    cookies = await context.cookies()
    assert not [c for c in cookies if c["name"] == "sessionid"]
    await context.close()


async def test_session_cookie_is_httponly_and_lax(page: Any) -> None:
    session = next(c for c in await page.context.cookies() if c["name"] == "sessionid")
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"


async def test_create_a_styled_url_code_whose_preview_decodes(page: Any) -> None:
    await page.goto("/console/codes/new?type=url")
    await page.fill("#name", "Spring poster")
    await page.fill("[name='p.targetUrl']", "https://example.com/spring")
    await page.fill("[name='s.foreground']", "#1f3b73")
    await page.select_option("[name='s.pattern']", "rounded")
    await page.select_option("[name='s.frame']", "box")
    await page.fill("[name='s.ctaText']", "Scan me")
    assert await preview_payload(page) == "https://example.com/spring"
    await page.click("#save")
    await page.wait_for_url("**/console/codes/*")
    assert await page.inner_text("h1") == "Spring poster"
    short_url = await page.inner_text("#short-url")
    assert short_url.startswith("http")


async def test_create_a_wifi_code_whose_preview_decodes(page: Any) -> None:
    await page.goto("/console/codes/new?type=wifi")
    await page.fill("[name='p.ssid']", "Café; Guest")
    await page.select_option("[name='p.encryption']", "WPA")
    await page.fill("[name='p.password']", "s3cret:pass")
    expected = encode_payload(
        validate_payload(
            "wifi", {"ssid": "Café; Guest", "encryption": "WPA", "password": "s3cret:pass"}
        )
    )
    assert await preview_payload(page) == expected
    await page.click("#save")
    await page.wait_for_url("**/console/codes/*")
    assert "wifi" in await page.inner_text("main")


async def test_a_field_error_is_shown_next_to_the_field(page: Any, account: Account) -> None:
    await page.goto("/console/codes/new?type=wifi")
    await page.fill("[name='p.ssid']", "Home")
    await page.select_option("[name='p.encryption']", "WPA")
    await page.fill("[name='p.password']", "short")
    await page.evaluate("document.getElementById('save').disabled = false")
    await page.click("#save")
    error = await page.inner_text("#err-p-password")
    assert "8" in error  # WPA passwords are 8–63 characters: the API's own sentence


async def test_a_low_contrast_design_shows_the_reason_and_is_not_saved(
    page: Any, platform: Platform, account: Account
) -> None:
    await page.goto("/console/codes/new?type=url")
    await page.fill("[name='p.targetUrl']", "https://example.com/faint")
    await page.fill("[name='s.foreground']", "#eeeeee")
    await page.wait_for_selector("#code-form[data-preview=ready]")
    await page.wait_for_selector("#verdict.refused")
    assert "contrast" in (await page.inner_text("#verdict")).lower()
    assert await page.is_disabled("#save")
    # Even with the button forced on, the server refuses to store it.
    await page.evaluate("document.getElementById('save').disabled = false")
    await page.click("#save")
    assert "contrast" in (await page.inner_text("main")).lower()
    listed = await api_json("GET", f"{platform.url('api')}/v1/codes?q=faint", account)
    assert listed["data"] == []


async def test_edit_the_target_and_a_scan_follows_it(
    page: Any, platform: Platform, account: Account
) -> None:
    code = await api_json(
        "POST", f"{platform.url('api')}/v1/codes", account,
        json={"targetUrl": "https://example.com/old", "name": "Menu"},
    )  # fmt: skip
    await page.goto(f"/console/codes/{code['id']}/edit")
    await page.fill("[name='p.targetUrl']", "https://example.com/new")
    await page.click("#save")
    await page.wait_for_url(f"**/console/codes/{code['id']}")
    async with aiohttp.ClientSession() as session, asyncio.timeout(10):
        while True:
            async with session.get(
                code["shortUrl"], allow_redirects=False, headers={"User-Agent": IPHONE}
            ) as scan:
                if scan.headers.get("Location") == "https://example.com/new":
                    break
            await asyncio.sleep(0.1)
    # The scans made through the redirect appear on the code's analytics page.
    async with asyncio.timeout(30):
        while True:
            await page.goto(f"/console/codes/{code['id']}/analytics?range=7d")
            if int((await page.inner_text("#total-scans")).replace(",", "")) >= 1:
                break
            await asyncio.sleep(0.5)
    analytics = await api_json(
        "GET", f"{platform.url('api')}/v1/codes/{code['id']}/analytics?range=7d", account
    )
    assert await page.inner_text("#total-scans") == f"{analytics['totals']['scans']:,}"


async def test_bulk_move_to_a_folder(page: Any, platform: Platform, account: Account) -> None:
    api = platform.url("api")
    folder = await api_json("POST", f"{api}/v1/folders", account, json={"name": "Flyers"})
    ids = []
    for n in range(3):
        made = await api_json(
            "POST", f"{api}/v1/codes", account, json={"targetUrl": f"https://example.com/{n}"}
        )
        ids.append(made["id"])
    await page.goto("/console/codes")
    for code_id in ids[:2]:
        await page.check(f"input[name=ids][value='{code_id}']")
    await page.select_option("#bulk-action", "move")
    await page.select_option("#bulk-folder", str(folder["id"]))
    await page.click("#bulk button[type=submit]")
    assert "move: 2 done" in await page.inner_text(".notice")
    for code_id, expected in zip(ids, (folder["id"], folder["id"], None), strict=True):
        code = await api_json("GET", f"{api}/v1/codes/{code_id}", account)
        assert code["folderId"] == expected


async def test_api_key_create_shows_the_secret_once_and_revoke_refuses_it(
    page: Any, platform: Platform
) -> None:
    await page.goto("/console/keys")
    await page.fill("#key-name", "ci")
    await page.click("form.card button[type=submit]")
    secret = await page.inner_text("#new-secret")
    me = f"{platform.url('api')}/v1/me"
    async with aiohttp.ClientSession() as session:
        async with session.get(me, headers={"Authorization": f"Bearer {secret}"}) as response:
            assert response.status == 200
        await page.goto("/console/keys")
        assert secret not in await page.content()  # shown only once
        await page.click("button[aria-label='Revoke ci']")
        await page.wait_for_url("**/console/keys?notice=revoked")
        async with session.get(me, headers={"Authorization": f"Bearer {secret}"}) as response:
            assert response.status == 401


async def test_sign_out_ends_the_session(page: Any, platform: Platform) -> None:
    token = next(c for c in await page.context.cookies() if c["name"] == "sessionid")["value"]
    await page.click("text=Sign out")
    await page.wait_for_url("**/console/login**")
    await page.goto("/console/codes")
    assert "/console/login" in page.url
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{platform.url('api')}/v1/me", headers={"Cookie": f"sessionid={token}"}
        ) as response,
    ):
        assert response.status == 401  # the old cookie is refused everywhere


async def test_a_post_without_the_csrf_token_is_refused(page: Any, platform: Platform) -> None:
    response = await page.request.post(
        "/console/codes/new", form={"type": "url", "p.targetUrl": "https://example.com/csrf"}
    )
    assert response.status == 403
    forged = await page.request.post(
        "/console/codes/new",
        form={"type": "url", "p.targetUrl": "https://example.com/csrf", "csrf": "0" * 64},
    )
    assert forged.status == 403


async def test_another_workspaces_code_is_not_found(page: Any, platform: Platform) -> None:
    other = await new_account(platform)
    theirs = await api_json(
        "POST",
        f"{platform.url('api')}/v1/codes",
        other,
        json={"targetUrl": "https://example.com/x"},
    )
    for path in ("", "/edit", "/analytics"):
        response = await page.goto(f"/console/codes/{theirs['id']}{path}")
        assert response.status == 404


async def test_a_hostile_name_renders_as_text(
    page: Any, platform: Platform, account: Account
) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    code = await api_json(
        "POST", f"{platform.url('api')}/v1/codes", account,
        json={"targetUrl": "https://example.com/h", "name": hostile},
    )  # fmt: skip
    for path in (
        "/console/codes",
        f"/console/codes/{code['id']}",
        f"/console/codes/{code['id']}/edit",
    ):
        await page.goto(path)
        assert hostile in await page.inner_text("main")
    await page.wait_for_timeout(300)
    assert page.dialogs == []


async def test_pages_send_a_strict_content_security_policy(page: Any) -> None:
    response = await page.goto("/console/codes")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"


def test_the_vendored_axe_core_is_the_pinned_file() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert (AXE.parent / "LICENSE").read_text().startswith("Mozilla Public License")


@pytest.mark.parametrize(
    "path", ["/console/login", "/console/codes", "/console/codes/new?type=wifi", "/console/keys"]
)
async def test_no_serious_accessibility_violations(
    browser: Any, platform: Platform, account: Account, path: str
) -> None:
    # The pages' CSP (rightly) refuses the injected axe-core script: this context lets the
    # test's own script in, and nothing else changes.
    context = await browser.new_context(base_url=platform.url("api"), bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, account)
    await page.goto(path)
    result = await serious_violations(page)
    await context.close()
    assert result == []


async def test_a_codes_own_pages_have_no_serious_violations_and_fit_a_phone(
    browser: Any, platform: Platform, account: Account
) -> None:
    code = await api_json(
        "POST", f"{platform.url('api')}/v1/codes", account,
        json={"targetUrl": "https://example.com/a11y", "name": "Poster"},
    )  # fmt: skip
    for viewport in ({"width": 1280, "height": 860}, {"width": 390, "height": 844}):
        context = await browser.new_context(
            base_url=platform.url("api"), bypass_csp=True, viewport=viewport
        )
        page = await context.new_page()
        await sign_in(page, account)
        for path in (
            f"/console/codes/{code['id']}",
            f"/console/codes/{code['id']}/edit",
            f"/console/codes/{code['id']}/analytics?range=7d",
        ):
            await page.goto(path)
            assert await serious_violations(page) == [], (path, viewport)
            assert await fits_the_phone(page), (path, viewport)
        await context.close()


async def test_workspace_analytics_equal_the_apis_with_top_codes_and_filters(
    browser: Any, page: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    folder = await api_json("POST", f"{api}/v1/folders", account, json={"name": "Posters"})
    poster = await api_json(
        "POST", f"{api}/v1/codes", account,
        json={"targetUrl": "https://example.com/p", "name": "Poster <b>A</b>",
              "folderId": folder["id"]},
    )  # fmt: skip
    menu = await api_json(
        "POST",
        f"{api}/v1/codes",
        account,
        json={"targetUrl": "https://example.com/m", "name": "Menu"},
    )
    async with aiohttp.ClientSession() as session:
        for code, scans in ((poster, 1), (menu, 2)):
            for _ in range(scans):
                async with asyncio.timeout(10):
                    while True:
                        async with session.get(
                            code["shortUrl"], allow_redirects=False, headers={"User-Agent": IPHONE}
                        ) as scan:
                            if scan.status == 302:
                                break
                        await asyncio.sleep(0.1)
    async with asyncio.timeout(30):
        while True:
            whole = await api_json("GET", f"{api}/v1/analytics?range=7d", account)
            if whole["totals"]["scans"] >= 3:
                break
            await asyncio.sleep(0.5)
    await page.goto("/console/analytics?range=7d")
    assert await page.inner_text("#total-scans") == f"{whole['totals']['scans']:,}" == "3"
    rows = await page.locator("#top-codes tbody tr").all_inner_texts()
    assert rows[0].startswith("Menu") and "Poster <b>A</b>" in rows[1], rows
    await page.click("#top-codes a:text('Menu')")
    await page.wait_for_url(f"**/console/codes/{menu['id']}")

    await page.goto("/console/analytics?range=7d")
    await page.select_option("#folderId", folder["id"])
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**folderId=*")
    filtered = await api_json(
        "GET", f"{api}/v1/analytics?range=7d&folderId={folder['id']}", account
    )
    assert await page.inner_text("#total-scans") == f"{filtered['totals']['scans']:,}" == "1"
    rows = await page.locator("#top-codes tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("Poster <b>A</b>"), rows
    assert page.dialogs == []

    for viewport in ({"width": 1280, "height": 860}, {"width": 390, "height": 844}):
        context = await browser.new_context(
            base_url=platform.url("api"), bypass_csp=True, viewport=viewport
        )
        checked = await context.new_page()
        await sign_in(checked, account)
        await checked.goto("/console/analytics?range=7d")
        assert await serious_violations(checked) == [], viewport
        assert await fits_the_phone(checked), viewport
        await context.close()
