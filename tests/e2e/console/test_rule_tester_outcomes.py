"""The rule tester says what a real scan gets, checked against the real redirect service for
the same code at the same moment: a paused code (with and without a fallback), one not active
yet, an expired one, a used-up scan cap, the password gate (and past it), a hosted page: the
tester's status and target are the redirect's status and Location (or, for the hosted page,
the URL that serves it); the console's tester shows the outcome and its reason."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from e2e.console.accounts import Account, api_json

from qrstack_launcher.stack import Platform

pytestmark = pytest.mark.e2e

TARGET = "https://example.com/target"
FALLBACK = "https://example.com/fallback"
REDIRECTS = (301, 302, 303, 307, 308)
# A person's phone: a bot's scan (aiohttp's own User-Agent) does not count against a cap.
PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}
SECRET = "open sesame"  # the test code's password


def _soon(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


class Codes:
    def __init__(self, platform: Platform, account: Account) -> None:
        self.api, self.account = platform.url("api"), account

    async def make(self, **fields: Any) -> dict[str, Any]:
        body = {k: v for k, v in {"targetUrl": TARGET, **fields}.items() if v is not None}
        made: dict[str, Any] = await api_json(
            "POST", f"{self.api}/v1/codes", self.account, json=body
        )
        return made

    async def change(self, code: dict[str, Any], **fields: Any) -> None:
        await api_json("PATCH", f"{self.api}/v1/codes/{code['id']}", self.account, json=fields)

    async def tested(self, code: dict[str, Any], **facts: Any) -> dict[str, Any]:
        url = f"{self.api}/v1/codes/{code['id']}/rules/test"
        answer: dict[str, Any] = await api_json("POST", url, self.account, json=facts)
        return answer


async def scan(url: str, session: aiohttp.ClientSession | None = None) -> tuple[int, str | None]:
    """The redirect's status and Location for a scan of `url`."""
    if session is None:
        async with aiohttp.ClientSession(headers=PHONE) as fresh:
            return await scan(url, fresh)
    async with session.get(url, allow_redirects=False) as got:
        return got.status, got.headers.get("Location")


async def answered(url: str, unlike: tuple[int, str | None]) -> tuple[int, str | None]:
    """The redirect's answer once it differs from `unlike` (the code's snapshot reaches its
    table through Kafka); bounded at 15 s."""
    for _ in range(75):
        got = await scan(url)
        if got != unlike:
            break
        await asyncio.sleep(0.2)
    return got


def seen(tested: dict[str, Any]) -> tuple[int, str | None]:
    """What the tester says the scanner's HTTP client sees: the status, and the Location of a
    redirect."""
    status = tested["status"]
    return status, tested["targetUrl"] if status in REDIRECTS else None


async def _live(codes: Codes, **fields: Any) -> dict[str, Any]:
    """A code the redirect already serves (to its target)."""
    code = await codes.make(**fields)
    assert await answered(code["shortUrl"], (404, None)) == (302, TARGET)
    return code


async def test_the_tester_answers_what_the_redirect_answers(
    platform: Platform, account: Account
) -> None:
    codes = Codes(platform, account)
    served = (302, TARGET)

    fallback = await _live(codes, fallbackUrl=FALLBACK)
    await codes.change(fallback, status="suspended")
    real = await answered(fallback["shortUrl"], served)
    tested = await codes.tested(fallback)
    assert (tested["outcome"], seen(tested)) == ("fallback", real) == ("fallback", (302, FALLBACK))
    assert "paused" in tested["reason"]

    paused = await _live(codes)
    await codes.change(paused, status="suspended")
    real = await answered(paused["shortUrl"], served)
    tested = await codes.tested(paused)
    assert (tested["outcome"], seen(tested)) == ("fallback", real) == ("fallback", (404, None))

    later = await _live(codes)
    await codes.change(later, activeFrom=_soon(days=1))
    real = await answered(later["shortUrl"], served)
    tested = await codes.tested(later)
    assert (tested["outcome"], seen(tested)) == ("not_active", real) == ("not_active", (410, None))
    assert "not active before" in tested["reason"]

    expired = await _live(codes, fallbackUrl=FALLBACK)
    await codes.change(expired, expiresAt=_soon(minutes=-1))
    real = await answered(expired["shortUrl"], served)
    tested = await codes.tested(expired)
    assert (
        (tested["outcome"], seen(tested)) == ("not_active", real) == ("not_active", (302, FALLBACK))
    )
    assert "expired" in tested["reason"]

    protected = await _live(codes)
    await codes.change(protected, password=SECRET)
    real = await answered(protected["shortUrl"], served)
    tested = await codes.tested(protected)
    assert (tested["outcome"], seen(tested)) == ("password_required", real)
    assert real == (200, None)
    past = await codes.tested(protected, unlocked=True)
    jar = aiohttp.CookieJar(unsafe=True)  # the redirect's gate cookie, on 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar, headers=PHONE) as session:
        form = {"password": SECRET}
        async with session.post(protected["shortUrl"], data=form, allow_redirects=False) as got:
            assert (got.status, got.headers.get("Location")) == (303, TARGET)
        assert seen(past) == await scan(protected["shortUrl"], session) == served
    assert past["outcome"] == "redirect"


async def test_a_used_up_cap_and_a_hosted_page(platform: Platform, account: Account) -> None:
    codes = Codes(platform, account)
    capped = await codes.make(maxScans=1)
    assert await answered(capped["shortUrl"], (404, None)) == (302, TARGET)  # the one scan
    assert await scan(capped["shortUrl"]) == (410, None)
    for _ in range(30):  # the cap's books lag the redirect by a lease at most
        tested = await codes.tested(capped)
        if tested["outcome"] == "limit_reached":
            break
        await asyncio.sleep(0.5)
    assert seen(tested) == (410, None) and "scan cap of 1 scans is used up" in tested["reason"]

    links = {"title": "Us", "items": [{"label": "Site", "url": "https://example.com/site"}]}
    page = await codes.make(type="list-of-links", listOfLinks=links, targetUrl=None)
    assert (await answered(page["shortUrl"], (404, None)))[0] == 200
    tested = await codes.tested(page)
    assert (tested["outcome"], tested["status"]) == ("page", 200)
    assert tested["targetUrl"] == page["shortUrl"]


async def test_the_console_tester_shows_the_outcome(
    page: Any, platform: Platform, account: Account
) -> None:
    codes = Codes(platform, account)
    protected = await codes.make(password=SECRET, fallbackUrl=FALLBACK)
    await page.goto(f"/console/codes/{protected['id']}/rules")
    await page.click("#tester button[type=submit]")
    await page.wait_for_load_state()
    assert await page.inner_text("#test-outcome") == "password required"
    assert await page.inner_text("#test-status") == "200"
    assert "password page" in await page.inner_text("#test-reason")
    await page.check("#t-unlocked")
    await page.click("#tester button[type=submit]")
    await page.wait_for_load_state()
    assert await page.inner_text("#test-target") == TARGET
    assert await page.inner_text("#test-outcome") == "redirect"
