"""What a scan gets, branch by branch of DESIGN §4 (the parts the snapshot carries)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from qrstack_common.events import CodeSnapshot, DomainSnapshot, RuleConditions, RuleSnapshot
from qrstack_redirect.clients import ClientFacts
from qrstack_redirect.resolve import ScanContext, resolve_scan, with_forwarded_query
from qrstack_redirect.table.slug_table import CodeEntry

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
WS = uuid.uuid4()


def facts(country: str | None = None) -> ClientFacts:
    return ClientFacts(
        "203.0.113.9", country, None, None, None, "mobile", "iOS", "Safari",
        "en", None, False, None, "Mozilla/5.0 (iPhone)",
    )  # fmt: skip


def ctx(query_string: str = "", country: str | None = None) -> ScanContext:
    return ScanContext(NOW, query_string, {}, facts(country), "0" * 32)


def code(**changes: object) -> CodeEntry:
    base = CodeSnapshot(
        id=uuid.uuid4(),
        workspace_id=WS,
        slug="s",
        type="url",
        target_url="https://example.com/t",
        fallback_url="https://example.com/fallback",
        version=1,
        updated_at=NOW,
    )
    return CodeEntry(base.model_copy(update=changes))


def test_unknown_slug_on_a_custom_domain_follows_its_404_redirect() -> None:
    domain = DomainSnapshot(
        host="qr.acme.com", workspace_id=WS, not_found_url="https://acme.com/404", updated_at=NOW
    )
    r = resolve_scan(None, domain, ctx())
    assert (r.outcome, r.status, r.location) == ("not_found", 302, "https://acme.com/404")


def test_unknown_slug_elsewhere_is_the_404_page() -> None:
    r = resolve_scan(None, None, ctx())
    assert (r.outcome, r.status, r.page) == ("not_found", 404, "not_found.html")


@pytest.mark.parametrize("status", ["deleted", "suspended"])
def test_deleted_or_suspended_goes_to_the_fallback(status: str) -> None:
    r = resolve_scan(code(status=status), None, ctx())
    assert (r.outcome, r.location) == ("fallback", "https://example.com/fallback")


def test_outside_the_schedule_goes_to_the_fallback_or_the_not_active_page() -> None:
    early = code(active_from=NOW + timedelta(seconds=1))
    late = code(expires_at=NOW, fallback_url=None)
    assert resolve_scan(early, None, ctx()).location == "https://example.com/fallback"
    r = resolve_scan(late, None, ctx())
    assert (r.outcome, r.status, r.page) == ("not_active", 410, "not_active.html")


def test_default_target_with_the_codes_redirect_status() -> None:
    r = resolve_scan(code(redirect_status=308), None, ctx("utm=1"))
    assert (r.outcome, r.status, r.location) == ("redirect", 308, "https://example.com/t")


def test_query_forwarding_appends_after_the_targets_own_parameters() -> None:
    forwarding = code(target_url="https://e.com/p?a=1#f", forward_query=True)
    r = resolve_scan(forwarding, None, ctx("b=2"))
    assert r.location == "https://e.com/p?a=1&b=2#f"
    assert with_forwarded_query("https://e.com/p", "") == "https://e.com/p"


def test_a_non_http_target_is_never_redirected_to() -> None:
    r = resolve_scan(code(target_url="javascript:alert(1)"), None, ctx())
    assert r.location is None and r.status == 404


def test_a_matching_rule_decides_and_is_reported() -> None:
    rule = RuleSnapshot(
        id=uuid.uuid4(), type="geo", priority=1, target_url="https://example.com/us",
        conditions=RuleConditions(country_in=("US",)),
    )  # fmt: skip
    entry = code(rules=(rule,))
    from_us = resolve_scan(entry, None, ctx(country="US"))
    assert (from_us.location, from_us.rule_id) == ("https://example.com/us", rule.id)
    from_de = resolve_scan(entry, None, ctx(country="DE"))
    assert (from_de.location, from_de.rule_id) == ("https://example.com/t", None)
