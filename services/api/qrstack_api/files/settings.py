"""Settings of file uploads and streams. `ApiSettings` inherits these fields."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from qrstack_common.payloads.media import IMAGE_MAX_BYTES, PDF_MAX_BYTES
from qrstack_common.settings import ServiceSettings


class FileSettings(ServiceSettings):
    files_pdf_max_bytes: int = Field(
        20 << 20,
        ge=1,
        le=PDF_MAX_BYTES,
        validation_alias=AliasChoices("FILES_PDF_MAX_BYTES", "files_pdf_max_bytes"),
        description="Largest PDF a pdf code accepts, in bytes (at most 100 MiB).",
    )
    files_image_max_bytes: int = Field(
        IMAGE_MAX_BYTES,
        ge=1,
        le=IMAGE_MAX_BYTES,
        validation_alias=AliasChoices("FILES_IMAGE_MAX_BYTES", "files_image_max_bytes"),
        description="Largest carousel image, in bytes (at most 5 MiB).",
    )
    public_api_url: str = Field(
        "http://127.0.0.1:8000",
        validation_alias=AliasChoices("PUBLIC_API_URL", "public_api_url"),
        description="Public base URL of the API; hosted PDF and image pages link its file "
        "streams (/v1/files/...).",
    )
