"""Open redirects: every field that becomes a place a scanner is sent to takes only absolute
http(s) URLs with a real host. `javascript:`, `data:`, protocol-relative and backslash tricks
are refused at save with a 400 naming the field, and nothing is stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from support.attacker import Workspace

pytestmark = pytest.mark.infra

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/",
    "///evil.example/",
    "\\\\evil.example\\",
    "/\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "https:\\\\evil.example",
    "https:/\\evil.example",
    "https:///evil.example",
    "https://evil.example\\@good.example/",
    "https://good.example\\.evil.example/",
    "https://user:pass@evil.example/",
    "https://good.example@evil.example/",
    "http://exa mple.com/",
    "http://example.com/\r\nLocation: https://evil.example/",
    "/relative/path",
    "evil.example",
]

Save = Callable[[Workspace, str], Awaitable[tuple[int, Any, tuple[str, ...]]]]


async def _code(ws: Workspace, body: dict[str, Any]) -> tuple[int, Any]:
    answer = await ws.call("POST", "/v1/codes", body)
    return answer.status, answer.body


async def url_code_target(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    return (*await _code(ws, {"targetUrl": url}), ("targetUrl",))


async def url_code_fallback(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    body = {"targetUrl": "https://example.com/", "fallbackUrl": url}
    return (*await _code(ws, body), ("fallbackUrl",))


async def patched_target(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    code = await ws.ok("POST", "/v1/codes", {"targetUrl": "https://example.com/"}, 201)
    answer = await ws.call("PATCH", f"/v1/codes/{code['id']}", {"targetUrl": url})
    after = await ws.ok("GET", f"/v1/codes/{code['id']}")
    assert after["targetUrl"] == (url if answer.status == 200 else "https://example.com/")
    return answer.status, answer.body, ("targetUrl",)


async def rule_target(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    code = await ws.ok("POST", "/v1/codes", {"targetUrl": "https://example.com/"}, 201)
    body = {"type": "device", "condition": {"deviceIn": ["mobile"]}, "targetUrl": url}
    answer = await ws.call("POST", f"/v1/codes/{code['id']}/routing-rules", body)
    rules = await ws.ok("GET", f"/v1/codes/{code['id']}/routing-rules")
    assert len(rules["data"]) == (1 if answer.status == 201 else 0)
    return answer.status, answer.body, ("targetUrl",)


async def workspace_fallback(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    answer = await ws.call("PATCH", f"/v1/workspaces/{ws.id}", {"fallbackUrl": url})
    return answer.status, answer.body, ("fallbackUrl",)


async def app_store_links(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    body = {"type": "app-download", "appDownload": {"appName": "App", "iosUrl": url}}
    return (*await _code(ws, body), ("appDownload", "iosUrl"))


async def app_fallback(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    body = {"type": "app", "app": {"iosAppId": "284882215", "fallbackUrl": url}}
    return (*await _code(ws, body), ("app", "fallbackUrl"))


async def coupon_redirect(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    body = {"type": "coupon", "coupon": {"code": "SAVE10", "redirectUrl": url}}
    return (*await _code(ws, body), ("coupon", "redirectUrl"))


async def page_link(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    page = {"title": "Links", "items": [{"label": "Site", "url": url}]}
    body = {"type": "list-of-links", "listOfLinks": page}
    return (*await _code(ws, body), ("listOfLinks", "items", "0", "url"))


async def domain_not_found(ws: Workspace, url: str) -> tuple[int, Any, tuple[str, ...]]:
    body = {"host": "qr-never-saved.example.com", "notFoundUrl": url}
    answer = await ws.call("POST", "/v1/domains", body)
    return answer.status, answer.body, ("notFoundUrl",)


SAVES: list[Save] = [
    url_code_target,
    url_code_fallback,
    patched_target,
    rule_target,
    workspace_fallback,
    app_store_links,
    app_fallback,
    coupon_redirect,
    page_link,
    domain_not_found,
]


def _paths(body: Any) -> list[tuple[str, ...]]:
    return [tuple(str(part) for part in issue["path"]) for issue in body.get("issues", [])]


@pytest.mark.parametrize("save", SAVES, ids=lambda save: save.__name__)
async def test_every_redirect_target_refuses_every_trick(workspace: Workspace, save: Save) -> None:
    accepted: list[str] = []
    for url in HOSTILE:
        status, body, field = await save(workspace, url)
        if status != 400:
            accepted.append(f"{url!r} -> {status}")
            continue
        assert body["error"] == "validation_failed", body
        assert any(path[-len(field) :] == field for path in _paths(body)), (url, body)
    assert accepted == [], "accepted as a redirect target:\n" + "\n".join(accepted)
    codes = await workspace.ok("GET", "/v1/codes")
    assert all(code["targetUrl"] in (None, "https://example.com/") for code in codes["data"])


@pytest.mark.parametrize("save", SAVES, ids=lambda save: save.__name__)
async def test_every_redirect_target_takes_a_plain_https_url(
    workspace: Workspace, save: Save
) -> None:
    """The control: the same save with an ordinary URL is accepted."""
    status, body, _ = await save(workspace, "https://example.com/landing?utm=1")
    assert status in (200, 201), body
