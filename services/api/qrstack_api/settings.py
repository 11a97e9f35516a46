"""Settings of the API service (environment variables; defaults are `make run`'s)."""

from __future__ import annotations

from typing import Literal

from qrstack_api.accounts.settings import AccountSettings
from qrstack_api.billing.settings import BillingSettings
from qrstack_api.domains.settings import DomainSettings
from qrstack_api.files.settings import FileSettings
from qrstack_api.livescans.settings import LiveScanSettings
from qrstack_api.ratelimit.settings import RateLimitSettings
from qrstack_api.status.settings import StatusSettings
from qrstack_api.submissions.settings import SubmissionSettings
from qrstack_api.webhooks.settings import WebhookRouteSettings
from qrstack_common.settings import setting


class ApiSettings(
    AccountSettings,
    RateLimitSettings,
    BillingSettings,
    StatusSettings,
    FileSettings,
    SubmissionSettings,
    WebhookRouteSettings,
    LiveScanSettings,
    DomainSettings,
):
    host: str = setting("API_HOST", "127.0.0.1")
    port: int = setting("API_PORT", 8000)
    database_url: str = setting("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/qrstack")
    db_pool_size: int = setting("API_DB_POOL_SIZE", 10)
    short_url_base: str = setting(
        "SHORT_URL_BASE",
        "http://127.0.0.1:8001",
        description="Scheme and host of the platform's short domain; short URLs are base/slug.",
    )
    custom_domain_scheme: str = setting("CUSTOM_DOMAIN_SCHEME", "https")
    renderer_url: str = setting("RENDERER_URL", "http://127.0.0.1:8002")
    analytics_url: str = setting("ANALYTICS_URL", "http://127.0.0.1:8003")
    upstream_timeout_s: float = setting("API_UPSTREAM_TIMEOUT", 10.0)
    min_scannability_grade: Literal["A", "B", "C", "D", "F"] | None = setting(
        "API_MIN_SCANNABILITY_GRADE",
        None,
        description="Refuse codes whose design scores below this grade (unset: no check).",
    )
    force_https: bool = setting(
        "FORCE_HTTPS",
        False,
        description="Answer plain-HTTP API requests with 301 to https (X-Forwarded-Proto is "
        "believed from API_TRUSTED_PROXIES only).",
    )
