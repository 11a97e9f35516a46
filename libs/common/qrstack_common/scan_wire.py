"""Scan events on the wire: version 2 (compact), version 1 (legacy), one decoder for both.

`ScanEvent` (pydantic, `events.py`) stays the contract: what a scan event means, field by field.
This module is how it travels and how consumers read it fast.

**v1** (`qr.scans.v1`): `ScanEvent.to_bytes()`, a JSON object with every field named
(~600 bytes).

**v2** (`qr.scans.v2`): a JSON array, positional, tagged by its first element:

    [2, scan_id, ts, domain, slug, outcome, visitor_hash, workspace_id, code_id, target,
     device, country, region, city, os, browser, referrer, language, is_bot, bot_reason,
     rule_id, variant, ip_prefix]

(the order of `SCAN_V2_FIELDS`). UUIDs are 32 lower-case hex digits without hyphens, `ts` is
RFC 3339 UTC with a `Z` (microseconds when not zero), and trailing elements equal to their
default (`null`, `"other"` for `device`, `false` for `is_bot`) are left out. A later minor
change may only append optional elements: readers ignore elements they do not know. Any other
change is a version 3 (a new tag and topic). The Kafka key is the same as v1's (`scan_key`).

**Reading**: `decode_scan(value)` reads either version, recognised by the value itself (an array
tagged 2 or an object), whatever topic it came from, into one shape, `Scan` (a msgspec struct
with `ScanEvent`'s field names and types). The fast path is msgspec (~1 µs); whatever it refuses
is decided by the pydantic contract (`contract_event`), so `decode_scan` accepts exactly what
the contract accepts, with the same values (a property test over generated events pins this),
and its errors name the fields the way pydantic does.

**Writing**: `encode_scan(...)` (the producer's hot path: plain strings in, bytes out) and
`scan_to_v2(scan_or_event)` give the same bytes for the same scan.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Final
from uuid import UUID

import msgspec
import orjson
from pydantic import ValidationError

from qrstack_common.events import Device, ScanEvent, ScanOutcome, scan_key

SCAN_V2_TAG: Final = 2

SCAN_V2_FIELDS: Final = (
    "scan_id",
    "ts",
    "domain",
    "slug",
    "outcome",
    "visitor_hash",
    "workspace_id",
    "code_id",
    "target",
    "device",
    "country",
    "region",
    "city",
    "os",
    "browser",
    "referrer",
    "language",
    "is_bot",
    "bot_reason",
    "rule_id",
    "variant",
    "ip_prefix",
)
_REQUIRED_V2: Final = 6  # scan_id … visitor_hash have no default

_AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]


class Scan(msgspec.Struct, frozen=True, gc=False):
    """One decoded scan event, whichever version it arrived in (`ScanEvent`'s fields)."""

    scan_id: UUID
    ts: _AwareTime
    domain: str
    slug: str
    outcome: ScanOutcome
    visitor_hash: str
    workspace_id: UUID | None = None
    code_id: UUID | None = None
    target: str | None = None
    device: Device = "other"
    country: str | None = None
    region: str | None = None
    city: str | None = None
    os: str | None = None
    browser: str | None = None
    referrer: str | None = None
    language: str | None = None
    is_bot: bool = False
    bot_reason: str | None = None
    rule_id: UUID | None = None
    variant: str | None = None
    ip_prefix: str | None = None

    def kafka_key(self) -> bytes:
        return scan_key(
            str(self.code_id) if self.code_id is not None else None, self.domain, self.slug
        )

    def to_event(self) -> ScanEvent:
        return ScanEvent.model_validate(msgspec.structs.asdict(self))


class _ScanV2(Scan, frozen=True, gc=False, array_like=True, tag=SCAN_V2_TAG):
    """The v2 wire form: the same fields, positional, after the tag."""


class ScanDecodeError(ValueError):
    """A record value that is not a valid scan event; the message names the fields."""


_V1: Final = msgspec.json.Decoder(Scan)
_V2: Final = msgspec.json.Decoder(_ScanV2)


def _ts_start(value: bytes) -> int:
    """Where the `ts` text starts in a value laid out as producers write it, or -1."""
    if value[:4] == b'[2,"':
        for start in (39, 43):  # after a hex or a hyphenated scan id
            if value[start - 3 : start] == b'","':
                return start
        return -1
    at = value.find(b'"ts":"')
    return at + 6 if at >= 0 and value.rfind(b'"ts":"') == at else -1


def _fast_ready(value: bytes) -> bool:
    """Whether msgspec reads this value as the contract would. The one known difference: a
    fraction of seconds of more than 6 digits, which pydantic truncates and msgspec rounds (in
    any RFC 3339 text msgspec accepts, the fraction starts at offset 19)."""
    start = _ts_start(value)
    if start < 0:
        return False
    return value[start + 19 : start + 20] != b"." or not value[start + 26 : start + 27].isdigit()


def decode_scan(value: bytes | None) -> Scan:
    """Read a v1 or v2 scan event. Raises `ScanDecodeError` naming the failing fields."""
    if value is None:
        raise ScanDecodeError("the record has no value")
    if _fast_ready(value):
        try:
            return _V2.decode(value) if value[:1] == b"[" else _V1.decode(value)
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass
    event = contract_event(value)
    return Scan(**event.model_dump())


def contract_event(value: bytes) -> ScanEvent:
    """The pydantic contract's reading of a v1 or v2 value (the reference `decode_scan` equals;
    slow). Raises `ScanDecodeError`."""
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise ScanDecodeError(f"value: Invalid JSON: {exc}") from None
    if isinstance(data, list):
        if not data or type(data[0]) is not int or data[0] != SCAN_V2_TAG:
            raise ScanDecodeError(f"value: an array scan event must start with {SCAN_V2_TAG}")
        if len(data) - 1 < _REQUIRED_V2:
            missing = SCAN_V2_FIELDS[len(data) - 1 : _REQUIRED_V2]
            raise ScanDecodeError("; ".join(f"{name}: Field required" for name in missing))
        value = orjson.dumps(dict(zip(SCAN_V2_FIELDS, data[1:], strict=False)))
    try:
        return ScanEvent.model_validate_json(value)
    except ValidationError as exc:
        raise ScanDecodeError(
            "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}"
                for err in exc.errors()[:5]
            )
        ) from None


def _hex(uuid_text: str | None) -> str | None:
    return None if uuid_text is None else uuid_text.replace("-", "")


def encode_scan(
    *,
    scan_id: str,
    ts: datetime,
    domain: str,
    slug: str,
    outcome: ScanOutcome,
    visitor_hash: str,
    workspace_id: str | None = None,
    code_id: str | None = None,
    target: str | None = None,
    device: Device = "other",
    country: str | None = None,
    region: str | None = None,
    city: str | None = None,
    os: str | None = None,
    browser: str | None = None,
    referrer: str | None = None,
    language: str | None = None,
    is_bot: bool = False,
    bot_reason: str | None = None,
    rule_id: str | None = None,
    variant: str | None = None,
    ip_prefix: str | None = None,
) -> bytes:
    """The `qr.scans.v2` value of one scan (~1 µs). ids are UUID text (canonical or hex);
    `ts` is an aware datetime."""
    if ts.tzinfo is not UTC:
        if ts.utcoffset() is None:
            raise ValueError("ts must carry a timezone")
        ts = ts.astimezone(UTC)
    row: list[Any] = [
        SCAN_V2_TAG,
        scan_id.replace("-", ""),
        ts,
        domain,
        slug,
        outcome,
        visitor_hash,
        _hex(workspace_id),
        _hex(code_id),
        target,
        device,
        country,
        region,
        city,
        os,
        browser,
        referrer,
        language,
        is_bot,
        bot_reason,
        _hex(rule_id),
        variant,
        ip_prefix,
    ]
    return orjson.dumps(trimmed(row), option=orjson.OPT_UTC_Z)


def trimmed(row: list[Any]) -> list[Any]:
    """`row` (tag first, then values in `SCAN_V2_FIELDS` order) without its trailing elements
    equal to their default, as v2 writes it."""
    while len(row) > _REQUIRED_V2 + 1 and row[-1] == _DEFAULTS[len(row) - 2]:
        row.pop()
    return row


_DEFAULTS: Final = tuple(
    Scan.__struct_defaults__[i - _REQUIRED_V2] if i >= _REQUIRED_V2 else msgspec.NODEFAULT
    for i in range(len(SCAN_V2_FIELDS))
)


def scan_to_v2(scan: Scan | ScanEvent) -> bytes:
    """The v2 value of a decoded scan or a contract event (the same bytes `encode_scan` gives)."""
    values = {name: getattr(scan, name) for name in SCAN_V2_FIELDS}
    for name in ("scan_id", "workspace_id", "code_id", "rule_id"):
        if values[name] is not None:
            values[name] = str(values[name])
    return encode_scan(**values)
