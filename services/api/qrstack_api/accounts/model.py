"""The API key, "me" and workspace resources as clients send and see them (camelCase JSON)."""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_network
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from qrstack_api.accounts.principal import ALL_SCOPES, EVERY_SCOPE, GRANTABLE_SCOPES
from qrstack_api.paging import LIST_END
from qrstack_common.ids import KeyId, UserId, WorkspaceId
from qrstack_common.payloads.fields import UtcDateTime

MAX_ALLOWLIST = 100
Mode = Literal["live", "test"]


def _known_scope(value: str) -> str:
    if value not in GRANTABLE_SCOPES:
        raise ValueError(
            f"unknown scope {value!r}; scopes are '*' or one of {', '.join(ALL_SCOPES)}"
        )
    return value


def _cidr(value: str) -> str:
    """A network in CIDR notation (a bare address is its /32 or /128); host bits are cleared."""
    try:
        return str(ip_network(value.strip(), strict=False))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or CIDR network") from None


def _future(value: datetime | None) -> datetime | None:
    if value is not None and value <= datetime.now(UTC):
        raise ValueError("must be in the future")
    return value


Scope = Annotated[
    str,
    AfterValidator(_known_scope),
    Field(json_schema_extra={"enum": [EVERY_SCOPE, *ALL_SCOPES]}),
]
Cidr = Annotated[str, AfterValidator(_cidr), Field(examples=["203.0.113.0/24", "2001:db8::/48"])]
FutureTime = Annotated[UtcDateTime | None, AfterValidator(_future)]


class ApiKeyCreate(BaseModel):
    """A new API key of the caller's workspace."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(
        min_length=1, description="A subset of the caller's own scopes; '*' holds every scope."
    )
    ip_allowlist: list[Cidr] | None = Field(
        None,
        alias="ipAllowlist",
        max_length=MAX_ALLOWLIST,
        description="Only requests from these networks may use the key (none: any address).",
    )
    expires_at: FutureTime = Field(None, alias="expiresAt")
    mode: Mode | None = Field(
        None,
        description="live (qr_live_) or test (qr_test_); must match the workspace, which it "
        "defaults to.",
    )
    account_wide: bool = Field(
        False,
        alias="accountWide",
        description="Act on every workspace of the issuing user (pick one with ?workspaceId=), "
        "with at most the user's role's scopes there; by default a key is bound to its "
        "workspace.",
    )


class ApiKeyUpdate(BaseModel):
    """Changes to a key: only the fields sent change; null clears ipAllowlist or expiresAt."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str | None = Field(None, min_length=1, max_length=100)
    scopes: list[Scope] | None = Field(None, min_length=1)
    ip_allowlist: list[Cidr] | None = Field(None, alias="ipAllowlist", max_length=MAX_ALLOWLIST)
    expires_at: FutureTime = Field(None, alias="expiresAt")


class ApiKeyView(BaseModel):
    """An API key (never its secret nor its hash)."""

    model_config = ConfigDict(populate_by_name=True)

    id: KeyId
    name: str
    prefix: str = Field(description="The first characters of the secret, to tell keys apart.")
    mode: Mode
    scopes: list[str]
    ip_allowlist: list[str] = Field(alias="ipAllowlist")
    expires_at: datetime | None = Field(alias="expiresAt")
    status: Literal["active", "expired"]
    last_used_at: datetime | None = Field(
        alias="lastUsedAt", description="When the key was last presented (to the minute)."
    )
    created_at: datetime = Field(alias="createdAt")
    created_by: UserId | None = Field(alias="createdBy", description="The issuing user, if any.")
    account_wide: bool = Field(alias="accountWide", description="See ApiKeyCreate.")


class ApiKeyCreated(ApiKeyView):
    """The new API key, with its secret: shown this once, never again."""

    secret: str


class ApiKeyList(BaseModel):
    """The workspace's API keys (revoked ones are gone), newest first."""

    data: list[ApiKeyView]
    next_cursor: str | None = LIST_END


class WorkspaceView(BaseModel):
    """A workspace the caller may act on."""

    model_config = ConfigDict(populate_by_name=True)

    id: WorkspaceId
    name: str
    plan: str
    mode: Mode
    role: str | None = Field(description="The user's role; null for an API key.")
    is_default: bool = Field(
        alias="isDefault", description="Acted on when a request names no workspaceId."
    )


class WorkspaceList(BaseModel):
    """The workspaces of the caller: a user's memberships (the default first), or a key's one
    workspace."""

    data: list[WorkspaceView]
    next_cursor: str | None = LIST_END


class MeUser(BaseModel):
    id: UserId
    email: str


class MeKey(BaseModel):
    id: KeyId
    name: str
    prefix: str


class Me(BaseModel):
    """Who the request acts as: the user or key, the workspace, the scopes held."""

    model_config = ConfigDict(populate_by_name=True)

    authenticated_by: Literal["api_key", "basic", "session"] = Field(alias="authenticatedBy")
    user: MeUser | None
    key: MeKey | None
    workspace: WorkspaceView
    scopes: list[str]
