"""Routing a scan end to end through the real parts: real User-Agent strings and headers read
by `ClientFactsReader` (ua-parser, a real .mmdb), a code's rules compiled from its snapshot,
and `resolve_scan` choosing the target. One row per scan."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from qrstack_common.events import CodeSnapshot, RuleConditions, RuleSnapshot
from qrstack_redirect.resolve import ScanContext, resolve_scan
from qrstack_redirect.scanner import ClientFactsReader, GeoDatabase, TrustedProxies, UserAgentParser
from qrstack_redirect.table.records import CodeEntry

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
IPHONE_CHROME = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1"
)
PIXEL_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36"
)
GALAXY_SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)
LINUX_FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
WHATSAPP = "WhatsApp/2.23.20.0 A"

WEEKDAY_OFFICE_HOURS = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)  # 10:00 in Chicago
WEDNESDAY_EVENING_UTC = datetime(2026, 5, 6, 23, 0, tzinfo=UTC)  # 18:00 in Chicago
SATURDAY_UTC = datetime(2026, 5, 9, 15, 0, tzinfo=UTC)


def rule(priority: int, target: str, **conditions: object) -> RuleSnapshot:
    return RuleSnapshot(
        id=uuid.UUID(int=priority),
        type="geo",
        priority=priority,
        target_url=f"https://example.com/{target}",
        conditions=RuleConditions(**conditions),
    )


# A code with one rule of every kind; first match by priority wins.
RULES = (
    rule(1, "campaign", query_param="utm_campaign", query_values=("spring",)),
    rule(2, "office", ip_in=("192.0.2.0/24",)),
    rule(3, "weekend", days_of_week=(0, 6), timezone="America/Chicago"),
    rule(4, "after-hours", start_time="17:00", end_time="08:00", timezone="America/Chicago"),
    rule(5, "bavaria", region_in=("Bavaria",)),
    rule(6, "german", language_in=("de",)),
    rule(7, "samsung", browser_in=("Samsung Internet",)),
    rule(8, "ios-chrome", os_in=("iOS",), browser_in=("Chrome",)),
    rule(9, "ios", os_in=("iOS",), device_in=("mobile",)),
    rule(10, "android", os_in=("Android",)),
    rule(11, "tablet", device_in=("tablet",)),
    rule(12, "firefox-desktop", browser_in=("Firefox",), device_in=("desktop",)),
    rule(13, "tokyo", city_in=("Tokyo",), country_in=("JP",)),
)
CODE = CodeEntry(
    CodeSnapshot(
        id=uuid.uuid4(),
        workspace_id=uuid.uuid4(),
        slug="everything",
        type="url",
        target_url="https://example.com/default",
        rules=RULES,
        version=1,
        updated_at=WEEKDAY_OFFICE_HOURS,
    )
)
US = "203.0.113.10"  # San Francisco in the test database
DE = "198.51.100.10"  # Munich
JP = "2001:db8:1::10"  # Tokyo

# (user agent, client ip, Accept-Language, time, query, expected target)
ROWS: list[tuple[str, str, str, datetime, dict[str, str], str]] = [
    (IPHONE_SAFARI, US, "en-US,en;q=0.9", WEEKDAY_OFFICE_HOURS, {}, "ios"),
    (IPHONE_CHROME, US, "en-US", WEEKDAY_OFFICE_HOURS, {}, "ios-chrome"),
    (PIXEL_CHROME, US, "en-US", WEEKDAY_OFFICE_HOURS, {}, "android"),
    (GALAXY_SAMSUNG, US, "en-US", WEEKDAY_OFFICE_HOURS, {}, "samsung"),
    (IPAD, US, "en-US", WEEKDAY_OFFICE_HOURS, {}, "tablet"),
    (WINDOWS_FIREFOX, US, "en-US", WEEKDAY_OFFICE_HOURS, {}, "firefox-desktop"),
    (LINUX_FIREFOX, US, "en", WEEKDAY_OFFICE_HOURS, {}, "firefox-desktop"),
    (WINDOWS_EDGE, US, "en-US", WEEKDAY_OFFICE_HOURS, {}, "default"),
    (MAC_SAFARI, US, "en-GB", WEEKDAY_OFFICE_HOURS, {}, "default"),
    (MAC_SAFARI, US, "fr-CH, de;q=0.9", WEEKDAY_OFFICE_HOURS, {}, "default"),  # fr first
    (MAC_SAFARI, US, "de-AT,de;q=0.9,en;q=0.8", WEEKDAY_OFFICE_HOURS, {}, "german"),
    (MAC_SAFARI, DE, "en-US", WEEKDAY_OFFICE_HOURS, {}, "bavaria"),
    (WINDOWS_EDGE, JP, "ja", WEEKDAY_OFFICE_HOURS, {}, "tokyo"),
    (IPHONE_SAFARI, US, "en", WEDNESDAY_EVENING_UTC, {}, "after-hours"),
    (PIXEL_CHROME, US, "en", SATURDAY_UTC, {}, "weekend"),
    (PIXEL_CHROME, "192.0.2.77", "en", SATURDAY_UTC, {}, "office"),
    (IPHONE_SAFARI, "192.0.2.77", "de", SATURDAY_UTC, {"utm_campaign": "spring"}, "campaign"),
    (IPHONE_SAFARI, US, "en", WEEKDAY_OFFICE_HOURS, {"utm_campaign": "autumn"}, "ios"),
    (GOOGLEBOT, US, "", WEEKDAY_OFFICE_HOURS, {}, "default"),  # a bot is no device, OS or browser
    (WHATSAPP, DE, "de", WEEKDAY_OFFICE_HOURS, {}, "bavaria"),  # previews are located like anyone
]


@pytest.fixture(scope="module")
def reader(agents: UserAgentParser, city_mmdb: object) -> ClientFactsReader:
    return ClientFactsReader(
        agents=agents,
        geo=GeoDatabase.open(str(city_mmdb)),
        trusted_proxies=TrustedProxies(),
    )


@pytest.mark.parametrize(
    ("user_agent", "ip", "accept_language", "now", "query", "expected"),
    ROWS,
    ids=[f"{row[-1]}-{n}" for n, row in enumerate(ROWS)],
)
def test_a_real_scan_lands_on_the_first_matching_rule(
    reader: ClientFactsReader,
    user_agent: str,
    ip: str,
    accept_language: str,
    now: datetime,
    query: dict[str, str],
    expected: str,
) -> None:
    headers = CIMultiDictProxy(
        CIMultiDict({"User-Agent": user_agent, "Accept-Language": accept_language})
    )
    facts = reader.read(ip, headers)
    resolution = resolve_scan(CODE, None, ScanContext(now, "", query, facts, "scanner"))
    assert resolution.location == f"https://example.com/{expected}", facts
