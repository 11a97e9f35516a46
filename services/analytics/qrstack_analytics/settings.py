"""Settings of the analytics service (environment variables; defaults are `make run`'s).

`CLICKHOUSE_URL` unset means the embedded default: chDB on `CHDB_PATH`, opened only by this
process. Set, it names a ClickHouse server reached over HTTP through clickhouse-connect, e.g.
`http://user:password@clickhouse:8123`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator

from qrstack_common.settings import ServiceSettings

_IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"


class AnalyticsSettings(ServiceSettings):
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("ANALYTICS_HOST", "host"))
    port: int = Field(8003, validation_alias=AliasChoices("ANALYTICS_PORT", "port"))
    clickhouse_url: str | None = Field(
        None,
        validation_alias=AliasChoices("CLICKHOUSE_URL", "clickhouse_url"),
        description="ClickHouse server URL (http/https); unset = chDB on chdb_path.",
    )
    chdb_path: Path = Field(
        Path(".run/chdb"), validation_alias=AliasChoices("CHDB_PATH", "chdb_path")
    )
    clickhouse_database: str = Field(
        "qrstack",
        pattern=_IDENTIFIER,
        validation_alias=AliasChoices("CLICKHOUSE_DATABASE", "clickhouse_database"),
    )
    batch_max_scans: int = Field(
        50_000,
        ge=1,
        le=1_000_000,
        validation_alias=AliasChoices("ANALYTICS_BATCH_MAX_SCANS", "batch_max_scans"),
        description="A batch is written once it holds this many scans, or ...",
    )
    batch_max_wait_ms: int = Field(
        1000,
        ge=1,
        le=60_000,
        validation_alias=AliasChoices("ANALYTICS_BATCH_MAX_WAIT_MS", "batch_max_wait_ms"),
        description="... once its first scan has waited this many milliseconds.",
    )
    raw_retention_days: int = Field(
        395,
        ge=0,
        validation_alias=AliasChoices("ANALYTICS_RAW_RETENTION_DAYS", "raw_retention_days"),
        description="Days raw scans are kept (0 = forever); rollups are kept forever.",
    )
    ingest: bool = Field(
        True,
        validation_alias=AliasChoices("ANALYTICS_INGEST", "ingest"),
        description="Consume qr.scans.v1; false runs a query-only replica.",
    )
    consumer_group: str = Field(
        "qrstack-analytics",
        validation_alias=AliasChoices("ANALYTICS_CONSUMER_GROUP", "consumer_group"),
    )
    query_threads: int = Field(
        4,
        ge=1,
        le=64,
        validation_alias=AliasChoices("ANALYTICS_QUERY_THREADS", "query_threads"),
        description="Threads (and chDB sessions) answering queries off the event loop.",
    )
    retry_max_backoff_s: float = Field(
        10.0,
        gt=0,
        validation_alias=AliasChoices("ANALYTICS_RETRY_MAX_BACKOFF_S", "retry_max_backoff_s"),
        description="Longest pause between two attempts to write a batch.",
    )
    dead_letter_max_ratio: float = Field(
        0.2,
        ge=0,
        le=1,
        validation_alias=AliasChoices("ANALYTICS_DEAD_LETTER_MAX_RATIO", "dead_letter_max_ratio"),
        description="Above this share of undecodable events in a batch, ingestion stops.",
    )

    @field_validator("clickhouse_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None:
            if not value.startswith(("http://", "https://")):
                raise ValueError("CLICKHOUSE_URL must be an http:// or https:// URL")
            name = urlsplit(value).path.strip("/")
            if name and not re.fullmatch(_IDENTIFIER, name):
                raise ValueError("the database in CLICKHOUSE_URL's path must be an identifier")
        return value

    @property
    def database(self) -> str:
        """The database the service owns: named by CLICKHOUSE_URL's path (as in
        `http://user:pw@clickhouse:8123/qrstack`) or else by CLICKHOUSE_DATABASE."""
        if self.clickhouse_url:
            name = urlsplit(self.clickhouse_url).path.strip("/")
            if name:
                return name
        return self.clickhouse_database
