"""The code resource as clients send and see it (camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from qrstack_api.codes.slugs import slug_problem


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s):// URL")
    if len(value) > 2048:
        raise ValueError("must be at most 2048 characters")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
TAG_PATTERN = r"^[A-Za-z0-9_:.-]{1,48}$"


class CodeCreate(BaseModel):
    """POST /v1/codes body."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: Literal["url"] = "url"
    target_url: HttpUrl = Field(alias="targetUrl")
    slug: str | None = None
    name: str | None = Field(None, max_length=200)
    fallback_url: HttpUrl | None = Field(None, alias="fallbackUrl")
    redirect_status: Literal[301, 302, 307, 308] = Field(302, alias="redirectStatus")
    forward_query: bool = Field(False, alias="forwardQuery")
    scan_tracking_enabled: bool = Field(True, alias="scanTrackingEnabled")
    tags: list[Annotated[str, Field(pattern=TAG_PATTERN)]] = Field(
        default_factory=list, max_length=10
    )

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and (problem := slug_problem(value)):
            raise ValueError(problem)
        return value


def code_json(row: Any, *, short_url: str, total_scans: int | None = None) -> dict[str, Any]:
    """The public JSON of a code row."""
    created: datetime = row["created_at"]
    return {
        "id": str(row["id"]),
        "workspaceId": str(row["workspace_id"]),
        "type": row["type"],
        "name": row["name"],
        "dynamic": row["dynamic"],
        "slug": row["slug"],
        "domain": row["domain"],
        "shortUrl": short_url,
        "targetUrl": row["target_url"],
        "fallbackUrl": row["fallback_url"],
        "activeFrom": row["active_from"],
        "expiresAt": row["expires_at"],
        "maxScans": row["max_scans"],
        "redirectStatus": row["redirect_status"],
        "forwardQuery": row["forward_query"],
        "scanTrackingEnabled": row["scan_tracking"],
        "tags": list(row["tags"]),
        "status": row["status"],
        "totalScans": total_scans if total_scans is not None else 0,
        "createdAt": created,
        "updatedAt": row["updated_at"],
    }
