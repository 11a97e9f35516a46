"""Deciding what a scan gets: a pure function of the table's record, the time and the request.

Order (DESIGN §4):
1. unknown slug → the domain's 404 redirect, else the 404 page (an orphan scan);
2. deleted or suspended → the code's fallback, else the 404 page (suspended: "paused");
3. before `active_from` or from `expires_at` on → the fallback, else the "not active" page;
4. scan cap known to be used up → the fallback, else the "limit reached" page;
5. password set and the scanner has not passed the gate → the gate page;
6. routing rules, first match by priority (`qrstack_common.rules`);
7. the default: the hosted page, the app's store for the scanner's OS, or the target URL;
8. query forwarding, with the code's redirect status (302 unless the code asks otherwise).

Step 4 sees only what the replica already knows (`CodeEntry.cap_reached`); the exact check is
the handler's: when the answer is `capped`, it takes one scan from the shared counter before
answering and, if the counter refuses, answers `cap_refused(...)` instead (also step 4). That
keeps this function free of I/O and the counter out of every scan that is not of a capped code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from qrstack_common.events import DomainSnapshot, ScanOutcome
from qrstack_common.forwarding import with_forwarded_query
from qrstack_common.payloads import Payload, redirect_target
from qrstack_redirect.scanner import ClientFacts
from qrstack_redirect.table.records import (
    CodeEntry,
    CodeRecord,
    plain_forwards_query,
    plain_status,
    plain_target,
    web_target,
)


class ScanContext(NamedTuple):
    """The request facts resolution depends on."""

    now: datetime  # aware
    query_string: str  # raw, for forwarding
    query: Mapping[str, str]  # parsed, for query-parameter rules
    facts: ClientFacts
    scanner_id: str  # sticky id for A/B splits
    unlocked: bool = False  # the scanner passed this code's password gate


class Resolution(NamedTuple):
    outcome: ScanOutcome
    status: int  # HTTP status of the answer
    location: str | None = None  # for redirects
    page: str | None = None  # template name for pages
    rule_id: UUID | None = None
    variant: str | None = None
    content: Payload | None = None  # a hosted page's content
    capped: bool = False  # the handler must take one scan from the code's cap first


NOT_FOUND_PAGE = "not_found.html"
NOT_ACTIVE_PAGE = "not_active.html"
LIMIT_REACHED_PAGE = "limit_reached.html"
PAUSED_PAGE = "paused.html"
GATE_PAGE = "gate.html"


def hosted_page_template(code_type: str) -> str:
    """The template of a hosted page type (`list-of-links` → `hosted/list_of_links.html`)."""
    return f"hosted/{code_type.replace('-', '_')}.html"


def _elsewhere(outcome: ScanOutcome, url: str | None, status: int, page: str) -> Resolution:
    if url is not None:
        return Resolution(outcome, 302, location=url)
    return Resolution(outcome, status, page=page)


def cap_refused(entry: CodeEntry) -> Resolution:
    """The answer when the scan cap does not allow this scan (step 4)."""
    fallback = entry.checked_url(entry.code.fallback_url)
    return _elsewhere("limit_reached", fallback, 410, LIMIT_REACHED_PAGE)


def resolve_scan(
    record: CodeRecord | None, domain: DomainSnapshot | None, ctx: ScanContext
) -> Resolution:
    """What scan `ctx` of `record` (None: unknown slug) on `domain` (None: the platform's short
    domain or an unknown host) gets. Pure; never raises for a record's content."""
    if record is None:
        if domain is not None and (url := web_target(domain.not_found_url)):
            return Resolution("not_found", 302, location=url)
        return Resolution("not_found", 404, page=NOT_FOUND_PAGE)
    if isinstance(record, bytes):  # a plain code: active, unscheduled, uncapped, no rules
        target = plain_target(record)
        if plain_forwards_query(record):
            target = with_forwarded_query(target, ctx.query_string)
        return Resolution("redirect", plain_status(record), location=target)
    return _resolve_entry(record, ctx)


def _resolve_entry(entry: CodeEntry, ctx: ScanContext) -> Resolution:
    code = entry.code
    if code.status != "active":
        page = PAUSED_PAGE if code.status == "suspended" else NOT_FOUND_PAGE
        return _elsewhere("fallback", entry.checked_url(code.fallback_url), 404, page)
    now = ctx.now
    if (code.active_from is not None and now < code.active_from) or (
        code.expires_at is not None and now >= code.expires_at
    ):
        fallback = entry.checked_url(code.fallback_url)
        return _elsewhere("not_active", fallback, 410, NOT_ACTIVE_PAGE)
    capped = code.max_scans is not None
    if capped and entry.cap_reached:
        return cap_refused(entry)
    if code.password_hash is not None and not ctx.unlocked:
        return Resolution("password_required", 200, page=GATE_PAGE)
    target: str | None = None
    rule_id = variant = None
    if entry.rules:
        decision = entry.rules.match(ctx.facts, now, ctx.query, ctx.scanner_id)
        if decision is not None:
            target = decision.target_url
            rule_id, variant = decision.rule_id, decision.variant
    if target is None:
        if entry.page is not None:
            return Resolution(
                "page",
                200,
                page=hosted_page_template(code.type),
                rule_id=rule_id,
                variant=variant,
                content=entry.page,
                capped=capped,
            )
        target = redirect_target(entry.app, ctx.facts.os) if entry.app else code.target_url
    safe = entry.checked_url(target)
    if safe is None:
        return Resolution("not_found", 404, page=NOT_FOUND_PAGE)
    if code.forward_query:
        safe = with_forwarded_query(safe, ctx.query_string)
    return Resolution(
        "redirect",
        code.redirect_status,
        location=safe,
        rule_id=rule_id,
        variant=variant,
        capped=capped,
    )
