"""Scopes: what a principal holds, what it may hand out, and what each role holds."""

from __future__ import annotations

import uuid

import pytest

from qrstack_api.accounts.principal import ALL_SCOPES, ROLE_SCOPES, Principal
from qrstack_common.errors import ApiError


def _principal(*scopes: str, key: bool = True) -> Principal:
    return Principal(
        workspace_id=uuid.uuid4(),
        plan="free",
        key_id=uuid.uuid4() if key else None,
        user_id=None if key else uuid.uuid4(),
        scopes=frozenset(scopes),
        role=None if key else "editor",
        method="api_key" if key else "session",
    )


def test_require_refuses_a_missing_scope_with_403() -> None:
    principal = _principal("codes:read")
    principal.require("codes:read")
    with pytest.raises(ApiError) as caught:
        principal.require("codes:write")
    assert caught.value.status == 403 and "'codes:write'" in caught.value.detail
    assert "API key" in caught.value.detail
    with pytest.raises(ApiError) as caught:
        _principal("codes:read", key=False).require("keys:write")
    assert "editor role" in caught.value.detail


def test_the_star_scope_holds_every_scope() -> None:
    principal = _principal("*")
    assert all(principal.holds(scope) for scope in ALL_SCOPES)
    assert principal.can_grant(ALL_SCOPES)


@pytest.mark.parametrize(
    ("held", "asked", "allowed"),
    [
        (("codes:read", "codes:write"), ("codes:read",), True),
        (("codes:read", "codes:write"), ("codes:read", "codes:write"), True),
        (("codes:read",), ("codes:write",), False),
        (("codes:read",), ("codes:read", "keys:write"), False),
        (("*",), ("billing:read", "keys:write"), True),
        (("*",), ("*",), True),
        (tuple(ALL_SCOPES), ("*",), False),  # every named scope is still not '*'
        (tuple(ALL_SCOPES), tuple(ALL_SCOPES), True),
        ((), (), True),
    ],
)
def test_a_principal_grants_only_scopes_within_its_own(
    held: tuple[str, ...], asked: tuple[str, ...], allowed: bool
) -> None:
    assert _principal(*held).can_grant(asked) is allowed


def test_roles() -> None:
    assert "*" in ROLE_SCOPES["owner"]
    assert "keys:write" in ROLE_SCOPES["admin"] and "billing:read" not in ROLE_SCOPES["admin"]
    member = ROLE_SCOPES["editor"]
    assert {"codes:write", "rules:write", "analytics:read"} <= member
    assert not {"keys:read", "keys:write", "domains:write", "billing:read"} & member
    for scopes in ROLE_SCOPES.values():
        assert scopes <= {"*", *ALL_SCOPES}
