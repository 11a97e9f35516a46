"""What the console's browser tests share: accounts made in the database like `make run`'s
demo account, signed in through the real sign-in page, the API called with their key, and the
pinned, vendored axe-core scan."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg

from qrstack_api.accounts.bootstrap import Bootstrapped, bootstrap_workspace
from qrstack_launcher.stack import Platform

PASSWORD = "a long enough passphrase"
AXE = Path(__file__).parents[2] / "support" / "vendor" / "axe-core-4.10.2" / "axe.min.js"
AXE_SHA256 = "b511cd9dec01c76f4b2ad1723b66b6db37d4c2eb4ed199076e1829d9ee7b75e3"


class Account:
    def __init__(self, made: Bootstrapped, password: str) -> None:
        self.email = made.email
        self.password = password
        self.api_key = made.api_key
        self.workspace_id = made.workspace_id

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


async def new_account(platform: Platform) -> Account:
    password = secrets.token_urlsafe(12)
    conn = await asyncpg.connect(platform.infra.database_url)
    try:
        made = await bootstrap_workspace(
            conn, email=f"console-{secrets.token_hex(4)}@example.com", password=password,
            workspace_name="Console workspace", plan="business", test=True, key_name="key",
        )  # fmt: skip
    finally:
        await conn.close()
    return Account(made, password)


async def sign_in(page: Any, account: Account) -> None:
    await page.goto("/console/login")
    await page.fill("#email", account.email)
    await page.fill("#password", account.password)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/console/codes")


async def api_json(method: str, url: str, account: Account, **kw: Any) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, headers=account.auth, **kw) as response,
    ):
        assert response.status < 300, await response.text()
        return await response.json() if response.status != 204 else None


async def serious_violations(page: Any) -> list[str]:
    """The vendored axe-core's serious and critical WCAG 2 A/AA findings on the page (its
    context must bypass the CSP, which rightly refuses the injected script)."""
    await page.add_script_tag(content=AXE.read_text())
    found: list[str] = await page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return found


async def new_invite(platform: Platform, owner: Account, **body: Any) -> dict[str, Any]:
    """An invite link to the owner's workspace, made through the API."""
    ws = f"ws_{owner.workspace_id.hex}"
    created: dict[str, Any] = await api_json(
        "POST", f"{platform.url('api')}/v1/workspaces/{ws}/invites", owner, json=body
    )
    return created


async def join_as_new(page: Any, link: str, email: str) -> None:
    """Open an invite link signed out, create the account there, land on the codes list."""
    await page.goto(urlsplit(link).path)
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("#join")
    await page.wait_for_url("**/console/codes?**")


def csrf_of(session: str) -> str:
    """The form token the console computes for a session (what a forged post needs)."""
    return hashlib.sha256(b"qrstack-console-csrf:" + session.encode()).hexdigest()


async def session_of(page: Any) -> str:
    cookies = await page.context.cookies()
    return str(next(c for c in cookies if c["name"] == "sessionid")["value"])


async def tab_to(page: Any, selector: str, presses: int = 80) -> bool:
    """Whether pressing Tab from the top of the page reaches the element (keyboard users)."""
    await page.evaluate("document.activeElement && document.activeElement.blur()")
    target = page.locator(selector)
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await target.evaluate("el => el === document.activeElement"):
            return True
    return False


async def fits_the_phone(page: Any) -> bool:
    """Whether the page needs no sideways scrolling of the whole page at its viewport width
    (wide tables scroll inside their own box)."""
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )
