"""`If-None-Match` against an ETag, as every service's conditional GET reads it."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from qrstack_common.http import etag_matches


def _matches(if_none_match: str | None, etag: str) -> bool:
    headers = {} if if_none_match is None else {"If-None-Match": if_none_match}
    return etag_matches(make_mocked_request("GET", "/", headers=headers), etag)


def test_if_none_match_accepts_lists_weak_tags_and_star() -> None:
    etag = '"abc"'
    assert _matches('"x", W/"abc"', etag) and _matches("*", etag)
    assert not _matches('"abcd"', etag) and not _matches(None, etag)
