"""The console's way to /v1: the same HTTP routes an API client calls, with the user's session.

`ConsoleApi.call` sends one request to this API process (over loopback) carrying the browser's
`sessionid` cookie and answers `ApiAnswer` (status, JSON body or bytes, headers). A 401 means
the session is gone: the page handlers send the browser to the sign-in page. The workspace
chosen in the console's switcher (the `console_workspace` cookie) goes along as
`?workspaceId=`, so every page acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from qrstack_api.accounts.credentials import SESSION_COOKIE
from qrstack_api.context import SETTINGS
from qrstack_api.upstream import UPSTREAM
from qrstack_common.errors import ApiError

WORKSPACE_COOKIE = "console_workspace"


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    status: int
    body: Any  # the decoded JSON, or the raw bytes of a non-JSON answer
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def issues_by_field(self) -> dict[str, str]:
        """A 400's `issues` as {dotted path: reason} for showing next to form fields."""
        found: dict[str, str] = {}
        if not isinstance(self.body, dict):
            return found
        for issue in self.body.get("issues") or ():
            path = ".".join(str(p) for p in issue.get("path") or ())
            reason = issue.get("message") or issue.get("reason") or ""
            found.setdefault(path, str(reason))
        return found

    @property
    def detail(self) -> str:
        if isinstance(self.body, dict):
            return str(self.body.get("detail") or self.body.get("error") or "")
        return ""


def api_base(request: web.Request) -> str:
    """This process's own address: the console calls the API it runs in."""
    settings = request.app[SETTINGS]
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"  # noqa: S104
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def session_token(request: web.Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


async def call(
    request: web.Request,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    token: str | None = None,
    workspace: bool = True,
) -> ApiAnswer:
    """One /v1 call as the signed-in user (or with the given `headers`, e.g. Basic sign-in),
    on the workspace chosen in the console unless `workspace` is False (or `params` name one).
    `token=""` sends no session at all."""
    sent = dict(headers or {})
    chosen = request.cookies.get(WORKSPACE_COOKIE) if workspace else None
    if chosen and "workspaceId" not in (params or {}):
        params = {**(params or {}), "workspaceId": chosen}
    token = token if token is not None else session_token(request)
    if token:
        sent["Cookie"] = f"{SESSION_COOKIE}={token}"
    data = None if json is None else orjson.dumps(json)
    if data is not None:
        sent["Content-Type"] = "application/json"
    try:
        async with request.app[UPSTREAM].request(
            method, f"{api_base(request)}{path}", data=data, params=params, headers=sent
        ) as answer:
            raw = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() != "set-cookie"}
            kept["Set-Cookie"] = "\n".join(answer.headers.getall("Set-Cookie", []))
            if answer.content_type == "application/json" and raw:
                return ApiAnswer(answer.status, orjson.loads(raw), kept)
            return ApiAnswer(answer.status, raw, kept)
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        raise ApiError("unavailable", "The API could not be reached; try again.") from exc
