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
    gate_cookie_secret: str = setting(
        "GATE_COOKIE_SECRET",
        "",
        description="Key of the password gate's proof (the redirect service's cookie), which "
        "the streams of a protected code's files ask for; the same on every API and redirect "
        "replica. Empty: derived from VISITOR_HASH_SALT.",
    )
    visitor_hash_salt: str = setting(
        "VISITOR_HASH_SALT",
        "",
        description="The platform's shared salt; the API reads it only to derive the gate key "
        "when GATE_COOKIE_SECRET is empty.",
    )
