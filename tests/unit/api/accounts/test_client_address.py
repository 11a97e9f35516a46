"""The client address: the socket peer, unless a trusted proxy vouches for another one."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from qrstack_api.accounts.client_address import client_address

PROXIES = [ip_network("10.0.0.0/8"), ip_network("fd00::/8")]


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_address("203.0.113.9", ["198.51.100.1"], []) == ip_address("203.0.113.9")


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    got = client_address("203.0.113.9", ["198.51.100.1"], PROXIES)
    assert got == ip_address("203.0.113.9")


def test_a_trusted_proxy_names_the_client_as_the_rightmost_entry() -> None:
    got = client_address("10.0.0.2", ["198.51.100.1, 203.0.113.5"], PROXIES)
    assert got == ip_address("203.0.113.5")  # the left entry is the client's own claim


def test_a_chain_of_trusted_proxies_is_walked_from_the_right() -> None:
    got = client_address("10.0.0.2", ["192.0.2.4, 203.0.113.5, 10.1.1.1", "10.2.2.2"], PROXIES)
    assert got == ip_address("203.0.113.5")


def test_when_every_hop_is_trusted_the_leftmost_is_the_client() -> None:
    assert client_address("10.0.0.2", ["10.3.3.3, 10.4.4.4"], PROXIES) == ip_address("10.3.3.3")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("garbage", "10.0.0.2"),
        ("203.0.113.5:8080", "203.0.113.5"),
        ("unknown, 10.1.1.1", "10.1.1.1"),
    ],
)
def test_an_unreadable_entry_stops_at_the_trusted_hop_that_passed_it_on(
    header: str, expected: str
) -> None:
    assert client_address("10.0.0.2", [header], PROXIES) == ip_address(expected)


def test_ipv4_mapped_peers_and_ipv6_entries() -> None:
    assert client_address("::ffff:10.0.0.2", ["2001:db8::7"], PROXIES) == ip_address("2001:db8::7")
    assert client_address("fd00::1", [" 2001:db8::8 "], PROXIES) == ip_address("2001:db8::8")


def test_no_header_from_a_trusted_proxy_leaves_the_proxy() -> None:
    assert client_address("10.0.0.2", [], PROXIES) == ip_address("10.0.0.2")


def test_an_unknown_peer_is_none() -> None:
    assert client_address(None, ["203.0.113.5"], PROXIES) is None
