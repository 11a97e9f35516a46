"""Who a request acts as, and the scopes it holds."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from aiohttp import web

from qrstack_common.errors import ApiError

ALL_SCOPES = ("codes:read", "codes:write", "analytics:read")


@dataclass(frozen=True, slots=True)
class Principal:
    workspace_id: UUID
    plan: str
    key_id: UUID | None  # None when authenticated as a user (Basic or session)
    user_id: UUID | None
    scopes: frozenset[str]

    def require(self, scope: str) -> None:
        """403 `forbidden` unless the principal holds `scope` (or the `*` scope)."""
        if "*" not in self.scopes and scope not in self.scopes:
            raise ApiError("forbidden", f"This API key lacks the {scope!r} scope.")


PRINCIPAL = web.RequestKey("principal", Principal)


def principal_of(request: web.Request) -> Principal:
    return request[PRINCIPAL]
