"""What a User-Agent string says about the scanner: device kind, OS, browser, bot or not.

`ua-parser` (with its native `ua-parser-rs` resolver when installed, ~10 µs a string) does the
parsing; this module maps its families to qrstack's names and caches the final answer per UA
string in a bounded LRU, so a repeated UA costs one dictionary hit.

Names: device is one of mobile, tablet, desktop, bot, other; OS and browser names are those
routing rules use (`"iOS"`, `"Android"`, `"Windows"`, `"macOS"`, `"Linux"`, `"ChromeOS"`;
`"Chrome"`, `"Safari"`, `"Firefox"`, `"Edge"`, `"Samsung Internet"`, `"Opera"`, ...); a family
this module does not rename passes through as the parser spells it.

Known limit: iPadOS Safari asks for desktop sites by default and sends a Mac UA, so those
iPads count as macOS desktops — nothing in the request tells them apart.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import ua_parser
from ua_parser import Domain, Resolver
from ua_parser.loaders import load_builtins, load_lazy_builtins

from qrstack_common.events import Device
from qrstack_redirect.scanner.bots import bot_reason

MAX_USER_AGENT_LENGTH = 1024
"""Longer UAs are cut to this many characters before parsing and caching: real ones are
shorter, and it bounds the cache's memory against junk headers."""

_OS_NAMES: dict[str, str] = {
    "iOS": "iOS",
    "iPadOS": "iOS",
    "Android": "Android",
    "Windows": "Windows",
    "Mac OS X": "macOS",
    "macOS": "macOS",
    "Chrome OS": "ChromeOS",
    "Linux": "Linux",
    "Windows Phone": "Windows Phone",
    "HarmonyOS": "HarmonyOS",
    "KaiOS": "KaiOS",
    "Fire OS": "Android",
    "BlackBerry OS": "BlackBerry",
    "BlackBerry Tablet OS": "BlackBerry",
}
_LINUX_DISTRIBUTIONS = frozenset(
    {
        "Ubuntu",
        "Kubuntu",
        "Xubuntu",
        "Lubuntu",
        "Debian",
        "Fedora",
        "Red Hat",
        "CentOS",
        "SUSE",
        "openSUSE",
        "Mint",
        "Linux Mint",
        "Arch Linux",
        "Gentoo",
        "Slackware",
        "Mandriva",
        "elementary OS",
        "Manjaro",
    }
)
_BROWSER_NAMES: dict[str, str] = {
    "Mobile Safari": "Safari",
    "Safari": "Safari",
    "Mobile Safari UI/WKWebView": "WebView",
    "Chrome Mobile WebView": "WebView",
    "Chrome": "Chrome",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "HeadlessChrome": "Chrome",
    "Chromium": "Chromium",
    "Firefox": "Firefox",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Firefox Focus": "Firefox",
    "Edge": "Edge",
    "Edge Mobile": "Edge",
    "IE": "Internet Explorer",
    "IE Mobile": "Internet Explorer",
    "Samsung Internet": "Samsung Internet",
    "Opera": "Opera",
    "Opera Mobile": "Opera",
    "Opera Mini": "Opera",
    "Opera Touch": "Opera",
    "Opera GX": "Opera",
    "Yandex Browser": "Yandex",
    "UC Browser": "UC Browser",
    "MiuiBrowser": "MIUI Browser",
    "Huawei Browser": "Huawei Browser",
    "Amazon Silk": "Silk",
    "DuckDuckGo Mobile": "DuckDuckGo",
    "Vivaldi": "Vivaldi",
    "Brave": "Brave",
}
_DESKTOP_OSES = frozenset({"Windows", "macOS", "Linux", "ChromeOS", "FreeBSD", "OpenBSD"})
# TVs and consoles: neither phone nor computer. Checked before the OS (an Xbox says Windows).
_OTHER_DEVICE_TOKENS = (
    "SMART-TV",
    "SmartTV",
    "Smart TV",
    "Android TV",
    "AndroidTV",
    "GoogleTV",
    "BRAVIA",
    "CrKey",
    "Web0S",
    "HbbTV",
    "Xbox",
    "PlayStation",
    "Nintendo",
)


class AgentFacts(NamedTuple):
    """What one User-Agent string says. Immutable; shared by every scan with that UA."""

    device: Device
    os: str | None
    browser: str | None
    is_bot: bool
    bot_reason: str | None
    user_agent: str


def os_name(family: str) -> str | None:
    """qrstack's name for a ua-parser OS family; `None` for `"Other"`."""
    if family in _OS_NAMES:
        return _OS_NAMES[family]
    if family in _LINUX_DISTRIBUTIONS:
        return "Linux"
    if family.startswith("Windows") and family not in ("Windows Mobile", "Windows CE"):
        return "Windows"  # older parser data says "Windows 10", "Windows 7", ...
    if family == "Other":
        return None
    return family


def browser_name(family: str) -> str | None:
    """qrstack's name for a ua-parser browser family; `None` for `"Other"`."""
    if family == "Other":
        return None
    return _BROWSER_NAMES.get(family, family)


def device_kind(user_agent: str, os: str | None, device_family: str, brand: str | None) -> Device:
    """mobile, tablet, desktop or other for a person's UA (bots are decided before this).

    Tablets: iPad; Android without "Mobile" (Google's rule for Android UAs); UAs that say
    "Tablet"; what the parser knows as a tablet. Phones: iOS, Android with "Mobile", any UA
    with "Mobi" (MDN's recommendation). TVs and consoles are "other".
    """
    for token in _OTHER_DEVICE_TOKENS:
        if token in user_agent:
            return "other"
    if device_family == "iPad" or "iPad" in user_agent:
        return "tablet"
    if "Tablet" in user_agent or "Tablet" in device_family or brand == "Generic_Android_Tablet":
        return "tablet"
    if os == "Android":
        return "mobile" if "Mobile" in user_agent else "tablet"
    if os == "iOS" or "Mobi" in user_agent:
        return "mobile"
    if os in _DESKTOP_OSES:
        return "desktop"
    return "other"


def _best_resolver() -> Resolver:
    # The native resolvers compile their regexes lazily; the pure-Python one needs them all.
    if ua_parser.RegexResolver is not None or ua_parser.Re2Resolver is not None:
        return ua_parser.BestAvailableResolver(load_lazy_builtins())
    return ua_parser.BestAvailableResolver(load_builtins())


class UserAgentParser:
    """Parses UA strings into `AgentFacts`, remembering the last `cache_size` distinct UAs.

    Building one loads the parser's rules (~0.1 s): build it once per process, at start-up.
    `parse` never raises; an empty UA is a bot with reason `empty_ua`.
    """

    def __init__(self, cache_size: int = 10_000) -> None:
        if cache_size < 1:
            raise ValueError("cache_size must be at least 1")
        self._resolver = _best_resolver()
        self._cached = functools.lru_cache(maxsize=cache_size)(self._parse_uncached)

    def parse(self, user_agent: str) -> AgentFacts:
        """The facts of `user_agent` (cut to `MAX_USER_AGENT_LENGTH` characters)."""
        if len(user_agent) > MAX_USER_AGENT_LENGTH:
            user_agent = user_agent[:MAX_USER_AGENT_LENGTH]
        return self._cached(user_agent)

    def cache_info(self) -> functools._CacheInfo:
        """Hits, misses and size of the UA cache (for metrics and benchmarks)."""
        return self._cached.cache_info()

    def _parse_uncached(self, user_agent: str) -> AgentFacts:
        result = self._resolver(user_agent, Domain.ALL)
        device = result.device
        device_family = device.family if device is not None else "Other"
        os = os_name(result.os.family) if result.os is not None else None
        reason = bot_reason(user_agent, parser_says_spider=device_family == "Spider")
        if reason is not None:
            return AgentFacts("bot", os, None, True, reason, user_agent)
        browser = browser_name(result.user_agent.family) if result.user_agent else None
        brand = device.brand if device is not None else None
        kind = device_kind(user_agent, os, device_family, brand)
        return AgentFacts(kind, os, browser, False, None, user_agent)
