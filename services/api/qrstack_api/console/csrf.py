"""CSRF tokens for every console form.

A signed-in form carries `sha256("csrf:" + session token)`: only a page that knows the
HttpOnly session token (the server) can compute it, so another site cannot forge a form post,
and no server-side secret or storage is needed. Before sign-in the login form uses a
double-submit token: a random `console_csrf` cookie echoed in the form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

from qrstack_common.errors import ApiError

PRE_SESSION_COOKIE = "console_csrf"
FIELD = "csrf"


def session_csrf(session_token: str) -> str:
    return hashlib.sha256(b"qrstack-console-csrf:" + session_token.encode()).hexdigest()


def new_pre_session_token() -> str:
    return secrets.token_urlsafe(24)


def check(sent: str | None, expected: str | None) -> None:
    """403 `forbidden` unless the form's token equals the expected one."""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise ApiError("forbidden", "The form's CSRF token is missing or wrong; reload the page.")


def is_secure(request: web.Request) -> bool:
    """Whether the browser reached us over https (directly, or through a proxy that says so)."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
