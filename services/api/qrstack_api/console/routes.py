"""The console's pages and form posts (`/console/…`); `/` sends a browser to them.

Reads and writes go through /v1 (`client.call`) as the signed-in user. Each handler that
shows data turns a 401 into the sign-in page and any other refusal into the API's own
sentence. Every POST carries a CSRF token (`csrf.py`).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from aiohttp import web

from qrstack_api.console.analytics_view import analytics_context
from qrstack_api.console.client import ApiAnswer, call
from qrstack_api.console.forms import (
    FormError,
    creatable_types,
    payload_fields,
    payload_from_form,
    style_from_form,
)
from qrstack_api.console.pages import STATIC, page, see_other
from qrstack_api.console.shell import (
    Refused,
    SignedOut,
    context_of,
    form_token,
    items,
    need,
    signed_in,
)
from qrstack_common.errors import ApiError
from qrstack_common.payloads import find_type

routes = web.RouteTableDef()

_LIST_FILTERS = ("q", "type", "folderId", "tag", "status", "cursor")
BULK_ACTIONS = ("move", "tag", "pause", "resume", "delete")


@routes.get("/")
async def root(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/console/"})


@routes.get("/console")
@routes.get("/console/")
async def home(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/console/codes"})


@routes.get("/console/static/{name:[a-z0-9._-]+}")
async def static(request: web.Request) -> web.StreamResponse:
    path = STATIC / request.match_info["name"]
    if not path.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@routes.get("/console/codes")
@signed_in
async def codes(request: web.Request) -> web.Response:
    filters = {k: request.query[k] for k in _LIST_FILTERS if request.query.get(k)}
    params = {**filters, "limit": request.query.get("limit", "25")}
    shell, answer, folders, tags = await asyncio.gather(
        context_of(request),
        call(request, "GET", "/v1/codes", params=params),
        _folders(request),
        call(request, "GET", "/v1/tags"),
    )
    listed = need(answer) if answer.status != 400 else {"data": [], "nextCursor": None}
    next_query = None
    if listed.get("nextCursor"):
        next_query = urlencode({**filters, "cursor": listed["nextCursor"]})
    return page(
        request,
        "codes.html",
        **shell,
        codes=listed["data"],
        filters=filters,
        list_error=answer.detail if answer.status == 400 else "",
        next_query=next_query,
        folders=folders,
        tags=items(need(tags)),
        types=[t.name for t in creatable_types()],
        statuses=("active", "scheduled", "expired", "limit_reached", "suspended", "deleted"),
        notice=request.query.get("notice", ""),
    )


@routes.post("/console/codes/bulk")
@signed_in
async def bulk(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    action = str(form.get("action", ""))
    ids = [str(v) for v in form.getall("ids", [])]
    if action not in BULK_ACTIONS:
        raise ApiError("validation_failed", f"action must be one of {', '.join(BULK_ACTIONS)}")
    done = failed = 0
    for code_id in ids:
        answer = await _bulk_one(request, action, code_id, form)
        done, failed = (done + 1, failed) if answer.ok else (done, failed + 1)
        if answer.status == 401:
            raise SignedOut
    notice = f"{action}: {done} done" + (f", {failed} refused" if failed else "")
    return see_other(f"/console/codes?{urlencode({'notice': notice})}")


async def _bulk_one(request: web.Request, action: str, code_id: str, form: Any) -> ApiAnswer:
    path = f"/v1/codes/{quote(code_id, safe='')}"
    if action == "move":
        folder = str(form.get("folderId", "")) or None
        return await call(request, "POST", f"{path}/assign-folder", json={"folderId": folder})
    if action == "delete":
        return await call(request, "DELETE", path)
    if action in ("pause", "resume"):
        status = "suspended" if action == "pause" else "active"
        return await call(request, "PATCH", path, json={"status": status})
    current = await call(request, "GET", path)
    if not current.ok:
        return current
    tag = str(form.get("tag", "")).strip()
    tags = sorted({*current.body.get("tags", []), tag})
    return await call(request, "PATCH", path, json={"tags": tags})


@routes.get("/console/codes/new")
@signed_in
async def new_code(request: web.Request) -> web.Response:
    shell, folders = await asyncio.gather(context_of(request), _folders(request))
    _require_write(shell)
    # New codes that can be either start dynamic: a short URL that can be re-pointed later.
    return _code_form(
        request, shell, folders, request.query.get("type", "url"), {"dynamic": "on"}, {}
    )


def _require_write(shell: dict[str, Any]) -> None:
    """The code forms are for roles that may change codes (the API refuses the rest anyway)."""
    if not shell["can"]["write_codes"]:
        role = shell["me"]["workspace"].get("role") or "key"
        raise Refused(403, f"Your role in this workspace ({role}) cannot create or edit codes.")


def _code_form(
    request: web.Request,
    shell: dict[str, Any],
    folders: list[Any],
    type_name: str,
    values: Any,
    issues: dict[str, str],
    *,
    code: Any = None,
    status: int = 200,
    detail: str = "",
) -> web.Response:
    payload_type = find_type(type_name)
    if payload_type is None:
        raise web.HTTPNotFound(text=f"Unknown code type {type_name!r}")
    key = payload_type.payload_keys[0] if payload_type.payload_keys else "targetUrl"
    return page(
        request,
        "code_form.html",
        status=status,
        **shell,
        code=code,
        payload_type=payload_type,
        content_key=key,
        fields=payload_fields(payload_type),
        types=[t.name for t in creatable_types()],
        values=values,
        issues=issues,
        detail=detail,
        folders=folders,
    )


async def _folders(request: web.Request) -> list[Any]:
    return items(need(await call(request, "GET", "/v1/folders")))


def _code_body(payload_type: Any, form: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": payload_type.name}
    for field, key in (("name", "name"), ("folderId", "folderId"), ("fallbackUrl", "fallbackUrl")):
        value = str(form.get(field, "")).strip()
        if value:
            body[key] = value
    if payload_type.can_be_static and payload_type.can_be_dynamic:
        body["dynamic"] = form.get("dynamic") == "on"
    body.update(payload_from_form(payload_type, form))
    style = style_from_form(form)
    if style:
        body["style"] = style
    return body


async def _design_refusal(request: web.Request, body: dict[str, Any]) -> ApiAnswer | None:
    """The renderer's refusal of the body's style (as /v1/generate relays it), or None when
    the design scans: a design that would not scan is never saved from the console."""
    if not body.get("style"):
        return None
    answer = await call(
        request, "POST", "/v1/generate",
        json={"data": "https://qrstack.example/preview", "style": body["style"]},
    )  # fmt: skip
    return answer if answer.status == 400 else None


def _form_issues(answer: ApiAnswer, content_key: str) -> dict[str, str]:
    """API issue paths as the form's input names (`wifi.ssid` → `p.ssid`)."""
    shown: dict[str, str] = {}
    for path, reason in answer.issues_by_field().items():
        head, _, rest = path.partition(".")
        if head == content_key and rest:
            shown[f"p.{rest.split('.')[0]}"] = reason
        elif head == "targetUrl":
            shown["p.targetUrl"] = reason
        elif head == "style":
            shown[f"s.{rest.split('.')[0] or 'style'}"] = reason
        else:
            shown[head or "form"] = reason
    return shown


@routes.post("/console/codes/new")
@signed_in
async def create_code(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    shell = await context_of(request)
    folders = await _folders(request)
    payload_type = find_type(str(form.get("type", "url")))
    if payload_type is None:
        raise ApiError("validation_failed", "Unknown code type.")
    try:
        body = _code_body(payload_type, form)
    except FormError as bad:
        issues = {f"p.{bad.field}": bad.reason}
        return _code_form(request, shell, folders, payload_type.name, form, issues, status=400)
    answer = await _design_refusal(request, body) or await call(
        request, "POST", "/v1/codes", json=body
    )
    if answer.status == 401:
        raise SignedOut
    if not answer.ok:
        key = payload_type.payload_keys[0] if payload_type.payload_keys else "targetUrl"
        return _code_form(
            request, shell, folders, payload_type.name, form, _form_issues(answer, key),
            status=answer.status, detail=answer.detail,
        )  # fmt: skip
    return see_other(f"/console/codes/{quote(str(answer.body['id']), safe='')}")


@routes.get("/console/codes/{code_id}")
@signed_in
async def code_page(request: web.Request) -> web.Response:
    path = f"/v1/codes/{quote(request.match_info['code_id'], safe='')}"
    shell, found, analytics = await asyncio.gather(
        context_of(request),
        call(request, "GET", path),
        call(request, "GET", f"{path}/analytics", params={"range": "30d", "tz": "UTC"}),
    )
    code = need(found)
    counts = _recent_counts(analytics.body) if analytics.ok else dict.fromkeys(RECENT)
    return page(request, "code.html", **shell, code=code, counts=counts)


RECENT = ("today", "7 days", "30 days")


def _recent_counts(body: Any) -> dict[str, int | None]:
    """Scans today, in the last 7 days and 30 days, from one 30-day answer's daily series
    (oldest first; the last bucket is today, UTC)."""
    series = [int(b.get("scans", 0)) for b in (body.get("series") or [])]
    totals = body.get("totals") or {}
    return {"today": sum(series[-1:]), "7 days": sum(series[-7:]), "30 days": totals.get("scans")}


@routes.get("/console/codes/{code_id}/edit")
@signed_in
async def edit_code(request: web.Request) -> web.Response:
    path = f"/v1/codes/{quote(request.match_info['code_id'], safe='')}"
    shell, folders, found = await asyncio.gather(
        context_of(request), _folders(request), call(request, "GET", path)
    )
    code = need(found)
    _require_write(shell)
    return _code_form(request, shell, folders, code["type"], _values_of(code), {}, code=code)


def _values_of(code: dict[str, Any]) -> dict[str, str]:
    """A stored code as the form's input values."""
    values: dict[str, str] = {
        "name": code.get("label") or code.get("name") or "",
        "folderId": code.get("folderId") or "",
        "fallbackUrl": code.get("fallbackUrl") or "",
        "p.targetUrl": code.get("targetUrl") or "",
    }
    if code.get("dynamic"):
        values["dynamic"] = "on"
    payload = code.get("payload") or {}
    content = next(iter(payload.values()), {}) if len(payload) == 1 else payload
    for name, value in (content or {}).items() if isinstance(content, dict) else ():
        if isinstance(value, bool):
            values[f"p.{name}"] = "on" if value else ""
        elif isinstance(value, list | dict):
            values[f"p.{name}"] = orjson.dumps(value).decode()
        elif value is not None:
            values[f"p.{name}"] = str(value)
    for name, value in (code.get("style") or {}).items():
        if isinstance(value, str):
            values[f"s.{name}"] = value
    if (code.get("style") or {}).get("background") == "transparent":
        values["s.transparent"] = "on"
        values.pop("s.background", None)
    return values


@routes.post("/console/codes/{code_id}/edit")
@signed_in
async def save_code(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    shell = await context_of(request)
    folders = await _folders(request)
    path = f"/v1/codes/{quote(request.match_info['code_id'], safe='')}"
    code = need(await call(request, "GET", path))
    payload_type = find_type(code["type"])
    assert payload_type is not None
    try:
        body = _code_body(payload_type, form)
    except FormError as bad:
        issues = {f"p.{bad.field}": bad.reason}
        return _code_form(
            request, shell, folders, code["type"], form, issues, code=code, status=400
        )
    body.pop("type")
    body.pop("dynamic", None)  # a code's kind is chosen once
    if not code.get("dynamic"):
        body = {k: v for k, v in body.items() if k in ("name", "folderId", "style")}
    body["style"] = body.get("style") or None
    if "folderId" not in body:
        body["folderId"] = None
    answer = await _design_refusal(request, body) or await call(request, "PATCH", path, json=body)
    if answer.status == 401:
        raise SignedOut
    if not answer.ok:
        key = payload_type.payload_keys[0] if payload_type.payload_keys else "targetUrl"
        return _code_form(
            request, shell, folders, code["type"], form, _form_issues(answer, key),
            code=code, status=answer.status, detail=answer.detail,
        )  # fmt: skip
    return see_other(f"/console/codes/{quote(str(code['id']), safe='')}")


@routes.get("/console/codes/{code_id}/analytics")
@signed_in
async def code_analytics(request: web.Request) -> web.Response:
    code_id = quote(request.match_info["code_id"], safe="")
    params = {"range": request.query.get("range", "30d"), "tz": request.query.get("tz", "UTC")}
    shell, found, answer = await asyncio.gather(
        context_of(request),
        call(request, "GET", f"/v1/codes/{code_id}"),
        call(request, "GET", f"/v1/codes/{code_id}/analytics", params=params),
    )
    code = need(found)
    if answer.status == 400:
        return page(
            request, "analytics.html", status=400, **shell, code=code, params=params,
            error=answer.detail, view=None,
        )  # fmt: skip
    view = analytics_context(need(answer))
    return page(
        request, "analytics.html", **shell, code=code, params=params, error="", view=view,
        csv_url=f"/v1/codes/{code_id}/scans.csv?{urlencode(params)}&{shell['wsq']}",
    )  # fmt: skip


@routes.get("/console/keys")
@signed_in
async def keys(request: web.Request) -> web.Response:
    shell, found = await asyncio.gather(context_of(request), call(request, "GET", "/v1/api-keys"))
    listed = need(found)
    return page(request, "keys.html", **shell, keys=items(listed), secret=None, issues={})


@routes.post("/console/keys")
@signed_in
async def create_key(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    shell = await context_of(request)
    scopes = [str(s) for s in form.getall("scopes", [])] or ["codes:read"]
    body = {"name": str(form.get("name", "")).strip() or "Console key", "scopes": scopes}
    answer = await call(request, "POST", "/v1/api-keys", json=body)
    if answer.status == 401:
        raise SignedOut
    listed = need(await call(request, "GET", "/v1/api-keys"))
    issues = {} if answer.ok else (answer.issues_by_field() or {"form": answer.detail})
    secret = answer.body.get("secret") if answer.ok else None
    return page(
        request, "keys.html", status=201 if answer.ok else answer.status, **shell,
        keys=items(listed), secret=secret, issues=issues,
    )  # fmt: skip


@routes.post("/console/keys/{key_id}/revoke")
@signed_in
async def revoke_key(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    key_path = f"/v1/api-keys/{quote(request.match_info['key_id'], safe='')}"
    answer = await call(request, "DELETE", key_path)
    if answer.status != 204:
        need(answer)
    return see_other("/console/keys?notice=revoked")


_WORKSPACE_FILTERS = ("folderId", "tag", "type")


@routes.get("/console/analytics")
@signed_in
async def workspace_analytics(request: web.Request) -> web.Response:
    """All of the workspace's codes at once (`GET /v1/analytics`): the same chart, breakdowns
    and CSV as a code's page, filtered by folder, tag and type, with the top codes."""
    params = {"range": request.query.get("range", "30d"), "tz": request.query.get("tz", "UTC")}
    filters = {k: request.query[k] for k in _WORKSPACE_FILTERS if request.query.get(k)}
    shell, folders, answer = await asyncio.gather(
        context_of(request),
        _folders(request),
        call(request, "GET", "/v1/analytics", params={**params, **filters}),
    )
    context = {
        **shell, "code": None, "params": params, "filters": filters, "folders": folders,
        "types": [t.name for t in creatable_types()],
    }  # fmt: skip
    if answer.status == 400:
        return page(
            request, "analytics.html", status=400, **context, error=answer.detail, view=None
        )
    view = analytics_context(need(answer))
    csv_url = f"/v1/analytics.csv?{urlencode({**params, **filters})}&{shell['wsq']}"
    return page(request, "analytics.html", **context, error="", view=view, csv_url=csv_url)
