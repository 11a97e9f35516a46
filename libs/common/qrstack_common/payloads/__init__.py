"""Every QR code type: its fields, their validation and the standard string it encodes to.

The one module that knows each payload format. Callers:

- the API validates a code's `type` + fields (`validate_payload`) and computes what a static
  code encodes (`encode_payload`) or where a dynamic one redirects (`redirect_target`);
- the compatibility layers map RecodeQR's `destination` + `data` and TurtleQR's types onto
  the same registry (aliases cover their names);
- the redirect service renders hosted pages from validated page content.

`WebUrl` (a pydantic field type) and `web_url` (the check behind it) are the one rule for
destination URLs anywhere (fallback URLs, routing-rule targets): absolute http(s) only.
"""

from qrstack_common.payloads.fields import WebUrl, web_url
from qrstack_common.payloads.model import Payload, PayloadPart
from qrstack_common.payloads.registry import (
    PAYLOAD_TYPES,
    QR_MAX_OCTETS,
    PayloadType,
    encode_payload,
    find_type,
    payload_type_of,
    redirect_target,
    resolve_type,
    validate_payload,
)

__all__ = [
    "PAYLOAD_TYPES",
    "QR_MAX_OCTETS",
    "Payload",
    "PayloadPart",
    "PayloadType",
    "WebUrl",
    "encode_payload",
    "find_type",
    "payload_type_of",
    "redirect_target",
    "resolve_type",
    "validate_payload",
    "web_url",
]
