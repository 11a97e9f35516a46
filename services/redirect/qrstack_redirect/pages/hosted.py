"""What each hosted page's template needs beyond the page content itself."""

from __future__ import annotations

from typing import Any

from qrstack_common.payloads import Payload
from qrstack_common.payloads.media import AppDownloadPage, ImageCarouselPage, PdfPage
from qrstack_common.payloads.pages import BusinessPage
from qrstack_common.payloads.web import profile_url, scanner_platform


def hosted_context(
    page: Payload, *, code_id: str, os: str | None, files_url: str
) -> dict[str, Any]:
    """The template context of a hosted page of code `code_id` for a scanner on `os`.
    Files (the PDF, carousel images) are the API's public streams under `files_url`
    (`/v1/files/pdf/{code}`, `/v1/files/image/{code}/{index}`, index from 0)."""
    context: dict[str, Any] = {"page": page, "brand": getattr(page, "brand_color", None)}
    base = files_url.rstrip("/")
    if isinstance(page, PdfPage):
        context["pdf_url"] = f"{base}/v1/files/pdf/{code_id}"
    elif isinstance(page, ImageCarouselPage):
        context["image_urls"] = [
            f"{base}/v1/files/image/{code_id}/{index}" for index in range(len(page.images))
        ]
    elif isinstance(page, BusinessPage):
        context["socials"] = [
            {"platform": s.platform, "handle": s.handle, "url": profile_url(s)}
            for s in page.socials
        ]
    elif isinstance(page, AppDownloadPage):
        context["platform"] = scanner_platform(os)
    return context
