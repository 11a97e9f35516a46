"""The `sessionid` cookie a Basic sign-in hands out, attribute by attribute."""

from __future__ import annotations

from datetime import UTC, datetime
from http.cookies import SimpleCookie

from qrstack_api.accounts.secrets import looks_like_session_token, new_session_token
from qrstack_api.accounts.sessions import NewSession


def test_the_cookie_has_trakqrs_expiry_and_is_closed_to_scripts_and_other_sites() -> None:
    session = NewSession("tok3n", datetime(2012, 4, 28, 19, 33, 12, tzinfo=UTC), 1_209_600)
    header = session.cookie()
    assert header == (
        "sessionid=tok3n; expires=Sat, 28 Apr 2012 19:33:12 GMT; Max-Age=1209600; Path=/; "
        "HttpOnly; Secure; SameSite=Lax"
    )
    parsed = SimpleCookie()
    parsed.load(header)
    morsel = parsed["sessionid"]
    assert morsel.value == "tok3n" and morsel["httponly"] and morsel["secure"]
    assert morsel["samesite"] == "Lax" and morsel["max-age"] == "1209600"


def test_tokens_are_32_random_bytes_in_url_safe_text() -> None:
    tokens = {new_session_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) == 43 and looks_like_session_token(t) for t in tokens)
    assert not looks_like_session_token("x" * 42) and not looks_like_session_token("é" * 43)
