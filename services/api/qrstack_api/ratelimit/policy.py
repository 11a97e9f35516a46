"""Which quota a request falls under, and whose bucket it is counted in.

A request is counted under exactly one rule: the route limit whose prefix is the longest match
for its path, else the general limit. Within a rule, authenticated requests are counted per API
key or per user (all of a user's sessions share one bucket, so signing in again buys nothing),
anonymous ones per client address; an IPv6 client is counted per /64, the block one subscriber
usually holds, so that hopping addresses within it buys nothing either. Health, readiness and
metrics endpoints are not API calls and are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from uuid import UUID

from qrstack_api.ratelimit.settings import RateLimitSettings

# The console's pages are not counted per client address (an office behind one NAT would share
# 100/min): each page's data comes from /v1 calls counted in the signed-in user's bucket, and
# sign-in attempts have their own failure limits per email and per address.
EXEMPT_PREFIXES = ("/healthz", "/readyz", "/metrics", "/console/")


@dataclass(frozen=True, slots=True)
class Quota:
    rule: str
    limit: int
    window_s: int

    def bucket(self, subject: str) -> str:
        return f"{self.rule}:{self.window_s}:{subject}"


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    authenticated: int
    anonymous: int
    window_s: int


class RatePolicy:
    def __init__(self, settings: RateLimitSettings) -> None:
        self._general = _Rule(
            "api",
            settings.rate_limit_authenticated,
            settings.rate_limit_anonymous,
            settings.rate_limit_window_s,
        )
        by_prefix = [
            (prefix, _Rule(r.name, r.authenticated, r.anonymous, r.window_s))
            for r in settings.rate_limit_routes
            for prefix in r.prefixes
        ]
        self._routes = sorted(by_prefix, key=lambda item: len(item[0]), reverse=True)

    def quota(self, path: str, *, authenticated: bool) -> Quota:
        rule = next((r for prefix, r in self._routes if path.startswith(prefix)), self._general)
        limit = rule.authenticated if authenticated else rule.anonymous
        return Quota(rule.name, limit, rule.window_s)


def is_exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES)


def caller_subject(*, key_id: UUID | None, user_id: UUID | None) -> str:
    if key_id is not None:
        return f"key:{key_id}"
    return f"user:{user_id}"


def address_subject(address: IPv4Address | IPv6Address | None) -> str:
    if address is None:
        return "ip:unknown"
    if isinstance(address, IPv6Address):
        return f"ip:{IPv6Network((address, 64), strict=False)}"
    return f"ip:{address}"
