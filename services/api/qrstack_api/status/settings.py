"""Settings of the status page: where each component answers `/readyz`, and how often the
API samples them. `ApiSettings` inherits these fields."""

from __future__ import annotations

from qrstack_common.settings import ServiceSettings, setting


class StatusSettings(ServiceSettings):
    redirect_url: str | None = setting(
        "REDIRECT_URL",
        None,
        description="Internal base URL of the redirect service (for its /readyz); unset: the "
        "platform's short domain (SHORT_URL_BASE), which the redirect service answers.",
    )
    status_page_url: str = setting(
        "STATUS_PAGE_URL",
        "http://127.0.0.1:8000/v1/status/summary",
        description="Public address of the status page (the RSS feed's link).",
    )
    status_sample_interval_s: float = setting(
        "STATUS_SAMPLE_INTERVAL",
        60.0,
        gt=0,
        description="Seconds between two samples of every component's status.",
    )
    status_probe_timeout_s: float = setting(
        "STATUS_PROBE_TIMEOUT",
        3.0,
        gt=0,
        description="How long a component may take to answer before it counts as down.",
    )
