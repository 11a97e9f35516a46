"""`/healthz`, `/readyz` and `/metrics` for every service, plus the request metrics middleware.

- `/healthz` answers 200 while the process runs its event loop.
- `/readyz` answers 200 when every registered readiness check passes, else 503 with the
  failing checks' reasons; a service registers checks with `add_readiness_check`.
- `/metrics` exposes the app's own Prometheus registry.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from qrstack_common.http import (
    REQUEST_IDS,
    Handler,
    RequestIds,
    error_middleware,
    json_response,
)
from qrstack_common.metrics import ServiceMetrics

ReadinessCheck = Callable[[], str | None]
"""Returns None when ready, else a short reason why not."""

METRICS = web.AppKey("metrics", ServiceMetrics)
READINESS = web.AppKey("readiness_checks", dict[str, ReadinessCheck])


def new_service_app(metrics: ServiceMetrics, *, client_max_size: int = 1 << 20) -> web.Application:
    """The base application of every service: request metrics outermost, then the error
    middleware, plus `/healthz`, `/readyz` and `/metrics`."""
    app = web.Application(
        middlewares=[_metrics_middleware, error_middleware], client_max_size=client_max_size
    )
    app[METRICS] = metrics
    app[READINESS] = {}
    app[REQUEST_IDS] = RequestIds()
    app.router.add_get("/healthz", _healthz, allow_head=True)
    app.router.add_get("/readyz", _readyz, allow_head=True)
    app.router.add_get("/metrics", _metrics)
    return app


def add_readiness_check(app: web.Application, name: str, check: ReadinessCheck) -> None:
    app[READINESS][name] = check


def readiness_failures(app: web.Application) -> dict[str, str]:
    failures: dict[str, str] = {}
    for name, check in app[READINESS].items():
        reason = check()
        if reason is not None:
            failures[name] = reason
    return failures


async def _healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "service": request.app[METRICS].service})


async def _readyz(request: web.Request) -> web.Response:
    failures = readiness_failures(request.app)
    request.app[METRICS].ready.set(0 if failures else 1)
    if failures:
        return json_response({"status": "starting", "checks": failures}, status=503)
    return json_response({"status": "ready"})


async def _metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


@web.middleware
async def _metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    start = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        request.app[METRICS].observe_request(route, status, time.perf_counter() - start)
