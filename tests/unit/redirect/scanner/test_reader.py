"""`ClientFactsReader.read` end to end on aiohttp's header type, and the scanner identity
helpers: language, referrer, visitor hash, address prefix."""

from __future__ import annotations

from datetime import date

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from qrstack_redirect.scanner import (
    ClientFactsReader,
    GeoDatabase,
    TrustedProxies,
    UserAgentParser,
    ip_prefix,
    primary_language,
    referrer_host,
    visitor_hash,
    visitor_key,
)

SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like "
    "Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def reader(city_db: GeoDatabase, agents: UserAgentParser) -> ClientFactsReader:
    return ClientFactsReader(agents=agents, geo=city_db, trusted_proxies=TrustedProxies())


def test_read_combines_every_fact(reader: ClientFactsReader) -> None:
    request_headers = CIMultiDictProxy(
        CIMultiDict(
            {
                "user-agent": SAMSUNG,
                "accept-language": "pt-BR,pt;q=0.9,en-US;q=0.8",
                "referer": "https://L.Instagram.com/?u=https%3A%2F%2Fqr.example",
            }
        )
    )
    facts = reader.read("2001:db8:2::1", request_headers)
    assert facts.ip == "2001:db8:2::1"
    assert (facts.country, facts.region, facts.region_code, facts.city) == (
        "BR",
        "São Paulo",
        "BR-SP",
        "São Paulo",
    )
    assert (facts.device, facts.os, facts.browser) == ("mobile", "Android", "Samsung Internet")
    assert facts.language == "pt"
    assert facts.referrer == "l.instagram.com"
    assert (facts.is_bot, facts.bot_reason) == (False, None)
    assert facts.user_agent == SAMSUNG


def test_ipv4_peer_on_a_dual_stack_socket_is_plain_ipv4(reader: ClientFactsReader) -> None:
    facts = reader.read("::ffff:203.0.113.5", CIMultiDictProxy(CIMultiDict()))
    assert facts.ip == "203.0.113.5"
    assert facts.city == "San Francisco"


def test_located_addresses_are_cached(city_db: GeoDatabase, agents: UserAgentParser) -> None:
    reader = ClientFactsReader(
        agents=agents, geo=city_db, trusted_proxies=TrustedProxies(), address_cache_size=2
    )
    no_headers = CIMultiDictProxy(CIMultiDict[str]())
    first = reader.read("203.0.113.77", no_headers)
    assert reader.read("203.0.113.77", no_headers).city == first.city == "San Francisco"
    for n in range(5):
        reader.read(f"198.51.100.{n}", no_headers)
    info = reader.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 6, 2)


def test_request_without_headers_or_peer(reader: ClientFactsReader) -> None:
    facts = reader.read(None, CIMultiDictProxy(CIMultiDict()))
    assert facts.ip is None
    assert facts.country is None
    assert (facts.is_bot, facts.bot_reason, facts.device) == (True, "empty_ua", "bot")
    assert facts.language is None
    assert facts.referrer is None


def test_headers_are_found_whatever_their_case(reader: ClientFactsReader) -> None:
    shouting = CIMultiDictProxy(CIMultiDict({"USER-AGENT": "curl/8.5.0", "ACCEPT-LANGUAGE": "fr"}))
    facts = reader.read("203.0.113.5", shouting)
    assert (facts.bot_reason, facts.language) == ("library:curl", "fr")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en-US,en;q=0.9", "en"),
        ("de-CH, fr;q=0.9", "de"),
        ("fr;q=0.5, de;q=0.8, en;q=0.7", "de"),
        ("*;q=1, es;q=0.4", "es"),
        ("en;q=0, nl;q=0.1", "nl"),
        ("zh-Hant-TW", "zh"),
        ("EN_gb", "en"),
        ("ja;q=bogus, ko;q=0.3", "ko"),
        ("", None),
        ("*", None),
        ("123, !!", None),
    ],
)
def test_primary_language(header: str, language: str | None) -> None:
    assert primary_language(header) == language


@pytest.mark.parametrize(
    ("referer", "host"),
    [
        ("https://www.Example.com:8443/path?q=secret", "www.example.com"),
        ("http://user:pw@news.example.org/", "news.example.org"),
        ("android-app://com.google.android.gm/", "com.google.android.gm"),
        ("https://[2001:db8::1]/x", "2001:db8::1"),
        ("/relative/path", None),
        ("http://[broken", None),
        ("", None),
    ],
)
def test_referrer_host(referer: str, host: str | None) -> None:
    assert referrer_host(referer) == host


def test_visitor_hash_is_stable_within_a_day_and_changes_across_days_and_salts() -> None:
    salt = visitor_key("server secret")
    day = date(2026, 3, 8)
    first = visitor_hash("203.0.113.5", SAMSUNG, day, salt)
    assert first == visitor_hash("203.0.113.5", SAMSUNG, day, salt)
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != visitor_hash("203.0.113.5", SAMSUNG, date(2026, 3, 9), salt)
    assert first != visitor_hash("203.0.113.5", SAMSUNG, day, visitor_key("other secret"))
    assert first != visitor_hash("203.0.113.6", SAMSUNG, day, salt)
    assert first != visitor_hash("203.0.113.5", "curl/8.5.0", day, salt)
    # The address cannot slide into the user agent to collide.
    assert visitor_hash("1.2.3.4", "5x", day, salt) != visitor_hash("1.2.3.45", "x", day, salt)


def test_visitor_key_accepts_long_salts_and_refuses_empty_ones() -> None:
    assert len(visitor_key("s" * 500)) == 64
    assert visitor_key(b"short") == b"short"
    with pytest.raises(ValueError, match="salt"):
        visitor_key("")


@pytest.mark.parametrize(
    ("ip", "prefix"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("2001:db8::1", "2001:db8::/48"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_ip_prefix(ip: str | None, prefix: str | None) -> None:
    assert ip_prefix(ip) == prefix
