"""Verifying a Stripe-style webhook signature.

The `Stripe-Signature` header is `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` (other schemes such
as `v0` are ignored). A `v1` is HMAC-SHA256, keyed with the webhook secret, of
`"{t}.{raw body}"`. The request is genuine when any `v1` matches (several are sent while a
secret is being rolled), compared in constant time, and `t` is within the tolerance of now —
which bounds how long a captured request can be replayed (the event id check catches replays
inside that window).
"""

from __future__ import annotations

import hashlib
import hmac

from qrstack_common.errors import ApiError

HEADER = "Stripe-Signature"


def _refused(reason: str) -> ApiError:
    return ApiError("bad_request", f"{HEADER} {reason}.")


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex `v1` signature of `body` sent at `timestamp`."""
    signed = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_signature(
    body: bytes, header: str | None, secret: str, *, now: float, tolerance_s: int
) -> int:
    """The signed timestamp if `header` proves `body` came from the holder of `secret` within
    `tolerance_s` of `now`; otherwise 400 `bad_request` saying what was wrong."""
    if not header:
        raise _refused("header is missing")
    timestamp: str | None = None
    signatures: list[str] = []
    for part in header.split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == "t":
            timestamp = value
        elif scheme == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isascii() or not timestamp.isdigit():
        raise _refused("has no timestamp (t=<unix seconds>)")
    if not signatures:
        raise _refused("has no v1 signature")
    expected = expected_signature(secret, timestamp, body).encode()
    # Every candidate is compared (no early exit), as bytes: compare_digest refuses non-ASCII
    # str, and a header is whatever the sender put in it.
    matched = [
        hmac.compare_digest(expected, candidate.encode("utf-8", "surrogateescape"))
        for candidate in signatures
    ]
    if not any(matched):
        raise _refused("does not match the body (wrong secret, or the body was altered)")
    signed_at = int(timestamp)
    if abs(now - signed_at) > tolerance_s:
        raise _refused(
            f"timestamp is {int(now - signed_at)} s from now, outside the {tolerance_s} s "
            "tolerance (a replayed or delayed request)"
        )
    return signed_at
