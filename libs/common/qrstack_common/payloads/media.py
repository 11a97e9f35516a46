"""Hosted pages around a file or a video: pdf, image-carousel, video, app-download.

Files arrive through the upload endpoints, so a pdf or carousel page may be created empty and
filled by them (TurtleQR's "1-10 images" is the most a carousel holds once published; the
redirect service shows an empty carousel as "no images yet"). Limits: a PDF up to 100 MB
(TurtleQR's body limit), carousel images up to 10 of 5 MB each in JPEG, PNG, WebP or GIF.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import AfterValidator, Field

from qrstack_common.errors import Issue
from qrstack_common.payloads.fields import NOT_EMPTY, Line, Prose, WebUrl, at_most
from qrstack_common.payloads.model import Payload, PayloadPart, alias

PDF_MAX_BYTES = 100 * 1024 * 1024
IMAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 10
ImageType = Literal["image/jpeg", "image/png", "image/webp", "image/gif"]

Title = Annotated[Line, at_most(100)]
Description = Annotated[Prose, at_most(500)]
FileKey = Annotated[Line, NOT_EMPTY, at_most(255)]


class PdfPage(Payload):
    """`fileKey` (TurtleQR: `r2Key`, set by the upload), `originalFilename`, `fileSize`,
    `description`, `downloadOnly`."""

    file_key: FileKey | None = alias("fileKey", "r2Key", default=None)
    original_filename: Annotated[Line, at_most(255)] | None = None
    file_size: Annotated[int, Field(ge=0, le=PDF_MAX_BYTES)] | None = None
    description: Description | None = None
    download_only: bool = False


class CarouselImage(PayloadPart):
    file_key: FileKey = alias("fileKey", "r2Key")
    content_type: ImageType
    size: Annotated[int, Field(ge=1, le=IMAGE_MAX_BYTES)] | None = None
    alt: Annotated[Line, at_most(200)] | None = None


class ImageCarouselPage(Payload):
    """`images` (at most 10, in display order), `title`, `description`."""

    images: Annotated[list[CarouselImage], Field(max_length=MAX_IMAGES)] = Field(
        default_factory=list
    )
    title: Title | None = None
    description: Description | None = None


_YOUTUBE_HOSTS = (
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
)
_VIMEO_HOSTS = ("vimeo.com", "www.vimeo.com", "player.vimeo.com")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def video_embed_url(url: str) -> str | None:
    """The player URL to embed for a YouTube or Vimeo video link, None for anything else."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    video_id: str | None = None
    if host == "youtu.be" and segments:
        video_id = segments[0]
    elif host in _YOUTUBE_HOSTS:
        if parts.path == "/watch":
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            video_id = segments[1]
    if video_id is not None:
        if _YOUTUBE_ID.fullmatch(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host in _VIMEO_HOSTS:
        numeric = [s for s in segments if s.isdigit()]
        if numeric:
            return f"https://player.vimeo.com/video/{numeric[-1]}"
    return None


def _video_url(value: str) -> str:
    if video_embed_url(value) is None:
        raise ValueError("must be a YouTube or Vimeo video link")
    return value


class VideoPage(Payload):
    """`videoUrl` (a YouTube or Vimeo video), `title`, `description`, `posterUrl`."""

    video_url: Annotated[WebUrl, AfterValidator(_video_url)]
    title: Title | None = None
    description: Description | None = None
    poster_url: WebUrl | None = None

    def embed_url(self) -> str:
        url = video_embed_url(self.video_url)
        assert url is not None  # checked when the page was validated
        return url


class AppDownloadPage(Payload):
    """`appName`, `iosUrl`, `androidUrl` (at least one of the two), `fallbackUrl`."""

    app_name: Annotated[Line, NOT_EMPTY, at_most(100)]
    ios_url: WebUrl | None = None
    android_url: WebUrl | None = None
    fallback_url: WebUrl | None = None

    def cross_field_issues(self) -> list[Issue]:
        if self.ios_url is None and self.android_url is None:
            return [Issue(("ios_url",), "give iosUrl, androidUrl or both")]
        return []
