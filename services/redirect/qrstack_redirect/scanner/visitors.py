"""Privacy-preserving scanner identity: a salted daily hash for unique counts, and the
truncated address prefix that is the most of an IP address qrstack ever stores.

`visitor_hash` changes every UTC day and with the secret salt, so it counts unique scanners
per day without being a lasting identifier, and it cannot be reversed by hashing all 2³² IPv4
addresses without the salt.
"""

from __future__ import annotations

from datetime import date
from hashlib import blake2b

from qrstack_common.addresses import format_ip, parse_ip

_MAX_KEY_BYTES = 64  # BLAKE2b's key limit
_V4_PREFIX_MASK = 0xFFFFFF00  # /24
_V6_PREFIX_MASK = ((1 << 48) - 1) << 80  # /48


def visitor_key(salt: bytes | str) -> bytes:
    """The BLAKE2b key for a configured salt: the salt itself when it fits (≤ 64 bytes), else
    its 64-byte BLAKE2b digest. Raises `ValueError` for an empty salt."""
    raw = salt.encode() if isinstance(salt, str) else salt
    if not raw:
        raise ValueError("the visitor hash salt must not be empty")
    return raw if len(raw) <= _MAX_KEY_BYTES else blake2b(raw).digest()


def visitor_hash(ip: str | None, user_agent: str, day: date, salt: bytes) -> str:
    """32 hex characters: BLAKE2b keyed by `salt` of the UTC `day`, the client `ip` and
    `user_agent`.

    `salt` is a 1–64 byte secret (`visitor_key` turns any configured salt into one, once at
    start-up); a longer one raises `ValueError`. The parts are separated by a byte that
    appears in none of them, so different splits never collide."""
    digest = blake2b(key=salt, digest_size=16)
    digest.update(
        f"{day.isoformat()}\x00{ip or ''}\x00{user_agent}".encode("utf-8", "surrogatepass")
    )
    return digest.hexdigest()


def ip_prefix(ip: str | None) -> str | None:
    """The network an address belongs to, truncated: IPv4 /24 (`203.0.113.0/24`), IPv6 /48
    (`2001:db8:1::/48`). `None` for anything that is not an address."""
    if ip is None:
        return None
    parsed = parse_ip(ip)
    if parsed is None:
        return None
    version, value = parsed
    if version == 4:
        return f"{format_ip(4, value & _V4_PREFIX_MASK)}/24"
    return f"{format_ip(6, value & _V6_PREFIX_MASK)}/48"
