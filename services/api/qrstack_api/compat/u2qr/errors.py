"""U2QR's error answer: exactly `{"error": "message"}` (with the status: 400, 401, 404, 500...)."""

from __future__ import annotations

from qrstack_common.errors import ApiError


def u2qr_error_body(error: ApiError) -> dict[str, str]:
    return {"error": error.detail}
