"""IP addresses as integers, sets of CIDR networks tested against them, and the one rule for
which address a request comes from behind trusted proxies (`forwarded_client`), used by the
API (rate limits, key allow-lists) and the redirect (scanner facts) alike.

`ipaddress` objects cost microseconds to build; a scan only needs "is this address in one of
these networks", so addresses are parsed with `inet_pton` into `(version, integer)` and networks
are kept as `(version, first address, mask)` triples. IPv4-mapped IPv6 addresses
(`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 peer) count as IPv4.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from socket import AF_INET, AF_INET6, inet_ntop, inet_pton

_V4_MAPPED_PREFIX = 0xFFFF  # the upper 96 bits of ::ffff:a.b.c.d
_MAX_FORWARDED_HOPS = 32  # a longer X-Forwarded-For chain is junk; look at its right end only

Address = tuple[int, int]  # (4 or 6, the address as an integer)


def parse_ip(text: str) -> tuple[int, int] | None:
    """`(4 or 6, address as int)` for an IPv4 or IPv6 address in text form, `None` if `text`
    is not one. An IPv6 zone (`fe80::1%eth0`) is ignored; `::ffff:a.b.c.d` is IPv4."""
    try:
        if ":" in text:
            if "%" in text:
                text = text.partition("%")[0]
            value = int.from_bytes(inet_pton(AF_INET6, text), "big")
            if value >> 32 == _V4_MAPPED_PREFIX:
                return 4, value & 0xFFFFFFFF
            return 6, value
        return 4, int.from_bytes(inet_pton(AF_INET, text), "big")
    except (OSError, ValueError):
        return None


def format_ip(version: int, value: int) -> str:
    """The canonical text form of a parsed address (IPv6 compressed, lower case)."""
    if version == 4:
        return inet_ntop(AF_INET, value.to_bytes(4, "big"))
    return inet_ntop(AF_INET6, value.to_bytes(16, "big"))


def normalize_ip(text: str) -> str | None:
    """`text` as a canonical address, `None` if it is not one. Plain IPv4 text is returned as
    given (the common case costs nothing); IPv4-mapped IPv6 becomes IPv4."""
    parsed = parse_ip(text)
    if parsed is None:
        return None
    if parsed[0] == 4 and ":" not in text:
        return text
    return format_ip(*parsed)


class IpNetworks:
    """An immutable set of CIDR networks, IPv4 and IPv6 mixed.

    Membership costs one mask and one set lookup per distinct prefix length, however many
    networks there are (a CDN publishes dozens of ranges but few prefix lengths).
    Construction raises `ValueError` naming the first entry that is not a network (host bits
    set are accepted: `10.0.0.7/8` means `10.0.0.0/8`). An empty set contains nothing.
    """

    __slots__ = ("_by_version", "texts")

    def __init__(self, cidrs: Iterable[str]) -> None:
        firsts: dict[tuple[int, int], set[int]] = {}  # (version, mask) -> network addresses
        texts: list[str] = []
        for cidr in cidrs:
            try:
                network = ipaddress.ip_network(cidr.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(f"{cidr!r} is not an IP network: {exc}") from None
            bits = network.max_prefixlen
            mask = ((1 << network.prefixlen) - 1) << (bits - network.prefixlen)
            firsts.setdefault((network.version, mask), set()).add(int(network.network_address))
            texts.append(str(network))
        self._by_version: dict[int, tuple[tuple[int, frozenset[int]], ...]] = {
            version: tuple(
                (mask, frozenset(addresses))
                for (v, mask), addresses in firsts.items()
                if v == version
            )
            for version in (4, 6)
        }
        self.texts = tuple(texts)

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def __repr__(self) -> str:
        return f"IpNetworks({list(self.texts)!r})"

    def contains_parsed(self, version: int, value: int) -> bool:
        """Whether the parsed address `(version, value)` lies in any of the networks."""
        # A plain loop: a generator for `any()` costs more than the lookups themselves.
        for mask, firsts in self._by_version[version]:  # noqa: SIM110
            if value & mask in firsts:
                return True
        return False

    def contains(self, ip: str | None) -> bool:
        """Whether `ip` (text) lies in any of the networks; `False` for `None` or non-addresses."""
        if ip is None:
            return False
        parsed = parse_ip(ip)
        return parsed is not None and self.contains_parsed(*parsed)


def forwarded_entry(text: str) -> Address | None:
    """One `X-Forwarded-For` entry: an address, maybe with a port (`1.2.3.4:80`, `[::1]:80`)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    return parse_ip(text)


def forwarded_client(peer: Address, forwarded_for: str | None, trusted: IpNetworks) -> Address:
    """The client behind `peer`, a trusted proxy, from its `X-Forwarded-For` (several headers
    joined with commas, in the order received).

    The chain is read from the right (the entry the nearest proxy appended); the first entry
    that is not itself a trusted proxy is the client. Entries left of it were written by the
    client or by proxies we do not know, so they are never believed; an unreadable entry stops
    the walk at the trusted hop that passed it on. With no header the peer is the client; when
    every hop is trusted, the left-most one is. The caller checks that `peer` is trusted.
    """
    if not forwarded_for:
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")[-_MAX_FORWARDED_HOPS:]):
        hop = forwarded_entry(entry)
        if hop is None:
            break  # junk: nothing to its left can be believed
        client = hop
        if not trusted.contains_parsed(*hop):
            break
    return client


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: IpNetworks
) -> str | None:
    """The canonical address a request comes from: the socket `peer`, unless it is a trusted
    proxy (then `forwarded_client` decides). None only when the peer is not an address."""
    parsed = parse_ip(peer.strip()) if peer else None
    if parsed is None:
        return None
    if trusted and trusted.contains_parsed(*parsed):
        parsed = forwarded_client(parsed, ",".join(forwarded_for), trusted)
    return format_ip(*parsed)
