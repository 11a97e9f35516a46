"""Password guessing is throttled where a password is asked for: the console's sign-in (10
failures per email, 100 per address, per 15 minutes; counted in PostgreSQL, so shared by every
API replica) and a protected code's password gate on the redirect service (5 wrong passwords
per address and code per 15 minutes). Past the limit even the right password is refused with
429 and Retry-After; a forged X-Forwarded-For is not believed (no proxy is trusted by
default), and a burst of simultaneous guesses gets no more tries than guesses one by one."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import asyncpg
import pytest

from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_launcher.stack import Platform
from support.attacker import Workspace
from support.waiting import eventually

pytestmark = pytest.mark.infra

PER_EMAIL = 10  # API_LOGIN_FAILURES_PER_EMAIL's default
WINDOW_S = 900  # API_LOGIN_FAILURE_WINDOW's default
GATE_ATTEMPTS = 5  # GATE_ATTEMPTS's default
BURST = 30
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def guesser(platform: Platform) -> AsyncIterator[aiohttp.ClientSession]:
    """A client on a loopback address of its own, so that its failures fill no address bucket
    the rest of the suite signs in from (127.0.0.1)."""
    connector = aiohttp.TCPConnector(local_addr=(f"127.0.0.{secrets.randbelow(200) + 20}", 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


async def account(platform: Platform) -> tuple[str, str]:
    email, password = f"guessed-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    conn = await asyncpg.connect(platform.infra.database_url)
    try:
        await bootstrap_workspace(
            conn, email=email, password=password, workspace_name="Guessed", plan="business",
            test=True, key_name="key",
        )  # fmt: skip
    finally:
        await conn.close()
    return email, password


async def sign_in(
    session: aiohttp.ClientSession, base: str, email: str, password: str, forwarded: str = ""
) -> int:
    """The console's sign-in as a browser does it (the form's CSRF token from its page)."""
    async with session.get(f"{base}/console/login") as page:
        token = _CSRF.search(await page.text())
        cookie = page.cookies["console_csrf"].value
    assert token is not None
    headers = {"Cookie": f"console_csrf={cookie}"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    form = {"csrf": token.group(1), "email": email, "password": password}
    async with session.post(
        f"{base}/console/login", data=form, headers=headers, allow_redirects=False
    ) as answer:
        if answer.status == 429:
            assert "Too many failed sign-ins" in await answer.text()
        return answer.status


def window() -> int:
    """The sign-in limits' current window (fixed 15-minute windows: counts start again at
    each boundary, so a test that straddles one is run again)."""
    return int(time.time() // WINDOW_S)


async def test_console_sign_in_is_throttled_per_email(
    platform: Platform, guesser: aiohttp.ClientSession
) -> None:
    base = platform.url("api")
    for _ in range(2):
        email, password = await account(platform)
        started = window()
        wrong = [
            await sign_in(guesser, base, email, f"wrong-{n}", forwarded=f"203.0.113.{n}")
            for n in range(PER_EMAIL)
        ]
        right = [
            await sign_in(guesser, base, email, password, forwarded="198.51.100.7"),
            await sign_in(guesser, base, email, password),
        ]
        if window() == started:
            break
    assert wrong == [401] * PER_EMAIL
    assert right == [429, 429]


async def test_a_burst_of_sign_ins_gets_no_more_guesses(
    platform: Platform, guesser: aiohttp.ClientSession
) -> None:
    base = platform.url("api")
    for _ in range(2):
        email, password = await account(platform)
        started = window()
        burst = [sign_in(guesser, base, email, f"wrong-{n}") for n in range(BURST)]
        answers = Counter(await asyncio.gather(*burst))
        right = await sign_in(guesser, base, email, password)
        if window() == started:
            break
    # Exactly the limit when PostgreSQL answers the counting within the sign-in budget (2 s;
    # past it the limiter decides from this process's own counts, which miss a hit whose
    # answer came too late: one or two more). Before the fix: all 30; with the API's 25 ms
    # request budget on a loaded machine, 13.
    assert PER_EMAIL <= answers[401] <= PER_EMAIL + 2, answers
    assert answers[401] + answers[429] == BURST, answers
    assert right == 429


async def protected_code(platform: Platform, workspace: Workspace) -> tuple[str, str]:
    """A password-protected code, held by the redirect service; (its URL there, password)."""
    password = secrets.token_urlsafe(8)
    slug = f"guess-{secrets.token_hex(4)}"
    body = {"targetUrl": "https://example.com/gated", "slug": slug, "password": password}
    await workspace.ok("POST", "/v1/codes", body, 201)
    url = f"{platform.url('redirect')}/{slug}"

    async def held() -> bool:
        async with aiohttp.ClientSession() as session, session.get(url) as answer:
            return answer.status == 200 and "password" in (await answer.text()).lower()

    await eventually(held)
    return url, password


async def guess(session: aiohttp.ClientSession, url: str, password: str, forwarded: str) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    async with session.post(
        url, data={"password": password}, headers=headers, allow_redirects=False
    ) as answer:
        if answer.status == 429:
            assert int(answer.headers["Retry-After"]) > 0
        return answer.status


async def test_the_password_gate_is_throttled_whatever_the_forwarded_address(
    platform: Platform, workspace: Workspace, guesser: aiohttp.ClientSession
) -> None:
    url, password = await protected_code(platform, workspace)
    for n in range(GATE_ATTEMPTS):
        assert await guess(guesser, url, f"wrong-{n}", f"203.0.113.{n}") == 403
    assert await guess(guesser, url, password, "198.51.100.9") == 429
    assert await guess(guesser, url, password, "") == 429


async def test_a_burst_of_gate_guesses_gets_no_more_tries(
    platform: Platform, workspace: Workspace, guesser: aiohttp.ClientSession
) -> None:
    url, password = await protected_code(platform, workspace)
    answers = Counter(
        await asyncio.gather(*(guess(guesser, url, f"wrong-{n}", "") for n in range(BURST)))
    )
    assert answers == {403: GATE_ATTEMPTS, 429: BURST - GATE_ATTEMPTS}
    assert await guess(guesser, url, password, "") == 429
