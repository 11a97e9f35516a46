"""Settings of authentication: trusted proxies, password hashing cost, sessions, sign-in limits.

`ApiSettings` inherits these fields; each is read from the environment variable named first in
its aliases.
"""

from __future__ import annotations

from pydantic import IPvAnyNetwork, model_validator

from qrstack_common.settings import ServiceSettings, setting

SESSION_MAX_AGE_S = 1_209_600  # 14 days, TrakQR's Max-Age


class AccountSettings(ServiceSettings):
    trusted_proxies: tuple[IPvAnyNetwork, ...] = setting(
        "API_TRUSTED_PROXIES",
        (),
        description="JSON list of CIDRs of reverse proxies whose X-Forwarded-For is believed.",
    )
    password_time_cost: int = setting("API_PASSWORD_TIME_COST", 3, ge=1)
    password_memory_kib: int = setting(
        "API_PASSWORD_MEMORY_KIB",
        65_536,
        ge=8,
        description="Argon2id memory per hash; the default is RFC 9106's low-memory profile.",
    )
    password_parallelism: int = setting("API_PASSWORD_PARALLELISM", 4, ge=1)
    password_workers: int = setting(
        "API_PASSWORD_WORKERS",
        2,
        ge=1,
        description="Threads that verify passwords; more verifications wait their turn.",
    )
    session_max_age_s: int = setting("API_SESSION_MAX_AGE", SESSION_MAX_AGE_S, ge=60)
    login_failures_per_email: int = setting(
        "API_LOGIN_FAILURES_PER_EMAIL",
        10,
        ge=1,
        description="Failed Basic sign-ins allowed per email address per window.",
    )
    login_failures_per_ip: int = setting(
        "API_LOGIN_FAILURES_PER_IP",
        100,
        ge=1,
        description="Failed Basic sign-ins allowed per client address per window.",
    )
    login_failure_window_s: int = setting("API_LOGIN_FAILURE_WINDOW", 900, ge=1)

    @model_validator(mode="after")
    def _argon2_memory(self) -> AccountSettings:
        if self.password_memory_kib < 8 * self.password_parallelism:
            raise ValueError("password_memory_kib must be at least 8 × password_parallelism")
        return self
