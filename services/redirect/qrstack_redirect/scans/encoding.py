"""Scan events in their wire form (`qr.scans.v2`, `qrstack_common.scan_wire`), built on the hot
path without pydantic: `encode_scan` takes the scanner's `ClientFacts` as they are and gives
the bytes `scan_wire.encode_scan` writes; a test pins them to the `ScanEvent` contract.

Scan ids come from `ScanIds`: UUIDs (version 8, RFC 9562) whose first 60 random bits are drawn
once per process and whose last 62 bits count the process's scans from a random start. They
are unique across replicas and restarts unless two processes draw the same 60 bits (about one
chance in 500 million among 65,536 processes), and cost no system call per scan, unlike
`uuid4()`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import orjson

from qrstack_common import scan_wire
from qrstack_common.events import ScanOutcome
from qrstack_redirect.scanner import ClientFacts

_COUNTER_BITS = 62


class ScanIds:
    """Unique scan ids for one process (see the module docstring)."""

    __slots__ = ("_next", "_prefix")

    def __init__(self) -> None:
        high = secrets.randbits(64)
        high = (high & ~(0xF << 12)) | (0x8 << 12)  # version 8 in bits 48-51
        self._prefix = f"{high:016x}"
        self._next = secrets.randbits(_COUNTER_BITS - 8) | (0b10 << _COUNTER_BITS)  # RFC 9562
        # variant in the top bits; room for 2^62 - 2^54 scans below them

    def next(self) -> str:
        """The next id as 32 hex digits (the v2 wire form of a UUID)."""
        n = self._next
        self._next = n + 1
        return f"{self._prefix}{n:016x}"


_DUMPS = orjson.dumps
_UTC_Z = orjson.OPT_UTC_Z


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
    """The `qr.scans.v2` value of one scan. ids are UUID text; `ts` is aware UTC.

    The same bytes as `scan_wire.encode_scan` (a test pins it), written out for the hot path:
    one list in the wire order, and the usual tail (not a bot, no rule, no variant, no IP
    prefix) cut in one step instead of element by element (~1 µs less per scan)."""
    if ts.tzinfo is not UTC:
        if ts.utcoffset() is None:
            raise ValueError("ts must carry a timezone")
        ts = ts.astimezone(UTC)
    row: list[Any] = [
        2,
        scan_id,
        ts,
        domain,
        slug,
        outcome,
        visitor_hash,
        None if workspace_id is None else workspace_id.replace("-", ""),
        None if code_id is None else code_id.replace("-", ""),
        target,
        facts.device,
        facts.country,
        facts.region,
        facts.city,
        facts.os,
        facts.browser,
        facts.referrer,
        facts.language,
    ]
    if (
        facts.is_bot
        or facts.bot_reason is not None
        or rule_id is not None
        or variant is not None
        or ip_prefix is not None
    ):
        row += (
            facts.is_bot,
            facts.bot_reason,
            None if rule_id is None else rule_id.replace("-", ""),
            variant,
            ip_prefix,
        )
    return _DUMPS(scan_wire.trimmed(row), option=_UTC_Z)
