"""What a request presents to prove who it is, in every style the seed services use.

In order of precedence: `Authorization: Bearer <key>` or `Authorization: Basic <email:password>`
(also accepted as `HTTP_AUTHORIZATION`, the name TrakQR's documentation gives it), the
`X-API-Key` (`X-Api-Key`) header, the `?apiKey=` query parameter, the `sessionid` cookie.
The first one present is the credential; the others are not looked at. An `Authorization`
header of another scheme, or a Basic value that is not base64 of `email:password`, is 401.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from collections.abc import Mapping
from dataclasses import dataclass

from qrstack_common.errors import ApiError

SESSION_COOKIE = "sessionid"
CHALLENGE = 'Bearer realm="qrstack", Basic realm="qrstack", charset="UTF-8"'
MAX_EMAIL = 254  # RFC 5321 path limit
MAX_PASSWORD = 1024


@dataclass(frozen=True, slots=True)
class KeyCredential:
    secret: str


@dataclass(frozen=True, slots=True)
class PasswordCredential:
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class SessionCredential:
    token: str


Credential = KeyCredential | PasswordCredential | SessionCredential


def unauthorized(detail: str) -> ApiError:
    return ApiError("unauthorized", detail, headers={"WWW-Authenticate": CHALLENGE})


def basic_credential(encoded: str) -> PasswordCredential:
    """Decode a Basic value (RFC 7617, UTF-8). 401 when it is not base64 of `email:password`."""
    try:
        decoded = b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise unauthorized("The Basic credentials are not base64 of 'email:password'.") from None
    email, colon, password = decoded.partition(":")
    email = email.strip()
    if not colon or not email or not password:
        raise unauthorized("The Basic credentials are not base64 of 'email:password'.")
    if len(email) > MAX_EMAIL or len(password) > MAX_PASSWORD:
        raise unauthorized("Invalid email or password.")
    return PasswordCredential(email, password)


def presented_credential(
    headers: Mapping[str, str], query: Mapping[str, str], cookies: Mapping[str, str]
) -> Credential | None:
    """The credential the request presents, or None when it presents none."""
    # TrakQR documents its header by its CGI name, so some of its clients send it that way.
    authorization = (headers.get("Authorization") or headers.get("HTTP_AUTHORIZATION", "")).strip()
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return KeyCredential(value.strip())
        if scheme.lower() == "basic" and value.strip():
            return basic_credential(value)
        raise unauthorized("Use 'Authorization: Bearer qr_…' or 'Authorization: Basic …'.")
    secret = headers.get("X-API-Key") or query.get("apiKey")
    if secret:
        return KeyCredential(secret.strip())
    token = cookies.get(SESSION_COOKIE)
    if token:
        return SessionCredential(token)
    return None
