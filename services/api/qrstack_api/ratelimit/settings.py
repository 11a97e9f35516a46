"""Settings of rate limiting. `ApiSettings` inherits these fields.

Requests are counted in fixed windows. A request falls under the route limit with the longest
matching prefix, else under the general limit; authenticated requests count per API key or per
user, anonymous ones per client address.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qrstack_common.settings import ServiceSettings, setting


class RouteLimit(BaseModel):
    """Its own quota for the routes under `prefixes` (counted apart from the general one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    prefixes: tuple[str, ...] = Field(min_length=1)
    authenticated: int = Field(ge=1, description="Requests per window per key or user.")
    anonymous: int = Field(ge=1, description="Requests per window per client address.")
    window_s: int = Field(60, ge=1)


GENERATION = RouteLimit(
    name="generation",
    prefixes=("/v1/generate", "/api/generate"),
    authenticated=1000,
    anonymous=100,
)
# Billing webhooks come from the payment provider's few addresses in bursts; every one is
# signature-checked before anything else, so they get their own, larger quota.
WEBHOOKS = RouteLimit(
    name="webhooks",
    prefixes=("/v1/billing/webhook",),
    authenticated=6000,
    anonymous=6000,
)

# The public file streams (TurtleQR's 30 requests per IP per hour): they serve uploads to
# anyone, so one address cannot pull a workspace's files in bulk.
FILES = RouteLimit(
    name="files",
    prefixes=("/v1/files/",),
    authenticated=30,
    anonymous=30,
    window_s=3600,
)


class RateLimitSettings(ServiceSettings):
    rate_limit_store: Literal["postgres", "memory"] = setting(
        "API_RATE_LIMIT_STORE",
        "postgres",
        description="postgres: exact counts shared by every replica; memory: per replica.",
    )
    rate_limit_authenticated: int = setting("API_RATE_LIMIT_AUTHENTICATED", 1000, ge=1)
    rate_limit_anonymous: int = setting("API_RATE_LIMIT_ANONYMOUS", 100, ge=1)
    rate_limit_window_s: int = setting("API_RATE_LIMIT_WINDOW", 60, ge=1)
    rate_limit_routes: tuple[RouteLimit, ...] = setting(
        "API_RATE_LIMIT_ROUTES",
        (GENERATION, WEBHOOKS, FILES),
        description="JSON list of route limits ({name, prefixes, authenticated, anonymous, "
        "window_s}); replaces the default (generation, webhooks, files).",
    )
    rate_limit_budget_ms: float = setting(
        "API_RATE_LIMIT_BUDGET_MS",
        25.0,
        gt=0,
        description="The longest a request waits for the shared counter before this replica "
        "decides from its own counts.",
    )
    rate_limit_cooldown_s: float = setting(
        "API_RATE_LIMIT_COOLDOWN",
        5.0,
        ge=0,
        description="After the shared counter failed or was slow, how long to count locally "
        "before trying it again.",
    )
