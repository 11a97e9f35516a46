"""The access layer of the API: who is calling, and whether they are within their rate limit.

One middleware, for every route:
- `/v1/…` and the compatibility `/api/…` routes require a credential (any style of
  `accounts.credentials`), except the public ones (`PUBLIC_PREFIXES`: health, metrics, the
  OpenAPI document and docs page, status, public billing, the signed billing webhook) and
  the generation endpoints and invite links (`OPTIONAL_PREFIXES`), where a credential is
  optional but, when sent, must be valid. Other paths are not authenticated.
- Once the caller is known, the request is admitted by the rate limiter: an authenticated one
  in its key's or user's bucket, anything else (including every request refused by
  authentication) in its client address's bucket. Health, readiness and metrics are exempt.
- A Basic sign-in answers with a `sessionid` cookie (`session_cookie` hook).
- API keys are looked up through the app's `KeyCache` (at most 0.5 s old); a successful write
  to a route that can change what a key may do (`AUTHORITY_PREFIXES`: keys, members, invites,
  workspaces, billing, the console's equivalents) clears it, so such a change holds at once on
  this process (and within 0.5 s on the others: `key_cache`).

`install_access` wires all of it into the app.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from aiohttp.typedefs import Middleware

from qrstack_api.accounts.callers import (
    Caller,
    SignIn,
    key_caller,
    requested_workspace,
    session_caller,
)
from qrstack_api.accounts.client_address import IPAddress, client_address
from qrstack_api.accounts.credentials import (
    KeyCredential,
    PasswordCredential,
    presented_credential,
    unauthorized,
)
from qrstack_api.accounts.key_cache import KeyCache
from qrstack_api.accounts.passwords import PASSWORDS, password_verifier_context
from qrstack_api.accounts.principal import PRINCIPAL
from qrstack_api.accounts.sessions import NewSession
from qrstack_api.context import POOL
from qrstack_api.openapi.operation import operation_of
from qrstack_api.ratelimit.admission import RATE_LIMITS, rate_limit_headers, rate_limits_context
from qrstack_api.ratelimit.policy import address_subject, caller_subject, is_exempt
from qrstack_api.settings import ApiSettings
from qrstack_common.errors import ApiError
from qrstack_common.http import Handler
from qrstack_common.metrics import ApiMetrics

PUBLIC_PREFIXES = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/v1/openapi.json",
    "/v1/asyncapi.yaml",
    "/v1/docs",
    "/v1/status/",
    "/v1/billing/public",
    "/v1/billing/webhook",
    "/v1/files/",
)
# Writes here can revoke or narrow a key, lock or remove its issuer, or change a plan.
AUTHORITY_PREFIXES = (
    "/v1/api-keys",
    "/v1/workspaces",
    "/v1/invites",
    "/v1/billing",
    "/v1/me",
    "/console/",
)
_READS = frozenset(("GET", "HEAD", "OPTIONS"))
OPTIONAL_PREFIXES = ("/v1/generate", "/api/generate", "/v1/invites/")
PROTECTED_PREFIXES = ("/v1/", "/api/")

Requirement = Literal["none", "optional", "required"]

KEY_CACHE = web.AppKey("key_cache", KeyCache)

NEW_SESSION = web.RequestKey("new_session", NewSession)

_NO_CREDENTIAL = (
    "Send an API key ('Authorization: Bearer qr_…', 'X-API-Key' or '?apiKey='), "
    "'Authorization: Basic' with your email and password, or your sessionid cookie."
)


def requirement_of(path: str) -> Requirement:
    if path.startswith(PUBLIC_PREFIXES):
        return "none"
    if path.startswith(OPTIONAL_PREFIXES):
        return "optional"
    if path.startswith(PROTECTED_PREFIXES):
        return "required"
    return "none"


async def _authenticate(
    request: web.Request, settings: ApiSettings, address: IPAddress | None, *, required: bool
) -> Caller | None:
    credential = presented_credential(request.headers, request.query, request.cookies)
    if credential is None:
        if required:
            raise unauthorized(_NO_CREDENTIAL)
        return None
    workspace_id = requested_workspace(request.query)
    pool = request.app[POOL]
    if isinstance(credential, KeyCredential):
        keys = request.app[KEY_CACHE]
        return await key_caller(pool, keys, credential.secret, address, workspace_id)
    if isinstance(credential, PasswordCredential):
        sign_in = SignIn(settings, request.app[PASSWORDS], request.app[RATE_LIMITS].sign_ins)
        return await sign_in(pool, credential, address, workspace_id)
    return await session_caller(pool, credential.token, workspace_id)


def _after_write(request: web.Request, status: int) -> None:
    """Clear the key cache once a write that may change what a key can do succeeded."""
    if (
        status < 400
        and request.method not in _READS
        and request.path.startswith(AUTHORITY_PREFIXES)
    ):
        request.app[KEY_CACHE].clear()


def auth_middleware(settings: ApiSettings, metrics: ApiMetrics) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await _admitted(request, handler)
        except web.HTTPException as answer:  # a console form's redirect, say
            _after_write(request, answer.status)
            raise
        _after_write(request, response.status)
        return response

    async def _admitted(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_exempt(request.path):
            return await handler(request)
        limits = request.app[RATE_LIMITS]
        address = client_address(
            request.remote, request.headers.getall("X-Forwarded-For", []), settings.trusted_proxies
        )
        requirement = requirement_of(request.path)
        caller: Caller | None = None
        if requirement != "none":
            try:
                caller = await _authenticate(
                    request, settings, address, required=requirement == "required"
                )
            except ApiError as refused:
                metrics.auth_failures.labels(refused.code).inc()
                await limits.admit(request, address_subject(address), authenticated=False)
                raise
        if caller is None:
            await limits.admit(request, address_subject(address), authenticated=False)
            return await handler(request)
        principal = caller.principal
        request[PRINCIPAL] = principal
        if caller.new_session is not None:
            metrics.sessions_opened.inc()
            request[NEW_SESSION] = caller.new_session
        subject = caller_subject(key_id=principal.key_id, user_id=principal.user_id)
        await limits.admit(request, subject, authenticated=True)
        # The scope a handler documents in its @operation is the scope enforced, here, for
        # every route (handlers may still check finer rules themselves).
        declared = operation_of(request.match_info.handler)
        if declared is not None and declared.scope is not None:
            principal.require(declared.scope)
        return await handler(request)

    return middleware


async def session_cookie(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: hand out the session a Basic sign-in opened."""
    session = request.get(NEW_SESSION)
    if session is not None:
        response.headers.add("Set-Cookie", session.cookie())


def install_access(app: web.Application, settings: ApiSettings, metrics: ApiMetrics) -> None:
    """Add the access middleware, its response hooks and the contexts holding the password
    verifier and the rate limiter. Call after the cleanup context that opens the pool."""
    app[KEY_CACHE] = KeyCache()
    app.middlewares.append(auth_middleware(settings, metrics))
    app.on_response_prepare.append(rate_limit_headers)
    app.on_response_prepare.append(session_cookie)
    app.cleanup_ctx.append(password_verifier_context(settings))
    app.cleanup_ctx.append(rate_limits_context(settings, metrics))
