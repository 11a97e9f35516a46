"""Settings of the webhook delivery worker (environment variables; defaults are `make run`'s)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import NoDecode

from qrstack_common.settings import ServiceSettings

# Seconds to wait after each failed attempt: the 2nd attempt 5 s after the 1st, ... about
# 3 days from the first attempt to the last (15 attempts). Each wait gets ±20 % jitter.
DEFAULT_RETRY_SCHEDULE_S = (
    5,
    30,
    120,
    600,
    1800,
    3600,
    7200,
    14400,
    28800,
    43200,
    43200,
    43200,
    43200,
    43200,
)


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class WebhookSettings(ServiceSettings):
    host: str = Field("127.0.0.1", validation_alias=_alias("WEBHOOKS_HOST", "host"))
    port: int = Field(8004, validation_alias=_alias("WEBHOOKS_PORT", "port"))
    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/qrstack",
        validation_alias=_alias("DATABASE_URL", "database_url"),
    )
    allow_local_urls: bool = Field(
        False,
        validation_alias=_alias("WEBHOOK_ALLOW_LOCAL_URLS", "allow_local_urls"),
        description="Development only: deliver to http:// URLs and to loopback addresses "
        "(receivers on this machine). Private and link-local addresses stay refused.",
    )
    request_timeout_s: float = Field(
        5.0,
        gt=0,
        validation_alias=_alias("WEBHOOK_TIMEOUT", "request_timeout_s"),
        description="Seconds one webhook request may take (connect to last byte).",
    )
    endpoint_concurrency: int = Field(
        4,
        ge=1,
        validation_alias=_alias("WEBHOOK_ENDPOINT_CONCURRENCY", "endpoint_concurrency"),
        description="Requests in flight to one endpoint at once, per worker.",
    )
    max_in_flight: int = Field(
        256,
        ge=1,
        validation_alias=_alias("WEBHOOK_MAX_IN_FLIGHT", "max_in_flight"),
        description="Requests in flight across all endpoints, per worker.",
    )
    retry_schedule_s: Annotated[tuple[float, ...], NoDecode] = Field(
        DEFAULT_RETRY_SCHEDULE_S,
        validation_alias=_alias("WEBHOOK_RETRY_SCHEDULE", "retry_schedule_s"),
        description="Comma-separated waits (seconds) after each failed attempt; a delivery "
        "gives up after the last.",
    )
    disable_after_s: float = Field(
        3 * 86_400.0,
        gt=0,
        validation_alias=_alias("WEBHOOK_DISABLE_AFTER", "disable_after_s"),
        description="An endpoint failing every attempt for this long is disabled.",
    )
    retention_days: int = Field(
        30,
        ge=1,
        validation_alias=_alias("WEBHOOK_RETENTION_DAYS", "retention_days"),
        description="Days delivered and failed deliveries (and their events) are kept.",
    )
    consumer_group: str = Field(
        "qrstack-webhooks",
        validation_alias=_alias("WEBHOOK_CONSUMER_GROUP", "consumer_group"),
        description="Kafka consumer group of the fan-out (every worker replica joins it).",
    )
    db_pool_size: int = Field(
        8, ge=2, validation_alias=_alias("WEBHOOKS_DB_POOL_SIZE", "db_pool_size")
    )

    @field_validator("retry_schedule_s", mode="before")
    @classmethod
    def _schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(float(part) for part in value.split(",") if part.strip())
        return value
