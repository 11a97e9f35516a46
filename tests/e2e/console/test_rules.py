"""A code's routing rules in the console, in a real browser against the real platform: add
rules (the API's sentences by their fields), reorder them with the keyboard's buttons, delete
one, each checked through the API; the rule tester names the rule and target a scan would get,
and a real scan through the redirect goes there; a viewer sees no controls; the page passes the
accessibility scan and fits a phone."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp
import pytest
from e2e.console.accounts import (
    Account,
    api_json,
    csrf_of,
    fits_the_phone,
    join_as_new,
    new_invite,
    serious_violations,
    session_of,
    sign_in,
    tab_to,
)

from qrstack_launcher.stack import Platform

pytestmark = pytest.mark.e2e

URL_DE = "https://example.com/de"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


async def _code(platform: Platform, account: Account) -> dict[str, Any]:
    body = {"targetUrl": "https://example.com/default", "name": "Menu"}
    code: dict[str, Any] = await api_json(
        "POST", f"{platform.url('api')}/v1/codes", account, json=body
    )
    return code


async def _rules(platform: Platform, account: Account, code: dict[str, Any]) -> list[Any]:
    listed = await api_json(
        "GET", f"{platform.url('api')}/v1/codes/{code['id']}/routing-rules", account
    )
    return list(listed["data"])


async def _add(page: Any, **fields: str) -> None:
    for name, value in fields.items():
        if name == "type":
            await page.select_option("#r-type", value)
        elif name.startswith("check:"):
            await page.check(f"#add-rule input[name='c.{name[6:]}'][value='{value}']")
        else:
            await page.fill(f"#add-rule [name='{name}']", value)
    await page.click("#add-rule button[type=submit]")


async def test_add_reorder_delete_and_test_rules(
    page: Any, platform: Platform, account: Account
) -> None:
    code = await _code(platform, account)
    await page.goto(f"/console/codes/{code['id']}")
    await page.click("a[href$='/rules']")
    await page.wait_for_url(f"**/console/codes/{code['id']}/rules")

    # A refused rule: the API's sentence by its field, nothing stored.
    await _add(page, type="geo", targetUrl="https://example.com/de", **{"c.countryIn": "DE, XX"})
    assert "ISO 3166-1" in await page.inner_text("#err-c-countryIn")
    assert await page.get_attribute("#r-countryIn", "aria-invalid") == "true"
    assert await page.input_value("#r-countryIn") == "DE, XX"  # what was typed is kept
    assert await _rules(platform, account, code) == []

    await page.fill("#r-countryIn", "DE, AT")
    await page.fill("#r-label", "Germany")
    await page.click("#add-rule button[type=submit]")
    await page.wait_for_url("**/rules?notice=*")
    await _add(
        page, type="device", label="iPhones", targetUrl="https://example.com/ios",
        **{"check:deviceIn": "mobile", "c.osIn": "iOS"},
    )  # fmt: skip
    await page.wait_for_url("**/rules?notice=*")
    stored = await _rules(platform, account, code)
    assert [(r["label"], r["condition"]) for r in stored] == [
        ("Germany", {"countryIn": ["DE", "AT"]}),
        ("iPhones", {"deviceIn": ["mobile"], "osIn": ["iOS"]}),
    ]

    # A German iPhone gets the German page while the geo rule comes first …
    tester = {"t-country": "DE", "t-os": "iOS"}
    await _test(page, tester)
    assert "Rule 1 decides" in await page.inner_text("#test-result")
    assert await page.inner_text("#test-target") == "https://example.com/de"

    # … and the iPhone page once the device rule is moved up (by keyboard: focus, Enter).
    await page.focus("button[aria-label='Move iPhones up']")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/rules?notice=*")
    stored = await _rules(platform, account, code)
    assert [r["label"] for r in stored] == ["iPhones", "Germany"]
    assert [r["priority"] for r in stored] == [10, 20]
    await _test(page, tester)
    assert await page.inner_text("#test-target") == "https://example.com/ios"
    why = await page.inner_text("#test-why")
    assert "Rule 1 (device, priority 10, iPhones) decides" in why

    # The tester and a real scan agree.
    async with (
        aiohttp.ClientSession() as session,
        session.get(code["shortUrl"], headers={"User-Agent": IPHONE}, allow_redirects=False) as r,
    ):
        assert r.headers["Location"] == "https://example.com/ios"
    await _test(page, {"t-country": "US", "t-device": "desktop", "t-os": "Windows"})
    assert "No rule decides" in await page.inner_text("#test-result")
    assert await page.inner_text("#test-target") == "https://example.com/default"
    assert "deviceIn" in await page.inner_text("#test-why")
    # A fact the API refuses is shown by its field.
    await _test(page, {"t-country": "ZZ"})
    assert "ISO 3166-1" in await page.inner_text("#terr-country")

    await page.click("button[aria-label='Delete iPhones']")
    await page.wait_for_url("**/rules?notice=*")
    assert [r["label"] for r in await _rules(platform, account, code)] == ["Germany"]


async def _test(page: Any, facts: dict[str, str]) -> None:
    await page.fill("#t-country", "")
    for field, value in facts.items():
        if field == "t-device":
            await page.select_option("#t-device", value)
        else:
            await page.fill(f"#{field}", value)
    await page.click("#tester button[type=submit]")
    await page.wait_for_load_state()


async def test_a_time_window_in_a_timezone(page: Any, platform: Platform, account: Account) -> None:
    code = await _code(platform, account)
    await page.goto(f"/console/codes/{code['id']}/rules")
    await _add(
        page, type="time", label="Office hours", targetUrl="https://example.com/office",
        **{"c.startTime": "09:00", "c.endTime": "17:00", "c.timezone": "Europe/Berlin",
           "check:daysOfWeek": "1"},
    )  # fmt: skip
    await page.wait_for_url("**/rules?notice=*")
    # Monday 7 December 2026, 10:30 in Berlin (09:30 UTC): inside; 17:30: outside.
    await _test(page, {"t-at": "2026-12-07T10:30", "t-timezone": "Europe/Berlin"})
    assert await page.inner_text("#test-target") == "https://example.com/office"
    await _test(page, {"t-at": "2026-12-07T17:30", "t-timezone": "Europe/Berlin"})
    assert await page.inner_text("#test-target") == "https://example.com/default"
    assert "daysOfWeek/startTime/endTime" in await page.inner_text("#test-why")
    # The same instant given in New York's time is the same answer.
    await _test(page, {"t-at": "2026-12-07T04:30", "t-timezone": "America/New_York"})
    assert await page.inner_text("#test-target") == "https://example.com/office"


async def test_a_viewer_sees_no_controls_and_a_forged_post_is_refused(
    browser: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    code = await _code(platform, account)
    rule = {
        "type": "geo",
        "targetUrl": "https://example.com/de",
        "condition": {"countryIn": ["DE"]},
    }
    await api_json("POST", f"{api}/v1/codes/{code['id']}/routing-rules", account, json=rule)
    link = (await new_invite(platform, account, role="viewer"))["url"]
    context = await browser.new_context(base_url=api)
    page = await context.new_page()
    await join_as_new(page, link, f"viewer-{secrets.token_hex(4)}@example.com")
    await page.goto(f"/console/codes/{code['id']}/rules")
    assert "countryIn: DE" in await page.inner_text("#rules")
    assert await page.locator("#add-rule").count() == 0
    assert await page.locator("#rules form").count() == 0
    await _test(page, {"t-country": "DE"})  # a viewer may test
    assert await page.inner_text("#test-target") == "https://example.com/de"
    (stored,) = await _rules(platform, account, code)
    token = csrf_of(await session_of(page))
    for path, form in (
        (f"/console/codes/{code['id']}/rules", {"type": "geo", "targetUrl": "https://evil.example/",
                                                "c.countryIn": "US"}),
        (f"/console/codes/{code['id']}/rules/{stored['id']}/delete", {}),
    ):  # fmt: skip
        forged = await page.request.post(path, form={"csrf": token, **form})
        assert forged.status == 403, path
    assert await _rules(platform, account, code) == [stored]
    await context.close()


async def test_the_page_is_accessible_keyboard_reachable_and_fits_a_phone(
    browser: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    code = await _code(platform, account)
    rule = {
        "type": "geo",
        "targetUrl": "https://example.com/de",
        "condition": {"countryIn": ["DE"]},
    }
    await api_json("POST", f"{api}/v1/codes/{code['id']}/routing-rules", account, json=rule)
    context = await browser.new_context(
        base_url=api, bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    await sign_in(page, account)
    for path in (
        f"/console/codes/{code['id']}/rules",
        f"/console/codes/{code['id']}/rules?test=1&t.country=DE",
    ):
        await page.goto(path)
        assert await serious_violations(page) == [], path
        assert await fits_the_phone(page), path
    assert await tab_to(page, "#tester button[type=submit]", presses=120)
    assert await tab_to(page, "#add-rule button[type=submit]", presses=160)
    await context.close()
