"""The scanner's real address and CDN geolocation, believed only from trusted proxies.

A request that arrives straight from the internet can carry any `X-Forwarded-For` or
`CF-IPCountry` it likes, so these headers are read only when the direct peer is inside one of
the configured trusted-proxy networks (the load balancer, the CDN's ranges). Trusting a proxy
means trusting every header below that it passes on.

Client address, from a trusted peer: `CF-Connecting-IP` if it is an address, else what
`qrstack_common.addresses.forwarded_client` reads from `X-Forwarded-For` (the rule the API
uses too).

Geolocation, from a trusted peer: Cloudflare (`CF-IPCountry`, `CF-Region`, `CF-Region-Code`,
`CF-IPCity`) or CloudFront (`CloudFront-Viewer-Country`, `-Country-Region`,
`-Country-Region-Name`, `-City`). Only a valid country code makes CDN geolocation count;
`XX` (unknown) and `T1` (Tor) do not, and the database is asked instead.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping

from multidict import istr

from qrstack_common.addresses import IpNetworks, format_ip, forwarded_client, parse_ip
from qrstack_redirect.scanner.geo import GeoFacts

_CF_CONNECTING_IP = istr("CF-Connecting-IP")
_X_FORWARDED_FOR = istr("X-Forwarded-For")

# (country, region code, region name, city) header names per CDN.
_CDN_GEO_HEADERS = (
    (istr("CF-IPCountry"), istr("CF-Region-Code"), istr("CF-Region"), istr("CF-IPCity")),
    (
        istr("CloudFront-Viewer-Country"),
        istr("CloudFront-Viewer-Country-Region"),
        istr("CloudFront-Viewer-Country-Region-Name"),
        istr("CloudFront-Viewer-City"),
    ),
)
_NOT_A_COUNTRY = frozenset({"XX", "T1"})
_MAX_PLACE_LENGTH = 128


def _place(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > _MAX_PLACE_LENGTH:
        return None
    return sys.intern(value)


class TrustedProxies:
    """The networks whose requests' forwarding and CDN headers are believed.

    Construction raises `ValueError` naming a CIDR that does not parse. An empty list trusts
    no one (every header below is ignored), which is the right default for a service that
    faces the internet directly. Verdicts on peers and forwarding chains are remembered in
    bounded LRUs (`cache_size` entries each): the same clients come back through the same
    proxies.
    """

    __slots__ = ("_client", "_trusted", "networks")

    def __init__(self, cidrs: Iterable[str] = (), *, cache_size: int = 16_384) -> None:
        self.networks = IpNetworks(cidrs)
        self._trusted = functools.lru_cache(maxsize=cache_size)(self.networks.contains)
        self._client = functools.lru_cache(maxsize=cache_size)(self._client_uncached)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, peer_ip: str) -> bool:
        return self._trusted(peer_ip)

    def resolve(self, peer_ip: str, headers: Mapping[str, str]) -> tuple[str, GeoFacts | None]:
        """`(client address, CDN geolocation or None)` for a request from direct peer
        `peer_ip`: `(peer_ip, None)` unless the peer is trusted."""
        if not self._trusted(peer_ip):
            return peer_ip, None
        client = self._client(peer_ip, headers.get(_CF_CONNECTING_IP), self._forwarded_for(headers))
        return client, self.cdn_geo(headers)

    def _client_uncached(self, peer_ip: str, connecting: str | None, forwarded: str | None) -> str:
        if connecting:
            parsed = parse_ip(connecting.strip())
            if parsed is not None:
                return format_ip(*parsed)
        if not forwarded:
            return peer_ip
        peer = parse_ip(peer_ip)
        if peer is None:
            return peer_ip
        return format_ip(*forwarded_client(peer, forwarded, self.networks))

    @staticmethod
    def _forwarded_for(headers: Mapping[str, str]) -> str | None:
        # Several X-Forwarded-For headers are one list, in order (RFC 9110 §5.3).
        getall = getattr(headers, "getall", None)
        if getall is None:
            return headers.get(_X_FORWARDED_FOR)
        values: list[str] = getall(_X_FORWARDED_FOR, ())
        if len(values) == 1:
            return values[0]
        return ",".join(values) if values else None

    @staticmethod
    def cdn_geo(headers: Mapping[str, str]) -> GeoFacts | None:
        """Geolocation from CDN headers, `None` when no CDN header names a country.
        Call only for requests from a trusted peer."""
        for country_header, code_header, region_header, city_header in _CDN_GEO_HEADERS:
            country = headers.get(country_header)
            if not country:
                continue
            country = country.strip().upper()
            if len(country) != 2 or not country.isalpha() or not country.isascii():
                continue
            if country in _NOT_A_COUNTRY:
                continue
            code = _place(headers.get(code_header))
            region_code = f"{country}-{code.upper()}" if code and code.isalnum() else None
            return GeoFacts(
                sys.intern(country),
                _place(headers.get(region_header)),
                sys.intern(region_code) if region_code else None,
                _place(headers.get(city_header)),
            )
        return None
