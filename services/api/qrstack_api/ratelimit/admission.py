"""Admitting requests under their quota, and the rate-limit headers on every response.

The authentication layer calls `RateLimits.admit` once it knows who is calling (or that nobody
is); the verdict is kept on the request and `rate_limit_headers`, an `on_response_prepare`
hook, copies it onto whatever response goes out: success, error, 404 or 429 alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import asyncpg
from aiohttp import web

from qrstack_api.context import POOL
from qrstack_api.ratelimit.counters import PostgresCounters
from qrstack_api.ratelimit.limiter import RateLimiter, Verdict
from qrstack_api.ratelimit.policy import Quota, RatePolicy
from qrstack_api.ratelimit.settings import RateLimitSettings
from qrstack_common.metrics import ApiMetrics
from qrstack_common.serve import stop_tasks

log = logging.getLogger(__name__)

PURGE_INTERVAL_S = 60.0
# Password guesses are counted with a wait long enough for a loaded PostgreSQL to answer: a
# sign-in costs an Argon2 verification (tens of ms) anyway, and a count decided locally after a
# timed-out shared one misses hits, which for guesses means more guesses than the limit.
SIGN_IN_BUDGET_S = 2.0
VERDICT = web.RequestKey("rate_limit_verdict", Verdict)
# The public file streams count themselves, once they know the file (its workspace's limit,
# its share of the page): files/budget.py. Their quota and subject wait on the request.
SELF_COUNTED_PREFIXES = ("/v1/files/",)


@dataclass(frozen=True, slots=True)
class PendingCount:
    quota: Quota
    subject: str


PENDING = web.RequestKey("rate_limit_pending", PendingCount)


class RateLimits:
    def __init__(
        self,
        limiter: RateLimiter,
        policy: RatePolicy,
        metrics: ApiMetrics,
        sign_ins: RateLimiter | None = None,
    ) -> None:
        self.limiter = limiter
        self.sign_ins = sign_ins if sign_ins is not None else limiter
        self.policy = policy
        self._metrics = metrics

    async def admit(self, request: web.Request, subject: str, *, authenticated: bool) -> None:
        """Count the request in `subject`'s bucket of its route's quota; 429 `rate_limited`
        (with `Retry-After`) when that is past the limit."""
        quota = self.policy.quota(request.path, authenticated=authenticated)
        if not authenticated and request.path.startswith(SELF_COUNTED_PREFIXES):
            request[PENDING] = PendingCount(quota, subject)
            return
        verdict = await self.limiter.hit(quota.bucket(subject), quota.limit, quota.window_s)
        request[VERDICT] = verdict
        if not verdict.allowed:
            self.refused(quota.rule)
            who = "API key" if subject.startswith("key:") else (
                "user" if subject.startswith("user:") else "client address"
            )  # fmt: skip
            raise verdict.refusal(
                f"Rate limit of {quota.limit} requests per {quota.window_s} s reached for this "
                f"{who}; retry in {verdict.reset_s} s."
            )

    def refused(self, rule: str) -> None:
        """Count a request refused under `rule` (the metric of refusals)."""
        self._metrics.rate_limited.labels(rule).inc()


RATE_LIMITS = web.AppKey("rate_limits", RateLimits)


async def rate_limit_headers(request: web.Request, response: web.StreamResponse) -> None:
    verdict = request.get(VERDICT)
    if verdict is not None:
        for name, value in verdict.headers().items():
            response.headers.setdefault(name, value)


def rate_limits_context(
    settings: RateLimitSettings, metrics: ApiMetrics
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context holding the app's `RateLimits` and, with the PostgreSQL store, the
    task that forgets finished windows. Must come after the context that opens the pool."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        shared = PostgresCounters(app[POOL]) if settings.rate_limit_store == "postgres" else None
        limiter = RateLimiter(
            shared,
            metrics,
            budget_s=settings.rate_limit_budget_ms / 1000,
            cooldown_s=settings.rate_limit_cooldown_s,
        )
        sign_ins = RateLimiter(
            shared, metrics, budget_s=SIGN_IN_BUDGET_S, cooldown_s=settings.rate_limit_cooldown_s
        )
        app[RATE_LIMITS] = RateLimits(limiter, RatePolicy(settings), metrics, sign_ins)
        purge = (
            asyncio.create_task(_purge_forever(shared), name="rate-limit-purge") if shared else None
        )
        yield
        if purge is not None:
            await stop_tasks(purge)

    return context


async def _purge_forever(shared: PostgresCounters) -> None:
    """Delete finished windows once a minute (each replica does; the deletes are idempotent)."""
    while True:
        await asyncio.sleep(PURGE_INTERVAL_S)  # a timer, not flow control
        try:
            forgotten = await shared.purge()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("rate-limit purge failed; retrying later", extra={"error": repr(exc)})
        else:
            log.debug("rate-limit windows purged", extra={"count": forgotten})
