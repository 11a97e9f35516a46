"""The address a request comes from, as far as it can be vouched for.

It is the socket peer, unless the peer is one of the configured trusted proxies: then
`X-Forwarded-For` is read from the right (the entry the nearest proxy appended) and the first
address that is not itself a trusted proxy is the client. Entries left of it were written by
the client or by proxies we do not know, so they are never believed; a header sent by a peer
that is not a trusted proxy is ignored altogether.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

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


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]
) -> IPAddress | None:
    """The client's address from the socket `peer`, the `X-Forwarded-For` header values (in
    the order received) and the trusted proxies. None only when the peer is unknown."""
    address = parse_address(peer)
    if address is None or not trusted or not is_within(address, trusted):
        return address
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    for hop in reversed(hops):
        hop_address = parse_address(hop)
        if hop_address is None:
            # An entry we cannot read: the trusted hop that passed it on is all we can vouch for.
            return address
        if not is_within(hop_address, trusted):
            return hop_address
        address = hop_address
    return address
