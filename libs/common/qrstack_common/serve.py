"""Running a service's aiohttp application: uvloop, no access log, graceful shutdown.

aiohttp's `run_app` runs the app's cleanup contexts on SIGINT/SIGTERM, so every background task
owned by a cleanup context is cancelled and awaited before the process exits.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import uvloop
from aiohttp import web

MAX_REQUEST_LINE = 64 * 1024


def serve(app: web.Application, host: str, port: int) -> None:
    loop = uvloop.new_event_loop()
    web.run_app(
        app,
        host=host,
        port=port,
        loop=loop,
        print=None,
        access_log=None,
        shutdown_timeout=10.0,
        handle_signals=True,
        # GET /v1/generate?data= carries up to 4296 characters, ~52 KB percent-encoded; the
        # default 8190-byte request line would refuse it before our error handling sees it.
        max_line_size=MAX_REQUEST_LINE,
    )


async def stop_tasks(*tasks: asyncio.Task[Any]) -> None:
    """Cancel the background tasks and wait until each has finished (its cancellation
    swallowed): the end of a cleanup context that started them."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
