"""`ClientFacts`: everything routing rules and the scan event need to know about a scanner.

The redirect reads them from each scan's request (`qrstack_redirect.scanner`); the API's rule
tester builds them from what a person types. Both evaluate rules on the same type."""

from __future__ import annotations

from typing import NamedTuple

from qrstack_common.events import Device


class ClientFacts(NamedTuple):
    """Facts about the scanner of one request, read once per scan by the redirect's
    `ClientFactsReader.read`.

    Immutable. A `NamedTuple` rather than a frozen dataclass because one is built per scan:
    it costs ~0.2 µs where a frozen dataclass's `__init__` costs ~1 µs.
    Unknown facts are `None`; names are those `ScanEvent` and routing rules use.
    """

    ip: str | None  # the client's address (after trusted proxies), `None` if unknown
    country: str | None  # ISO 3166-1 alpha-2, upper case
    region: str | None  # subdivision name
    region_code: str | None  # ISO 3166-2, e.g. "US-CA"
    city: str | None
    device: Device  # "mobile" | "tablet" | "desktop" | "bot" | "other"
    os: str | None  # "iOS", "Android", "Windows", "macOS", "Linux", "ChromeOS", ...
    browser: str | None  # "Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", ...
    language: str | None  # primary subtag of the most preferred Accept-Language, lower case
    referrer: str | None  # host of the Referer
    is_bot: bool
    bot_reason: str | None  # e.g. "crawler:googlebot", "preview:slack", "empty_ua"
    user_agent: str  # as received, cut to `MAX_USER_AGENT_LENGTH`
