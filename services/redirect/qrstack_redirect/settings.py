"""Settings of the redirect service (environment variables; defaults are `make run`'s)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field

from qrstack_common.settings import ServiceSettings


class RedirectSettings(ServiceSettings):
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("REDIRECT_HOST", "host"))
    port: int = Field(8001, validation_alias=AliasChoices("REDIRECT_PORT", "port"))
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
