"""What a new or changed API key may say, and the 400 issues for what it may not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qrstack_api.accounts.model import ApiKeyCreate, ApiKeyUpdate
from qrstack_common.errors import ApiError
from qrstack_common.http import validate


def _issues(model: Any, body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    with pytest.raises(ApiError) as caught:
        validate(model, body)
    assert caught.value.code == "validation_failed"
    return {issue.path: issue.reason for issue in caught.value.issues}


def test_networks_are_normalised() -> None:
    key = validate(
        ApiKeyCreate,
        {
            "name": "k",
            "scopes": ["*"],
            "ipAllowlist": ["192.0.2.7", "10.9.8.7/8", "2001:db8::1/48"],
        },
    )
    assert key.ip_allowlist == ["192.0.2.7/32", "10.0.0.0/8", "2001:db8::/48"]


def test_every_bad_field_is_named() -> None:
    issues = _issues(
        ApiKeyCreate,
        {
            "scopes": ["codes:read", "codes:admin"],
            "ipAllowlist": ["10.0.0.0/33"],
            "expiresAt": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "mode": "production",
        },
    )
    assert set(issues) == {("name",), ("scopes", 1), ("ipAllowlist", 0), ("expiresAt",), ("mode",)}
    assert "unknown scope 'codes:admin'" in issues[("scopes", 1)]
    assert "not an IP address or CIDR network" in issues[("ipAllowlist", 0)]
    assert issues[("expiresAt",)] == "must be in the future"


def test_a_time_without_a_zone_is_utc() -> None:
    key = ApiKeyCreate.model_validate(
        {"name": "k", "scopes": ["*"], "expiresAt": "2999-01-01T00:00:00"}
    )
    assert key.expires_at == datetime(2999, 1, 1, tzinfo=UTC)


def test_a_key_needs_at_least_one_scope_and_a_short_name() -> None:
    issues = _issues(ApiKeyCreate, {"name": "x" * 101, "scopes": []})
    assert set(issues) == {("name",), ("scopes",)}


def test_an_update_knows_what_was_sent() -> None:
    update = validate(ApiKeyUpdate, {"ipAllowlist": None})
    assert update.model_fields_set == {"ip_allowlist"} and update.ip_allowlist is None
    assert ("secret",) in _issues(ApiKeyUpdate, {"secret": "qr_live_x"})
