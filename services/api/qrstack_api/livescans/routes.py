"""GET /v1/scans/stream and /v1/codes/{id}/scans/stream: Server-Sent Events, one `scan` event
per counted scan (the scans list's shape), `Last-Event-ID` resume, heartbeats, and a limit of
open streams per key.

They live in the API, not in analytics: a stream is authenticated, scoped to a workspace and
counted per key, which the API does for every route, and it needs nothing from ClickHouse —
the API tails the scan topics itself (`feed.py`), so a scan reaches a stream in the time
Kafka takes to hand it over, not after an analytics insert."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.codes.paths import CODE_NOT_FOUND, CODE_PATH, code_id_of
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.livescans.feed import Interest, LiveScan, ScanFeed, parse_cut
from qrstack_api.openapi import operation
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import validate

routes = web.RouteTableDef()

FEED = web.AppKey("live_scan_feed", ScanFeed)
OPEN_STREAMS = web.AppKey("open_scan_streams", Counter[str])

_TAG = "analytics"
_DESCRIPTION = (
    "text/event-stream. Each scan is `event: scan`, `id: <position>`, `data: <scan as in the "
    "scans list, plus codeId and workspaceId>`. Reconnect with `Last-Event-ID` to receive the "
    "recent scans after that one (no gaps while they are in the buffer). A `: heartbeat` "
    "comment is sent when idle. ?includeBots=true adds bot scans. At most "
    "API_SCAN_STREAMS_PER_KEY open streams per key (429 beyond)."
)


class StreamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    include_bots: bool = Field(False, alias="includeBots", description="Bot scans too.")
    last_event_id: str | None = Field(
        None,
        alias="lastEventId",
        description="Resume after this event id (as the Last-Event-ID header does).",
    )


def _holder(principal: Principal) -> str:
    return str(principal.key_id or principal.user_id or principal.workspace_id)


async def _stream(request: web.Request, code_id: UUID | None) -> web.StreamResponse:
    principal = principal_of(request)
    principal.require("analytics:read")
    settings = request.app[SETTINGS]
    query = validate(StreamQuery, dict(request.query))
    after = None
    if last := request.headers.get("Last-Event-ID") or query.last_event_id:
        try:
            after = parse_cut(last)
        except ValueError as exc:
            raise validation_failed([Issue(("Last-Event-ID",), str(exc))]) from None
    if code_id is not None:
        found = await request.app[POOL].fetchval(
            "SELECT true FROM codes WHERE id = $1 AND workspace_id = $2",
            code_id,
            principal.workspace_id,
        )
        if not found:
            raise ApiError("not_found", CODE_NOT_FOUND)
    holder, open_streams = _holder(principal), request.app[OPEN_STREAMS]
    if open_streams[holder] >= settings.scan_streams_per_key:
        raise ApiError(
            "rate_limited",
            f"This key already holds {open_streams[holder]} open scan streams (the limit); "
            "close one first.",
            headers={"Retry-After": "5"},
        )
    open_streams[holder] += 1
    try:
        return await _serve(
            request, Interest(principal.workspace_id, code_id, query.include_bots), after
        )
    finally:
        open_streams[holder] -= 1
        if open_streams[holder] <= 0:
            del open_streams[holder]


async def _serve(
    request: web.Request, interest: Interest, after: dict[str, int] | None
) -> web.StreamResponse:
    feed = request.app[FEED]
    await feed.started()
    subscription, backlog, missed = feed.subscribe(interest, after)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    heartbeat = request.app[SETTINGS].scan_stream_heartbeat_s
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        if missed:
            await response.write(b": some scans before this point are no longer buffered\n\n")
        for scan in backlog:
            await response.write(_frame(scan))
        while not subscription.overflowed:
            try:
                scan = await asyncio.wait_for(subscription.queue.get(), heartbeat)
            except TimeoutError:
                await response.write(b": heartbeat\n\n")
                continue
            await response.write(_frame(scan))
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        feed.unsubscribe(subscription)
    with contextlib.suppress(ConnectionResetError):
        await response.write_eof()
    return response


def _frame(scan: LiveScan) -> bytes:
    return b"id: " + scan.cut.encode() + b"\nevent: scan\ndata: " + scan.data + b"\n\n"


@routes.get("/v1/scans/stream")
@operation(
    summary="Live scans of the workspace (Server-Sent Events)",
    tag=_TAG,
    responses={200: {"text/event-stream": "scan events (see the description)"}},
    query=StreamQuery,
    errors=(400, 429),
    scope="analytics:read",
    description=_DESCRIPTION,
)
async def workspace_stream(request: web.Request) -> web.StreamResponse:
    return await _stream(request, None)


@routes.get(f"{CODE_PATH}/scans/stream")
@operation(
    summary="Live scans of one code (Server-Sent Events)",
    tag=_TAG,
    responses={200: {"text/event-stream": "scan events (see the description)"}},
    query=StreamQuery,
    errors=(400, 404, 429),
    scope="analytics:read",
    description=_DESCRIPTION,
)
async def code_stream(request: web.Request) -> web.StreamResponse:
    return await _stream(request, code_id_of(request))
