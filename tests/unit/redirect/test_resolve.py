"""What a scan gets, branch by branch of DESIGN §4, as a table: one row per situation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qrstack_common.events import CodeSnapshot, DomainSnapshot, RuleConditions, RuleSnapshot
from qrstack_common.forwarding import with_forwarded_query
from qrstack_common.payloads.pages import ListOfLinksPage
from qrstack_redirect.resolve import ScanContext, cap_refused, resolve_scan
from qrstack_redirect.scanner import ClientFacts
from qrstack_redirect.table.records import CodeEntry, CodeRecord, WorkspaceNames, compact_record

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
WS = uuid.uuid4()
RULE = uuid.UUID("00000000-0000-4000-8000-000000000001")
LINKS = {"items": [{"label": "Shop", "url": "https://shop.test/"}], "title": "Hi"}
APP = {"iosAppId": "id284882215", "androidPackageName": "com.facebook.katana"}


def facts(country: str | None = "US", os: str | None = "iOS") -> ClientFacts:
    return ClientFacts(
        "203.0.113.9",
        country,
        None,
        None,
        None,
        "mobile",
        os,
        "Safari",
        "en",
        None,
        False,
        None,
        "Mozilla/5.0 (iPhone)",
    )


def record(**changes: Any) -> CodeRecord:
    base = CodeSnapshot(
        id=uuid.uuid4(),
        workspace_id=WS,
        slug="s",
        type="url",
        target_url="https://example.com/t",
        version=1,
        updated_at=NOW,
    )
    return compact_record(base.model_copy(update=changes), WorkspaceNames())


def geo_rule(country: str, target: str, **extra: Any) -> RuleSnapshot:
    return RuleSnapshot(
        id=RULE,
        type="geo",
        priority=1,
        target_url=target,
        conditions=RuleConditions(country_in=(country,)),
        **extra,
    )


@dataclass
class Row:
    name: str
    code: dict[str, Any] | None  # None: unknown slug
    expect: tuple[str, int, str | None]  # outcome, status, location or page
    domain: DomainSnapshot | None = None
    query: str = ""
    scan: dict[str, Any] = field(default_factory=dict)  # facts(...) arguments
    unlocked: bool = False
    cap_reached: bool = False


FALLBACK = "https://example.com/fallback"
ACME = DomainSnapshot(
    host="qr.acme.com", workspace_id=WS, not_found_url="https://acme.com/404", updated_at=NOW
)

ROWS = [
    Row(
        "unknown slug, domain with a 404 redirect",
        None,
        ("not_found", 302, "https://acme.com/404"),
        domain=ACME,
    ),
    Row("unknown slug elsewhere", None, ("not_found", 404, "not_found.html")),
    Row(
        "unknown slug, domain's 404 URL not http",
        None,
        ("not_found", 404, "not_found.html"),
        domain=ACME.model_copy(update={"not_found_url": "javascript:alert(1)"}),
    ),
    Row("plain code", {}, ("redirect", 302, "https://example.com/t")),
    Row(
        "plain code asking for 301",
        {"redirect_status": 301},
        ("redirect", 301, "https://example.com/t"),
    ),
    Row(
        "plain http target kept as is",
        {"target_url": "http://example.com/x"},
        ("redirect", 302, "http://example.com/x"),
    ),
    Row(
        "plain code forwarding the query",
        {"forward_query": True, "target_url": "https://e.com/p?a=1#f"},
        ("redirect", 302, "https://e.com/p?a=1&b=2#f"),
        query="b=2",
    ),
    Row(
        "query not forwarded unless asked",
        {},
        ("redirect", 302, "https://example.com/t"),
        query="b=2",
    ),
    Row(
        "deleted, with fallback",
        {"status": "deleted", "fallback_url": FALLBACK},
        ("fallback", 302, FALLBACK),
    ),
    Row(
        "suspended, with fallback",
        {"status": "suspended", "fallback_url": FALLBACK},
        ("fallback", 302, FALLBACK),
    ),
    Row("deleted, no fallback", {"status": "deleted"}, ("fallback", 404, "not_found.html")),
    Row("suspended, no fallback", {"status": "suspended"}, ("fallback", 404, "paused.html")),
    Row(
        "before active_from",
        {"active_from": NOW + timedelta(seconds=1), "fallback_url": FALLBACK},
        ("not_active", 302, FALLBACK),
    ),
    Row("at expires_at, no fallback", {"expires_at": NOW}, ("not_active", 410, "not_active.html")),
    Row(
        "inside the window",
        {"active_from": NOW, "expires_at": NOW + timedelta(days=1)},
        ("redirect", 302, "https://example.com/t"),
    ),
    Row(
        "deleted wins over the window",
        {"status": "deleted", "expires_at": NOW - timedelta(days=1)},
        ("fallback", 404, "not_found.html"),
    ),
    Row(
        "capped, not known to be used up",
        {"max_scans": 3},
        ("redirect", 302, "https://example.com/t"),
    ),
    Row(
        "cap known to be used up, fallback",
        {"max_scans": 3, "fallback_url": FALLBACK},
        ("limit_reached", 302, FALLBACK),
        cap_reached=True,
    ),
    Row(
        "cap used up, no fallback",
        {"max_scans": 3},
        ("limit_reached", 410, "limit_reached.html"),
        cap_reached=True,
    ),
    Row(
        "expired wins over the cap",
        {"max_scans": 3, "expires_at": NOW},
        ("not_active", 410, "not_active.html"),
        cap_reached=True,
    ),
    Row(
        "cap wins over the password",
        {"max_scans": 3, "password_hash": "$argon2id$x"},
        ("limit_reached", 410, "limit_reached.html"),
        cap_reached=True,
    ),
    Row(
        "password, gate not passed",
        {"password_hash": "$argon2id$x"},
        ("password_required", 200, "gate.html"),
    ),
    Row(
        "password, gate passed",
        {"password_hash": "$argon2id$x"},
        ("redirect", 302, "https://example.com/t"),
        unlocked=True,
    ),
    Row(
        "password before rules",
        {"password_hash": "$argon2id$x", "rules": (geo_rule("US", "https://us.test/"),)},
        ("password_required", 200, "gate.html"),
    ),
    Row(
        "rule matches",
        {"rules": (geo_rule("US", "https://us.test/"),)},
        ("redirect", 302, "https://us.test/"),
    ),
    Row(
        "rule does not match",
        {"rules": (geo_rule("DE", "https://de.test/"),)},
        ("redirect", 302, "https://example.com/t"),
    ),
    Row(
        "rule target forwarded and with the code's status",
        {
            "rules": (geo_rule("US", "https://us.test/?r=1"),),
            "forward_query": True,
            "redirect_status": 307,
        },
        ("redirect", 307, "https://us.test/?r=1&q=2"),
        query="q=2",
    ),
    Row(
        "hosted page",
        {"type": "list-of-links", "target_url": None, "page": LINKS},
        ("page", 200, "hosted/list_of_links.html"),
    ),
    Row(
        "hosted page, a rule sends elsewhere",
        {"type": "list-of-links", "page": LINKS, "rules": (geo_rule("US", "https://us.test/"),)},
        ("redirect", 302, "https://us.test/"),
    ),
    Row(
        "app on iOS",
        {"type": "app", "page": APP},
        ("redirect", 302, "https://apps.apple.com/app/id284882215"),
    ),
    Row(
        "app on Android",
        {"type": "app", "page": APP},
        ("redirect", 302, "https://play.google.com/store/apps/details?id=com.facebook.katana"),
        scan={"os": "Android"},
    ),
    Row(
        "app elsewhere goes to its fallback",
        {"type": "app", "page": {**APP, "fallbackUrl": "https://fb.test/"}},
        ("redirect", 302, "https://fb.test/"),
        scan={"os": "Windows"},
    ),
    Row(
        "a target that is not http is never followed",
        {"target_url": "javascript:alert(1)", "max_scans": 1},
        ("not_found", 404, "not_found.html"),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_resolution_order(row: Row) -> None:
    code = None if row.code is None else record(**row.code)
    if isinstance(code, CodeEntry):
        code.cap_reached = row.cap_reached
    ctx = ScanContext(NOW, row.query, {}, facts(**row.scan), "0" * 32, row.unlocked)
    got = resolve_scan(code, row.domain, ctx)
    assert (got.outcome, got.status, got.location or got.page) == row.expect


def test_plain_codes_are_only_the_ones_that_need_nothing_else() -> None:
    assert isinstance(record(), bytes)
    assert isinstance(record(type="social", page={"platform": "x", "handle": "a"}), bytes)
    for changes in (
        {"max_scans": 1},
        {"fallback_url": FALLBACK},
        {"status": "suspended"},
        {"rules": (geo_rule("US", "https://us.test/"),)},
        {"type": "app", "page": APP},
    ):
        assert isinstance(record(**changes), CodeEntry), changes


def test_a_capped_answer_asks_the_handler_to_take_from_the_cap() -> None:
    ctx = ScanContext(NOW, "", {}, facts(), "0" * 32)
    assert resolve_scan(record(max_scans=2), None, ctx).capped
    assert not resolve_scan(record(), None, ctx).capped
    page = resolve_scan(record(max_scans=2, type="list-of-links", page=LINKS), None, ctx)
    assert page.capped and isinstance(page.content, ListOfLinksPage)
    gated = resolve_scan(record(max_scans=2, password_hash="$argon2id$x"), None, ctx)
    assert not gated.capped  # the gate is shown first; its scan is not counted
    entry = record(max_scans=2, fallback_url=FALLBACK)
    assert isinstance(entry, CodeEntry)
    assert cap_refused(entry)[:3] == ("limit_reached", 302, FALLBACK)


def test_the_control_arm_of_an_ab_rule_keeps_the_default_target_and_is_reported() -> None:
    ab = RuleSnapshot(id=RULE, type="ab", priority=1, target_url="https://b.test/", weight=1)
    ctx = ScanContext(NOW, "", {}, facts(), "scanner-in-control")
    got = resolve_scan(record(rules=(ab,)), None, ctx)
    if got.variant == "b":  # the 1 % arm: pick another scanner id to land in control
        ctx = ctx._replace(scanner_id="another-scanner")
        got = resolve_scan(record(rules=(ab,)), None, ctx)
    assert (got.location, got.rule_id, got.variant) == ("https://example.com/t", RULE, "a")


def test_forwarding_nothing_keeps_the_target() -> None:
    assert with_forwarded_query("https://e.com/p", "") == "https://e.com/p"
