"""Workspaces, members and invites as clients send and see them (camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from qrstack_api.accounts.model import WorkspaceView
from qrstack_api.accounts.principal import Role
from qrstack_api.paging import LIST_END
from qrstack_common.ids import InviteId, UserId, WorkspaceId
from qrstack_common.payloads import WebUrl

MIN_PASSWORD = 10
MAX_INVITE_HOURS = 30 * 24
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    Field(examples=["ada@example.com"]),
]
WorkspaceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(description="Shown in the workspace switcher.", examples=["Marketing"]),
]


class WorkspaceCreate(BaseModel):
    """A new workspace; the user who creates it is its owner."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: WorkspaceName


class WorkspaceCreated(WorkspaceView):
    """The new workspace (act on it with ?workspaceId=)."""


FILES_RATE_LIMIT = (
    "Page views of the workspace's public file streams allowed per client address per hour "
    "(an image costs 1/n of an n-image carousel, a PDF the share of it sent; docs/files.md); "
    "null: the platform's default (30)."
)


class WorkspaceUpdate(BaseModel):
    """Changes to a workspace: only the fields sent change. The name needs `members:write`
    (owners and admins); null clears the fallback URL."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: WorkspaceName | None = None
    fallback_url: WebUrl | None = Field(
        None,
        alias="fallbackUrl",
        description="Where scanners of a deleted code go (before the code's own fallbackUrl).",
    )
    files_rate_limit: StrictInt | None = Field(
        None, ge=1, le=1_000_000, alias="filesRateLimit", description=FILES_RATE_LIMIT
    )


class Member(BaseModel):
    """A user's membership of the workspace."""

    model_config = ConfigDict(populate_by_name=True)

    user_id: UserId = Field(alias="userId")
    email: str
    role: Role
    joined_at: datetime = Field(alias="joinedAt")


class MemberList(BaseModel):
    """The workspace's members, oldest first."""

    data: list[Member]
    next_cursor: str | None = LIST_END


class MemberUpdate(BaseModel):
    """A member's new role. Only an owner makes or unmakes owners; the last owner stays."""

    model_config = ConfigDict(extra="forbid")

    role: Role


class InviteCreate(BaseModel):
    """An invite by link to join the workspace with a role."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    email: Email | None = Field(
        None, description="Only this address may accept it; none: whoever holds the link."
    )
    role: Role = Field("editor", description="Only an owner invites owners.")
    expires_in_hours: int = Field(
        168, alias="expiresInHours", ge=1, le=MAX_INVITE_HOURS, description="7 days by default."
    )


InviteStatus = Literal["pending", "accepted", "expired", "revoked"]


class Invite(BaseModel):
    """An invite (never its token: the link is shown once, when it is created)."""

    model_config = ConfigDict(populate_by_name=True)

    id: InviteId
    email: str | None
    role: Role
    status: InviteStatus
    expires_at: datetime = Field(alias="expiresAt")
    created_at: datetime = Field(alias="createdAt")
    created_by: UserId | None = Field(alias="createdBy")
    accepted_at: datetime | None = Field(alias="acceptedAt")
    accepted_by: UserId | None = Field(alias="acceptedBy")


class InviteCreated(Invite):
    """The new invite with its token and link: shown this once, never again (only the token's
    SHA-256 is stored)."""

    token: str
    url: str = Field(description="The console page that accepts it: send this to the invitee.")


class InviteList(BaseModel):
    """The workspace's latest invites (at most 100), newest first."""

    data: list[Invite]
    next_cursor: str | None = LIST_END


class InviteToken(BaseModel):
    """An invite link's token."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)


class InvitePreview(BaseModel):
    """What an invite offers, for the page that accepts it."""

    model_config = ConfigDict(populate_by_name=True)

    workspace_name: str = Field(alias="workspaceName")
    role: Role
    email: str | None
    status: InviteStatus
    expires_at: datetime = Field(alias="expiresAt")


class InviteAccept(BaseModel):
    """Accept an invite: signed in (as the user who joins), or with the email and password of
    a new account, which the invite creates."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)
    email: Email | None = Field(None, description="For a new account (not signed in).")
    password: str | None = Field(
        None, min_length=MIN_PASSWORD, max_length=1000, description="For a new account."
    )


class InviteAccepted(BaseModel):
    """The membership the invite made. A new account's answer also sets its `sessionid`."""

    model_config = ConfigDict(populate_by_name=True)

    workspace_id: WorkspaceId = Field(alias="workspaceId")
    workspace_name: str = Field(alias="workspaceName")
    role: Role
    user_id: UserId = Field(alias="userId")
    account_created: bool = Field(alias="accountCreated")
