"""Settings of authentication: trusted proxies, password hashing cost, sessions, sign-in limits.

`ApiSettings` inherits these fields; each is read from the environment variable named first in
its aliases.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, IPvAnyNetwork, model_validator

from qrstack_common.settings import ServiceSettings

SESSION_MAX_AGE_S = 1_209_600  # 14 days, TrakQR's Max-Age


class AccountSettings(ServiceSettings):
    trusted_proxies: tuple[IPvAnyNetwork, ...] = Field(
        (),
        validation_alias=AliasChoices("API_TRUSTED_PROXIES", "trusted_proxies"),
        description="JSON list of CIDRs of reverse proxies whose X-Forwarded-For is believed.",
    )
    password_time_cost: int = Field(
        3, ge=1, validation_alias=AliasChoices("API_PASSWORD_TIME_COST", "password_time_cost")
    )
    password_memory_kib: int = Field(
        65_536,
        ge=8,
        validation_alias=AliasChoices("API_PASSWORD_MEMORY_KIB", "password_memory_kib"),
        description="Argon2id memory per hash; the default is RFC 9106's low-memory profile.",
    )
    password_parallelism: int = Field(
        4, ge=1, validation_alias=AliasChoices("API_PASSWORD_PARALLELISM", "password_parallelism")
    )
    password_workers: int = Field(
        2,
        ge=1,
        validation_alias=AliasChoices("API_PASSWORD_WORKERS", "password_workers"),
        description="Threads that verify passwords; more verifications wait their turn.",
    )
    session_max_age_s: int = Field(
        SESSION_MAX_AGE_S,
        ge=60,
        validation_alias=AliasChoices("API_SESSION_MAX_AGE", "session_max_age_s"),
    )
    login_failures_per_email: int = Field(
        10,
        ge=1,
        validation_alias=AliasChoices("API_LOGIN_FAILURES_PER_EMAIL", "login_failures_per_email"),
        description="Failed Basic sign-ins allowed per email address per window.",
    )
    login_failures_per_ip: int = Field(
        100,
        ge=1,
        validation_alias=AliasChoices("API_LOGIN_FAILURES_PER_IP", "login_failures_per_ip"),
        description="Failed Basic sign-ins allowed per client address per window.",
    )
    login_failure_window_s: int = Field(
        900,
        ge=1,
        validation_alias=AliasChoices("API_LOGIN_FAILURE_WINDOW", "login_failure_window_s"),
    )

    @model_validator(mode="after")
    def _argon2_memory(self) -> AccountSettings:
        if self.password_memory_kib < 8 * self.password_parallelism:
            raise ValueError("password_memory_kib must be at least 8 × password_parallelism")
        return self
