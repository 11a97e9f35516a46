"""Who a request acts as, and the scopes it holds.

Scopes are `resource:read` / `resource:write`; `*` holds every scope. API keys carry the scopes
they were given; users (Basic or session) hold the scopes of their role in the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast
from uuid import UUID

from aiohttp import web

from qrstack_common.errors import ApiError

ALL_SCOPES = (
    "codes:read",
    "codes:write",
    "folders:read",
    "folders:write",
    "rules:read",
    "rules:write",
    "domains:read",
    "domains:write",
    "analytics:read",
    "keys:read",
    "keys:write",
    "billing:read",
    "webhooks:read",
    "webhooks:write",
    "members:read",
    "members:write",
)
EVERY_SCOPE = "*"
GRANTABLE_SCOPES = frozenset((EVERY_SCOPE, *ALL_SCOPES))

Role = Literal["owner", "admin", "editor", "viewer"]
ROLES: tuple[Role, ...] = ("owner", "admin", "editor", "viewer")
LEGACY_ROLES = {"member": "editor"}  # the name before teams (CHANGELOG 0.9), still read
AuthMethod = Literal["api_key", "basic", "session"]

_VIEWER = frozenset(
    (
        "codes:read",
        "folders:read",
        "rules:read",
        "domains:read",
        "analytics:read",
        "members:read",
    )
)
_EDITOR = _VIEWER | {"codes:write", "folders:write", "rules:write"}

# Owners hold everything; admins everything but billing (members, invites and the workspace's
# name included); editors work with codes and their folders and rules, and read domains,
# analytics and the member list, but manage no keys; viewers read only.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "owner": frozenset((EVERY_SCOPE, *ALL_SCOPES)),
    "admin": frozenset(s for s in ALL_SCOPES if s != "billing:read"),
    "editor": _EDITOR,
    "viewer": _VIEWER,
    "member": _EDITOR,
}


def role_name(stored: str) -> Role:
    """A stored role as /v1 names it (`member`, the old name, is `editor`)."""
    return cast(Role, LEGACY_ROLES.get(stored, stored))


@dataclass(frozen=True, slots=True)
class Principal:
    workspace_id: UUID
    plan: str
    key_id: UUID | None  # None when authenticated as a user (Basic or session)
    user_id: UUID | None  # None when authenticated with an API key
    scopes: frozenset[str]
    is_test: bool = False  # the workspace is a test workspace (qr_test_ keys)
    role: str | None = None  # the user's role in the workspace; None for a key
    method: AuthMethod = "api_key"
    issuer_id: UUID | None = None  # for a key: the user who issued it (None: the CLI)

    @property
    def acting_user(self) -> UUID | None:
        """The user behind the request: the signed-in user, or the key's issuer."""
        return self.user_id if self.user_id is not None else self.issuer_id

    def holds(self, scope: str) -> bool:
        return EVERY_SCOPE in self.scopes or scope in self.scopes

    def require(self, scope: str) -> None:
        """403 `forbidden` unless the principal holds `scope` (or the `*` scope)."""
        if not self.holds(scope):
            who = "API key" if self.key_id is not None else f"{self.role or 'user'} role"
            raise ApiError("forbidden", f"This {who} lacks the {scope!r} scope.")

    def can_grant(self, scopes: Iterable[str]) -> bool:
        """Whether every one of `scopes` is within this principal's own: nobody hands out more
        than they hold, and only a holder of `*` hands out `*`."""
        return all((s in self.scopes) if s == EVERY_SCOPE else self.holds(s) for s in scopes)


PRINCIPAL = web.RequestKey("principal", Principal)


def principal_of(request: web.Request) -> Principal:
    """The authenticated principal. Only for routes behind authentication (the middleware
    answers 401 before such a handler runs); see `caller_of` for optional-auth routes."""
    return request[PRINCIPAL]


def caller_of(request: web.Request) -> Principal | None:
    """The principal on routes where credentials are optional (generation), else None."""
    return request.get(PRINCIPAL)
