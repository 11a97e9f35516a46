"""The page an invite link opens (`/console/invites/qri_…`): what it offers, and joining.

Signed in, the user joins as themselves (one button). Signed out, they create their account
there (email and password; the API creates it, joins it and opens its session), or sign in
first and come back. The API decides everything (used, revoked, expired, for another
address); the page shows its reasons next to the fields.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from qrstack_api.console import csrf
from qrstack_api.console.client import ApiAnswer, call, session_token
from qrstack_api.console.pages import page, see_other
from qrstack_api.console.signin import set_session_cookie
from qrstack_api.console.team_pages import remember_workspace

routes = web.RouteTableDef()

_SESSION = re.compile(r"(?:^|\n)sessionid=([^;\s]+)")


def _token(request: web.Request) -> str:
    return request.match_info["token"]


async def _signed_in_as(request: web.Request) -> dict[str, Any] | None:
    """The signed-in user (`/v1/me`'s `user`), or None when there is no usable session."""
    if not session_token(request):
        return None
    answer = await call(request, "GET", "/v1/me", workspace=False)
    return answer.body.get("user") if answer.ok else None


async def _preview(request: web.Request) -> ApiAnswer:
    return await call(
        request, "POST", "/v1/invites/preview", json={"token": _token(request)}, token="",
        workspace=False,
    )  # fmt: skip


async def _invite_page(
    request: web.Request,
    user: dict[str, Any] | None,
    *,
    status: int = 200,
    issues: dict[str, str] | None = None,
    email: str = "",
) -> web.Response:
    preview = await _preview(request)
    if preview.status == 404:
        return page(
            request, "error.html", status=404, me=None, path=request.path, error_status=404,
            detail="This invite link is not valid: check that it was copied whole.",
        )  # fmt: skip
    if user is not None:
        form_csrf = csrf.session_csrf(session_token(request) or "")
    else:
        form_csrf = request.cookies.get(csrf.PRE_SESSION_COOKIE) or csrf.new_pre_session_token()
    here = f"/console/invites/{quote(_token(request), safe='')}"
    response = page(
        request, "invite.html", status=status, me=None, path=request.path, user=user,
        invite=preview.body if preview.ok else None, detail=preview.detail,
        csrf=form_csrf, issues=issues or {}, email=email, action=here,
        signin=f"/console/login?{urlencode({'next': here})}",
    )  # fmt: skip
    if user is None:
        response.set_cookie(
            csrf.PRE_SESSION_COOKIE, form_csrf, httponly=True, samesite="Strict",
            path="/console/", secure=csrf.is_secure(request),
        )  # fmt: skip
    return response


@routes.get("/console/invites/{token}")
async def invite(request: web.Request) -> web.Response:
    return await _invite_page(request, await _signed_in_as(request))


@routes.post("/console/invites/{token}")
async def join(request: web.Request) -> web.Response:
    form = await request.post()
    user = await _signed_in_as(request)
    if user is not None:
        csrf.check(str(form.get(csrf.FIELD, "")), csrf.session_csrf(session_token(request) or ""))
        body: dict[str, Any] = {"token": _token(request)}
        answer = await call(request, "POST", "/v1/invites/accept", json=body, workspace=False)
    else:
        csrf.check(str(form.get(csrf.FIELD, "")), request.cookies.get(csrf.PRE_SESSION_COOKIE))
        email = str(form.get("email", "")).strip()
        body = {"token": _token(request), "email": email, "password": str(form.get("password", ""))}
        answer = await call(
            request, "POST", "/v1/invites/accept", json=body, token="", workspace=False
        )
    if not answer.ok:
        issues = answer.issues_by_field() or {"form": answer.detail}
        return await _invite_page(
            request, user, status=answer.status, issues=issues, email=str(body.get("email", ""))
        )
    joined = answer.body
    notice = f"You joined {joined['workspaceName']} as {joined['role']}"
    response = see_other("/console/codes?" + urlencode({"notice": notice}))
    remember_workspace(request, response, str(joined["workspaceId"]))
    if user is None:
        found = _SESSION.search(answer.headers.get("Set-Cookie", ""))
        if found is None:  # the API opens a session with every account it creates
            return see_other(f"/console/login?{urlencode({'next': '/console/codes'})}")
        set_session_cookie(request, response, found.group(1))
        response.del_cookie(csrf.PRE_SESSION_COOKIE, path="/console/")
    return response
