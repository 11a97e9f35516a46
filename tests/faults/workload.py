"""The steady load a fault scenario runs under, and the client's own log of what it saw.

`Workload.create` makes a workspace and its codes through the API: plain codes, capped codes
(with a fallback), codes with a device rule, and password-gated codes (a gate cookie is taken
once, by posting the password). `ScanLoad` scans them at a fixed rate with browser User-Agents
(an iPhone and an Android phone) and logs every answer: the code, the status, the `Location`,
and the outcome the client can read from it (`counted`: a scan the analytics must count,
`uncounted`: the gate page, `wrong`: an answer that is neither the right target nor the
code's documented fallback, `no_answer`: the connection failed or timed out, so the redirect
may or may not have recorded it). `Writes` creates and edits codes through the API and logs
every write the API acknowledged, and every one it did not.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from support.accounts import new_workspace

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
PASSWORD = "open sesame"
TIMEOUT = aiohttp.ClientTimeout(total=5)


@dataclass
class Code:
    id: str
    slug: str
    kind: str  # plain | capped | ruled | gated | scheduled | timed
    target: str
    fallback: str | None = None
    ios_target: str | None = None
    rule_target: str | None = None  # a timed code's: where its time rule sends every scan
    cap: int | None = None
    cookie: str | None = None  # the gate cookie (gated codes)


@dataclass
class Answer:
    at: float
    code: str
    status: int | None
    location: str | None
    outcome: str  # counted | uncounted | wrong | no_answer
    granted: bool = False  # a capped code's target (a scan taken from the cap)


@dataclass
class Write:
    at: float
    code: str | None
    slug: str | None
    target: str
    kind: str  # create | edit
    acked: bool
    status: int | None


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.headers = {"Authorization": f"Bearer {key}"}

    async def call(
        self, session: aiohttp.ClientSession, method: str, path: str, body: Any = None
    ) -> tuple[int, Any]:
        async with session.request(
            method, self.base + path, json=body, headers=self.headers, timeout=TIMEOUT
        ) as response:
            payload = await response.json(content_type=None) if response.content_length else None
            return response.status, payload

    async def read(self, session: aiohttp.ClientSession, path: str) -> tuple[int, Any, float]:
        """GET `path`: (status, JSON body or None, the Retry-After seconds it gave or 0)."""
        async with session.get(self.base + path, headers=self.headers, timeout=TIMEOUT) as r:
            payload = await r.json(content_type=None) if r.content_length else None
            try:
                retry_after = float(r.headers.get("Retry-After", "0"))
            except ValueError:
                retry_after = 0.0
            return r.status, payload, retry_after


@dataclass
class Workload:
    api: Api
    redirect: str
    codes: list[Code]
    setup: list[Answer] = field(default_factory=list)  # the gate passes that took the cookies

    @classmethod
    async def create(
        cls,
        stack_api: str,
        redirect: str,
        dsn: str,
        *,
        plain: int = 16,
        cap: int = 150,
        plain_only: bool = False,
        timed: bool = False,
    ) -> Workload:
        ws = await new_workspace(dsn)
        api = Api(stack_api, ws.api_key)
        tag = secrets.token_hex(3)
        codes: list[Code] = []
        async with aiohttp.ClientSession() as session:

            async def make(kind: str, n: int, body: dict[str, Any]) -> Code:
                status, code = await api.call(session, "POST", "/v1/codes", body)
                assert status == 201, code
                made = Code(code["id"], code["slug"], kind, body["targetUrl"])
                made.fallback = body.get("fallbackUrl")
                made.cap = body.get("maxScans")
                return made

            base = f"https://example.com/{tag}"
            for n in range(plain):
                codes.append(await make("plain", n, {"targetUrl": f"{base}/plain/{n}"}))
            for n in range(0 if plain_only else 2):
                body = {
                    "targetUrl": f"{base}/capped/{n}",
                    "fallbackUrl": f"{base}/sold-out/{n}",
                    "maxScans": cap,
                }
                codes.append(await make("capped", n, body))
            for n in range(0 if plain_only else 2):
                ruled = await make("ruled", n, {"targetUrl": f"{base}/ruled/{n}"})
                ruled.ios_target = f"{base}/ruled/{n}/ios"
                rule = {
                    "type": "device",
                    "targetUrl": ruled.ios_target,
                    "priority": 1,
                    "condition": {"osIn": ["iOS"]},
                }
                status, body = await api.call(
                    session, "POST", f"/v1/codes/{ruled.id}/routing-rules", rule
                )
                assert status == 201, body
                codes.append(ruled)
            for n in range(0 if plain_only else 2):
                body = {"targetUrl": f"{base}/gated/{n}", "password": PASSWORD}
                codes.append(await make("gated", n, body))
            if timed:
                codes += await _timed_codes(session, api, base, make)
        workload = cls(api, redirect, codes)
        await workload.wait_served()
        return workload

    async def wait_served(self, timeout: float = 60.0) -> None:
        """Until both redirect workers answer every code (HEAD: never counted), then take the
        gated codes' cookies."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            for code in self.codes:
                while True:
                    if await _head_everywhere(self.redirect, code.slug, self.expected_head(code)):
                        break
                    if time.monotonic() > deadline:
                        raise AssertionError(f"code {code.slug} not served after {timeout}s")
                    await asyncio.sleep(0.1)
            for code in self.codes:
                if code.kind == "gated":
                    code.cookie = await _gate_cookie(session, f"{self.redirect}/{code.slug}")
                    self.setup.append(Answer(time.time(), code.id, 303, code.target, "counted"))

    @staticmethod
    def expected_head(code: Code) -> int:
        return 200 if code.kind == "gated" else 302

    def plan(self) -> list[tuple[Code, str, bool]]:
        """One round of the load: (code, User-Agent, with the gate cookie)."""
        rounds: list[tuple[Code, str, bool]] = []
        for code in self.codes:
            if code.kind == "gated":
                rounds += [(code, IPHONE, True), (code, ANDROID, False)]
            else:
                rounds += [(code, IPHONE, False), (code, ANDROID, False)]
        return rounds


async def _timed_codes(
    session: aiohttp.ClientSession,
    api: Api,
    base: str,
    make: Callable[[str, int, dict[str, Any]], Awaitable[Code]],
) -> list[Code]:
    """2 codes scheduled from an hour ago to an hour from now, and 2 with a time rule (UTC,
    the same two hours, every day) sending every scan elsewhere: a clock off by minutes must
    not change their answers. None with a time rule when those hours span midnight."""
    now = datetime.now(UTC)
    codes = []
    for n in range(2):
        body = {
            "targetUrl": f"{base}/scheduled/{n}",
            "activeFrom": (now - timedelta(hours=1)).isoformat(),
            "expiresAt": (now + timedelta(hours=1)).isoformat(),
        }
        codes.append(await make("scheduled", n, body))
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    if start.date() != end.date():
        return codes
    for n in range(2):
        timed = await make("timed", n, {"targetUrl": f"{base}/timed/{n}"})
        timed.rule_target = f"{base}/timed/{n}/in-hours"
        rule = {
            "type": "time",
            "targetUrl": timed.rule_target,
            "priority": 1,
            "condition": {
                "startTime": start.strftime("%H:%M"),
                "endTime": end.strftime("%H:%M"),
                "timezone": "UTC",
            },
        }
        status, body = await api.call(session, "POST", f"/v1/codes/{timed.id}/routing-rules", rule)
        assert status == 201, body
        codes.append(timed)
    return codes


async def _head_everywhere(redirect: str, slug: str, status: int, tries: int = 6) -> bool:
    """Fresh connections (the kernel spreads them over the workers), `tries` HEADs."""
    for _ in range(tries):
        try:
            async with (
                aiohttp.ClientSession() as fresh,
                fresh.head(f"{redirect}/{slug}", allow_redirects=False, timeout=TIMEOUT) as r,
            ):
                if r.status != status:
                    return False
        except (aiohttp.ClientError, TimeoutError):
            return False
    return True


async def _gate_cookie(session: aiohttp.ClientSession, url: str) -> str:
    async with session.post(
        url, data={"password": PASSWORD}, allow_redirects=False, timeout=TIMEOUT,
        headers={"User-Agent": IPHONE},
    ) as response:  # fmt: skip
        assert response.status == 303, response.status
        morsel = response.cookies.get("qrgate")
        assert morsel is not None
        return morsel.value


def judge(code: Code, ua: str, cookie: bool, status: int, location: str | None) -> Answer:
    """What the client can tell of one answer."""
    now = time.time()
    if code.kind == "gated" and not cookie:
        outcome = "uncounted" if status == 200 else "wrong"
        return Answer(now, code.id, status, location, outcome)
    expected = {code.target}
    if code.kind == "ruled" and ua == IPHONE:
        expected = {code.ios_target or code.target}
    if code.kind == "timed":
        expected = {code.rule_target or code.target}
    fallback = {code.fallback} if code.fallback else set()
    if status in (301, 302, 303, 307, 308) and location in expected | fallback:
        granted = code.kind == "capped" and location in expected
        return Answer(now, code.id, status, location, "counted", granted)
    return Answer(now, code.id, status, location, "wrong")


@dataclass
class ScanLoad:
    """Scans at `rate` per second, spread over the workload's codes, until stopped."""

    workload: Workload
    rate: float = 120.0
    answers: list[Answer] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        plan = itertools.cycle(self.workload.plan())
        connector = aiohttp.TCPConnector(limit=48)
        tasks: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession(connector=connector) as session:
            loop = asyncio.get_running_loop()
            started, sent = loop.time(), 0
            while not self._stop.is_set():
                due = int((loop.time() - started) * self.rate)
                while sent < due and len(tasks) < 400:
                    task = asyncio.create_task(self._scan(session, *next(plan)))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    sent += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), 0.01)
            if tasks:
                await asyncio.gather(*tasks)

    def stop(self) -> None:
        self._stop.set()

    async def _scan(self, session: aiohttp.ClientSession, code: Code, ua: str, gate: bool) -> None:
        headers = {"User-Agent": ua}
        if gate and code.cookie:
            headers["Cookie"] = f"qrgate={code.cookie}"
        url = f"{self.workload.redirect}/{code.slug}"
        try:
            async with session.get(
                url, allow_redirects=False, headers=headers, timeout=TIMEOUT
            ) as response:
                await response.read()
                answer = judge(code, ua, gate, response.status, response.headers.get("Location"))
        except (aiohttp.ClientError, TimeoutError):
            answer = Answer(time.time(), code.id, None, None, "no_answer")
        self.answers.append(answer)


@dataclass
class Writes:
    """Code creates and edits through the API by `writers` concurrent writers, each one write at
    a time every `interval` seconds; a writer edits only codes it created, so each code's writes
    are in order in the log."""

    workload: Workload
    interval: float = 0.25
    writers: int = 1
    log: list[Write] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(self._writer(session) for _ in range(self.writers)))

    async def _writer(self, session: aiohttp.ClientSession) -> None:
        api, base = self.workload.api, f"https://example.com/w/{secrets.token_hex(3)}"
        mine: list[tuple[str, str]] = []  # (id, slug) of acknowledged creates
        for n in itertools.count():
            if self._stop.is_set():
                return
            target = f"{base}/{n}"
            if n % 2 == 0 or not mine:
                write = await self._create(session, api, target)
                if write.acked and write.code and write.slug:
                    mine.append((write.code, write.slug))
            else:
                code, slug = mine[n % len(mine)]
                write = await self._edit(session, api, code, slug, target)
            self.log.append(write)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)

    def stop(self) -> None:
        self._stop.set()

    @staticmethod
    async def _create(session: aiohttp.ClientSession, api: Api, target: str) -> Write:
        try:
            status, body = await api.call(session, "POST", "/v1/codes", {"targetUrl": target})
        except (aiohttp.ClientError, TimeoutError):
            return Write(time.time(), None, None, target, "create", False, None)
        if status == 201:
            return Write(time.time(), body["id"], body["slug"], target, "create", True, status)
        return Write(time.time(), None, None, target, "create", False, status)

    @staticmethod
    async def _edit(
        session: aiohttp.ClientSession, api: Api, code: str, slug: str, target: str
    ) -> Write:
        try:
            status, _ = await api.call(session, "PATCH", f"/v1/codes/{code}", {"targetUrl": target})
        except (aiohttp.ClientError, TimeoutError):
            return Write(time.time(), code, slug, target, "edit", False, None)
        return Write(time.time(), code, slug, target, "edit", status == 200, status)
