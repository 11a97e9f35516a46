"""What a scan gets, branch by branch of DESIGN §4 (the parts the snapshot carries)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from qrstack_common.events import CodeSnapshot, DomainSnapshot
from qrstack_redirect.resolve import resolve_scan, with_forwarded_query

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
WS = uuid.uuid4()


def code(**changes: object) -> CodeSnapshot:
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
    return base.model_copy(update=changes)


def test_unknown_slug_on_a_custom_domain_follows_its_404_redirect() -> None:
    domain = DomainSnapshot(
        host="qr.acme.com", workspace_id=WS, not_found_url="https://acme.com/404", updated_at=NOW
    )
    r = resolve_scan(None, domain, NOW, "")
    assert (r.outcome, r.status, r.location) == ("not_found", 302, "https://acme.com/404")


def test_unknown_slug_elsewhere_is_the_404_page() -> None:
    r = resolve_scan(None, None, NOW, "")
    assert (r.outcome, r.status, r.page) == ("not_found", 404, "not_found.html")


@pytest.mark.parametrize("status", ["deleted", "suspended"])
def test_deleted_or_suspended_goes_to_the_fallback(status: str) -> None:
    r = resolve_scan(code(status=status), None, NOW, "")
    assert (r.outcome, r.location) == ("fallback", "https://example.com/fallback")


def test_outside_the_schedule_goes_to_the_fallback_or_the_not_active_page() -> None:
    early = code(active_from=NOW + timedelta(seconds=1))
    late = code(expires_at=NOW, fallback_url=None)
    assert resolve_scan(early, None, NOW, "").location == "https://example.com/fallback"
    r = resolve_scan(late, None, NOW, "")
    assert (r.outcome, r.status, r.page) == ("not_active", 410, "not_active.html")


def test_default_target_with_the_codes_redirect_status() -> None:
    r = resolve_scan(code(redirect_status=308), None, NOW, "utm=1")
    assert (r.outcome, r.status, r.location) == ("redirect", 308, "https://example.com/t")


def test_query_forwarding_appends_after_the_targets_own_parameters() -> None:
    r = resolve_scan(code(target_url="https://e.com/p?a=1#f", forward_query=True), None, NOW, "b=2")
    assert r.location == "https://e.com/p?a=1&b=2#f"
    assert with_forwarded_query("https://e.com/p", "") == "https://e.com/p"


def test_a_non_http_target_is_never_redirected_to() -> None:
    r = resolve_scan(code(target_url="javascript:alert(1)"), None, NOW, "")
    assert r.location is None and r.status == 404
