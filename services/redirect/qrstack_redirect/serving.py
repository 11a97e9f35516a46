"""Serving the redirect: the scan route outside the generic middleware chain, and
`REDIRECT_WORKERS` processes on one port.

**The scan path.** `ScanDispatch` is the HTTP server's request handler: a `GET`/`HEAD` of
`/{slug}` goes straight to `Routes.scan_slug`, everything else (POST, `/`, `/healthz`, `/readyz`,
`/metrics`, anything unknown) to the application as usual, middlewares and all. A scan skips
the router and the two generic middlewares, keeping what they gave it: a request id
(`X-Request-Id`, taken from the request or made), the error envelope for an unexpected failure,
and the request metrics (counted in plain integers and added to `qr_http_requests_total` every
`_FLUSH_EVERY` scans and every second; the latency histogram samples one scan in
`_FLUSH_EVERY`).

**Workers.** With `REDIRECT_WORKERS=N` (N > 1) the process started is a supervisor: it starts N
worker processes that each listen on the same host and port with `SO_REUSEPORT` (the kernel
spreads connections across them), each with its own slug table, leases and spool
(`SCAN_SPOOL_DIR/worker-<i>`); their lease ledgers share `REDIRECT_LEASE_DIR`. A worker
starts listening once its table caught up, so no scan is answered from a table still replaying.
SIGTERM or SIGINT to the supervisor is passed to every worker, and each drains (stops
accepting, finishes its requests, flushes its scan events, hands its leases back) before the
supervisor exits. A worker that dies is started again after a second.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvloop
from aiohttp import web

from qrstack_common.errors import ApiError
from qrstack_common.http import REQUEST_ID_HEADER, REQUEST_IDS, error_response
from qrstack_common.metrics import ServiceMetrics
from qrstack_common.observability import METRICS, readiness_failures
from qrstack_common.serve import MAX_REQUEST_LINE
from qrstack_redirect.prebuilt import PrebuiltRedirect
from qrstack_redirect.routes import RESERVED_PATHS, SLUG_PATTERN, Routes

log = logging.getLogger(__name__)

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]

_SLUG = re.compile(SLUG_PATTERN)
_FLUSH_EVERY = 64
_ROUTE = f"/{{slug:{SLUG_PATTERN}}}"  # the route name the generic metrics use for scans
_SCAN_METHODS = frozenset({"GET", "HEAD"})
WORKER_ENV = "REDIRECT_WORKER_INDEX"


class ScanDispatch:
    """The server's request handler: scans to `Routes.scan_slug`, the rest to `fallback`."""

    __slots__ = ("_counts", "_fallback", "_ids", "_metrics", "_routes", "_since_flush")

    def __init__(self, app: web.Application, routes: Routes, fallback: Handler) -> None:
        self._routes = routes
        self._fallback = fallback
        self._ids = app[REQUEST_IDS]
        self._metrics: ServiceMetrics = app[METRICS]
        self._counts = [0] * 6  # scans answered, by status class
        self._since_flush = 0

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse | PrebuiltRedirect:
        if request.method in _SCAN_METHODS:
            path = request.raw_path
            slug = path[1:].partition("?")[0] if path[:1] == "/" else ""
            if slug not in RESERVED_PATHS and _SLUG.fullmatch(slug):
                return await self._scan(request, slug)
        return await self._fallback(request)

    async def _scan(
        self, request: web.BaseRequest, slug: str
    ) -> web.StreamResponse | PrebuiltRedirect:
        started = time.perf_counter()
        request_id = request.headers.get(REQUEST_ID_HEADER) or self._ids.next()
        try:
            response = await self._routes.scan_slug(request, slug, prebuilt=True)  # type: ignore[arg-type]
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id, "path": slug})
            response = error_response(
                ApiError("internal", f"Something failed on our side (request id {request_id})."),
                request_id,
            )
        if isinstance(response, PrebuiltRedirect):
            response.request_id = request_id
        else:
            response.headers[REQUEST_ID_HEADER] = request_id
        self._counts[response.status // 100] += 1
        self._since_flush += 1
        if self._since_flush >= _FLUSH_EVERY:
            self.flush(time.perf_counter() - started)
        return response

    def flush(self, sample_s: float | None = None) -> None:
        """Add the scans counted since the last flush to the request metrics."""
        counts, self._since_flush = self._counts, 0
        for status_class, count in enumerate(counts):
            if count:
                self._metrics.http_requests.labels(_ROUTE, f"{status_class}xx").inc(count)
                counts[status_class] = 0
        if sample_s is not None:
            self._metrics.http_latency.labels(_ROUTE).observe(sample_s)


def install(server: web.Server, app: web.Application, routes: Routes) -> ScanDispatch:
    """Make `server` (an `AppRunner`'s, after `setup`) answer scans through `ScanDispatch`."""
    dispatch = ScanDispatch(app, routes, server.request_handler)
    # A `PrebuiltRedirect` is not a StreamResponse but gives the server all it uses of one.
    server.request_handler = dispatch  # type: ignore[assignment]
    return dispatch


# --- one process ------------------------------------------------------------------------


def serve(app: web.Application, routes: Routes, host: str, port: int, *, reuse_port: bool) -> None:
    """Serve until SIGTERM or SIGINT, then drain (see the module docstring)."""
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(_serve(app, routes, host, port, reuse_port))
    finally:
        loop.close()


async def _serve(
    app: web.Application, routes: Routes, host: str, port: int, reuse_port: bool
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(
        app, access_log=None, shutdown_timeout=10.0, max_line_size=MAX_REQUEST_LINE
    )
    await runner.setup()
    assert runner.server is not None
    dispatch = install(runner.server, app, routes)
    if reuse_port:
        # A worker joins the port once its table caught up: the kernel hands connections
        # to every listener, so a worker still replaying would answer from half a table.
        while readiness_failures(app) and not stop.is_set():  # noqa: ASYNC110 (a poll)
            await asyncio.sleep(0.1)
    await web.TCPSite(runner, host, port, reuse_port=reuse_port or None).start()
    flusher = asyncio.create_task(_flush_every_second(dispatch))
    try:
        await stop.wait()
    finally:
        flusher.cancel()
        await runner.cleanup()
        dispatch.flush()


async def _flush_every_second(dispatch: ScanDispatch) -> None:
    while True:
        await asyncio.sleep(1.0)
        dispatch.flush()


# --- N workers on one port --------------------------------------------------------------


def supervise(workers: int, spool_dir: Path) -> None:
    """Run `workers` worker processes on one port until SIGTERM/SIGINT (module docstring)."""
    stopping = False

    def start(index: int) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "REDIRECT_WORKERS": "1",
            "REDIRECT_REUSE_PORT": "true",
            WORKER_ENV: str(index),
            "SCAN_SPOOL_DIR": str(spool_dir / f"worker-{index}"),
        }
        return subprocess.Popen([sys.executable, "-m", "qrstack_redirect"], env=env)

    def forward(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    children = [start(i) for i in range(workers)]
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    log.info("redirect workers started", extra={"workers": workers})
    while True:
        time.sleep(0.2)
        if stopping:
            if all(child.poll() is not None for child in children):
                return
            continue
        for index, child in enumerate(children):
            if child.poll() is not None and not stopping:
                log.error(
                    "redirect worker exited; starting it again",
                    extra={"worker": index, "code": child.returncode},
                )
                time.sleep(1.0)
                if not stopping:
                    children[index] = start(index)
