"""Sending one webhook request, SSRF-safe: https only (http too when local URLs are allowed for
development), every address the host resolves to checked at connection time by the shared
guard (`qrstack_common.egress`), redirects never followed, one total timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType

import aiohttp
from yarl import URL

from qrstack_common.egress import GuardedResolver, PrivateAddressError, address_check
from qrstack_common.egress import literal_address as _literal
from qrstack_webhooks.schedule import parse_retry_after

RESPONSE_BODY_LIMIT = 1024


@dataclass(frozen=True)
class Answer:
    """What one attempt got: an HTTP status, or an error instead."""

    status: int | None
    latency_ms: int
    body: str | None = None
    error: str | None = None
    retry_after: float | None = None
    refused: bool = False  # the address guard refused the host (never connected)

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410


class Sender:
    """Posts signed bodies; use as an async context manager."""

    def __init__(self, *, timeout_s: float, allow_local: bool, max_connections: int) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._allow_local = allow_local
        self._allowed = address_check(allow_loopback=allow_local)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Sender:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self._allowed),
            limit=self._max_connections,
            use_dns_cache=False,  # every connection re-resolves and re-checks (DNS rebinding)
        )
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be called at all (scheme or a literal address), else None."""
        parsed = URL(url)
        schemes = ("https", "http") if self._allow_local else ("https",)
        if parsed.scheme not in schemes or not parsed.host:
            return "the URL must be https" + (" or http" if self._allow_local else "")
        literal = _literal(parsed.host)
        if literal is not None and not self._allowed(literal):
            return f"{parsed.host} is not a public address"
        return None

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        assert self._session is not None, "use Sender as an async context manager"
        start = time.perf_counter()

        def elapsed() -> int:
            return int((time.perf_counter() - start) * 1000)

        refused = self.refusal(url)
        if refused is not None:
            return Answer(None, 0, error=f"refused: {refused}", refused=True)
        try:
            async with self._session.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                text = (await response.content.read(RESPONSE_BODY_LIMIT)).decode("utf-8", "replace")
                return Answer(
                    response.status,
                    elapsed(),
                    body=text,
                    retry_after=parse_retry_after(response.headers.get("Retry-After")),
                )
        except TimeoutError:
            return Answer(None, elapsed(), error=f"timeout after {self._timeout.total:g} s")
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddressError):
                return Answer(None, elapsed(), error=f"refused: {exc.os_error}", refused=True)
            return Answer(None, elapsed(), error=f"connection failed: {exc.os_error}")
        except (aiohttp.ClientError, OSError) as exc:
            return Answer(None, elapsed(), error=f"{type(exc).__name__}: {exc}")
