"""Signing in to and out of the console.

Sign-in checks the email and password with the API's own `SignIn` (Argon2id, the same
failure limits per email and per client address as Basic sign-ins), then hands the browser a
`sessionid` cookie: HttpOnly, SameSite=Lax, and Secure whenever the browser came over https.
The login form is protected by a double-submit CSRF token; sign-out by the session's token.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from qrstack_api.accounts.callers import SignIn
from qrstack_api.accounts.client_address import client_address
from qrstack_api.accounts.credentials import SESSION_COOKIE, PasswordCredential
from qrstack_api.accounts.passwords import PASSWORDS
from qrstack_api.accounts.sessions import close_session
from qrstack_api.console import csrf
from qrstack_api.console.client import WORKSPACE_COOKIE, session_token
from qrstack_api.console.pages import page, see_other
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.ratelimit.admission import RATE_LIMITS
from qrstack_common.errors import ApiError

routes = web.RouteTableDef()


def _next(raw: str | None) -> str:
    """Where to go after signing in: a console page, never another site."""
    if raw and raw.startswith("/console/") and not raw.startswith("/console//"):
        return raw
    return "/console/codes"


def _login_page(
    request: web.Request, *, error: str = "", email: str = "", status: int = 200
) -> web.Response:
    token = request.cookies.get(csrf.PRE_SESSION_COOKIE) or csrf.new_pre_session_token()
    response = page(
        request, "login.html", status=status, csrf=token, error=error, email=email,
        next=_next(request.query.get("next")), me=None, path=request.path,
    )  # fmt: skip
    response.set_cookie(
        csrf.PRE_SESSION_COOKIE, token, httponly=True, samesite="Strict", path="/console/",
        secure=csrf.is_secure(request),
    )  # fmt: skip
    return response


@routes.get("/console/login")
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


@routes.post("/console/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    csrf.check(str(form.get(csrf.FIELD, "")), request.cookies.get(csrf.PRE_SESSION_COOKIE))
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    if not email or not password:
        return _login_page(request, error="Enter your email and password.", email=email, status=400)
    settings = request.app[SETTINGS]
    address = client_address(
        request.remote, request.headers.getall("X-Forwarded-For", []), settings.trusted_proxies
    )
    sign_in = SignIn(settings, request.app[PASSWORDS], request.app[RATE_LIMITS].sign_ins)
    try:
        credential = PasswordCredential(email, password)
        caller = await sign_in(request.app[POOL], credential, address, None)
    except ApiError as refused:
        return _login_page(request, error=refused.detail, email=email, status=refused.status)
    session = caller.new_session
    assert session is not None  # a password sign-in always opens one
    response = see_other(_next(str(form.get("next", ""))))
    set_session_cookie(request, response, session.token)
    response.del_cookie(csrf.PRE_SESSION_COOKIE, path="/console/")
    # A new sign-in starts on the user's default workspace (another user may have signed
    # out of this browser with a workspace of theirs chosen).
    response.del_cookie(WORKSPACE_COOKIE, path="/console/")
    return response


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """The `sessionid` cookie: HttpOnly, SameSite=Lax, Secure whenever the browser came over
    https, for as long as the API keeps the session."""
    response.set_cookie(
        SESSION_COOKIE, token, max_age=request.app[SETTINGS].session_max_age_s, httponly=True,
        samesite="Lax", path="/", secure=csrf.is_secure(request),
    )  # fmt: skip


@routes.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    form = await request.post()
    token = session_token(request)
    csrf.check(str(form.get(csrf.FIELD, "")), csrf.session_csrf(token) if token else None)
    assert token is not None
    await close_session(request.app[POOL], token)
    response = see_other(f"/console/login?next={quote('/console/codes', safe='')}")
    response.del_cookie(SESSION_COOKIE, path="/")
    response.del_cookie(WORKSPACE_COOKIE, path="/console/")
    return response
