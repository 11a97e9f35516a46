"""The console's custom domains page: the workspace's domains with their short-URL base and
redirects, adding one (the API's validation sentences by their fields, and what the domain
needs in DNS), each domain's records to publish (with copy buttons) and its DNS verification
(`POST /v1/domains/{id}/verify` behind a Verify button), changing where the bare host and an
unknown slug go, and deleting one behind a page that says what that means.

Every change is the /v1 call a client makes (`POST /v1/domains`, `PATCH` and `DELETE
/v1/domains/{id}`), so validation, the one-workspace-per-host rule, the refusal to delete a
domain codes still use, and roles are the API's own: a viewer or editor sees the list without
controls, and a forged post is refused by the API.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import web

from qrstack_api.console.client import call
from qrstack_api.console.pages import page
from qrstack_api.console.shell import (
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
from qrstack_api.domains.hosts import SETUP

routes = web.RouteTableDef()

_HERE = "/console/domains"
_REDIRECTS = ("baseUrl", "notFoundUrl")
_FIELDS = ("host", *_REDIRECTS)


def _domain_path(request: web.Request) -> str:
    return f"/v1/domains/{quote(request.match_info['domain_id'], safe='')}"


async def _domains(
    request: web.Request,
    *,
    status: int = 200,
    issues: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> web.Response:
    shell, listed = await asyncio.gather(context_of(request), call(request, "GET", "/v1/domains"))
    return page(
        request, "domains.html", status=status, **shell, domains=items(need(listed)),
        setup=SETUP, issues=issues or {}, values=values or {},
        notice=request.query.get("notice", ""),
    )  # fmt: skip


@routes.get("/console/domains")
@signed_in
async def domains(request: web.Request) -> web.Response:
    return await _domains(request)


@routes.post("/console/domains")
@signed_in
async def add_domain(request: web.Request) -> web.Response:
    form = await posted(request)
    sent = {name: str(form.get(name, "")).strip() for name in _FIELDS}
    body = {name: value for name, value in sent.items() if value or name == "host"}
    answer = await call(request, "POST", "/v1/domains", json=body)
    if form_refused(answer, 403):
        issues = form_issues(answer, "add")
        if answer.status == 409:  # the host is taken: say so by the host field
            issues = {"add.host": issues["add.form"]}
        values = {f"add.{name}": value for name, value in sent.items()}
        return await _domains(request, status=answer.status, issues=issues, values=values)
    return done(_HERE, f"Added {answer.body['host']}")


@routes.get("/console/domains/{domain_id}/delete")
@signed_in
async def confirm_delete(request: web.Request) -> web.Response:
    shell, found = await asyncio.gather(
        context_of(request), call(request, "GET", _domain_path(request))
    )
    return confirmation(
        request, shell, "write_domains", "delete domains", "domain_delete.html", domain=need(found)
    )


@routes.post("/console/domains/{domain_id}/delete")
@signed_in
async def delete_domain(request: web.Request) -> web.Response:
    await posted(request)
    domain: dict[str, Any] = need(await call(request, "GET", _domain_path(request)))
    answer = await call(request, "DELETE", _domain_path(request))
    if answer.status == 409:  # codes still use it: the API's sentence, by its row
        issues = form_issues(answer, f"domain-{domain['id']}")
        return await _domains(request, status=409, issues=issues)
    if answer.status != 204:
        need(answer)
    return done(_HERE, f"Deleted {domain['host']}")


async def _edit_page(
    request: web.Request, *, status: int = 200, issues: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> web.Response:  # fmt: skip
    shell, found = await asyncio.gather(
        context_of(request), call(request, "GET", _domain_path(request))
    )
    domain = need(found)
    # What was sent and refused, else what is stored.
    shown = values or {name: domain.get(name) or "" for name in _REDIRECTS}
    return confirmation(
        request, shell, "write_domains", "change domains", "domain_edit.html", status=status,
        domain=domain, values=shown, issues=issues or {},
    )  # fmt: skip


@routes.get("/console/domains/{domain_id}/edit")
@signed_in
async def edit_domain(request: web.Request) -> web.Response:
    return await _edit_page(request)


@routes.post("/console/domains/{domain_id}/edit")
@signed_in
async def change_domain(request: web.Request) -> web.Response:
    form = await posted(request)
    sent = {name: str(form.get(name, "")).strip() for name in _REDIRECTS}
    # An emptied field clears the redirect (null in the merge of PATCH /v1/domains/{id}).
    answer = await call(
        request, "PATCH", _domain_path(request),
        json={name: value or None for name, value in sent.items()},
    )  # fmt: skip
    if form_refused(answer, 403, 404):
        issues = form_issues(answer, "edit")
        return await _edit_page(request, status=answer.status, issues=issues, values=sent)
    return done(_HERE, f"Changed {answer.body['host']}")


@routes.post("/console/domains/{domain_id}/verify")
@signed_in
async def verify_domain(request: web.Request) -> web.Response:
    await posted(request)
    answer = await call(request, "POST", f"{_domain_path(request)}/verify")
    if answer.status == 503:  # DNS gave no answer: the API's sentence, by the domain
        key = f"verify-{request.match_info['domain_id']}"
        return await _domains(request, status=503, issues=form_issues(answer, key))
    domain: dict[str, Any] = need(answer)
    verification = domain["verification"]
    if verification["status"] == "verified":
        return done(_HERE, f"Verified {domain['host']}")
    return done(_HERE, f"{domain['host']} is not verified: {verification['failure']}")
