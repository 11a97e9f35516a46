"""The console's team pages: switching workspaces, creating and renaming them, the members and
their roles, and invites (made, copied, revoked). Every change is a /v1 call as the signed-in
user, so roles are the API's: a page only hides what the role could not do anyway."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from qrstack_api.accounts.principal import ROLES
from qrstack_api.console import csrf
from qrstack_api.console.client import WORKSPACE_COOKIE, ApiAnswer, call
from qrstack_api.console.pages import page, see_other
from qrstack_api.console.shell import SignedOut, context_of, form_token, items, need, signed_in

routes = web.RouteTableDef()

INVITE_DAYS = (1, 7, 30)


def remember_workspace(request: web.Request, response: web.StreamResponse, ws_id: str) -> None:
    """Make `ws_id` the workspace the console acts on (a cookie only the console reads)."""
    response.set_cookie(
        WORKSPACE_COOKIE, ws_id, httponly=True, samesite="Lax", path="/console/",
        secure=csrf.is_secure(request), max_age=400 * 24 * 3600,
    )  # fmt: skip


def _ws_path(shell_context: dict[str, Any]) -> str:
    return f"/v1/workspaces/{quote(str(shell_context['me']['workspace']['id']), safe='')}"


@routes.post("/console/workspace")
@signed_in
async def switch(request: web.Request) -> web.Response:
    """Switch to one of the user's workspaces: the API says whether they belong to it."""
    form = await request.post()
    form_token(request, form)
    ws_id = str(form.get("workspaceId", ""))
    answer = await call(request, "GET", "/v1/me", params={"workspaceId": ws_id}, workspace=False)
    workspace = need(answer)["workspace"]
    response = see_other("/console/codes?" + urlencode({"notice": f"Now in {workspace['name']}"}))
    remember_workspace(request, response, str(workspace["id"]))
    return response


@routes.get("/console/workspaces")
@signed_in
async def workspaces(request: web.Request) -> web.Response:
    notice = request.query.get("notice", "")
    return page(request, "workspaces.html", **await context_of(request), issues={}, notice=notice)


@routes.post("/console/workspaces")
@signed_in
async def create_workspace(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    body = {"name": str(form.get("name", ""))}
    answer = await call(request, "POST", "/v1/workspaces", json=body)
    if answer.status == 401:
        raise SignedOut
    if not answer.ok:
        return page(
            request, "workspaces.html", status=answer.status, **await context_of(request),
            issues=_issues(answer), notice="", values=body,
        )  # fmt: skip
    made = answer.body
    response = see_other("/console/team?" + urlencode({"notice": f"Created {made['name']}"}))
    remember_workspace(request, response, str(made["id"]))
    return response


@routes.post("/console/workspace/rename")
@signed_in
async def rename_workspace(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    context = await context_of(request)
    body = {"name": str(form.get("name", ""))}
    answer = await call(request, "PATCH", _ws_path(context), json=body)
    if answer.status == 401:
        raise SignedOut
    if not answer.ok:
        return page(
            request, "workspaces.html", status=answer.status, **context,
            issues={f"rename.{k}": v for k, v in _issues(answer).items()}, notice="",
        )  # fmt: skip
    return see_other("/console/workspaces?" + urlencode({"notice": "Renamed"}))


def _issues(answer: ApiAnswer) -> dict[str, str]:
    return answer.issues_by_field() or {"form": answer.detail}


async def _team_page(
    request: web.Request,
    context: dict[str, Any],
    *,
    status: int = 200,
    created: Any = None,
    issues: dict[str, str] | None = None,
) -> web.Response:
    path = _ws_path(context)
    manage = context["can"]["manage_members"]
    members_answer, invites_answer = await asyncio.gather(
        call(request, "GET", f"{path}/members"),
        call(request, "GET", f"{path}/invites") if manage else asyncio.sleep(0, None),
    )
    invites = items(need(invites_answer)) if invites_answer is not None else []
    return page(
        request, "team.html", status=status, **context,
        members=items(need(members_answer)), invites=invites, roles=ROLES,
        days=INVITE_DAYS, created=created, issues=issues or {},
        notice=request.query.get("notice", ""),
    )  # fmt: skip


@routes.get("/console/team")
@signed_in
async def team(request: web.Request) -> web.Response:
    return await _team_page(request, await context_of(request))


@routes.post("/console/team/invites")
@signed_in
async def create_invite(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    context = await context_of(request)
    body: dict[str, Any] = {"role": str(form.get("role", "editor"))}
    email = str(form.get("email", "")).strip()
    if email:
        body["email"] = email
    days = str(form.get("days", "7"))
    body["expiresInHours"] = 24 * int(days) if days.isdigit() else days
    answer = await call(request, "POST", f"{_ws_path(context)}/invites", json=body)
    if answer.status == 401:
        raise SignedOut
    if not answer.ok:
        return await _team_page(request, context, status=answer.status, issues=_issues(answer))
    return await _team_page(request, context, status=201, created=answer.body)


async def _member_change(request: web.Request, method: str, json: Any, done: str) -> web.Response:
    form = await request.post()
    form_token(request, form)
    context = await context_of(request)
    member = quote(request.match_info["user_id"], safe="")
    answer = await call(request, method, f"{_ws_path(context)}/members/{member}", json=json(form))
    if answer.status == 401:
        raise SignedOut
    if not answer.ok:
        return await _team_page(request, context, status=answer.status, issues=_issues(answer))
    if method == "DELETE" and member == quote(str((context["me"].get("user") or {}).get("id"))):
        response = see_other("/console/codes?" + urlencode({"notice": "You left the workspace"}))
        response.del_cookie(WORKSPACE_COOKIE, path="/console/")
        return response
    return see_other("/console/team?" + urlencode({"notice": done}))


@routes.post("/console/team/members/{user_id}/role")
@signed_in
async def change_role(request: web.Request) -> web.Response:
    return await _member_change(
        request, "PATCH", lambda form: {"role": str(form.get("role", ""))}, "Role changed"
    )


@routes.post("/console/team/members/{user_id}/remove")
@signed_in
async def remove_member(request: web.Request) -> web.Response:
    return await _member_change(request, "DELETE", lambda form: None, "Member removed")


@routes.post("/console/team/invites/{invite_id}/revoke")
@signed_in
async def revoke_invite(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    context = await context_of(request)
    invite = quote(request.match_info["invite_id"], safe="")
    answer = await call(request, "DELETE", f"{_ws_path(context)}/invites/{invite}")
    if answer.status != 204:
        need(answer)
    return see_other("/console/team?" + urlencode({"notice": "Invite revoked"}))
