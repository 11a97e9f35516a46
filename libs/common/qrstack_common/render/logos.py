"""The shape of a logo `data:` URI: its media type, its encoding and its size.

A logo is PNG, JPEG or SVG, at most 1 MiB decoded, sent base64 or percent-encoded. Whether its
bytes really are that image is the renderer's question (it opens them). Every refusal is a 400
`validation_failed` on `style.logo`.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from qrstack_common.errors import ApiError, Issue, validation_failed

LOGO_MEDIA_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
LOGO_MAX_BYTES = 1 << 20

_DATA_URI = re.compile(
    r"data:(?P<type>[\w.+-]+/[\w.+-]+)(?P<params>(?:;[^,;]*)*),(?P<data>.*)", re.S
)


def _refuse(reason: str) -> ApiError:
    return validation_failed([Issue(("style", "logo"), reason)])


def parse_data_uri(uri: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URI (base64 or percent-encoded)."""
    match = _DATA_URI.fullmatch(uri.strip())
    if match is None:
        raise _refuse("not a data: URI like data:image/png;base64,…")
    media_type = match.group("type").lower()
    if media_type == "image/jpg":
        media_type = "image/jpeg"
    if media_type not in LOGO_MEDIA_TYPES:
        raise _refuse(
            f"{media_type} is not a logo type; use image/png, image/jpeg or image/svg+xml"
        )
    payload = match.group("data")
    if ";base64" in match.group("params").lower():
        if len(payload) > (LOGO_MAX_BYTES * 4) // 3 + 8:
            raise _refuse(f"the logo is larger than {LOGO_MAX_BYTES} bytes")
        try:
            data = base64.b64decode(payload, validate=False)
        except binascii.Error as exc:
            raise _refuse(f"the logo's base64 is invalid: {exc}") from exc
    else:
        data = urllib.parse.unquote_to_bytes(payload)
    if len(data) > LOGO_MAX_BYTES:
        raise _refuse(f"the logo is {len(data)} bytes; at most {LOGO_MAX_BYTES} allowed")
    if not data:
        raise _refuse("the logo is empty")
    return media_type, data
