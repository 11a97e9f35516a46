"""Folders as clients send and see them (camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from qrstack_api.paging import LIST_END
from qrstack_api.updates import refuse_cleared
from qrstack_common.ids import CodeId, FolderId, WorkspaceId

HEX_COLOR = r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$"
MAX_POSITION = 1_000_000


def _folder_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


FolderName = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_folder_name)]
HexColor = Annotated[str, Field(pattern=HEX_COLOR, description="#RGB or #RRGGBB")]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION, strict=True)]  # false is not 0


class FolderCreate(BaseModel):
    """POST /v1/folders body. Without `position` the folder goes after the last one."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: FolderName
    color: HexColor | None = None
    position: Position | None = None


class FolderUpdate(BaseModel):
    """PATCH /v1/folders/{id} body: only what is sent changes; `color: null` clears the
    colour. Other folders keep their positions (equal positions list oldest first)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: FolderName | None = None
    color: HexColor | None = None
    position: Position | None = None

    @model_validator(mode="after")
    def _not_cleared(self) -> FolderUpdate:
        refuse_cleared(self, ("name", "position"), "send at least one of name, color, position")
        return self


class Folder(BaseModel):
    """A folder of codes."""

    model_config = ConfigDict(populate_by_name=True)

    id: FolderId
    workspace_id: WorkspaceId = Field(alias="workspaceId")
    name: str
    color: str | None
    position: int
    code_count: int = Field(alias="codeCount", description="Codes in it (deleted ones excluded).")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def of(cls, row: Any) -> Folder:
        return cls(
            id=row["id"],
            workspace_id=row["workspace_id"],
            name=row["name"],
            color=row["color"],
            position=row["position"],
            code_count=row["code_count"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class FolderList(BaseModel):
    """Every folder of the workspace, by position (then oldest first)."""

    data: list[Folder]
    next_cursor: str | None = LIST_END


class FolderAssignment(BaseModel):
    """POST /v1/codes/{id}/assign-folder body: a folder of the workspace, or null to unassign."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    folder_id: FolderId | None = Field(alias="folderId")


class AssignedFolder(BaseModel):
    """The code's folder after the assignment."""

    model_config = ConfigDict(populate_by_name=True)

    code_id: CodeId = Field(alias="codeId")
    folder_id: FolderId | None = Field(alias="folderId")
    updated_at: datetime = Field(alias="updatedAt")
