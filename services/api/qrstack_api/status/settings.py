"""Settings of the status page: where each component answers `/readyz`, and how often the
API samples them. `ApiSettings` inherits these fields."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from qrstack_common.settings import ServiceSettings


class StatusSettings(ServiceSettings):
    redirect_url: str | None = Field(
        None,
        validation_alias=AliasChoices("REDIRECT_URL", "redirect_url"),
        description="Internal base URL of the redirect service (for its /readyz); unset: the "
        "platform's short domain (SHORT_URL_BASE), which the redirect service answers.",
    )
    status_page_url: str = Field(
        "http://127.0.0.1:8000/v1/status/summary",
        validation_alias=AliasChoices("STATUS_PAGE_URL", "status_page_url"),
        description="Public address of the status page (the RSS feed's link).",
    )
    status_sample_interval_s: float = Field(
        60.0,
        gt=0,
        validation_alias=AliasChoices("STATUS_SAMPLE_INTERVAL", "status_sample_interval_s"),
        description="Seconds between two samples of every component's status.",
    )
    status_probe_timeout_s: float = Field(
        3.0,
        gt=0,
        validation_alias=AliasChoices("STATUS_PROBE_TIMEOUT", "status_probe_timeout_s"),
        description="How long a component may take to answer before it counts as down.",
    )
