"""Settings of file uploads and streams. `ApiSettings` inherits these fields."""

from __future__ import annotations

from qrstack_common.payloads.media import IMAGE_MAX_BYTES, PDF_MAX_BYTES
from qrstack_common.settings import ServiceSettings, setting


class FileSettings(ServiceSettings):
    files_pdf_max_bytes: int = setting(
        "FILES_PDF_MAX_BYTES",
        PDF_MAX_BYTES,
        ge=1,
        le=PDF_MAX_BYTES,
        description="Largest PDF a pdf code accepts, in bytes (default and most 100 MiB).",
    )
    files_image_max_bytes: int = setting(
        "FILES_IMAGE_MAX_BYTES",
        IMAGE_MAX_BYTES,
        ge=1,
        le=IMAGE_MAX_BYTES,
        description="Largest carousel image, in bytes (at most 5 MiB).",
    )
    public_api_url: str = setting(
        "PUBLIC_API_URL",
        "http://127.0.0.1:8000",
        description="Public base URL of the API; hosted PDF and image pages link its file "
        "streams (/v1/files/...).",
    )
