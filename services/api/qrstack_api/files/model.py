"""A code's files as clients send and see them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from qrstack_api.codes.model import CodeView
from qrstack_common.payloads.media import MAX_IMAGES


class FileView(BaseModel):
    """One file of a code's page."""

    model_config = ConfigDict(populate_by_name=True)

    index: int = Field(description="Its place on the page (0 for a PDF).")
    file_key: str = Field(alias="fileKey", description="As the code's payload names it.")
    url: str = Field(description="The public stream serving it (no credentials needed).")
    media_type: str = Field(alias="mediaType")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="Hex digest of the content served (also its ETag).")
    original_filename: str | None = Field(alias="originalFilename")
    uploaded_at: datetime = Field(alias="uploadedAt")


class CodeFiles(BaseModel):
    """A code's files in page order, and the code as it now is."""

    files: list[FileView]
    code: CodeView


class ImageOrder(BaseModel):
    """The carousel's current indexes, in their new order: `[2, 0, 1]` shows the third image
    first."""

    model_config = ConfigDict(extra="forbid")

    order: list[StrictInt] = Field(max_length=MAX_IMAGES)


class StreamQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    gate: str | None = Field(
        None,
        description="A password-protected code's gate proof, as its hosted page links the "
        "file (the value of the redirect's qrgate cookie once the password was entered).",
    )
