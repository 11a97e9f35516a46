"""Event contracts: one pydantic model per topic message, versioned in the topic name.

Producers and consumers import these models; golden JSON fixtures in `tests/fixtures/events`
pin the wire format. A change that is not additive (new optional field) needs a new topic
version (`qr.codes.v2`), never an edit in place.

- `qr.codes.v1`   key = code id (UUID text), value = `CodeSnapshot` JSON, `None` = tombstone
                  (the code was purged). Compacted: the latest snapshot per code is the table.
- `qr.domains.v1` key = host name, value = `DomainSnapshot` JSON, `None` = tombstone.
- `qr.scans.v1`   key = code id (or `domain/slug` for orphan scans), value = `ScanEvent` JSON.
- `qr.scans.v2`   same key, value = the compact positional form of `ScanEvent`
                  (`scan_wire.py`: `encode_scan` writes it, `decode_scan` reads v1 and v2).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

CODES_TOPIC = "qr.codes.v1"
DOMAINS_TOPIC = "qr.domains.v1"
SCANS_TOPIC = "qr.scans.v1"
SCANS_TOPIC_V2 = "qr.scans.v2"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must carry a timezone")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_utc)]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    def to_bytes(self) -> bytes:
        """The wire form: compact JSON, nulls kept so every field is explicit."""
        return self.__pydantic_serializer__.to_json(self)


# --------------------------------------------------------------------------------------------
# qr.codes.v1


class RuleConditions(BaseModel):
    """Conditions of one routing rule. Every field that is set must hold for the rule to match
    (AND); an unset field does not constrain. Lists match if any element matches (OR)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    country_in: tuple[str, ...] | None = None  # ISO 3166-1 alpha-2, upper case
    region_in: tuple[str, ...] | None = None  # region names or ISO 3166-2 codes, case-insensitive
    city_in: tuple[str, ...] | None = None  # city names, case-insensitive
    device_in: tuple[Literal["mobile", "tablet", "desktop", "other"], ...] | None = None
    os_in: tuple[str, ...] | None = None  # "iOS", "Android", "Windows", "macOS", "Linux", ...
    browser_in: tuple[str, ...] | None = None  # "Chrome", "Safari", "Firefox", ...
    language_in: tuple[str, ...] | None = None  # primary language subtags, e.g. "en", "de"
    days_of_week: tuple[int, ...] | None = None  # 0 = Sunday ... 6 = Saturday
    start_time: str | None = None  # "HH:MM", inclusive, in `timezone`
    end_time: str | None = None  # "HH:MM", exclusive; may be before start (spans midnight)
    timezone: str | None = None  # IANA name; required when a day or time condition is set
    query_param: str | None = None  # query parameter name that must be present ...
    query_values: tuple[str, ...] | None = None  # ... with one of these values (any if unset)
    ip_in: tuple[str, ...] | None = None  # CIDRs, IPv4 or IPv6


class RuleSnapshot(BaseModel):
    """One routing rule as the redirect service evaluates it (lowest `priority` first)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: UUID
    type: Literal["geo", "device", "time", "ab", "browser", "language", "query", "ip"]
    priority: int
    target_url: str
    conditions: RuleConditions = RuleConditions()
    weight: int | None = Field(None, ge=1, le=100)  # A/B: percent of scanners sent to target


class CodeSnapshot(_Event):
    """Everything the redirect service needs to answer a scan of one code, and nothing else.

    `status` is the stored status; `scheduled`, `expired` and `limit_reached` are derived at
    scan time from `active_from`, `expires_at` and `max_scans`.
    """

    id: UUID
    workspace_id: UUID
    domain: str | None = None  # custom short domain host; None = the platform's short domain
    slug: str
    type: str  # payload type, e.g. "url", "vcard", "menu" (hosted pages render from `page`)
    dynamic: bool = True
    status: Literal["active", "suspended", "deleted"] = "active"
    target_url: str | None = None
    fallback_url: str | None = None
    active_from: AwareDatetime | None = None
    expires_at: AwareDatetime | None = None
    max_scans: int | None = Field(None, ge=1)
    password_hash: str | None = None  # Argon2id PHC string
    password_hint: str | None = None
    redirect_status: Literal[301, 302, 307, 308] = 302
    forward_query: bool = False
    scan_tracking: bool = True
    rules: tuple[RuleSnapshot, ...] = ()
    page: dict[str, object] | None = None  # content of a hosted page type
    version: int = Field(ge=1)  # increases with every change of the code
    updated_at: AwareDatetime


# --------------------------------------------------------------------------------------------
# qr.domains.v1


class DomainSnapshot(_Event):
    """A custom short domain and where its bare and unknown paths go."""

    host: str  # lower case, no port
    workspace_id: UUID
    status: Literal["active", "deleted"] = "active"
    base_url: str | None = None  # where `https://host/` redirects
    not_found_url: str | None = None  # where an unknown slug redirects (else a 404 page)
    updated_at: AwareDatetime


# --------------------------------------------------------------------------------------------
# qr.scans.v1

ScanOutcome = Literal[
    "redirect",  # sent to the target (default or a rule's)
    "page",  # a hosted page was shown
    "fallback",  # deleted/suspended code sent to its fallback
    "not_active",  # before active_from or after expires_at
    "limit_reached",  # scan cap reached
    "password_required",  # gate shown (not counted as a scan of the code)
    "not_found",  # unknown slug on a known host (orphan scan)
]

Device = Literal["mobile", "tablet", "desktop", "bot", "other"]


class ScanEvent(_Event):
    """One scan as the redirect service saw it. `scan_id` is unique per scan and is the
    deduplication key downstream (replays and redeliveries never double count)."""

    scan_id: UUID
    ts: AwareDatetime
    workspace_id: UUID | None = None  # None only for orphan scans on the platform domain
    code_id: UUID | None = None  # None for orphan scans
    domain: str  # host the scan arrived on
    slug: str
    rule_id: UUID | None = None
    variant: str | None = None  # A/B arm ("a"/"b") when an A/B rule decided
    target: str | None = None  # where the scanner was sent
    outcome: ScanOutcome
    country: str | None = None  # ISO 3166-1 alpha-2
    region: str | None = None
    city: str | None = None
    device: Device = "other"
    os: str | None = None
    browser: str | None = None
    referrer: str | None = None  # host of the Referer only
    language: str | None = None  # primary language subtag from Accept-Language
    is_bot: bool = False
    bot_reason: str | None = None
    visitor_hash: str  # hex of a salted daily hash of IP + User-Agent, for unique counts
    ip_prefix: str | None = None  # only when configured: IPv4 /24 or IPv6 /48

    def kafka_key(self) -> bytes:
        return scan_key(
            str(self.code_id) if self.code_id is not None else None, self.domain, self.slug
        )


def scan_key(code_id: str | None, domain: str, slug: str) -> bytes:
    """The `qr.scans.v1` key: the code id, or `domain/slug` for an orphan scan. The one rule
    for every producer (the redirect's hot path calls this with plain strings)."""
    if code_id is not None:
        return code_id.encode()
    return f"{domain}/{slug}".encode()
