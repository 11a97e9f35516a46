"""The password gate's proof: "this scanner passed this code's password gate", for a while.

The redirect service issues it as the cookie `qrgate` when the right password is posted; the
API's public file streams accept the same value (as that cookie or as `?gate=`), so the files
behind a protected page are served only to a scanner who opened it. One implementation here,
used by both services.

Value: `<expiry unix seconds>.<mac>`, the MAC being HMAC-SHA256 (truncated to 128 bits,
base64url) over the code id, the code's password hash and the expiry. So the value opens one
code only, stops working when it expires or when the password changes (its hash changes), and
cannot be made without the key. Every replica of both services needs the same key
(`gate_key`: `GATE_COOKIE_SECRET`, else derived from `VISITOR_HASH_SALT`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from uuid import UUID

GATE_COOKIE = "qrgate"
_MAC_BYTES = 16


def gate_key(secret: str, visitor_salt: str) -> bytes:
    """The key: the configured secret, else one derived from the visitor-hash salt (a secret
    every replica already shares); neither set: a random key for this process (then no other
    process accepts what it issues)."""
    if secret:
        return hashlib.sha256(b"qrstack gate\x00" + secret.encode()).digest()
    if visitor_salt:
        return hashlib.blake2b(b"qrstack gate cookie", key=visitor_salt.encode()[:64]).digest()
    return secrets.token_bytes(32)


class GateCookies:
    def __init__(self, key: bytes, ttl_s: int) -> None:
        self._key = key
        self.ttl_s = ttl_s

    def _mac(self, code_id: UUID, password_hash: str, expires: int) -> str:
        message = f"{code_id}\x00{password_hash}\x00{expires}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self, code_id: UUID, password_hash: str, now: float) -> str:
        """A value opening the code (protected by `password_hash`) until `now + ttl_s`."""
        expires = int(now) + self.ttl_s
        return f"{expires}.{self._mac(code_id, password_hash, expires)}"

    def opens(self, value: str | None, code_id: UUID, password_hash: str, now: float) -> bool:
        """Whether `value` opens the code at `now` (False for anything malformed)."""
        if not value:
            return False
        expiry, _, mac = value.partition(".")
        if not expiry.isascii() or not expiry.isdigit() or len(expiry) > 12 or int(expiry) <= now:
            return False
        return hmac.compare_digest(
            mac.encode(), self._mac(code_id, password_hash, int(expiry)).encode()
        )
