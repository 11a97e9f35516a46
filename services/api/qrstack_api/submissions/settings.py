"""Settings of form submissions. `ApiSettings` inherits these fields."""

from __future__ import annotations

from qrstack_common.settings import ServiceSettings, setting

DEFAULT_RETENTION_DAYS = 365


class SubmissionSettings(ServiceSettings):
    form_submissions_retention_days: int = setting(
        "FORM_SUBMISSIONS_RETENTION_DAYS",
        DEFAULT_RETENTION_DAYS,
        ge=0,
        le=36_500,
        description="Days a form page's answers are kept (then they are no longer listed and "
        "are deleted within the hour); 0 keeps them until deleted.",
    )
