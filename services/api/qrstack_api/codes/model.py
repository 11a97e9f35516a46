"""The code resource as clients send and see it (camelCase JSON, TurtleQR's field names).

A request body is the code's own fields (`CodeFields`) plus, for every type but `url`, its
payload nested under the type's key (`"wifi": {...}`, `"card": {...}`); `codes.input` splits
and validates the two. `CodeView` is the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from qrstack_api.codes.slugs import slug_problem
from qrstack_api.codes.style_shape import style_in
from qrstack_common.ids import CodeId, FolderId, WorkspaceId
from qrstack_common.payloads import WebUrl
from qrstack_common.payloads.fields import UtcDateTime
from qrstack_common.render.spec import ErrorCorrection, ImageFormat, RenderSpec, Style

TAG_PATTERN = r"^[A-Za-z0-9_:.-]{1,48}$"
# Fields that may be sent as null (PATCH: clear them); the others refuse null on PATCH.
Tag = Annotated[str, Field(pattern=TAG_PATTERN)]
DerivedStatus = Literal["active", "scheduled", "expired", "limit_reached", "suspended", "deleted"]


def _schema_nulls(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Every field is optional in Python (unset = default or unchanged), but only the
    NULLABLE_FIELDS accept null: the schema offers null, and a null default, for those only."""
    for name, field in model.model_fields.items():
        if name in NULLABLE_FIELDS:
            continue
        prop = schema.get("properties", {}).get(field.alias or name)
        if prop is None:
            continue
        options = [o for o in prop.pop("anyOf", ()) if o.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class CodeFields(BaseModel):
    """A code's own fields. On create and PUT, unset means the default; on PATCH, unset means
    unchanged and `null` clears a nullable field."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra=_schema_nulls
    )

    type: str | None = Field(None, description="Payload type (default url); aliases accepted.")
    dynamic: bool | None = Field(
        None, description="Encode a short URL that can be retargeted (default where possible)."
    )
    name: str | None = Field(
        None,
        max_length=200,
        alias="label",
        validation_alias=AliasChoices("label", "name"),
        description="The code's label (searched by q); also accepted as name.",
    )
    target_url: WebUrl | None = Field(None, alias="targetUrl")
    slug: str | None = Field(
        None, description="Custom slug [A-Za-z0-9_-]{1,100}; generated if unset."
    )
    domain: str | None = Field(
        None, max_length=253, description="A custom domain of the workspace."
    )
    fallback_url: WebUrl | None = Field(None, alias="fallbackUrl")
    active_from: UtcDateTime | None = Field(
        None, alias="activeFrom", description="ISO 8601; without an offset it is UTC."
    )
    expires_at: UtcDateTime | None = Field(
        None,
        alias="expiresAt",
        validation_alias=AliasChoices("expiresAt", "activeUntil"),
        description="Also accepted as activeUntil. ISO 8601; without an offset it is UTC.",
    )
    max_scans: int | None = Field(None, alias="maxScans", ge=1, le=2_000_000_000)
    tags: list[Tag] | None = Field(None, max_length=10)
    folder_id: FolderId | None = Field(None, alias="folderId")
    password: str | None = Field(None, min_length=1, max_length=128)
    password_hint: str | None = Field(None, alias="passwordHint", max_length=100)
    style: Style | None = None
    scan_tracking_enabled: bool | None = Field(None, alias="scanTrackingEnabled")
    redirect_status: Literal[301, 302, 307, 308] | None = Field(None, alias="redirectStatus")
    forward_query: bool | None = Field(None, alias="forwardQuery")
    status: Literal["active", "suspended"] | None = Field(
        None, description="Suspend a code (its scans go to the fallback) or reactivate it."
    )

    @field_validator("style", mode="before")
    @classmethod
    def _turtleqr_style(cls, value: Any) -> Any:
        return style_in(value)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and (problem := slug_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return value.strip().lower().rstrip(".") if value is not None else None

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


NULLABLE_FIELDS = frozenset(
    {
        "name", "target_url", "domain", "fallback_url", "active_from", "expires_at",
        "max_scans", "folder_id", "password", "password_hint", "style",
    }
)  # fmt: skip


class RefusedScans(BaseModel):
    """Scans a person made that got the code's refusal (its fallback URL, or the page that
    says why), by reason."""

    model_config = ConfigDict(populate_by_name=True)

    limit_reached: int = Field(alias="limitReached", description="The scan cap was used up.")
    not_active: int = Field(
        alias="notActive", description="Outside the schedule: before activeFrom, from expiresAt."
    )
    fallback: int = Field(description="The code was deleted or suspended.")


class CodeView(BaseModel):
    """A QR code."""

    model_config = ConfigDict(populate_by_name=True)

    id: CodeId
    workspace_id: WorkspaceId = Field(alias="workspaceId")
    type: str
    dynamic: bool
    label: str | None
    name: str | None = Field(description="Same as label (qrstack's earlier name for it).")
    slug: str | None
    domain: str | None
    short_url: str | None = Field(alias="shortUrl", description="null for static codes")
    target_url: str | None = Field(alias="targetUrl")
    fallback_url: str | None = Field(alias="fallbackUrl")
    active_from: datetime | None = Field(alias="activeFrom")
    expires_at: datetime | None = Field(alias="expiresAt")
    max_scans: int | None = Field(alias="maxScans")
    tags: list[str]
    folder_id: FolderId | None = Field(alias="folderId")
    password_protected: bool = Field(alias="passwordProtected")
    password_hint: str | None = Field(alias="passwordHint")
    style: dict[str, Any] | None
    scan_tracking_enabled: bool = Field(alias="scanTrackingEnabled")
    redirect_status: int = Field(alias="redirectStatus")
    forward_query: bool = Field(alias="forwardQuery")
    status: DerivedStatus
    total_scans: int | None = Field(
        alias="totalScans",
        description="Scans answered, all time: the scanner was sent to the target (or a "
        "rule's) or shown the hosted page. Refused scans are in `refusedScans`; bots are not "
        "counted. null while the analytics service is unreachable.",
    )
    refused_scans: RefusedScans | None = Field(
        alias="refusedScans",
        description="Scans a person made that the code did not answer, all time, by reason. "
        "null while the analytics service is unreachable.",
    )
    scans_used: int | None = Field(
        alias="scansUsed",
        description="A capped code's scans counted by its scan cap (the redirect service's "
        "own count, exact across its replicas, settled within seconds of a scan); null "
        "without `maxScans`. The cap counts from when it was set.",
    )
    scans_remaining: int | None = Field(
        alias="scansRemaining",
        description="`maxScans - scansUsed`, never below 0; null without `maxScans`. At 0 "
        "the status is `limit_reached`.",
    )
    payload: dict[str, Any] = Field(
        description="The type's fields (also nested under the type's key, e.g. `wifi`)."
    )
    content: str | None = Field(description="What a static code's image encodes.")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    deleted_at: datetime | None = Field(alias="deletedAt")


class CodeList(BaseModel):
    """A page of codes, newest first."""

    data: list[CodeView]
    next_cursor: str | None = Field(alias="nextCursor")


class CodeListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    limit: int = Field(100, ge=1, le=100)
    cursor: str | None = None
    folder_id: str | None = Field(None, alias="folderId", description="A folder id, or none.")
    tag: str | None = None
    status: DerivedStatus | None = None
    q: str | None = Field(None, max_length=200, description="Search slug, label and target URL.")
    type: str | None = None


class BulkCreate(BaseModel):
    """Up to 1000 codes, each with the body of POST /v1/codes."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class BulkItemResult(BaseModel):
    index: int
    status: int
    code: CodeView | None = None
    error: dict[str, Any] | None = None


class BulkResult(BaseModel):
    """Per-item results, in request order."""

    created: int
    failed: int
    results: list[BulkItemResult]


class DeleteQuery(BaseModel):
    purge: bool = Field(False, description="Remove the code for good (not restorable).")


def _render_limit(name: str, bound: str) -> Any:
    """The render contract's `ge`/`le` limit of its field `name` (one place for the limits; the
    renderer checks them again)."""
    for rule in RenderSpec.model_fields[name].metadata:
        if hasattr(rule, bound):
            return getattr(rule, bound)
    return None


def _render_option(name: str, description: str) -> Any:
    return Field(
        None,
        ge=_render_limit(name, "ge"),
        le=_render_limit(name, "le"),
        description=f"{description} (default: the renderer's)",
    )


class ImageQuery(BaseModel):
    """How to draw a code's image (its style is the stored one)."""

    model_config = ConfigDict(populate_by_name=True)

    size: int | None = _render_option("size", "Width of the image in pixels")
    scale: int | None = _render_option("scale", "Pixels per module")
    margin: int | None = _render_option("margin", "Quiet zone in modules")
    dpi: int | None = _render_option("dpi", "Print resolution (PNG, PDF)")
    error_correction: ErrorCorrection | None = Field(None, alias="errorCorrection")


class ImageFormatQuery(ImageQuery):
    format: ImageFormat = "png"

    @field_validator("format", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value
