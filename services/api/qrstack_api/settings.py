"""Settings of the API service (environment variables; defaults are `make run`'s)."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from qrstack_api.accounts.settings import AccountSettings
from qrstack_api.billing.settings import BillingSettings
from qrstack_api.files.settings import FileSettings
from qrstack_api.ratelimit.settings import RateLimitSettings
from qrstack_api.status.settings import StatusSettings


class ApiSettings(
    AccountSettings, RateLimitSettings, BillingSettings, StatusSettings, FileSettings
):
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("API_HOST", "host"))
    port: int = Field(8000, validation_alias=AliasChoices("API_PORT", "port"))
    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/qrstack",
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
    )
    db_pool_size: int = Field(10, validation_alias=AliasChoices("API_DB_POOL_SIZE", "db_pool_size"))
    short_url_base: str = Field(
        "http://127.0.0.1:8001",
        validation_alias=AliasChoices("SHORT_URL_BASE", "short_url_base"),
        description="Scheme and host of the platform's short domain; short URLs are base/slug.",
    )
    custom_domain_scheme: str = Field(
        "https", validation_alias=AliasChoices("CUSTOM_DOMAIN_SCHEME", "custom_domain_scheme")
    )
    renderer_url: str = Field(
        "http://127.0.0.1:8002", validation_alias=AliasChoices("RENDERER_URL", "renderer_url")
    )
    analytics_url: str = Field(
        "http://127.0.0.1:8003", validation_alias=AliasChoices("ANALYTICS_URL", "analytics_url")
    )
    upstream_timeout_s: float = Field(
        10.0, validation_alias=AliasChoices("API_UPSTREAM_TIMEOUT", "upstream_timeout_s")
    )
    force_https: bool = Field(
        False,
        validation_alias=AliasChoices("FORCE_HTTPS", "force_https"),
        description="Answer plain-HTTP API requests with 301 to https (X-Forwarded-Proto is "
        "believed from API_TRUSTED_PROXIES only).",
    )
