"""The console's folders and tags page: both lists with their code counts (each links to the
codes list filtered by it), creating, renaming and deleting folders, renaming and removing
tags, each deletion behind a page that says what happens to the codes.

Every change is the /v1 call an API client would make (`POST/PATCH/DELETE /v1/folders…`, and
for a tag, which exists only on the codes that carry it, `PATCH /v1/codes/{id}` of each such
code), so validation, plan limits, roles and isolation are the API's own: a viewer sees no
controls, and a forged post is refused by the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web

from qrstack_api.console.client import ApiAnswer, call
from qrstack_api.console.pages import page
from qrstack_api.console.shell import (
    SignedOut,
    confirmation,
    context_of,
    done,
    form_issues,
    form_refused,
    items,
    need,
    posted,
    signed_in,
)

routes = web.RouteTableDef()

_HERE = "/console/folders"

_TAG_PAGE = 100  # codes per /v1/codes page while renaming or removing a tag
_MAX_TAG_PASSES = 200  # at most 20,000 codes changed by one rename or removal


def _folder_path(request: web.Request) -> str:
    return f"/v1/folders/{quote(request.match_info['folder_id'], safe='')}"


async def _library(
    request: web.Request,
    *,
    status: int = 200,
    issues: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str = "",
) -> web.Response:
    shell, folders, tags = await asyncio.gather(
        context_of(request), call(request, "GET", "/v1/folders"), call(request, "GET", "/v1/tags")
    )
    return page(
        request, "library.html", status=status, **shell,
        folders=items(need(folders)), tags=items(need(tags)), issues=issues or {},
        values=values or {}, notice=notice or request.query.get("notice", ""),
    )  # fmt: skip


@routes.get("/console/folders")
@signed_in
async def library(request: web.Request) -> web.Response:
    return await _library(request)


@routes.post("/console/folders")
@signed_in
async def create_folder(request: web.Request) -> web.Response:
    form = await posted(request)
    body: dict[str, Any] = {"name": str(form.get("name", ""))}
    if form.get("color"):
        body["color"] = str(form["color"])
    answer = await call(request, "POST", "/v1/folders", json=body)
    if form_refused(answer):
        return await _library(
            request, status=answer.status, issues=form_issues(answer, "create"),
            values={"create.name": body["name"]},
        )  # fmt: skip
    return done(_HERE, f"Created folder {answer.body['name']}")


@routes.post("/console/folders/{folder_id}/rename")
@signed_in
async def rename_folder(request: web.Request) -> web.Response:
    form = await posted(request)
    answer = await call(
        request, "PATCH", _folder_path(request), json={"name": str(form.get("name", ""))}
    )
    if form_refused(answer, 404):
        prefix = f"folder-{request.match_info['folder_id']}"
        return await _library(request, status=answer.status, issues=form_issues(answer, prefix))
    return done(_HERE, f"Renamed to {answer.body['name']}")


@routes.get("/console/folders/{folder_id}/delete")
@signed_in
async def confirm_folder_delete(request: web.Request) -> web.Response:
    shell, found = await asyncio.gather(
        context_of(request), call(request, "GET", _folder_path(request))
    )
    return confirmation(
        request, shell, "write_folders", "delete folders", "library_delete.html",
        folder=need(found), tag=None,
    )  # fmt: skip


@routes.post("/console/folders/{folder_id}/delete")
@signed_in
async def delete_folder(request: web.Request) -> web.Response:
    await posted(request)
    found = need(await call(request, "GET", _folder_path(request)))
    answer = await call(request, "DELETE", _folder_path(request))
    if answer.status != 204:
        need(answer)
    moved = int(found.get("codeCount") or 0)
    return done(_HERE, f"Deleted folder {found['name']}; its {moved} codes now have no folder")


@routes.post("/console/tags/rename")
@signed_in
async def rename_tag(request: web.Request) -> web.Response:
    form = await posted(request)
    old, new = str(form.get("tag", "")), str(form.get("name", "")).strip()
    if not new:
        return await _library(request, status=400, issues={f"tag-{old}.form": "Give a new name."})
    return await _retagged(request, old, new, lambda n: f"Renamed tag {old} to {new} on {n} codes")


@routes.get("/console/tags/delete")
@signed_in
async def confirm_tag_delete(request: web.Request) -> web.Response:
    shell, tags = await asyncio.gather(context_of(request), call(request, "GET", "/v1/tags"))
    wanted = request.query.get("tag", "")
    tag = next((t for t in items(need(tags)) if t["tag"] == wanted), None)
    if tag is None:
        raise web.HTTPNotFound(text="No code carries this tag.", content_type="text/plain")
    return confirmation(
        request, shell, "write_codes", "change the tags of codes", "library_delete.html",
        folder=None, tag=tag,
    )  # fmt: skip


@routes.post("/console/tags/delete")
@signed_in
async def delete_tag(request: web.Request) -> web.Response:
    form = await posted(request)
    old = str(form.get("tag", ""))
    return await _retagged(
        request, old, None, lambda n: f"Removed tag {old} from {n} codes (the codes stay)"
    )


async def _retagged(
    request: web.Request, old: str, new: str | None, notice: Callable[[int], str]
) -> web.Response:
    """Retag (`_retag`) and answer the page: the list with the refusal by the tag's row, or
    back to the list saying `notice(number of codes changed)`."""
    changed, refused = await _retag(request, old, new)
    if refused is not None:
        return await _library(request, status=refused.status, issues=_tag_issues(refused, old))
    return done(_HERE, notice(changed))


def _tag_issues(answer: ApiAnswer, tag: str) -> dict[str, str]:
    """A refused code PATCH as the tag row's error: its `tags` issue is about the new name."""
    reasons = answer.issues_by_field()
    reason = next((r for p, r in reasons.items() if p.startswith("tags")), None)
    return {f"tag-{tag}.form": reason or answer.detail or f"The API answered {answer.status}."}


async def _retag(request: web.Request, old: str, new: str | None) -> tuple[int, ApiAnswer | None]:
    """Replace tag `old` by `new` (or remove it) on every code carrying it, one /v1 PATCH per
    code; stops at the first refusal (a bad new name is refused on the first code, so nothing
    changes). Answers how many codes changed and the refusal, if any."""
    changed = 0
    for _ in range(_MAX_TAG_PASSES):
        listed = await call(
            request, "GET", "/v1/codes", params={"tag": old, "limit": str(_TAG_PAGE)}
        )
        codes = need(listed)["data"]
        if not codes:
            return changed, None
        for code in codes:
            tags = [t for t in code.get("tags", []) if t != old]
            if new is not None and new not in tags:
                tags.append(new)
            answer = await call(
                request, "PATCH", f"/v1/codes/{quote(str(code['id']), safe='')}",
                json={"tags": tags},
            )  # fmt: skip
            if answer.status == 401:
                raise SignedOut
            if not answer.ok:
                return changed, answer
            changed += 1
    return changed, None
