"""Scan events in their wire form, built on the hot path without pydantic.

`encode_scan` writes exactly the bytes `ScanEvent(...).to_bytes()` would (same field order,
nulls kept, timestamps RFC 3339 with `Z`); a test pins the two together. Building the pydantic
model costs ~8 µs a scan, this ~1 µs.

Scan ids come from `ScanIds`: UUIDs (version 8, RFC 9562) whose first 60 random bits are drawn
once per process and whose last 62 bits count the process's scans from a random start. They
are unique across replicas and restarts unless two processes draw the same 60 bits (about one
chance in 500 million among 65,536 processes), and cost no system call per scan, unlike
`uuid4()`.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import orjson

from qrstack_common.events import ScanOutcome
from qrstack_redirect.scanner import ClientFacts

_COUNTER_BITS = 62
_COUNTER_MASK = (1 << _COUNTER_BITS) - 1


class ScanIds:
    """Unique scan ids for one process (see the module docstring)."""

    __slots__ = ("_next", "_prefix")

    def __init__(self) -> None:
        high = secrets.randbits(64)
        high = (high & ~(0xF << 12)) | (0x8 << 12)  # version 8 in bits 48-51
        h = f"{high:016x}"
        self._prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-"
        self._next = secrets.randbits(_COUNTER_BITS - 8)  # room for 2^62 - 2^54 scans

    def next(self) -> str:
        n = self._next
        self._next = n + 1
        low = (0b10 << _COUNTER_BITS) | (n & _COUNTER_MASK)  # RFC 9562 variant
        return f"{self._prefix}{low >> 48:04x}-{low & 0xFFFFFFFFFFFF:012x}"


def encode_scan(
    *,
    scan_id: str,
    ts: datetime,
    workspace_id: str | None,
    code_id: str | None,
    domain: str,
    slug: str,
    rule_id: str | None,
    variant: str | None,
    target: str | None,
    outcome: ScanOutcome,
    facts: ClientFacts,
    visitor_hash: str,
    ip_prefix: str | None,
) -> bytes:
    """The `qr.scans.v1` value of one scan. ids are canonical UUID text; `ts` is aware UTC."""
    return orjson.dumps(
        {
            "scan_id": scan_id,
            "ts": ts,
            "workspace_id": workspace_id,
            "code_id": code_id,
            "domain": domain,
            "slug": slug,
            "rule_id": rule_id,
            "variant": variant,
            "target": target,
            "outcome": outcome,
            "country": facts.country,
            "region": facts.region,
            "city": facts.city,
            "device": facts.device,
            "os": facts.os,
            "browser": facts.browser,
            "referrer": facts.referrer,
            "language": facts.language,
            "is_bot": facts.is_bot,
            "bot_reason": facts.bot_reason,
            "visitor_hash": visitor_hash,
            "ip_prefix": ip_prefix,
        },
        option=orjson.OPT_UTC_Z,
    )
