"""Egress: which network addresses a service may connect to on a user's behalf (SSRF guard).

One implementation for every outbound fetch of a user-supplied URL: a host is acceptable only
if every address it resolves to is public (globally routable, not multicast). Loopback,
private, link-local (cloud metadata at 169.254.169.254), shared, documentation and reserved
ranges are refused; IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.

`GuardedResolver` runs the check inside an aiohttp connector's resolver, so the address
connected to is the address checked (no DNS-rebinding window between check and connect).
`resolve_public` is the same check for validating a URL before it is stored.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

AddressCheck = Callable[[str], bool]


class PrivateAddressError(OSError):
    """The host resolves to an address the guard does not let the service connect to."""


def _parsed(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text.split("%", 1)[0].strip("[]"))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public_address(text: str) -> bool:
    """Whether an IP address is globally routable. ValueError if `text` is not an address."""
    address = _parsed(text)
    return address.is_global and not address.is_multicast


def is_loopback_address(text: str) -> bool:
    """Whether an IP address is this machine (127.0.0.0/8, ::1)."""
    return _parsed(text).is_loopback


def address_check(*, allow_loopback: bool) -> AddressCheck:
    """Public addresses only, or public and loopback (a development setting for receivers
    running on the same machine; private and link-local ranges stay refused)."""
    if allow_loopback:
        return lambda text: is_public_address(text) or is_loopback_address(text)
    return is_public_address


def literal_address(host: str) -> str | None:
    """`host` if it is an IP literal (brackets removed), else None (a name)."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return None
    return bare


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's default resolver, then refuses the host (PrivateAddressError)
    if any address it resolved to fails `allowed`."""

    def __init__(self, allowed: AddressCheck) -> None:
        self._inner = DefaultResolver()
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            if not self._allowed(result["host"]):
                raise PrivateAddressError(f"{host} resolves to a non-public address")
        return results

    async def close(self) -> None:
        await self._inner.close()


async def resolve_public(host: str, port: int, allowed: AddressCheck) -> list[str]:
    """Every address `host` resolves to; PrivateAddressError if one is not allowed, OSError
    (socket.gaierror) if it does not resolve."""
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = sorted({str(info[4][0]) for info in infos})
    for address in addresses:
        if not allowed(address):
            raise PrivateAddressError(f"{host} resolves to {address}, which is not public")
    return addresses
