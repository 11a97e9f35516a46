"""The address a request comes from, as far as it can be vouched for.

It is the socket peer, unless the peer is one of the configured trusted proxies: then
`X-Forwarded-For` decides, by the platform's one rule for it
(`qrstack_common.addresses.forwarded_client`, which the redirect service uses too).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from qrstack_common import addresses

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


def parse_address(text: str | None) -> IPAddress | None:
    """An address from a peer or header entry (IPv4-mapped IPv6 becomes IPv4), else None."""
    if not text:
        return None
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_within(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[IPNetwork, ...]) -> addresses.IpNetworks:
    return addresses.IpNetworks(str(network) for network in trusted)


def is_trusted_proxy(peer: str | None, trusted: Sequence[IPNetwork]) -> bool:
    """Whether the socket `peer` is one of the trusted proxies (whose headers are believed)."""
    return bool(trusted) and _networks(tuple(trusted)).contains(peer)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]
) -> IPAddress | None:
    """The client's address from the socket `peer`, the `X-Forwarded-For` header values (in
    the order received) and the trusted proxies. None only when the peer is unknown."""
    client = addresses.client_address(peer, forwarded_for, _networks(tuple(trusted)))
    return ip_address(client) if client is not None else None
