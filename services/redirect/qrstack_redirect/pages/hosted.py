"""What each hosted page's template needs beyond the page content itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from qrstack_common.payloads import Payload
from qrstack_common.payloads.media import AppDownloadPage, ImageCarouselPage, PdfPage
from qrstack_common.payloads.pages import BusinessPage
from qrstack_common.payloads.web import profile_url, scanner_platform


def on_brand(brand: str | None) -> str | None:
    """Text colour readable on the brand colour `#rrggbb`: black on light brands (a yellow button
    with white text cannot be read), white on dark ones, whichever contrasts more; one of the
    two always reaches WCAG AA (4.5:1). None without a brand."""
    if brand is None or len(brand) != 7:
        return None
    r, g, b = (int(brand[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#000000"


def file_size(size: int) -> str:
    """A file's size as people read it: "830 bytes", "17 KB", "2.4 MB" (units of 1024)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1048576:.1f} MB"


def hosted_context(
    page: Payload, *, code_id: str, os: str | None, files_url: str, gate: str | None = None
) -> dict[str, Any]:
    """The template context of a hosted page of code `code_id` for a scanner on `os`.
    Files (the PDF, carousel images) are the API's public streams under `files_url`
    (`/v1/files/pdf/{code}`, `/v1/files/image/{code}/{index}`, index from 0); a
    password-protected code's links carry the gate's proof `gate` (`?gate=`), without which
    the API does not serve them."""
    brand = getattr(page, "brand_color", None)
    context: dict[str, Any] = {"page": page, "brand": brand, "on_brand": on_brand(brand)}
    base = files_url.rstrip("/")
    proof = f"?{urlencode({'gate': gate})}" if gate else ""
    if isinstance(page, PdfPage):
        context["pdf_url"] = f"{base}/v1/files/pdf/{code_id}{proof}"
    elif isinstance(page, ImageCarouselPage):
        context["image_urls"] = [
            f"{base}/v1/files/image/{code_id}/{index}{proof}" for index in range(len(page.images))
        ]
    elif isinstance(page, BusinessPage):
        context["socials"] = [
            {"platform": s.platform, "handle": s.handle, "url": profile_url(s)}
            for s in page.socials
        ]
    elif isinstance(page, AppDownloadPage):
        context["platform"] = scanner_platform(os)
    return context
