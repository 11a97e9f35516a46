"""Deciding what a scan gets: a pure function of the table entry, the time and the request.

Order (DESIGN §4): unknown slug → the domain's 404 redirect or the 404 page (an orphan scan) ·
deleted or suspended → the code's fallback (else the 404 page) · before `active_from` or after
`expires_at` → `fallback_url` or the "not active" page · routing rules · the default target ·
query forwarding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from qrstack_common.events import CodeSnapshot, DomainSnapshot, ScanOutcome


@dataclass(frozen=True, slots=True)
class Resolution:
    outcome: ScanOutcome
    status: int  # HTTP status of the answer
    location: str | None = None  # for redirects
    page: str | None = None  # template name for pages
    rule_id: str | None = None
    variant: str | None = None


NOT_FOUND_PAGE = "not_found.html"
NOT_ACTIVE_PAGE = "not_active.html"


def _safe_target(url: str | None) -> str | None:
    """Only absolute http(s) URLs are redirect targets (no open redirect to other schemes)."""
    if url is None:
        return None
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in ("http", "https") else None


def with_forwarded_query(target: str, query_string: str) -> str:
    """Append the scan's query string to the target's (the target's own parameters first)."""
    if not query_string:
        return target
    parts = urlsplit(target)
    query = f"{parts.query}&{query_string}" if parts.query else query_string
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def resolve_scan(
    code: CodeSnapshot | None,
    domain: DomainSnapshot | None,
    now: datetime,
    query_string: str,
) -> Resolution:
    if code is None:
        if domain is not None and (url := _safe_target(domain.not_found_url)):
            return Resolution("not_found", 302, location=url)
        return Resolution("not_found", 404, page=NOT_FOUND_PAGE)
    if code.status != "active":
        if fallback := _safe_target(code.fallback_url):
            return Resolution("fallback", 302, location=fallback)
        return Resolution("fallback", 404, page=NOT_FOUND_PAGE)
    if (code.active_from is not None and now < code.active_from) or (
        code.expires_at is not None and now >= code.expires_at
    ):
        if fallback := _safe_target(code.fallback_url):
            return Resolution("not_active", 302, location=fallback)
        return Resolution("not_active", 410, page=NOT_ACTIVE_PAGE)
    target = _safe_target(code.target_url)
    if target is None:
        return Resolution("not_found", 404, page=NOT_FOUND_PAGE)
    if code.forward_query:
        target = with_forwarded_query(target, query_string)
    return Resolution("redirect", code.redirect_status, location=target)
