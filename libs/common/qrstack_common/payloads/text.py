"""Plain text codes: the QR code carries the text itself, byte for byte (UTF-8)."""

from __future__ import annotations

from typing import Annotated

from qrstack_common.payloads.fields import NOT_EMPTY, Prose, at_most
from qrstack_common.payloads.model import Payload, alias

TEXT_MAX_LENGTH = 1500  # TurtleQR; RecodeQR's own limit is 1024


class TextPayload(Payload):
    """`text` (U2QR calls it `content`), 1 to 1500 characters, newlines kept."""

    text: Annotated[Prose, NOT_EMPTY, at_most(TEXT_MAX_LENGTH)] = alias("text", "content")


def encode_text(payload: TextPayload) -> str:
    return payload.text
