"""Settings of the redirect service (environment variables; defaults are `make run`'s)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field

from qrstack_common.settings import ServiceSettings


class RedirectSettings(ServiceSettings):
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("REDIRECT_HOST", "host"))
    port: int = Field(8001, validation_alias=AliasChoices("REDIRECT_PORT", "port"))
    workers: int = Field(
        1,
        ge=0,
        validation_alias=AliasChoices("REDIRECT_WORKERS", "workers"),
        description="Processes serving scans on the one port (SO_REUSEPORT), each with its own "
        "slug table; 0 = one per CPU this process may use.",
    )
    reuse_port: bool = Field(
        False,
        validation_alias=AliasChoices("REDIRECT_REUSE_PORT", "reuse_port"),
        description="Listen with SO_REUSEPORT (set for each worker when REDIRECT_WORKERS > 1).",
    )
    spool_dir: Path = Field(
        Path(".run/spool"),
        validation_alias=AliasChoices("SCAN_SPOOL_DIR", "spool_dir"),
        description="Where scan events are kept while Kafka is unreachable.",
    )
    spool_max_bytes: int = Field(
        1 << 30, validation_alias=AliasChoices("SCAN_SPOOL_MAX_BYTES", "spool_max_bytes")
    )
    scan_buffer_max: int = Field(
        100_000,
        validation_alias=AliasChoices("SCAN_BUFFER_MAX", "scan_buffer_max"),
        description="Scan events held in memory before they spill to the spool.",
    )
    scan_batch_size: int = Field(
        2000, validation_alias=AliasChoices("SCAN_BATCH_SIZE", "scan_batch_size")
    )
    scan_linger_ms: int = Field(
        20, validation_alias=AliasChoices("SCAN_LINGER_MS", "scan_linger_ms")
    )
    visitor_salt: str = Field(
        "",
        validation_alias=AliasChoices("VISITOR_HASH_SALT", "visitor_salt"),
        description="Secret salt of the daily visitor hash; random per process when empty "
        "(set it on every replica so unique counts agree).",
    )
    geoip_path: Path | None = Field(
        None,
        validation_alias=AliasChoices("GEOIP_DATABASE", "geoip_path"),
        description="A MaxMind-format .mmdb (GeoLite2/DB-IP City or Country); none: no geo.",
    )
    trusted_proxies: tuple[str, ...] = Field(
        (),
        validation_alias=AliasChoices("TRUSTED_PROXIES", "trusted_proxies"),
        description="CIDRs whose X-Forwarded-For and CDN geo headers are believed "
        "(JSON list in the environment).",
    )
    store_ip_prefix: bool = Field(
        False,
        validation_alias=AliasChoices("STORE_IP_PREFIX", "store_ip_prefix"),
        description="Record the scanner's IPv4 /24 or IPv6 /48 with each scan.",
    )
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
        description="PostgreSQL holding the scan-cap counters and form submissions. Only scans "
        "of capped codes and form posts use it; without it capped codes answer their fallback.",
    )
    db_pool_size: int = Field(
        8, ge=1, validation_alias=AliasChoices("REDIRECT_DB_POOL_SIZE", "db_pool_size")
    )
    db_timeout_ms: int = Field(
        500,
        ge=10,
        validation_alias=AliasChoices("REDIRECT_DB_TIMEOUT_MS", "db_timeout_ms"),
        description="Deadline of one database call (lease statements in the background, form "
        "posts); at the deadline its connection is dropped, whatever state the server is in.",
    )
    cap_wait_ms: int = Field(
        50,
        ge=1,
        validation_alias=AliasChoices("REDIRECT_CAP_WAIT_MS", "cap_wait_ms"),
        description="The longest a scan of a capped code waits for a new lease when the one "
        "held ran out; then it is answered as if the cap were reached (fail closed).",
    )
    lease_ttl_s: float = Field(
        10.0,
        gt=0,
        validation_alias=AliasChoices("REDIRECT_LEASE_TTL_S", "lease_ttl_s"),
        description="How long a scan-cap lease lives without renewal (renewed every third of "
        "it); a dead process's leases are reclaimed this long plus 5 s after their last renewal.",
    )
    lease_dir: Path = Field(
        Path(".run/leases"),
        validation_alias=AliasChoices("REDIRECT_LEASE_DIR", "lease_dir"),
        description="Where each process keeps its lease ledger; processes of one host share "
        "it, so a killed one's leases are settled exactly by another.",
    )
    db_retry_ms: int = Field(
        1000,
        ge=0,
        validation_alias=AliasChoices("REDIRECT_DB_RETRY_MS", "db_retry_ms"),
        description="After the database failed, how long to fail closed at once before "
        "trying it again.",
    )
    gate_secret: str = Field(
        "",
        validation_alias=AliasChoices("GATE_COOKIE_SECRET", "gate_secret"),
        description="Key of the password gate's cookies; derived from VISITOR_HASH_SALT when "
        "empty (every replica must share it).",
    )
    gate_cookie_ttl_s: int = Field(
        900,
        ge=1,
        validation_alias=AliasChoices("GATE_COOKIE_TTL_S", "gate_cookie_ttl_s"),
        description="How long a passed password gate stays open for that scanner and code.",
    )
    gate_attempts: int = Field(
        5,
        ge=1,
        validation_alias=AliasChoices("GATE_ATTEMPTS", "gate_attempts"),
        description="Wrong passwords allowed per client IP and code within the window.",
    )
    gate_window_s: int = Field(
        900, ge=1, validation_alias=AliasChoices("GATE_WINDOW_S", "gate_window_s")
    )
    form_posts: int = Field(
        10,
        ge=1,
        validation_alias=AliasChoices("FORM_POSTS", "form_posts"),
        description="Form submissions accepted per client IP and code within the window.",
    )
    form_window_s: int = Field(
        3600, ge=1, validation_alias=AliasChoices("FORM_WINDOW_S", "form_window_s")
    )
    public_api_url: str = Field(
        "http://127.0.0.1:8000",
        validation_alias=AliasChoices("PUBLIC_API_URL", "public_api_url"),
        description="Public base URL of the API; hosted PDF and image pages link its file "
        "streams (/v1/files/...).",
    )

    def worker_count(self) -> int:
        return self.workers or len(os.sched_getaffinity(0))
