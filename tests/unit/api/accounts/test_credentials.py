"""Reading the credential a request presents, in each seed service's style."""

from __future__ import annotations

import base64

import pytest

from qrstack_api.accounts.credentials import (
    KeyCredential,
    PasswordCredential,
    SessionCredential,
    presented_credential,
)
from qrstack_common.errors import ApiError

KEY = "qr_test_" + "a" * 32


def _basic(text: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(text.encode()).decode()}


@pytest.mark.parametrize(
    ("headers", "query", "cookies", "expected"),
    [
        ({"Authorization": f"Bearer {KEY}"}, {}, {}, KeyCredential(KEY)),
        ({"Authorization": f"bearer   {KEY} "}, {}, {}, KeyCredential(KEY)),
        ({"X-API-Key": KEY}, {}, {}, KeyCredential(KEY)),
        ({}, {"apiKey": KEY}, {}, KeyCredential(KEY)),
        ({}, {}, {"sessionid": "tok"}, SessionCredential("tok")),
        (_basic("ann@example.com:s3cret:with:colons"), {}, {},
         PasswordCredential("ann@example.com", "s3cret:with:colons")),
        (_basic("zoë@example.com:pässwörd"), {}, {},
         PasswordCredential("zoë@example.com", "pässwörd")),
        ({"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"a@b.c:pw").decode()}, {}, {},
         PasswordCredential("a@b.c", "pw")),
        ({}, {}, {}, None),
    ],
)  # fmt: skip
def test_each_style(
    headers: dict[str, str],
    query: dict[str, str],
    cookies: dict[str, str],
    expected: object,
) -> None:
    assert presented_credential(headers, query, cookies) == expected


def test_the_authorization_header_comes_first_then_headers_then_query_then_cookie() -> None:
    other = "qr_test_" + "b" * 32
    got = presented_credential(
        {"Authorization": f"Bearer {KEY}", "X-API-Key": other},
        {"apiKey": other},
        {"sessionid": "t"},
    )
    assert got == KeyCredential(KEY)
    assert presented_credential({"X-API-Key": KEY}, {"apiKey": other}, {}) == KeyCredential(KEY)
    assert presented_credential({}, {"apiKey": KEY}, {"sessionid": "t"}) == KeyCredential(KEY)


@pytest.mark.parametrize(
    "authorization",
    [
        "Digest username=ann",
        "Bearer",
        "Basic !!!",
        "Basic " + base64.b64encode(b"no-colon-here").decode(),
        "Basic " + base64.b64encode(b":password-without-email").decode(),
        "Basic " + base64.b64encode(b"ann@example.com:").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic " + base64.b64encode(b"ann@example.com:" + b"x" * 1025).decode(),
    ],
)
def test_unusable_authorization_is_401(authorization: str) -> None:
    with pytest.raises(ApiError) as caught:
        presented_credential({"Authorization": authorization}, {}, {})
    assert caught.value.code == "unauthorized"
    assert "Basic" in caught.value.headers["WWW-Authenticate"]
