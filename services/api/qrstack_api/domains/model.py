"""Custom short domains as clients send and see them (camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qrstack_api.domains.hosts import host_problem, normalise_host
from qrstack_api.domains.verification import target_record, txt_name, txt_value
from qrstack_api.paging import LIST_END
from qrstack_common.ids import DomainId, WorkspaceId
from qrstack_common.payloads import WebUrl

_BASE_TEXT = "Where https://host/ (no slug) redirects; unset: a plain page."
_NOT_FOUND_TEXT = "Where an unknown slug redirects; unset: a branded 404 page."


class DomainCreate(BaseModel):
    """POST /v1/domains body."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = Field(
        max_length=300,
        description="A DNS name like qr.example.com (stored in lower case); not an IP address, "
        "not the platform's short domain, not a host another workspace uses.",
    )
    base_url: WebUrl | None = Field(None, alias="baseUrl", description=_BASE_TEXT)
    not_found_url: WebUrl | None = Field(None, alias="notFoundUrl", description=_NOT_FOUND_TEXT)

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        host = normalise_host(value)
        if problem := host_problem(host):
            raise ValueError(problem)
        return host


class DomainUpdate(BaseModel):
    """PATCH /v1/domains/{id} body: what is sent changes, `null` clears. The host cannot
    change (printed codes carry it): add a new domain instead."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    base_url: WebUrl | None = Field(None, alias="baseUrl", description=_BASE_TEXT)
    not_found_url: WebUrl | None = Field(None, alias="notFoundUrl", description=_NOT_FOUND_TEXT)

    @model_validator(mode="after")
    def _something(self) -> DomainUpdate:
        if not self.model_fields_set:
            raise ValueError("send baseUrl, notFoundUrl or both")
        return self


class DomainTarget(BaseModel):
    """The record that points the host at the redirect tier (what scans need)."""

    type: Literal["CNAME", "A", "AAAA"]
    name: str = Field(description="The domain's host.")
    value: str = Field(description="The redirect tier's name (CNAME) or address (A/AAAA).")


class DomainVerification(BaseModel):
    """Whether the workspace showed it controls the host's DNS: publish the TXT record, then
    `POST /v1/domains/{id}/verify`. Serving does not wait for it (see docs/console.md)."""

    model_config = ConfigDict(populate_by_name=True)

    status: Literal["pending", "verified", "failed"] = Field(
        description="pending: never checked; verified: the last check found the record; "
        "failed: the last check did not (see failure)."
    )
    txt_name: str = Field(alias="txtName", description="The DNS name to publish the TXT at.")
    txt_value: str = Field(alias="txtValue", description="The TXT record's exact value.")
    target: DomainTarget
    checked_at: datetime | None = Field(alias="checkedAt", description="The last check.")
    verified_at: datetime | None = Field(
        alias="verifiedAt", description="When a check last found the record."
    )
    failure: str | None = Field(description="Why the last check failed (null unless failed).")


class Domain(BaseModel):
    """A custom short domain of the workspace."""

    model_config = ConfigDict(populate_by_name=True)

    id: DomainId
    workspace_id: WorkspaceId = Field(alias="workspaceId")
    host: str
    short_url_base: str = Field(alias="shortUrlBase", description="Short URLs are base/slug.")
    base_url: str | None = Field(alias="baseUrl")
    not_found_url: str | None = Field(alias="notFoundUrl")
    status: Literal["active", "deleted"]
    verification: DomainVerification
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def of(cls, row: Any, *, scheme: str, target: str) -> Domain:
        return cls(
            id=row["id"],
            workspace_id=row["workspace_id"],
            host=row["host"],
            short_url_base=f"{scheme}://{row['host']}",
            base_url=row["base_url"],
            not_found_url=row["not_found_url"],
            status=row["status"],
            verification=DomainVerification(
                status=row["verification_status"],
                txt_name=txt_name(row["host"]),
                txt_value=txt_value(row["verification_token"]),
                target=DomainTarget(type=target_record(target), name=row["host"], value=target),
                checked_at=row["verification_checked_at"],
                verified_at=row["verified_at"],
                failure=row["verification_failure"],
            ),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class DomainList(BaseModel):
    """The workspace's active custom domains, by host."""

    data: list[Domain]
    next_cursor: str | None = LIST_END
