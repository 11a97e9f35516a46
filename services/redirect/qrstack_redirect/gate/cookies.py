"""The cookie that says "this scanner passed this code's password gate", for a while.

Value: `<expiry unix seconds>.<mac>`, the MAC being HMAC-SHA256 (truncated to 128 bits,
base64url) over the code id, the code's password hash and the expiry. So the cookie opens one
code only, stops working when it expires or when the password changes (its hash changes), and
cannot be made without the key. The cookie is set on the code's path (`/<slug>`), HttpOnly and
SameSite=Lax; every replica needs the same key (`gate_key`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from qrstack_redirect.table.records import CodeEntry

GATE_COOKIE = "qrgate"
_MAC_BYTES = 16


def gate_key(secret: str, visitor_salt: str) -> bytes:
    """The cookie key: the configured secret, else one derived from the visitor-hash salt (a
    secret every replica already shares); neither set: a random key for this process."""
    if secret:
        return hashlib.sha256(b"qrstack gate\x00" + secret.encode()).digest()
    if visitor_salt:
        return hashlib.blake2b(b"qrstack gate cookie", key=visitor_salt.encode()[:64]).digest()
    return secrets.token_bytes(32)


class UnlockCookies:
    def __init__(self, key: bytes, ttl_s: int) -> None:
        self._key = key
        self.ttl_s = ttl_s

    def _mac(self, entry: CodeEntry, expires: int) -> str:
        message = f"{entry.code_id}\x00{entry.code.password_hash}\x00{expires}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self, entry: CodeEntry, now: float) -> str:
        """A cookie value opening `entry` until `now + ttl_s`."""
        expires = int(now) + self.ttl_s
        return f"{expires}.{self._mac(entry, expires)}"

    def opens(self, value: str | None, entry: CodeEntry, now: float) -> bool:
        """Whether cookie `value` opens `entry` at `now` (False for anything malformed)."""
        if not value:
            return False
        expiry, _, mac = value.partition(".")
        if not expiry.isdigit() or len(expiry) > 12 or int(expiry) <= now:
            return False
        return hmac.compare_digest(mac, self._mac(entry, int(expiry)))
