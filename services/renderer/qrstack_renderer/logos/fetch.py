"""Fetch a logo by URL without letting the URL reach inside our network (SSRF guard).

Rules: http(s) only; every address the host resolves to, and every redirect hop, must be a
public (globally routable) address — loopback, private, link-local (cloud metadata),
shared, multicast and reserved ranges are refused; at most `max_redirects` hops; the answer
must be 200 with a PNG, JPEG or SVG content type and at most `max_bytes` long; the whole
fetch has `timeout` seconds. The address check is the shared guard (`qrstack_common.egress`),
run inside the connector's resolver, so the address connected to is the address checked (no
DNS rebinding window).

Every refusal is a 400 `validation_failed` on `style.logo` saying why.
"""

from __future__ import annotations

import asyncio
import base64
from types import TracebackType
from typing import Protocol, Self, TypeVar

import aiohttp
from yarl import URL

from qrstack_common.egress import (
    AddressCheck,
    GuardedResolver,
    PrivateAddressError,
    is_public_address,
    literal_address,
)
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import read_bounded
from qrstack_common.metrics import RendererMetrics
from qrstack_common.render.logos import LOGO_MEDIA_TYPES
from qrstack_common.render.spec import Style

LOGO_PATH = ("style", "logo")


class _HasStyle(Protocol):
    @property
    def style(self) -> Style: ...

    def model_copy(
        self, *, update: dict[str, object] | None = None, deep: bool = False
    ) -> Self: ...


Designed = TypeVar("Designed", bound=_HasStyle)


def _refuse(reason: str) -> ApiError:
    return validation_failed([Issue(LOGO_PATH, reason)])


class LogoFetcher:
    """Fetches logo URLs into data URIs; use as an async context manager."""

    def __init__(
        self,
        *,
        max_bytes: int,
        timeout: float,
        max_redirects: int,
        allow_private_hosts: bool,
        metrics: RendererMetrics | None = None,
        allowed: AddressCheck | None = None,
    ) -> None:
        """`allowed` replaces the address policy (public addresses only, or any address
        when `allow_private_hosts`)."""
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.allow_private_hosts = allow_private_hosts
        self._allowed: AddressCheck = allowed or (
            (lambda _address: True) if allow_private_hosts else is_public_address
        )
        self._metrics = metrics
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LogoFetcher:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self._allowed), limit=32, use_dns_cache=False
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            headers={"User-Agent": "qrstack-renderer (logo fetch)", "Accept": "image/*"},
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    def _count(self, outcome: str) -> None:
        if self._metrics is not None:
            self._metrics.logo_fetches.labels(outcome).inc()

    async def inline(self, spec: Designed) -> Designed:
        """`spec` (anything with a `style`) with a logo URL replaced by the fetched logo's
        `data:` URI; unchanged when its logo is already inline or absent."""
        style = spec.style
        if style.logo is None or style.logo.startswith("data:"):
            return spec
        logo = await self.fetch(style.logo)
        return spec.model_copy(update={"style": style.model_copy(update={"logo": logo})})

    async def fetch(self, url: str) -> str:
        """The logo at `url` as a `data:` URI. Refusals and failures raise 400."""
        try:
            result = await asyncio.wait_for(self._follow(URL(url)), self.timeout)
        except (aiohttp.ClientError, TimeoutError) as exc:
            refused = isinstance(getattr(exc, "os_error", None), PrivateAddressError)
            self._count("refused" if refused else "failed")
            if refused:
                raise _refuse(
                    "the logo URL points into a private network or at this machine; "
                    "use a public http(s) URL or send the logo as a data: URI"
                ) from exc
            raise _refuse(f"could not fetch the logo URL: {type(exc).__name__} {exc}") from exc
        except ApiError:
            self._count("refused")
            raise
        self._count("ok")
        return result

    def _check_url(self, url: URL) -> None:
        if url.scheme not in ("http", "https") or not url.host:
            raise _refuse("the logo URL must be an http:// or https:// URL with a host")
        literal = literal_address(url.host)
        if literal is None:
            return  # a name: the resolver checks what it resolves to
        if not self._allowed(literal):
            raise _refuse(
                "the logo URL points into a private network or at this machine; "
                "use a public http(s) URL or send the logo as a data: URI"
            )

    async def _follow(self, url: URL) -> str:
        assert self._session is not None, "use LogoFetcher as an async context manager"
        for _ in range(self.max_redirects + 1):
            self._check_url(url)
            async with self._session.get(url, allow_redirects=False) as response:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        raise _refuse(f"the logo URL redirected ({response.status}) nowhere")
                    url = url.join(URL(location))
                    continue
                return await self._read(response)
        raise _refuse(f"the logo URL redirected more than {self.max_redirects} times")

    async def _read(self, response: aiohttp.ClientResponse) -> str:
        if response.status != 200:
            raise _refuse(f"the logo URL answered HTTP {response.status}, not 200")
        media_type = response.content_type.lower()
        if media_type == "image/jpg":
            media_type = "image/jpeg"
        if media_type not in LOGO_MEDIA_TYPES:
            raise _refuse(
                f"the logo URL serves {media_type or 'no content type'}; "
                "a logo must be image/png, image/jpeg or image/svg+xml"
            )
        limit = self.max_bytes
        if response.content_length is not None and response.content_length > limit:
            raise _refuse(f"the logo is {response.content_length} bytes; at most {limit} allowed")
        body = await read_bounded(response.content, limit)
        if len(body) > limit:
            raise _refuse(f"the logo is larger than {limit} bytes")
        return f"data:{media_type};base64,{base64.b64encode(body).decode()}"
