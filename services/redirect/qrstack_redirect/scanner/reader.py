"""`ClientFactsReader`: one call per scan turns the peer address and headers into
`ClientFacts`. No I/O: the UA parser, the GeoIP database (memory-mapped) and the trusted
proxy list are built once at start-up and handed in."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from multidict import istr

from qrstack_common.addresses import normalize_ip
from qrstack_redirect.scanner.agents import UserAgentParser
from qrstack_redirect.scanner.facts import ClientFacts
from qrstack_redirect.scanner.geo import NO_GEO, GeoDatabase, GeoFacts
from qrstack_redirect.scanner.languages import primary_language
from qrstack_redirect.scanner.proxies import TrustedProxies
from qrstack_redirect.scanner.referrers import referrer_host

_USER_AGENT = istr("User-Agent")
_ACCEPT_LANGUAGE = istr("Accept-Language")
_REFERER = istr("Referer")
_MAX_ACCEPT_LANGUAGE_LENGTH = 256  # longer headers are cut before parsing and caching


class ClientFactsReader:
    """Reads `ClientFacts` for a request; build one per process and keep it for its life.

    `headers` must look names up case-insensitively, as aiohttp's `request.headers`
    (`CIMultiDictProxy`) does. `read` never raises: whatever cannot be read is `None`.
    The caller owns `geo` and closes it at shutdown.
    """

    def __init__(
        self,
        *,
        agents: UserAgentParser,
        geo: GeoDatabase,
        trusted_proxies: TrustedProxies,
        address_cache_size: int = 16_384,
        language_cache_size: int = 1024,
    ) -> None:
        self._agents = agents
        self._geo = geo
        self._proxies = trusted_proxies if trusted_proxies else None
        self._locate = functools.lru_cache(maxsize=address_cache_size)(self._locate_uncached)
        self._language = functools.lru_cache(maxsize=language_cache_size)(primary_language)

    def cache_info(self) -> functools._CacheInfo:
        """Hits, misses and size of the located-address cache (for metrics and benchmarks)."""
        return self._locate.cache_info()

    def _locate_uncached(self, ip: str) -> tuple[str | None, GeoFacts]:
        address = normalize_ip(ip)
        return address, self._geo.lookup(address) if address is not None else NO_GEO

    def read(self, peer_ip: str | None, headers: Mapping[str, str]) -> ClientFacts:
        """Facts about the scanner of a request from direct peer `peer_ip` (aiohttp's
        `request.remote`; `None` on a Unix socket) with `headers`."""
        agent = self._agents.parse(headers.get(_USER_AGENT, ""))
        if peer_ip:
            ip, geo = self._locate(peer_ip)
            if ip is not None and self._proxies is not None:
                client, cdn_geo = self._proxies.resolve(ip, headers)
                if cdn_geo is not None:
                    ip, geo = client, cdn_geo
                elif client != ip:
                    ip, geo = self._locate(client)
        else:
            ip, geo = None, NO_GEO
        accept_language = headers.get(_ACCEPT_LANGUAGE)
        if accept_language:
            language = self._language(accept_language[:_MAX_ACCEPT_LANGUAGE_LENGTH])
        else:
            language = None
        referer = headers.get(_REFERER)
        # `_make` skips the NamedTuple's Python-level `__new__`: ~0.1 µs per scan.
        return ClientFacts._make(
            (
                ip,
                geo.country,
                geo.region,
                geo.region_code,
                geo.city,
                agent.device,
                agent.os,
                agent.browser,
                language,
                referrer_host(referer) if referer else None,
                agent.is_bot,
                agent.bot_reason,
                agent.user_agent,
            )
        )
