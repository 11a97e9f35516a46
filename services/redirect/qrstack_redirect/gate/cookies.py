"""The cookie that says "this scanner passed this code's password gate", for a while: the
shared `qrstack_common.gate_cookie` (the API's file streams verify the same value), applied to
the redirect's table entries. Set on the code's path (`/<slug>`), HttpOnly and SameSite=Lax."""

from __future__ import annotations

from qrstack_common.gate_cookie import GATE_COOKIE, GateCookies, gate_key
from qrstack_redirect.table.records import CodeEntry

__all__ = ["GATE_COOKIE", "UnlockCookies", "gate_key"]


class UnlockCookies:
    def __init__(self, key: bytes, ttl_s: int) -> None:
        self._cookies = GateCookies(key, ttl_s)
        self.ttl_s = ttl_s

    def issue(self, entry: CodeEntry, now: float) -> str:
        """A cookie value opening `entry` until `now + ttl_s`."""
        assert entry.code.password_hash is not None
        return self._cookies.issue(entry.code.id, entry.code.password_hash, now)

    def opens(self, value: str | None, entry: CodeEntry, now: float) -> bool:
        """Whether cookie `value` opens `entry` at `now` (False for anything malformed)."""
        password_hash = entry.code.password_hash
        return password_hash is not None and self._cookies.opens(
            value, entry.code.id, password_hash, now
        )
