"""Answering a public file stream: the gate of a password-protected code, the budget, the
range, then the file (see `stream`, `ranges`, `budget`)."""

from __future__ import annotations

import time
from functools import lru_cache

from aiohttp import web

from qrstack_api.context import POOL, SETTINGS
from qrstack_api.files.budget import UNIT, charge, request_cost
from qrstack_api.files.ranges import requested_range
from qrstack_api.files.stream import ServedFile, send_file
from qrstack_common.errors import ApiError
from qrstack_common.gate_cookie import GATE_COOKIE, GateCookies, gate_key
from qrstack_common.http import etag_matches

NO_FILE = (
    "No such file: the code does not exist, is not active, shows no file there, or is "
    "password-protected and the request carries no valid proof of its gate."
)
GATE_PARAMETER = "gate"


@lru_cache(maxsize=4)
def _gate(secret: str, visitor_salt: str) -> GateCookies:
    return GateCookies(gate_key(secret, visitor_salt), ttl_s=0)  # verifies only


def unlocked(request: web.Request, file: ServedFile) -> bool:
    """Whether the request may have the file: the code has no password, or the request
    carries the gate's proof (the `qrgate` cookie, or `?gate=` as the hosted page links it)."""
    if file.password_hash is None:
        return True
    settings = request.app[SETTINGS]
    gate = _gate(settings.gate_cookie_secret, settings.visitor_hash_salt)
    now = time.time()
    return any(
        gate.opens(value, file.code_id, file.password_hash, now)
        for value in (request.query.get(GATE_PARAMETER), request.cookies.get(GATE_COOKIE))
    )


async def serve(request: web.Request, file: ServedFile | None) -> web.StreamResponse:
    """The file, a part of it (206), 304, or 404 / 416 / 429."""
    if file is None or not unlocked(request, file):
        await charge(request, None, None, UNIT)
        raise ApiError("not_found", NO_FILE)
    not_modified = etag_matches(request, file.etag)
    wanted = None
    if request.method == "GET" and not not_modified:
        wanted = requested_range(
            request.headers.get("Range"), request.headers.get("If-Range"), file.etag, file.size
        )
    if not_modified or request.method == "HEAD":
        sent = 0
    else:
        sent = file.size if wanted is None else max(0, wanted.length)
    cost = request_cost(sent, file.size, file.files_on_page)
    await charge(request, file.workspace_id, file.rate_limit, cost)
    return await send_file(request, request.app[POOL], file, wanted, not_modified=not_modified)
