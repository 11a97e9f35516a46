"""Forwarding and CDN headers count only from trusted proxies; from anyone else they are
ignored, so a scanner cannot fake its address or country."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from qrstack_common.addresses import IpNetworks
from qrstack_redirect.scanner import (
    ClientFactsReader,
    GeoDatabase,
    GeoFacts,
    TrustedProxies,
    UserAgentParser,
)

LOAD_BALANCER = "10.0.0.5"
CDN_EDGE = "2400:cb00::1"
PROXIES = TrustedProxies(["10.0.0.0/8", "2400:cb00::/32"])


def client_of(proxies: TrustedProxies, peer: str, sent: CIMultiDictProxy[str]) -> str:
    return proxies.resolve(peer, sent)[0]


def headers(*pairs: tuple[str, str]) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict(pairs))


@pytest.fixture
def reader(city_db: GeoDatabase, agents: UserAgentParser) -> ClientFactsReader:
    return ClientFactsReader(agents=agents, geo=city_db, trusted_proxies=PROXIES)


def test_untrusted_peer_keeps_its_own_address_and_geo(reader: ClientFactsReader) -> None:
    spoofed = headers(
        ("X-Forwarded-For", "198.51.100.7"),
        ("CF-Connecting-IP", "198.51.100.8"),
        ("CF-IPCountry", "FR"),
        ("CF-IPCity", "Paris"),
    )
    facts = reader.read("203.0.113.20", spoofed)
    assert facts.ip == "203.0.113.20"
    assert (facts.country, facts.city) == ("US", "San Francisco")


def test_trusted_peer_forwarded_for_names_the_client(reader: ClientFactsReader) -> None:
    facts = reader.read(LOAD_BALANCER, headers(("X-Forwarded-For", "198.51.100.7")))
    assert facts.ip == "198.51.100.7"
    assert (facts.country, facts.region, facts.city) == ("DE", "Bavaria", "Munich")


def test_forwarded_chain_is_walked_from_the_right_past_trusted_hops() -> None:
    chain = headers(("X-Forwarded-For", "192.0.2.66, 198.51.100.7, 10.9.9.9, 10.1.1.1"))
    # 192.0.2.66 was written by the client itself: only the first untrusted hop counts.
    assert client_of(PROXIES, LOAD_BALANCER, chain) == "198.51.100.7"


def test_repeated_forwarded_for_headers_form_one_list() -> None:
    two = headers(("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-For", "10.1.1.1"))
    assert client_of(PROXIES, LOAD_BALANCER, two) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.7:51234", "198.51.100.7"),
        ("[2001:db8:1::5]:443", "2001:db8:1::5"),
        ("2001:DB8:1::5", "2001:db8:1::5"),
        ("10.1.1.1, 10.2.2.2", "10.1.1.1"),  # all trusted: the left-most hop
        ("unknown", LOAD_BALANCER),  # junk: the peer is all we know
        ("198.51.100.7, garbage, 10.1.1.1", "10.1.1.1"),  # nothing left of junk is believed
        ("", LOAD_BALANCER),
    ],
)
def test_forwarded_for_entry_forms(forwarded: str, client: str) -> None:
    assert client_of(PROXIES, LOAD_BALANCER, headers(("X-Forwarded-For", forwarded))) == client


def test_cf_connecting_ip_wins_over_forwarded_for() -> None:
    both = headers(("CF-Connecting-IP", "2001:db8:2::77"), ("X-Forwarded-For", "198.51.100.7"))
    assert client_of(PROXIES, CDN_EDGE, both) == "2001:db8:2::77"


def test_no_trusted_proxies_trusts_no_one() -> None:
    nobody = TrustedProxies()
    assert not nobody
    assert client_of(nobody, LOAD_BALANCER, headers(("X-Forwarded-For", "1.2.3.4"))) == (
        LOAD_BALANCER
    )


def test_bad_proxy_cidr_is_refused() -> None:
    with pytest.raises(ValueError, match=r"10\.0\.0\.0/33"):
        TrustedProxies(["10.0.0.0/33"])


def test_cloudflare_geo_headers_from_trusted_peer(reader: ClientFactsReader) -> None:
    cloudflare = headers(
        ("CF-Connecting-IP", "203.0.113.20"),
        ("CF-IPCountry", "fr"),
        ("CF-Region", "Île-de-France"),
        ("CF-Region-Code", "IDF"),
        ("CF-IPCity", "Paris"),
    )
    facts = reader.read(CDN_EDGE, cloudflare)
    # The CDN's answer wins over the database's (which says San Francisco for this address).
    assert facts.ip == "203.0.113.20"
    assert (facts.country, facts.region, facts.region_code, facts.city) == (
        "FR",
        "Île-de-France",
        "FR-IDF",
        "Paris",
    )


def test_cloudfront_geo_headers_from_trusted_peer() -> None:
    cloudfront = headers(
        ("CloudFront-Viewer-Country", "US"),
        ("CloudFront-Viewer-Country-Region", "WA"),
        ("CloudFront-Viewer-Country-Region-Name", "Washington"),
        ("CloudFront-Viewer-City", "Seattle"),
    )
    assert PROXIES.cdn_geo(cloudfront) == GeoFacts("US", "Washington", "US-WA", "Seattle")


@pytest.mark.parametrize("country", ["XX", "T1", "USA", "1A", ""])
def test_cdn_without_a_real_country_defers_to_the_database(
    reader: ClientFactsReader, country: str
) -> None:
    unknown = headers(("CF-Connecting-IP", "198.51.100.7"), ("CF-IPCountry", country))
    facts = reader.read(CDN_EDGE, unknown)
    assert (facts.country, facts.city) == ("DE", "Munich")


def test_network_membership_across_prefix_lengths_and_families() -> None:
    networks = IpNetworks(
        ["173.245.48.0/20", "103.21.244.0/22", "10.0.0.7/8", "2400:cb00::/32", "192.0.2.1"]
    )
    assert networks.texts[2] == "10.0.0.0/8"  # host bits dropped
    inside = ["173.245.63.255", "103.21.247.1", "10.255.0.1", "2400:cb00:2048::1", "192.0.2.1"]
    outside = ["173.245.64.0", "103.21.248.0", "11.0.0.1", "2400:cb01::1", "192.0.2.2"]
    assert all(networks.contains(ip) for ip in inside)
    assert not any(networks.contains(ip) for ip in outside)
    assert networks.contains("::ffff:10.1.2.3")  # IPv4 peer on a dual-stack socket
    assert not networks.contains("junk")
    assert not networks.contains(None)
    assert not IpNetworks([]).contains("10.0.0.1")
