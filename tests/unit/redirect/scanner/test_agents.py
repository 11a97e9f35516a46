"""User-Agent strings as real devices, browsers, crawlers and tools send them, and what the
redirect makes of each: device kind, OS, browser, bot or not and why."""

from __future__ import annotations

import pytest

from qrstack_redirect.scanner import MAX_USER_AGENT_LENGTH, UserAgentParser, bot_reason

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)

# (label, user agent, device, os, browser, bot reason)
PEOPLE = [
    ("iphone safari", IPHONE_SAFARI, "mobile", "iOS", "Safari"),
    (
        "iphone chrome",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        "mobile",
        "iOS",
        "Chrome",
    ),
    ("android chrome", ANDROID_CHROME, "mobile", "Android", "Chrome"),
    (
        "pixel chrome",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.6367.82 Mobile Safari/537.36",
        "mobile",
        "Android",
        "Chrome",
    ),
    (
        "samsung internet",
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like "
        "Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Android",
        "Samsung Internet",
    ),
    (
        "android firefox",
        "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
        "mobile",
        "Android",
        "Firefox",
    ),
    (
        "android edge",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64",
        "mobile",
        "Android",
        "Edge",
    ),
    (
        "android opera",
        "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36 OPR/81.1.4292.78446",
        "mobile",
        "Android",
        "Opera",
    ),
    (
        "android webview",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240405.002; wv) AppleWebKit/537.36"
        " (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36",
        "mobile",
        "Android",
        "WebView",
    ),
    (
        "ipad safari",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "tablet",
        "iOS",
        "Safari",
    ),
    (
        "android tablet chrome (no Mobile token)",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "tablet",
        "Android",
        "Chrome",
    ),
    (
        "android tablet firefox",
        "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
        "tablet",
        "Android",
        "Firefox",
    ),
    (
        "kindle fire silk",
        "Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Silk/124.3.1 like Chrome/124.0.6367.82 Safari/537.36",
        "tablet",
        "Android",
        "Silk",
    ),
    (
        "windows chrome",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop",
        "Windows",
        "Chrome",
    ),
    (
        "windows edge",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
        "desktop",
        "Windows",
        "Edge",
    ),
    (
        "windows firefox",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "desktop",
        "Windows",
        "Firefox",
    ),
    (
        "windows opera",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
        "desktop",
        "Windows",
        "Opera",
    ),
    (
        "macos safari",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.4 Safari/605.1.15",
        "desktop",
        "macOS",
        "Safari",
    ),
    (
        "macos chrome",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/124.0.0.0 Safari/537.36",
        "desktop",
        "macOS",
        "Chrome",
    ),
    (
        "macos firefox",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
        "desktop",
        "macOS",
        "Firefox",
    ),
    (
        "linux chrome",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop",
        "Linux",
        "Chrome",
    ),
    (
        "ubuntu firefox",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "desktop",
        "Linux",
        "Firefox",
    ),
    (
        "chromebook",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop",
        "ChromeOS",
        "Chrome",
    ),
    (
        "samsung smart tv",
        "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "76.0.3809.146/6.0 TV Safari/537.36",
        "other",
        "Tizen",
        "Safari",
    ),
    (
        "xbox edge",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML,"
        " like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041",
        "other",
        "Windows",
        "Edge",
    ),
]

BOTS = [
    (
        "googlebot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "crawler:googlebot",
    ),
    (
        "googlebot smartphone",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
        "like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html)",
        "crawler:googlebot",
    ),
    (
        "bingbot",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "crawler:bingbot",
    ),
    (
        "applebot",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        "crawler:applebot",
    ),
    ("whatsapp", "WhatsApp/2.23.20.0", "preview:whatsapp"),
    (
        "facebookexternalhit",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "preview:facebook",
    ),
    (
        "imessage (facebook and twitter tokens)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko)"
        " Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        "preview:facebook",
    ),
    (
        "slackbot",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "preview:slack",
    ),
    ("twitterbot", "Twitterbot/1.0", "preview:twitter"),
    ("telegram", "TelegramBot (like TwitterBot)", "preview:telegram"),
    (
        "discord",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "preview:discord",
    ),
    (
        "linkedin",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "preview:linkedin",
    ),
    (
        "skype",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
        "skype-url-preview@microsoft.com",
        "preview:skype",
    ),
    ("curl", "curl/8.5.0", "library:curl"),
    ("wget", "Wget/1.21.4", "library:wget"),
    ("python-requests", "python-requests/2.31.0", "library:python-requests"),
    ("aiohttp", "Python/3.11 aiohttp/3.9.5", "library:aiohttp"),
    ("go", "Go-http-client/1.1", "library:go"),
    (
        "headless chrome",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36",
        "headless:chrome",
    ),
    (
        "uptime monitor",
        "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
        "monitor:uptimerobot",
    ),
    ("empty", "", "empty_ua"),
    ("blank", "   ", "empty_ua"),
]


@pytest.mark.parametrize(
    ("user_agent", "device", "os", "browser"),
    [case[1:] for case in PEOPLE],
    ids=[case[0] for case in PEOPLE],
)
def test_people_get_device_os_and_browser(
    agents: UserAgentParser, user_agent: str, device: str, os: str, browser: str
) -> None:
    facts = agents.parse(user_agent)
    assert (facts.device, facts.os, facts.browser) == (device, os, browser)
    assert facts.is_bot is False
    assert facts.bot_reason is None
    assert facts.user_agent == user_agent


@pytest.mark.parametrize(
    ("user_agent", "reason"), [case[1:] for case in BOTS], ids=[case[0] for case in BOTS]
)
def test_bots_are_flagged_with_their_reason(
    agents: UserAgentParser, user_agent: str, reason: str
) -> None:
    facts = agents.parse(user_agent)
    assert facts.is_bot is True
    assert facts.bot_reason == reason
    assert facts.device == "bot"
    assert facts.browser is None


def test_crawler_unknown_to_our_list_falls_back_to_the_parsers_spider_verdict(
    agents: UserAgentParser,
) -> None:
    facts = agents.parse("Mozilla/5.0 (compatible; ExampleSearchBot/3.1; +https://example.org/bot)")
    assert (facts.is_bot, facts.bot_reason) == (True, "crawler:other")


def test_phone_brand_named_like_a_bot_is_a_person(agents: UserAgentParser) -> None:
    cubot = (
        "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    )
    facts = agents.parse(cubot)
    assert (facts.is_bot, facts.device, facts.os) == (False, "mobile", "Android")


def test_bot_reason_without_parser_verdict() -> None:
    assert bot_reason("Mozilla/5.0 (compatible; ExampleSearchBot/3.1)") is None
    assert bot_reason(IPHONE_SAFARI) is None
    assert bot_reason("CURL/7.0") == "library:curl"


def test_repeated_user_agent_is_answered_from_the_cache() -> None:
    parser = UserAgentParser(cache_size=2)
    first = parser.parse(IPHONE_SAFARI)
    assert parser.parse(IPHONE_SAFARI) is first
    info = parser.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_cache_is_bounded() -> None:
    parser = UserAgentParser(cache_size=2)
    for version in range(5):
        parser.parse(f"curl/8.{version}.0")
    assert parser.cache_info().currsize == 2
    with pytest.raises(ValueError, match="cache_size"):
        UserAgentParser(cache_size=0)


def test_overlong_user_agent_is_cut_before_parsing(agents: UserAgentParser) -> None:
    junk = IPHONE_SAFARI + " X" * 5000
    facts = agents.parse(junk)
    assert len(facts.user_agent) == MAX_USER_AGENT_LENGTH
    assert (facts.device, facts.os) == ("mobile", "iOS")
