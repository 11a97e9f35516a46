"""HTTP routes of /v1/domains."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.domains.hosts import SETUP, platform_host
from qrstack_api.domains.model import Domain, DomainCreate, DomainList, DomainUpdate
from qrstack_api.domains.store import (
    DOMAIN_NOT_FOUND,
    create_domain,
    delete_domain,
    get_domain,
    list_domains,
    record_check,
    update_domain,
)
from qrstack_api.domains.verification import LookupFailed, check_txt
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import json_response, read_model

routes = web.RouteTableDef()

_TAG = "domains"


def _domain_id(request: web.Request) -> UUID:
    return path_id(request, "domain_id", "domain", DOMAIN_NOT_FOUND)


def _view(request: web.Request, row: object) -> Domain:
    settings = request.app[SETTINGS]
    target = settings.domain_target or platform_host(settings.short_url_base)
    return Domain.of(row, scheme=settings.custom_domain_scheme, target=target)


@routes.post("/v1/domains")
@operation(
    summary="Add a custom short domain",
    tag=_TAG,
    body=DomainCreate,
    responses={201: Domain},
    errors=(400, 409),
    scope="domains:write",
    description=SETUP,
)
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, DomainCreate)
    if body.host == platform_host(request.app[SETTINGS].short_url_base):
        raise validation_failed(
            [Issue(("host",), "is the platform's own short domain, shared by every workspace")]
        )
    row = await create_domain(request.app[POOL], principal.workspace_id, body)
    return json_response(_view(request, row), status=201)


@routes.get("/v1/domains")
@operation(
    summary="List the workspace's custom domains",
    tag=_TAG,
    responses={200: DomainList},
    scope="domains:read",
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    rows = await list_domains(request.app[POOL], principal.workspace_id)
    return json_response(DomainList(data=[_view(request, row) for row in rows]))


@routes.get("/v1/domains/{domain_id}")
@operation(
    summary="Read a custom domain", tag=_TAG, responses={200: Domain}, errors=(404,),
    scope="domains:read",
)  # fmt: skip
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    row = await get_domain(request.app[POOL], principal.workspace_id, _domain_id(request))
    return json_response(_view(request, row))


@routes.patch("/v1/domains/{domain_id}")
@operation(
    summary="Change a domain's base-URL or not-found redirect",
    tag=_TAG,
    body=DomainUpdate,
    responses={200: Domain},
    errors=(400, 404),
    scope="domains:write",
)
async def update(request: web.Request) -> web.Response:
    principal = principal_of(request)
    domain_id = _domain_id(request)
    body = await read_model(request, DomainUpdate)
    row = await update_domain(request.app[POOL], principal.workspace_id, domain_id, body)
    return json_response(_view(request, row))


@routes.post("/v1/domains/{domain_id}/verify")
@operation(
    summary="Verify the domain's DNS now (look its TXT record up)",
    tag=_TAG,
    responses={200: Domain},
    errors=(404, 503),
    scope="domains:write",
    description="Looks `verification.txtName` up in DNS now (bounded by "
    "DOMAIN_VERIFY_TIMEOUT_S) and answers the domain with the outcome: `verified` when a TXT "
    "record there equals `verification.txtValue`, else `failed` with the reason. 503 "
    "`unavailable` when DNS gave no answer (timeout, SERVFAIL): nothing is recorded, try "
    "again. Serving never depends on verification: a domain answers scans once added.",
)
async def verify(request: web.Request) -> web.Response:
    principal = principal_of(request)
    domain_id, settings = _domain_id(request), request.app[SETTINGS]
    row = await get_domain(request.app[POOL], principal.workspace_id, domain_id)
    try:
        check = await check_txt(
            row["host"], row["verification_token"],
            nameservers=settings.domain_verify_nameservers,
            timeout_s=settings.domain_verify_timeout_s,
        )  # fmt: skip
    except LookupFailed as failed:
        raise ApiError("unavailable", f"{failed}; nothing was recorded, try again.") from None
    row = await record_check(request.app[POOL], principal.workspace_id, domain_id, check)
    return json_response(_view(request, row))


@routes.delete("/v1/domains/{domain_id}")
@operation(
    summary="Delete a custom domain (refused while codes use it)",
    tag=_TAG,
    responses={204: None},
    errors=(404, 409),
    scope="domains:write",
)
async def delete(request: web.Request) -> web.Response:
    principal = principal_of(request)
    await delete_domain(request.app[POOL], principal.workspace_id, _domain_id(request))
    return web.Response(status=204)
