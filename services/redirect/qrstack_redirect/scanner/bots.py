"""Which User-Agents are not a person scanning a code, and why.

A scan by a crawler, a chat app fetching a link preview, an HTTP library or a headless browser
is answered like any other but is not counted and never consumes a scan cap (DESIGN.md §4).
`bot_reason` names the kind and the agent as a short machine code, e.g. `crawler:googlebot`,
`preview:slack`, `library:curl`, `headless:chrome`, `monitor:uptimerobot`, `empty_ua`.

The tokens are matched as case-insensitive substrings, first listed first: order matters where
one agent names another (Telegram's preview says "like TwitterBot", LinkedIn's carries
"Apache-HttpClient", Google's smartphone crawler is a complete Chrome UA plus "Googlebot").
"""

from __future__ import annotations

# (lower-case token, reason). Link previewers first: several contain crawler or library tokens.
_PREVIEWERS: tuple[tuple[str, str], ...] = (
    ("facebookexternalhit", "preview:facebook"),
    ("facebookcatalog", "preview:facebook"),
    ("telegrambot", "preview:telegram"),
    ("twitterbot", "preview:twitter"),
    ("slackbot", "preview:slack"),
    ("slack-imgproxy", "preview:slack"),
    ("whatsapp/", "preview:whatsapp"),
    ("discordbot", "preview:discord"),
    ("linkedinbot", "preview:linkedin"),
    ("skypeuripreview", "preview:skype"),
    ("microsoftpreview", "preview:microsoft"),
    ("bingpreview", "preview:bing"),
    ("redditbot", "preview:reddit"),
    ("pinterestbot", "preview:pinterest"),
    ("embedly", "preview:embedly"),
    ("iframely", "preview:iframely"),
    ("vkshare", "preview:vk"),
    ("kakaotalk-scrap", "preview:kakaotalk"),
    ("mastodon/", "preview:mastodon"),
    ("bluesky cardyb", "preview:bluesky"),
    ("google-pagerenderer", "preview:google"),
)

_CRAWLERS: tuple[tuple[str, str], ...] = (
    ("googlebot", "crawler:googlebot"),
    ("adsbot-google", "crawler:googlebot"),
    ("mediapartners-google", "crawler:googlebot"),
    ("google-inspectiontool", "crawler:googlebot"),
    ("storebot-google", "crawler:googlebot"),
    ("googleother", "crawler:googlebot"),
    ("apis-google", "crawler:googlebot"),
    ("bingbot", "crawler:bingbot"),
    ("msnbot", "crawler:bingbot"),
    ("applebot", "crawler:applebot"),
    ("duckduckbot", "crawler:duckduckbot"),
    ("baiduspider", "crawler:baiduspider"),
    ("yandex.com/bots", "crawler:yandex"),
    ("yahoo! slurp", "crawler:yahoo"),
    ("facebot", "crawler:facebook"),
    ("meta-externalagent", "crawler:facebook"),
    ("petalbot", "crawler:petalbot"),
    ("sogou web spider", "crawler:sogou"),
    ("seznambot", "crawler:seznam"),
    ("semrushbot", "crawler:semrush"),
    ("ahrefsbot", "crawler:ahrefs"),
    ("mj12bot", "crawler:majestic"),
    ("dotbot", "crawler:moz"),
    ("bytespider", "crawler:bytespider"),
    ("amazonbot", "crawler:amazonbot"),
    ("gptbot", "crawler:openai"),
    ("chatgpt-user", "crawler:openai"),
    ("oai-searchbot", "crawler:openai"),
    ("claudebot", "crawler:anthropic"),
    ("claude-user", "crawler:anthropic"),
    ("perplexitybot", "crawler:perplexity"),
    ("ccbot", "crawler:commoncrawl"),
    ("ia_archiver", "crawler:archive"),
    ("archive.org_bot", "crawler:archive"),
    ("dataforseobot", "crawler:dataforseo"),
    ("scrapy", "crawler:scrapy"),
)

_MONITORS: tuple[tuple[str, str], ...] = (
    ("uptimerobot", "monitor:uptimerobot"),
    ("pingdom", "monitor:pingdom"),
    ("statuscake", "monitor:statuscake"),
    ("site24x7", "monitor:site24x7"),
    ("betteruptime", "monitor:betteruptime"),
    ("better uptime bot", "monitor:betteruptime"),
)

_HEADLESS: tuple[tuple[str, str], ...] = (
    ("headlesschrome", "headless:chrome"),
    ("chrome-lighthouse", "headless:lighthouse"),
    ("phantomjs", "headless:phantomjs"),
    ("puppeteer", "headless:puppeteer"),
    ("playwright", "headless:playwright"),
    ("prerender", "headless:prerender"),
)

# Matched as prefixes of the UA (libraries put their name first); a few also anywhere.
_LIBRARY_PREFIXES: tuple[tuple[str, str], ...] = (
    ("curl/", "library:curl"),
    ("wget/", "library:wget"),
    ("python-requests/", "library:python-requests"),
    ("python-urllib/", "library:python-urllib"),
    ("python-httpx/", "library:httpx"),
    ("python/", "library:python"),
    ("aiohttp/", "library:aiohttp"),
    ("go-http-client/", "library:go"),
    ("java/", "library:java"),
    ("apache-httpclient/", "library:apache-httpclient"),
    ("okhttp/", "library:okhttp"),
    ("node-fetch", "library:node-fetch"),
    ("node/", "library:node"),
    ("undici", "library:undici"),
    ("axios/", "library:axios"),
    ("got ", "library:got"),
    ("libwww-perl/", "library:perl"),
    ("php/", "library:php"),
    ("guzzlehttp/", "library:guzzle"),
    ("ruby", "library:ruby"),
    ("faraday", "library:ruby"),
    ("httpie/", "library:httpie"),
    ("postmanruntime/", "library:postman"),
    ("insomnia/", "library:insomnia"),
    ("dart/", "library:dart"),
    ("reqwest/", "library:reqwest"),
    ("rest-client/", "library:rest-client"),
    ("winhttp", "library:winhttp"),
    ("powershell/", "library:powershell"),
)
_LIBRARY_ANYWHERE: tuple[tuple[str, str], ...] = (
    ("windowspowershell", "library:powershell"),
    ("aiohttp/", "library:aiohttp"),
    ("python-requests/", "library:python-requests"),
)

_SUBSTRING_TOKENS = _PREVIEWERS + _CRAWLERS + _MONITORS + _HEADLESS + _LIBRARY_ANYWHERE

CRAWLER_OTHER = "crawler:other"
EMPTY_UA = "empty_ua"


def bot_reason(user_agent: str, *, parser_says_spider: bool = False) -> str | None:
    """The reason `user_agent` is not a person, or `None` if it looks like one.

    `parser_says_spider` is the UA parser's own verdict (its device family "Spider"); it is the
    fallback for crawlers not named here and yields `crawler:other`.
    """
    text = user_agent.strip()
    if not text:
        return EMPTY_UA
    lowered = text.lower()
    for token, reason in _SUBSTRING_TOKENS:
        if token in lowered:
            return reason
    for prefix, reason in _LIBRARY_PREFIXES:
        if lowered.startswith(prefix):
            return reason
    if parser_says_spider:
        return CRAWLER_OTHER
    return None
