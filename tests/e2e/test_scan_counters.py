"""A code's scan counters as /v1 shows them, after real scans at the redirect service: a capped
code's `scansUsed` and `scansRemaining` come from the cap's own books (exact), `totalScans`
counts the answered scans only, and `refusedScans` the scans refused past the cap, outside
the schedule window and of a deleted code."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace

pytestmark = pytest.mark.e2e

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"}
NOTHING_REFUSED = {"limitReached": 0, "notActive": 0, "fallback": 0}


class Api:
    def __init__(self, session: aiohttp.ClientSession, base: str, key: str) -> None:
        self.session, self.base = session, base
        self.auth = {"Authorization": f"Bearer {key}"}

    async def call(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        async with self.session.request(
            method, f"{self.base}{path}", headers=self.auth, **kwargs
        ) as response:
            assert response.status == status, await response.text()
            return None if status == 204 else await response.json()

    async def until(self, code_id: str, done: Any, timeout: float = 30) -> dict[str, Any]:
        """The code read again until `done(code)` (the cap settles and analytics ingests
        within seconds)."""
        code: dict[str, Any] = {}
        try:
            async with asyncio.timeout(timeout):
                while True:
                    code = await self.call("GET", f"/v1/codes/{code_id}")
                    if done(code):
                        return code
                    await asyncio.sleep(0.25)
        except TimeoutError:
            raise AssertionError(f"never reached: {code}") from None


async def _known(
    session: aiohttp.ClientSession, url: str, status: int, location: str | None = None
) -> None:
    """HEAD (never counted, never takes from a cap) until the redirect answers `status` (and
    `location`)."""
    async with asyncio.timeout(20):
        while True:
            async with session.head(url, allow_redirects=False) as response:
                if response.status == status and (
                    location is None or response.headers.get("Location") == location
                ):
                    return
            await asyncio.sleep(0.05)


async def _scan(session: aiohttp.ClientSession, url: str) -> tuple[int, str | None]:
    async with session.get(url, allow_redirects=False, headers=PHONE) as response:
        return response.status, response.headers.get("Location")


async def test_a_capped_code_counts_from_its_cap_and_answered_scans_apart(
    platform: Platform,
) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with aiohttp.ClientSession() as session:
        api = Api(session, platform.url("api"), ws.api_key)
        capped = await api.call(
            "POST",
            "/v1/codes",
            201,
            json={"targetUrl": "https://example.com/offer", "maxScans": 3},
        )
        assert (capped["scansUsed"], capped["scansRemaining"]) == (0, 3)
        assert capped["totalScans"] == 0 and capped["refusedScans"] == NOTHING_REFUSED
        plain = await api.call("POST", "/v1/codes", 201, json={"targetUrl": "https://e.com/"})
        assert (plain["scansUsed"], plain["scansRemaining"]) == (None, None)

        await _known(session, capped["shortUrl"], 302)
        answers = [await _scan(session, capped["shortUrl"]) for _ in range(5)]
        assert answers[:3] == [(302, "https://example.com/offer")] * 3
        assert [status for status, _ in answers[3:]] == [410, 410]  # the "limit reached" page

        seen = await api.until(
            capped["id"],
            lambda c: c.get("scansUsed") == 3 and c.get("refusedScans", {}).get("limitReached"),
        )
        assert seen["scansRemaining"] == 0 and seen["status"] == "limit_reached"
        assert seen["totalScans"] == 3  # the answered ones
        assert seen["refusedScans"] == {**NOTHING_REFUSED, "limitReached": 2}
        listed = await api.call("GET", "/v1/codes", params={"status": "limit_reached"})
        assert [c["id"] for c in listed["data"]] == [capped["id"]]
        assert listed["data"][0]["scansUsed"] == 3

        # A raised cap keeps the count: two more scans are allowed.
        raised = await api.call("PATCH", f"/v1/codes/{capped['id']}", json={"maxScans": 5})
        assert (raised["scansUsed"], raised["scansRemaining"]) == (3, 2)
        assert raised["status"] == "active"


async def test_scans_outside_the_schedule_and_of_a_deleted_code_are_refused_scans(
    platform: Platform,
) -> None:
    ws = await new_workspace(platform.infra.database_url)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    async with aiohttp.ClientSession() as session:
        api = Api(session, platform.url("api"), ws.api_key)
        scheduled = await api.call(
            "POST", "/v1/codes", 201, json={"targetUrl": "https://e.com/s", "activeFrom": later}
        )
        assert scheduled["status"] == "scheduled"
        await _known(session, scheduled["shortUrl"], 410)
        assert (await _scan(session, scheduled["shortUrl"]))[0] == 410  # "not active yet"

        gone = await api.call(
            "POST",
            "/v1/codes",
            201,
            json={"targetUrl": "https://e.com/g", "fallbackUrl": "https://e.com/elsewhere"},
        )
        await _known(session, gone["shortUrl"], 302)
        assert await _scan(session, gone["shortUrl"]) == (302, "https://e.com/g")
        await api.call("DELETE", f"/v1/codes/{gone['id']}", 204)
        await _known(session, gone["shortUrl"], 302, "https://e.com/elsewhere")
        assert await _scan(session, gone["shortUrl"]) == (302, "https://e.com/elsewhere")

        not_active = await api.until(
            scheduled["id"], lambda c: c.get("refusedScans", {}).get("notActive") == 1
        )
        assert not_active["totalScans"] == 0
        assert not_active["refusedScans"] == {**NOTHING_REFUSED, "notActive": 1}
        assert (not_active["scansUsed"], not_active["scansRemaining"]) == (None, None)
        deleted = await api.until(gone["id"], lambda c: c.get("refusedScans", {}).get("fallback"))
        assert deleted["totalScans"] == 1 and deleted["status"] == "deleted"
        assert deleted["refusedScans"]["limitReached"] == 0
        assert deleted["refusedScans"]["notActive"] == 0
