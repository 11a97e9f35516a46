"""Deciding what a scan gets: a pure function of the table entry, the time and the request.

Order (DESIGN §4): unknown slug → the domain's 404 redirect or the 404 page (an orphan scan) ·
deleted or suspended → the code's fallback (else the 404 page) · before `active_from` or after
`expires_at` → `fallback_url` or the "not active" page · routing rules (first match by
priority, see `qrstack_redirect.rules`) · the default target · query forwarding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from qrstack_common.events import DomainSnapshot, ScanOutcome
from qrstack_redirect.clients import ClientFacts
from qrstack_redirect.table.slug_table import CodeEntry


@dataclass(frozen=True, slots=True)
class ScanContext:
    """The request facts resolution depends on."""

    now: datetime  # aware
    query_string: str  # raw, for forwarding
    query: Mapping[str, str]  # parsed, for query-parameter rules
    facts: ClientFacts
    scanner_id: str  # sticky id for A/B splits


@dataclass(frozen=True, slots=True)
class Resolution:
    outcome: ScanOutcome
    status: int  # HTTP status of the answer
    location: str | None = None  # for redirects
    page: str | None = None  # template name for pages
    rule_id: UUID | None = None
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
    entry: CodeEntry | None, domain: DomainSnapshot | None, ctx: ScanContext
) -> Resolution:
    if entry is None:
        if domain is not None and (url := _safe_target(domain.not_found_url)):
            return Resolution("not_found", 302, location=url)
        return Resolution("not_found", 404, page=NOT_FOUND_PAGE)
    code = entry.code
    if code.status != "active":
        if fallback := _safe_target(code.fallback_url):
            return Resolution("fallback", 302, location=fallback)
        return Resolution("fallback", 404, page=NOT_FOUND_PAGE)
    now = ctx.now
    if (code.active_from is not None and now < code.active_from) or (
        code.expires_at is not None and now >= code.expires_at
    ):
        if fallback := _safe_target(code.fallback_url):
            return Resolution("not_active", 302, location=fallback)
        return Resolution("not_active", 410, page=NOT_ACTIVE_PAGE)
    target = code.target_url
    rule_id = variant = None
    if entry.rules:
        decision = entry.rules.match(ctx.facts, now, ctx.query, ctx.scanner_id)
        if decision is not None:
            target = decision.target_url or target
            rule_id, variant = decision.rule_id, decision.variant
    safe = _safe_target(target)
    if safe is None:
        return Resolution("not_found", 404, page=NOT_FOUND_PAGE)
    if code.forward_query:
        safe = with_forwarded_query(safe, ctx.query_string)
    return Resolution(
        "redirect", code.redirect_status, location=safe, rule_id=rule_id, variant=variant
    )
